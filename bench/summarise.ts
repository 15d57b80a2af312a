import type { WindowResult } from './generator-protocol.js';
import type { Measured } from './measure-windows.js';
import type { FloorName } from './scenarios.js';
import type { Instance } from './start-instances.js';
import { median } from './statistics.js';

/** The CPU share of a target: the scenario should cost at most floor / TARGET_SHARE. */
export const TARGET_SHARE = 0.85;
/** p99 at half of saturation may exceed the no-op server's at the same rate by this much. */
export const P99_ALLOWANCE_MS = 2;

export interface ScenarioResult {
  readonly name: string;
  readonly description: string;
  readonly checkout?: string;
  readonly status: 'ok' | 'n/a' | 'failed';
  readonly note?: string;
  readonly checksPerSecond?: number;
  readonly cpuMicrosPerCheck?: number;
  /** Each saturation window's figure, in round order, to see the spread. */
  readonly cpuMicrosPerWindow?: readonly number[];
  /** Median server CPU / wall time in the saturation windows (1 = the core was busy). */
  readonly serverCoreShare?: number;
  readonly generatorCoreShare?: number;
  readonly floorMicros?: number;
  readonly floorParts?: Readonly<Record<string, number>>;
  readonly ratioToFloor?: number;
  readonly targetMicros?: number;
  readonly latency?: {
    readonly rate: number;
    readonly p50Ms: number;
    readonly p90Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
    readonly noopP99Ms?: number;
    readonly generatorLoopDelayP99Ms: number;
    readonly generatorLoopDelayMaxMs: number;
  };
  readonly maxRssMb?: number;
}

const cpuMicros = (w: WindowResult) => (w.serverCpuSeconds / Math.max(1, w.checks)) * 1e6;

/** Medians over the windows, and each agent-authz scenario against the sum of its floors. */
export function summarise(
  measured: Map<Instance, Measured>,
  unavailable: readonly Instance[],
  floors: Readonly<Record<Exclude<FloorName, 'noop-grpc'>, number>>,
): ScenarioResult[] {
  const noop = [...measured].find(([i]) => i.scenario.server === 'noop-grpc');
  const noopMicros = noop === undefined ? Number.NaN : median(noop[1].closed.map(cpuMicros));
  const floorValue = (name: FloorName) => (name === 'noop-grpc' ? noopMicros : floors[name]);
  const results: ScenarioResult[] = [];
  for (const [instance, m] of measured) {
    const all = [...m.closed, ...m.open];
    const problem = all.find((w) => w.denied > 0 || w.failed > 0);
    const cpu = median(m.closed.map(cpuMicros));
    const parts = Object.fromEntries(instance.scenario.floors.map((f) => [f, floorValue(f)]));
    const floor = instance.scenario.floors.length === 0 ? undefined : sum(Object.values(parts));
    results.push({
      ...identity(instance),
      status: problem === undefined ? 'ok' : 'failed',
      ...(problem === undefined ? {} : { note: problem.firstProblem ?? 'denied or failed' }),
      checksPerSecond: median(m.closed.map((w) => w.checks / w.seconds)),
      cpuMicrosPerCheck: cpu,
      cpuMicrosPerWindow: m.closed.map(cpuMicros),
      serverCoreShare: median(m.closed.map((w) => w.serverCpuSeconds / w.seconds)),
      generatorCoreShare: median(m.closed.map((w) => w.generatorCpuSeconds / w.seconds)),
      ...(floor === undefined
        ? {}
        : {
            floorMicros: floor,
            floorParts: parts,
            ratioToFloor: cpu / floor,
            targetMicros: floor / TARGET_SHARE,
          }),
      ...(m.open.length === 0 ? {} : { latency: latency(m) }),
      maxRssMb: Math.max(...all.map((w) => w.serverRssBytes)) / 2 ** 20,
    });
  }
  for (const instance of unavailable) {
    results.push({ ...identity(instance), status: 'n/a', note: instance.unavailable ?? 'n/a' });
  }
  return results;
}

function identity(instance: Instance) {
  return {
    name: instance.name,
    description: instance.scenario.description,
    ...(instance.checkout === undefined ? {} : { checkout: instance.checkout.label }),
  };
}

function latency(m: Measured): NonNullable<ScenarioResult['latency']> {
  const of = (pick: (l: NonNullable<WindowResult['latencyMs']>) => number, windows = m.open) =>
    median(windows.map((w) => pick(w.latencyMs!)));
  return {
    rate: m.rate!,
    p50Ms: of((l) => l.p50),
    p90Ms: of((l) => l.p90),
    p99Ms: of((l) => l.p99),
    maxMs: Math.max(...m.open.map((w) => w.latencyMs!.max)),
    ...(m.noopAtRate.length === 0 ? {} : { noopP99Ms: of((l) => l.p99, m.noopAtRate) }),
    generatorLoopDelayP99Ms: Math.max(...m.open.map((w) => w.eventLoop.p99Ms)),
    generatorLoopDelayMaxMs: Math.max(...m.open.map((w) => w.eventLoop.maxMs)),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
