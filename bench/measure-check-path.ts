/**
 * The per-Check path of a server without HTTP/2, in one process, for profiling and counting:
 * decodeCheckRequest → answerCheck (toAuthzRequest, the check span, the engine composed by
 * src/app/compose-check.ts exactly as `serve` composes it) → encodeCheckResponse.
 *
 *   node dist-bench/bench/measure-check-path.js KIND [--checks N] [--warm W] [config flags…]
 *
 * KIND is a bench request kind (unsigned, signed-ed25519, signed-p256, dpop, mtls, web-bot-auth);
 * config flags are the server's own (`--telemetry.metrics=false`, `--telemetry.decision-log=off`);
 * the decision log goes to a file in a temp dir unless a flag says otherwise, as a server's
 * stdout goes to a file under the bench. The requests are made, and the Web Bot Auth directory
 * served, by a child process (`--make`), so `valgrind --tool=callgrind` — which does not follow
 * children unless told — counts only the checks: instructions per check are
 * (I(W, N2) − I(W, N1)) / (N2 − N1), start-up and warm-up cancelling (docs/performance.md).
 * It prints the process CPU (all threads) per measured check; every check must be allowed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { composeCheck } from '../src/app/compose-check.js';
import { loadConfig } from '../src/config/load-config.js';
import { createSteadyClock } from '../src/lib/steady-clock.js';
import { answerCheck } from '../src/transport/grpc/answer-check.js';
import {
  decodeCheckRequest,
  encodeCheckRequest,
  encodeCheckResponse,
} from '../src/transport/grpc/check-codec.js';
import type { CheckRequestMessage } from '../src/transport/grpc/check-messages.js';
import { numberOption, readFrames } from './harness-options.js';
import { prepareRequests, type RequestKind } from './make-requests.js';
import { setUpSharedMaterial } from './shared-material.js';

const KINDS: readonly RequestKind[] = [
  'unsigned',
  'signed-ed25519',
  'signed-p256',
  'dpop',
  'mtls',
  'web-bot-auth',
];
/** Checks between two turns of the event loop, so the decision log's writes happen as in a server. */
const YIELD_EVERY = 16;

const args = process.argv.slice(2);
if (args[0] === '--make')
  await makeRequests(args[1] as RequestKind, Number(args[2]), String(args[3]));
else await measure(args);

/** Child: writes DIR/requests.bin (4-byte length, message) and DIR/config.json, then serves. */
async function makeRequests(kind: RequestKind, count: number, dir: string): Promise<void> {
  const shared = await setUpSharedMaterial(dir);
  const prepared = prepareRequests(kind, shared.material);
  shared.publish(prepared.directoryKeys);
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i += 1) {
    const bytes = encodeCheckRequest(prepared.next() as CheckRequestMessage);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    frames.push(length, Buffer.from(bytes));
  }
  writeFileSync(join(dir, 'requests.bin'), Buffer.concat(frames));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(prepared.config));
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    shared.close();
    process.exit(0);
  });
}

async function measure(argv: readonly string[]): Promise<void> {
  const kind = argv[0] as RequestKind;
  if (!KINDS.includes(kind)) throw new Error(`KIND: one of ${KINDS.join(', ')}`);
  const checks = numberOption(argv, '--checks', 5000);
  const warm = numberOption(argv, '--warm', 3000);
  const flags = argv
    .slice(1)
    .filter((a, i, all) => a !== '--' && !isOption(a) && !isOption(all[i - 1] ?? ''));
  const dir = mkdtempSync(join(tmpdir(), 'check-path-'));
  const maker = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), '--make', kind, String(warm + checks), dir],
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
      // Under callgrind a run outlives the default windows and deadline: requests signed at the
      // start would expire, checks would pass limits.checkTimeout. The deadline is still armed.
      '--limits.check-timeout=600s',
      '--signatures.max-age=3600s',
      '--tokens.dpop.max-age=3600s',
      '--resolver.timeout=120s',
      '--resolver.max-wait=120s',
      ...(hasLogFlag ? [] : [`--telemetry.decision-log=${join(dir, 'decisions.log')}`]),
      ...flags,
    ],
  });
  const logger = pino({ level: 'warn' });
  const composed = await composeCheck(config, { logger, clock: createSteadyClock({}) });
  const noCallHeader = (): undefined => undefined;
  let denied = 0;
  const run = async (from: number, to: number): Promise<void> => {
    for (let i = from; i < to; i += 1) {
      const message = decodeCheckRequest(requests[i] as Buffer);
      const response = await answerCheck(composed.check, message, noCallHeader);
      encodeCheckResponse(response);
      if (response.status.code !== 0) denied += 1;
      if (i % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await run(0, warm);
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  await run(warm, warm + checks);
  const cpu = process.cpuUsage(cpuBefore);
  const wallMicros = Number(process.hrtime.bigint() - wallBefore) / 1000;
  await composed.close();
  maker.stdin.end();
  rmSync(dir, { recursive: true, force: true });
  const per = (micros: number): string => (micros / checks).toFixed(1);
  process.stdout.write(
    `${kind}: ${checks} checks after ${warm} warm-up; CPU ${per(cpu.user + cpu.system)} µs/check ` +
      `(user ${per(cpu.user)}, system ${per(cpu.system)}), wall ${per(wallMicros)} µs/check\n`,
  );
  if (denied > 0) {
    process.stderr.write(`${denied} checks were denied\n`);
    process.exit(1);
  }
}

function isOption(arg: string): boolean {
  return arg === '--checks' || arg === '--warm';
}
