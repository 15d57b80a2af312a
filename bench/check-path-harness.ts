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
import type { RequestKind } from './make-requests.js';
import { benchScript } from './paths.js';

/** Checks between two turns of the event loop, so the decision log's writes happen as in a server. */
const YIELD_EVERY = 16;

/** The in-process check path over requests made by a child process, ready to run. */
export interface CheckPath {
  /** Runs requests [from, to): decode → answerCheck → encode, yielding every 16 checks. */
  run(from: number, to: number): Promise<void>;
  /** Checks answered with anything but OK so far. */
  denied(): number;
  /** Closes the engine's store and sinks, stops the request maker, removes the temp dir. */
  close(): Promise<void>;
}

/**
 * `count` requests of `kind`, made (and the Web Bot Auth directory served) by
 * `measure-check-path.js --make` in a child process — which callgrind does not follow — and the
 * engine composed by compose-check as `serve` composes it, with the server config `flags`. The
 * decision log goes to a file in the temp dir unless a flag says otherwise. The windows a slow
 * (valgrind) run would outlive are widened; the deadline is still armed.
 */
export async function openCheckPath(
  kind: RequestKind,
  count: number,
  flags: readonly string[],
): Promise<CheckPath> {
  const dir = mkdtempSync(join(tmpdir(), 'check-path-'));
  const maker = spawn(
    process.execPath,
    [benchScript('measure-check-path'), '--make', kind, String(count), dir],
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
      '--limits.check-timeout=600s',
      '--signatures.max-age=3600s',
      '--tokens.dpop.max-age=3600s',
      '--resolver.timeout=120s',
      '--resolver.max-wait=120s',
      ...(hasLogFlag ? [] : [`--telemetry.decision-log=${join(dir, 'decisions.log')}`]),
      ...flags,
    ],
  });
  const composed = await composeCheck(config, {
    logger: pino({ level: 'warn' }),
    clock: createSteadyClock({}),
  });
  const noCallHeader = (): undefined => undefined;
  let denied = 0;
  return {
    run: async (from, to) => {
      for (let i = from; i < to; i += 1) {
        const message = decodeCheckRequest(requests[i] as Buffer);
        const response = await answerCheck(composed.check, message, noCallHeader);
        encodeCheckResponse(response);
        if (response.status.code !== 0) denied += 1;
        if (i % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    },
    denied: () => denied,
    close: async () => {
      await composed.close();
      maker.stdin.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
