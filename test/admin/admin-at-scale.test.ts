import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryStore } from '../../src/store/store.js';
import { admin } from '../support/admin-client.js';
import { cloneRedisAgent, recordAgents, SCALE_WORKLOAD } from '../support/fill-agent-history.js';
import { type OwnRedis, startOwnRedis } from '../support/redis-server.js';
import { uniquePrefix, untilReady } from '../support/redis-test-store.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { keepChecking, Requests } from '../support/timed-admin-requests.js';

const AGENTS = 100_000;
const ROUTE_BUDGET_MS = 100;
const STALL_BUDGET_MS = 50;
/**
 * Wall-clock bounds on a shared machine: another process's burst can delay any event loop for
 * tens of milliseconds (checks alone, with no admin request, have shown 60 ms here), so a run
 * may be tried again. Work that grows with the history fails every try.
 */
const TIMING = { timeout: 60_000, retry: 2 };
const TOKEN = 'admin-token-for-scale-tests-0123';
/** Spread over the id range, so a filtered walk must cross the whole history to find them. */
const QUARANTINED = [7, 50_003, 99_998];
const agentId = (i: number) => `did:key:zScale${String(i).padStart(6, '0')}`;

const dir = mkdtempSync(join(tmpdir(), 'agent-authz-scale-'));
const policyFile = join(dir, 'policy.yaml');
writeFileSync(
  policyFile,
  `agents:\n  - { id: "${agentId(1)}", owner: team-billing }\n  - { id: "did:key:*" }\n`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ids = Array.from({ length: AGENTS }, (_, i) => agentId(i));

async function quarantine(history: HistoryStore, atMs: number): Promise<void> {
  for (const i of QUARANTINED) {
    const drift = { atMs, from: SCALE_WORKLOAD, to: 'spiffe://cluster.local/ns/other/sa/x' };
    await history.recordDrift(agentId(i), drift, true);
  }
}

/**
 * Every route once; the traffic page's first 1000 agents; and a filtered walk across the whole
 * history by `next` cursor, which must find exactly the quarantined agents.
 */
async function everyRoute(requests: Requests): Promise<void> {
  const one = encodeURIComponent(agentId(QUARANTINED[0]!));
  for (const path of [
    '/',
    '/assets/traffic-page.js',
    '/healthz',
    '/readyz',
    '/metrics',
    '/v1/policy',
    '/v1/admin',
    '/v1/traffic?window=24h',
    '/v1/revocations',
    `/v1/agents/${one}`,
    '/v1/agents?limit=1&owner=nobody',
    '/v1/agents?limit=1000&trust=trusted&zone=payments',
  ]) {
    await requests.send('GET', path);
  }
  await requests.send('POST', `/v1/agents/${one}/release`, { token: TOKEN });
  await requests.send('POST', '/v1/revocations', { token: TOKEN, body: { id: agentId(3) } });
  const revoked = `/v1/revocations/${encodeURIComponent(agentId(3))}`;
  await requests.send('DELETE', revoked, { token: TOKEN });
  const first = await requests.walk('limit=1000', 1000);
  expect(first.slice(0, 1000)).toEqual(ids.slice(0, 1000));
  const quarantined = await requests.walk('limit=10&quarantined=true');
  expect(quarantined).toEqual(QUARANTINED.slice(1).map(agentId));
}

/** Runs every route while checks flow, and asserts the time and the event-loop delay. */
async function expectBoundedAdmin(app: TestApp): Promise<void> {
  // A try releases one quarantined agent: each try starts with all of them quarantined.
  await quarantine(app.app.store.history, app.now);
  // What is paid once per process is not what is measured: the fill's garbage, the first read
  // of the page's files, the first metrics collection, cold code.
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const path of ['/', '/assets/traffic-page.js', '/metrics', '/v1/agents?limit=1']) {
    await admin(app.adminPort, 'GET', path);
  }
  const requests = new Requests(app.adminPort);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const checks = keepChecking(app);
  delay.enable();
  try {
    await everyRoute(requests);
  } finally {
    delay.disable();
    const { slowestMs, answered } = await checks.stop();
    const { replies } = requests;
    const slowest = replies.reduce((a, b) => (b.ms > a.ms ? b : a));
    console.info(
      `${replies.length} admin requests over ${AGENTS} agents: slowest ${slowest.label} ` +
        `${slowest.ms.toFixed(1)} ms; event-loop delay max ${(delay.max / 1e6).toFixed(1)} ms; ` +
        `${answered} checks meanwhile, slowest ${slowestMs.toFixed(1)} ms`,
    );
  }
  for (const reply of requests.replies) {
    expect(reply.status, reply.label).toBeLessThan(400);
    expect(reply.ms, reply.label).toBeLessThan(ROUTE_BUDGET_MS);
  }
  expect(delay.max / 1e6).toBeLessThan(STALL_BUDGET_MS);
}

const flags = [`--policy=${policyFile}`, `--admin.token=${TOKEN}`];

describe('the admin API over 100 000 agents in memory', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(flags);
    await recordAgents(app.app.store.history, ids, app.now);
  }, 60_000);
  afterAll(() => app?.stop());

  it('answers every route in under 100 ms without stalling checks', TIMING, async () => {
    await expectBoundedAdmin(app);
  });
});

describe('the admin API over 100 000 agents in Redis', () => {
  let redis: OwnRedis;
  let app: TestApp;
  beforeAll(async () => {
    redis = await startOwnRedis();
    const prefix = uniquePrefix();
    app = await startTestApp([
      ...flags,
      `--store.redis.url=${redis.url}`,
      `--store.redis.key-prefix=${prefix}`,
    ]);
    await untilReady(app.app.store);
    await recordAgents(app.app.store.history, ids.slice(0, 1), app.now);
    await cloneRedisAgent(redis.url, prefix, ids[0]!, ids.slice(1));
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  it('answers every route in under 100 ms without stalling checks', TIMING, async () => {
    await expectBoundedAdmin(app);
  });
});
