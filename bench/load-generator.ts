/**
 * The load generator process (pinned to its own core): builds pre-encoded, unique
 * CheckRequests with the project's SDK, sends them over raw HTTP/2, and measures each window —
 * the server's CPU and RSS from /proc, and its own event-loop delay. Driven over IPC by
 * run-bench.
 */
import { performance } from 'node:perf_hooks';
import { encodeCheckFrame } from './check-messages.js';
import {
  GrpcLoad,
  type LoadTally,
  runClosedLoop,
  runOpenLoop,
  watchEventLoop,
} from './drive-load.js';
import type { GeneratorCommand, WindowResult } from './generator-protocol.js';
import { type PreparedRequests, prepareRequests } from './make-requests.js';
import { processTree, treeCpuSeconds, treeRssBytes } from './proc-stats.js';
import { percentile } from './statistics.js';

/** Requests that may be sent again are built once, up to this many, and cycled. */
const POOL_SIZE = 20_000;
/** Expected checks per second before a closed-loop window has been run. */
const FIRST_GUESS_RATE = 4_000;

interface Instance {
  readonly requests: PreparedRequests;
  frames: Buffer[];
  load?: GrpcLoad;
  pid?: number;
  lastRate: number;
}

const instances = new Map<string, Instance>();

function instance(name: string): Instance {
  const found = instances.get(name);
  if (found === undefined) throw new Error(`no prepared instance ${name}`);
  return found;
}

/** Frames for the next window: new ones when requests are replay-protected, else a pool. */
function stock(target: Instance, count: number): Iterator<Buffer> {
  if (target.requests.fresh) {
    target.frames = [];
    while (target.frames.length < count)
      target.frames.push(encodeCheckFrame(target.requests.next()));
    return target.frames.values();
  }
  while (target.frames.length < Math.min(count, POOL_SIZE))
    target.frames.push(encodeCheckFrame(target.requests.next()));
  const frames = target.frames;
  let index = 0;
  return { next: () => ({ done: false, value: frames[index++ % frames.length]! }) };
}

function limit(frames: Iterator<Buffer>, count: number | undefined): Iterator<Buffer> {
  if (count === undefined) return frames;
  let left = count;
  return { next: () => (left-- > 0 ? frames.next() : { done: true, value: undefined }) };
}

async function runWindow(
  command: Extract<GeneratorCommand, { op: 'window' }>,
): Promise<WindowResult> {
  const target = instance(command.instance);
  if (target.load === undefined || target.pid === undefined) throw new Error('not connected');
  const expected =
    command.mode === 'closed'
      ? (command.maxChecks ??
        Math.ceil(target.lastRate * command.seconds * 1.5) + command.concurrency)
      : Math.ceil(command.rate * command.seconds) + 1;
  const frames = limit(
    stock(target, expected),
    command.mode === 'closed' ? command.maxChecks : undefined,
  );
  const ownCpu = process.cpuUsage();
  const stopWatching = watchEventLoop();
  // The whole tree: with --workers N the checks are answered by the supervisor's children.
  const pids = processTree(target.pid);
  const cpuBefore = treeCpuSeconds(pids);
  const started = performance.now();
  const tally: LoadTally =
    command.mode === 'closed'
      ? await runClosedLoop(target.load, frames, command)
      : await runOpenLoop(target.load, frames, command);
  const seconds = (performance.now() - started) / 1000;
  const serverCpuSeconds = treeCpuSeconds(pids) - cpuBefore;
  const eventLoop = stopWatching();
  const generator = process.cpuUsage(ownCpu);
  if (command.mode === 'closed') target.lastRate = tally.completed / seconds;
  return {
    checks: tally.completed,
    seconds,
    serverCpuSeconds,
    serverRssBytes: treeRssBytes(pids),
    generatorCpuSeconds: (generator.user + generator.system) / 1e6,
    denied: tally.denied,
    failed: tally.failed,
    ...(tally.firstProblem === undefined ? {} : { firstProblem: tally.firstProblem }),
    eventLoop,
    ...(command.mode === 'open' ? { latencyMs: latencySummary(tally.latenciesMs) } : {}),
  };
}

function latencySummary(values: number[]): WindowResult['latencyMs'] {
  const sorted = Float64Array.from(values).sort();
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}

async function handle(command: GeneratorCommand): Promise<unknown> {
  switch (command.op) {
    case 'prepare': {
      const requests = prepareRequests(command.kind, command.shared);
      instances.set(command.instance, { requests, frames: [], lastRate: FIRST_GUESS_RATE });
      return { config: requests.config, directoryKeys: requests.directoryKeys };
    }
    case 'connect': {
      const target = instance(command.instance);
      target.load = new GrpcLoad(command.port, command.connections);
      target.pid = command.pid;
      return {};
    }
    case 'window':
      return runWindow(command);
    case 'exit':
      for (const each of instances.values()) each.load?.close();
      setImmediate(() => process.exit(0));
      return {};
  }
}

process.on('message', (message: { id: number; command: GeneratorCommand }) => {
  handle(message.command).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
  );
});
