/**
 * Runs N signed Ed25519 checks through the engine both transports call, in one process, with the
 * telemetry of one mode, so `valgrind --tool=callgrind` can count the instructions they take:
 * - `default`: metrics on, the decision log to a file in a temp dir, no OpenTelemetry SDK;
 * - `off`: `telemetry.metrics: false`, `telemetry.decisionLog: off`, no SDK;
 * - `sign`: the `off` engine built and the requests signed, no check run — signing is N-dependent
 *   too, so its difference is subtracted from each mode's.
 * The requests (did:key agent, unique nonces, the memory store) are signed before the checks.
 * Instructions per check = (I(4000) − I(2000)) / 2000 cancels start-up (docs/observability.md).
 * `node dist-bench/bench/count-telemetry-instructions.js default|off|sign N`
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { generateAgentKey, signRequest } from '../src/agent/index.js';
import { composeCheck } from '../src/app/compose-check.js';
import { loadConfig } from '../src/config/load-config.js';
import type { AuthzRequest } from '../src/request/authz-request.js';
import { authzRequestOf } from '../test/support/authz-request-of.js';

const [mode, countText] = process.argv.slice(2);
if (mode !== 'default' && mode !== 'off' && mode !== 'sign') {
  throw new Error('mode: default | off | sign');
}
const count = Number(countText ?? 2000);
if (!Number.isInteger(count) || count < 1) throw new Error('N: a positive integer');

const directory = mkdtempSync(join(tmpdir(), 'telemetry-instructions-'));
const flags =
  mode === 'default'
    ? [`--telemetry.decision-log=${join(directory, 'decisions.log')}`]
    : ['--telemetry.decision-log=off', '--telemetry.metrics=false'];
const config = loadConfig({ env: {}, flags });
const logger = pino({ level: 'warn' });
// Composed as `serve` composes it: the store instrumented when counting, the traffic ring fed.
const composed = await composeCheck(config, { logger, clock: () => Date.now(), env: {} });
const engine = composed.check;

const key = generateAgentKey();
const url = 'https://api.example.com/orders?page=2';
const created = Math.floor(Date.now() / 1000);
const requests: AuthzRequest[] = Array.from({ length: count }, () => {
  const headers = { 'agent-purpose': 'inventory' };
  const signature = signRequest({ method: 'GET', url, headers, key, created });
  return authzRequestOf({ method: 'GET', url, headers: { ...headers, ...signature } });
});

let allowed = mode === 'sign' ? count : 0;
for (const request of mode === 'sign' ? [] : requests) {
  if ((await engine(request)).allowed) allowed += 1;
}
await composed.close();
const logged =
  mode === 'default'
    ? readFileSync(join(directory, 'decisions.log'), 'utf8').split('\n').length - 1
    : count;
rmSync(directory, { recursive: true, force: true });
if (logged !== count) throw new Error(`${logged} decision lines for ${count} checks`);
if (allowed !== count) throw new Error(`${count - allowed} of ${count} checks were denied`);
process.stdout.write(`${mode}: ${count} checks allowed\n`);
