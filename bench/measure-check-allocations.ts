/**
 * Allocation and GC per check on the in-process check path (the loop of measure-check-path.ts:
 * decodeCheckRequest → answerCheck → encodeCheckResponse, the engine composed as `serve`
 * composes it), over the measured checks only:
 *
 *   node [V8 flags] dist-bench/bench/measure-check-allocations.js KIND [--checks N] [--warm W]
 *        [--sample BYTES] [config flags…]
 *
 * Prints bytes allocated and promoted per check, GCs and their main-thread ms per 1000 checks,
 * CPU per check of the main thread and of the other threads (GC helpers, compiler), and with
 * `--sample BYTES` the allocation sites (sampling heap profiler, an average of one sample every
 * BYTES) in bytes per check. Sampling slows the checks: read CPU from a run without it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { composeCheck } from '../src/app/compose-check.js';
import { loadConfig } from '../src/config/load-config.js';
import { createSteadyClock } from '../src/lib/steady-clock.js';
import { answerCheck } from '../src/transport/grpc/answer-check.js';
import { decodeCheckRequest, encodeCheckResponse } from '../src/transport/grpc/check-codec.js';
import { readFrames } from './harness-options.js';
import { benchScript } from './paths.js';
import { printGcWindow } from './print-gc-window.js';
import { watchGcWindow } from './watch-gc-window.js';

/** As in measure-check-path.ts: the decision log's writes happen between turns of the loop. */
const YIELD_EVERY = 16;

const argv = process.argv.slice(2);
const kind = argv[0] ?? '';
const checks = option('--checks', 5000);
const warm = option('--warm', 3000);
const sampleEvery = argv.includes('--sample') ? option('--sample', 0) : undefined;
const flags = argv.slice(1).filter((a, i, all) => !isOption(a) && !isOption(all[i - 1] ?? ''));

const dir = mkdtempSync(join(tmpdir(), 'check-allocations-'));
// measure-check-path's own request maker: the same requests, made outside this process.
const maker = spawn(
  process.execPath,
  [benchScript('measure-check-path'), '--make', kind, String(warm + checks), dir],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
await new Promise<void>((resolve, reject) => {
  maker.stdout.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('ready')) resolve();
  });
  maker.once('exit', (code) => reject(new Error(`request maker exited ${code}`)));
});
const requests = readFrames(readFileSync(join(dir, 'requests.bin')));
const hasLogFlag = flags.some((f) => f.startsWith('--telemetry.decision-log'));
const config = loadConfig({
  file: join(dir, 'config.json'),
  env: {},
  flags: [
    '--log.level=warn',
    ...(hasLogFlag ? [] : [`--telemetry.decision-log=${join(dir, 'decisions.log')}`]),
    ...flags,
  ],
});
const composed = await composeCheck(config, {
  logger: pino({ level: 'warn' }),
  clock: createSteadyClock({}),
});
let denied = 0;
const run = async (from: number, to: number): Promise<void> => {
  for (let i = from; i < to; i += 1) {
    const message = decodeCheckRequest(requests[i] as Buffer);
    const response = await answerCheck(composed.check, message, () => undefined);
    encodeCheckResponse(response);
    if (response.status.code !== 0) denied += 1;
    if (i % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
  }
};
await run(0, warm);
const stop = await watchGcWindow(
  sampleEvery === undefined ? {} : { sampleEveryBytes: sampleEvery },
);
await run(warm, warm + checks);
const report = await stop();
await composed.close();
maker.stdin.end();
rmSync(dir, { recursive: true, force: true });
printGcWindow(`${kind} in process`, report, checks);
if (denied > 0) {
  process.stderr.write(`${denied} checks were denied\n`);
  process.exit(1);
}

function isOption(arg: string): boolean {
  return arg === '--checks' || arg === '--warm' || arg === '--sample';
}

function option(name: string, fallback: number): number {
  const at = argv.indexOf(name);
  if (at === -1) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: a positive integer`);
  return value;
}
