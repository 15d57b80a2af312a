import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface BenchOptions {
  readonly short: boolean;
  /** Checkouts whose bin/agent-authz.js is measured, side by side, windows interleaved. */
  readonly serverDirs: readonly string[];
  readonly only: readonly string[] | undefined;
  readonly jsonFile: string | undefined;
  /** Extra node arguments for agent-authz servers (e.g. --cpu-prof). */
  readonly serverNodeArgs: readonly string[];
  readonly rounds: number;
  readonly windowSeconds: number;
  readonly latencyRounds: number;
  readonly latencySeconds: number;
  readonly warmupSeconds: number;
  readonly warmupChecks: number;
  readonly verifySeconds: number;
  readonly concurrency: number;
  readonly connections: number;
  /** Decode every n-th response to see it was allowed. */
  readonly sampleEvery: number;
  readonly pin: boolean;
}

const USAGE = `npm run bench -- [--short] [--json FILE] [--only a,b] [--server-dir DIR]...
  [--server-node-arg ARG]... [--rounds N] [--window S] [--latency-window S] [--concurrency N]
  [--connections N] [--warmup S] [--warmup-checks N] [--no-pin]`;

export function parseBenchOptions(argv: readonly string[], benchRoot: string): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      short: { type: 'boolean', default: false },
      'server-dir': { type: 'string', multiple: true },
      only: { type: 'string' },
      json: { type: 'string' },
      'server-node-arg': { type: 'string', multiple: true },
      rounds: { type: 'string' },
      window: { type: 'string' },
      'latency-window': { type: 'string' },
      concurrency: { type: 'string', default: '48' },
      connections: { type: 'string', default: '2' },
      warmup: { type: 'string' },
      'warmup-checks': { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const short = values.short === true;
  const number = (text: string | undefined, fallback: number) =>
    text === undefined ? fallback : Number(text);
  return {
    short,
    serverDirs: (values['server-dir'] ?? [benchRoot]).map((dir) => resolve(dir)),
    only: values.only?.split(','),
    jsonFile: values.json,
    serverNodeArgs: values['server-node-arg'] ?? [],
    rounds: number(values.rounds, short ? 1 : 4),
    windowSeconds: number(values.window, short ? 0.5 : 2),
    latencyRounds: short ? 1 : 2,
    latencySeconds: number(values['latency-window'], short ? 0.5 : 2),
    warmupSeconds: number(values.warmup, short ? 1 : 4),
    warmupChecks: number(values['warmup-checks'], short ? 300 : 3000),
    verifySeconds: short ? 0.3 : 2,
    concurrency: Number(values.concurrency),
    connections: Number(values.connections),
    sampleEvery: short ? 1 : 16,
    pin: values['no-pin'] !== true,
  };
}
