import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { admin } from '../support/admin-client.js';
import {
  agentMetadata,
  problem,
  setHeaders,
  type UpstreamCheckResponse,
} from '../support/envoy-client.js';
import { type OwnRedis, startOwnRedis } from '../support/redis-server.js';
import { uniquePrefix, untilReady } from '../support/redis-test-store.js';
import { scrapeMetrics } from '../support/scrape-metrics.js';
import { signedCheck } from '../support/signed-check.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

const outcome = (response: UpstreamCheckResponse) =>
  response.ok_response === undefined ? String(problem(response).reason) : 'allowed';

let redis: OwnRedis;
let server: TestApp | undefined;
beforeAll(async () => {
  redis = await startOwnRedis();
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
});
afterAll(async () => {
  await redis.stop();
});

async function startOnRedis(extra: string[] = []): Promise<TestApp> {
  const app = await startTestApp([
    `--store.redis.url=${redis.url}`,
    `--store.redis.key-prefix=${uniquePrefix()}`,
    '--store.redis.timeout=100ms',
    '--store.redis.resync-interval=200ms',
    ...extra,
  ]);
  await untilReady(app.app.store);
  return app;
}

const signed = (app: TestApp, path: string, key = generateAgentKey()) =>
  signedCheck(
    { method: 'GET', url: `https://api.example.com${path}` },
    Math.floor(app.now / 1000),
    {
      key,
    },
  );

describe('Redis killed while checks are flowing', () => {
  it('denies every signed check store_unavailable, never allows, and recovers when Redis returns', async () => {
    server = await startOnRedis();
    const app = server;
    let killedAt = Number.POSITIVE_INFINITY;
    const answers: Array<{ sentAt: number; outcome: string }> = [];
    const worker = async (lane: number) => {
      for (let i = 0; i < 40; i++) {
        const sentAt = performance.now();
        const response = await app.client.check(signed(app, `/load/${lane}/${i}`).request());
        answers.push({ sentAt, outcome: outcome(response) });
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, lane) => worker(lane)));
    while (answers.length < 60) await new Promise((resolve) => setTimeout(resolve, 5));
    await redis.kill();
    killedAt = performance.now();
    await load;
    const afterKill = answers.filter((answer) => answer.sentAt > killedAt);
    expect(afterKill.length).toBeGreaterThan(0);
    expect(new Set(afterKill.map((answer) => answer.outcome))).toEqual(
      new Set(['store_unavailable']),
    );
    expect(answers.every((a) => ['allowed', 'store_unavailable'].includes(a.outcome))).toBe(true);
    await expect(app.app.store.ping()).rejects.toThrow();

    await redis.restart();
    await untilReady(app.app.store, 10_000);
    expect(outcome(await app.client.check(signed(app, '/after-restart').request()))).toBe(
      'allowed',
    );
  }, 60_000);
});

describe('onStoreError: allow with Redis down', () => {
  it('lets a signed check through without claiming its nonce, tagged and counted as unchecked, and still denies a revoked agent', async () => {
    server = await startOnRedis(['--on-store-error=allow']);
    const revoked = generateAgentKey();
    await server.app.store.revocations.revoke(revoked.didKey);
    const healthy = await server.client.check(signed(server, '/healthy').request());
    expect(setHeaders(healthy)['x-agent-unchecked']).toBeUndefined();
    expect(agentMetadata(healthy).unchecked).toBeUndefined();
    await redis.kill();
    try {
      const request = signed(server, '/open').request();
      const first = await server.client.check(request);
      expect(outcome(first)).toBe('allowed');
      // Upstream is told the replay (and the history read) were not checked.
      expect(setHeaders(first)['x-agent-unchecked']).toBe('history,replay');
      expect(agentMetadata(first).unchecked).toBe('history,replay');
      // The nonce was never recorded: the same request passes again while Redis is down.
      expect(outcome(await server.client.check(request))).toBe('allowed');
      const scrape = await scrapeMetrics(server.adminPort);
      expect(scrape.value('agent_authz_store_fail_open_total', { step: 'replay' })).toBe(2);
      expect(scrape.value('agent_authz_store_fail_open_total', { step: 'history' })).toBe(2);
      expect(
        scrape.value('agent_authz_store_errors_total', { operation: 'replay.claim' }),
      ).toBeGreaterThanOrEqual(2);
      // Revocations are held in memory: an outage does not lift them.
      expect(outcome(await server.client.check(signed(server, '/r', revoked).request()))).toBe(
        'agent_revoked',
      );
    } finally {
      await redis.restart();
    }
  }, 30_000);
});

describe('readiness and metrics follow the Redis store', () => {
  it('turns /readyz 503 while Redis is down and 200 when it is back', async () => {
    server = await startOnRedis();
    expect((await admin(server.adminPort, 'GET', '/readyz')).status).toBe(200);
    await redis.kill();
    try {
      const down = await admin(server.adminPort, 'GET', '/readyz');
      expect(down.status).toBe(503);
      expect(down.body.checks).toMatchObject({ store: false, policy: true, listeners: true });
    } finally {
      await redis.restart();
    }
    await untilReady(server.app.store, 10_000);
    expect((await admin(server.adminPort, 'GET', '/readyz')).status).toBe(200);
  }, 30_000);

  it('reports the calls in flight while Redis stalls, and counts the ones that time out as errors', async () => {
    server = await startOnRedis();
    const app = server;
    redis.pause();
    try {
      const answers = await Promise.all(
        Array.from({ length: 5 }, (_, i) => app.client.check(signed(app, `/stall/${i}`).request())),
      );
      expect(answers.map(outcome)).toEqual(Array(5).fill('store_unavailable'));
      // Timed-out calls stay outstanding until the stalled Redis answers.
      const scrape = await scrapeMetrics(app.adminPort);
      expect(scrape.value('agent_authz_store_in_flight')).toBeGreaterThanOrEqual(5);
      expect(scrape.value('agent_authz_store_errors_total', { operation: 'history.get' })).toBe(5);
    } finally {
      redis.resume();
    }
    await untilReady(app.app.store, 10_000);
    await expect
      .poll(async () => (await scrapeMetrics(app.adminPort)).value('agent_authz_store_in_flight'), {
        timeout: 10_000,
      })
      .toBe(0);
  }, 30_000);
});
