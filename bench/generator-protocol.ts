import type { RequestKind, SharedMaterial } from './make-requests.js';

/** What run-bench asks the load generator to do (one IPC message each, one reply each). */
export type GeneratorCommand =
  | { op: 'prepare'; instance: string; kind: RequestKind; shared: SharedMaterial }
  | { op: 'connect'; instance: string; port: number; pid: number; connections: number }
  | {
      op: 'window';
      instance: string;
      mode: 'closed';
      seconds: number;
      concurrency: number;
      /** Stop after this many checks even if `seconds` have not passed (warm-up). */
      maxChecks?: number;
      sampleEvery: number;
    }
  | {
      op: 'window';
      instance: string;
      mode: 'open';
      seconds: number;
      rate: number;
      sampleEvery: number;
    }
  | { op: 'exit' };

/** One measurement window, as the generator measured it. */
export interface WindowResult {
  readonly checks: number;
  readonly seconds: number;
  /** utime + stime of the server process over the window. */
  readonly serverCpuSeconds: number;
  readonly serverRssBytes: number;
  readonly generatorCpuSeconds: number;
  readonly denied: number;
  readonly failed: number;
  readonly firstProblem?: string;
  /** The generator's own event-loop delay: its stalls are not the server's. */
  readonly eventLoop: { p99Ms: number; maxMs: number };
  readonly latencyMs?: { p50: number; p90: number; p99: number; max: number };
}

export interface PrepareResult {
  readonly config: Record<string, unknown>;
  readonly directoryKeys: readonly object[];
}
