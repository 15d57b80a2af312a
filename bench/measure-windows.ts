import type { BenchOptions } from './bench-options.js';
import type { GeneratorClient } from './generator-client.js';
import type { WindowResult } from './generator-protocol.js';
import type { Instance } from './start-instances.js';
import { median } from './statistics.js';

/** Every window measured for one instance. */
export interface Measured {
  readonly closed: WindowResult[];
  readonly open: WindowResult[];
  /** The no-op grpc-js server at this instance's latency rate, windows interleaved. */
  readonly noopAtRate: WindowResult[];
  rate?: number;
}

/**
 * Warm-up, then saturation rounds (each round one closed-loop window per instance, so a noisy
 * spell on the shared machine hits every scenario alike), then latency rounds at half of each
 * instance's saturation, each followed by the no-op server at the same rate.
 */
export async function measureWindows(
  instances: readonly Instance[],
  generator: GeneratorClient,
  options: BenchOptions,
  progress: (line: string) => void,
): Promise<Map<Instance, Measured>> {
  const measured = new Map(
    instances.map((i) => [i, { closed: [], open: [], noopAtRate: [] } as Measured]),
  );
  const noop = instances.find((i) => i.scenario.server === 'noop-grpc');
  const closed = (instance: Instance, seconds: number, maxChecks?: number) =>
    generator.window({
      op: 'window',
      instance: instance.name,
      mode: 'closed',
      seconds,
      concurrency: options.concurrency,
      sampleEvery: options.sampleEvery,
      ...(maxChecks === undefined ? {} : { maxChecks }),
    });
  const open = (instance: Instance, rate: number) =>
    generator.window({
      op: 'window',
      instance: instance.name,
      mode: 'open',
      seconds: options.latencySeconds,
      rate,
      sampleEvery: options.sampleEvery,
    });
  progress('warm-up');
  // Until the JIT has seen enough calls: a count, bounded in time, since a starved server
  // answers few calls per second.
  for (const instance of instances)
    await closed(instance, options.warmupSeconds, options.warmupChecks);
  for (let round = 1; round <= options.rounds; round++) {
    progress(`saturation round ${round}/${options.rounds}`);
    for (const instance of instances)
      measured.get(instance)!.closed.push(await closed(instance, options.windowSeconds));
  }
  for (const [, m] of measured)
    m.rate = Math.max(10, Math.round(median(m.closed.map((w) => w.checks / w.seconds)) / 2));
  for (let round = 1; round <= options.latencyRounds; round++) {
    progress(`latency round ${round}/${options.latencyRounds} (open loop at half of saturation)`);
    for (const instance of instances) {
      const m = measured.get(instance)!;
      m.open.push(await open(instance, m.rate!));
      if (noop !== undefined && instance !== noop) m.noopAtRate.push(await open(noop, m.rate!));
    }
  }
  return measured;
}
