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
import { createEngine } from '../src/app/create-engine.js';
import { createStore } from '../src/app/create-store.js';
import { instrumentStore } from '../src/app/instrument-store.js';
import { openPolicy } from '../src/app/open-policy.js';
import { startTelemetry } from '../src/app/start-telemetry.js';
import { loadConfig } from '../src/config/load-config.js';
import { createNetworkResolvers } from '../src/keys/create-network-resolvers.js';
import type { AuthzRequest } from '../src/request/authz-request.js';
import { feedTraffic } from '../src/telemetry/feed-traffic.js';
import { createTrafficRing } from '../src/telemetry/traffic-ring.js';
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
const rawStore = await createStore(config, logger);
const policy = openPolicy(config, logger);
const network = createNetworkResolvers(config.resolver, {
  clock: () => Date.now(),
  maxEntries: config.keys.cacheSize,
  clockSkewMs: config.signatures.clockSkew,
});
const telemetry = await startTelemetry(
  config,
  {
    replayEntries: () => rawStore.replay.size(),
    storeInFlight: () => rawStore.inFlight(),
    fetchCounters: network.counters,
    policyReloads: policy.source.reloads,
  },
  { logger, env: {} },
);
// As src/app/start-app.ts wires it: the store instrumented when counting, the traffic ring fed.
const store = telemetry.counting ? instrumentStore(rawStore, telemetry.metrics) : rawStore;
const recordCheck = feedTraffic(telemetry.recordCheck, createTrafficRing(), () => Date.now());
const engine = createEngine(
  config,
  {
    store,
    policy: () => policy.source.current(),
    network,
    telemetry: { ...telemetry, recordCheck },
  },
  { logger },
);

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
policy.source.close();
await store.close();
await telemetry.close();
const logged =
  mode === 'default'
    ? readFileSync(join(directory, 'decisions.log'), 'utf8').split('\n').length - 1
    : count;
rmSync(directory, { recursive: true, force: true });
if (logged !== count) throw new Error(`${logged} decision lines for ${count} checks`);
if (allowed !== count) throw new Error(`${count - allowed} of ${count} checks were denied`);
process.stdout.write(`${mode}: ${count} checks allowed\n`);
