import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { httpCheck } from '../support/envoy-http-client.js';
import { networkFlags, publishedDidWeb } from '../support/network-app.js';
import { type OwnRedis, startOwnRedis } from '../support/redis-server.js';
import { uniquePrefix, untilReady } from '../support/redis-test-store.js';
import { scrapeMetrics } from '../support/scrape-metrics.js';
import { signedCheck } from '../support/signed-check.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { waitUntil } from '../support/wait-for.js';

/*
 * The two bounds the engine puts around every check, whichever transport calls it: how many run
 * at once (limits.maxInFlight) and how long one may take (limits.checkTimeout). Checks are held
 * open by a did:web host that answers late, or by a paused Redis, so "in flight" is real
 * waiting on a real socket.
 */
const host = useDocumentHost();
const PUBLIC = { method: 'GET', url: 'https://api.example.com/public' };
const UNSIGNED = envoyCheckRequest(PUBLIC);

function header(response: UpstreamCheckResponse, name: string): string | undefined {
  return response.denied_response?.headers?.find((h) => h.header.key === name)?.header.value;
}

function useApp(flags: string[]): { readonly app: TestApp } {
  const state: { app?: TestApp } = {};
  beforeAll(async () => {
    state.app = await startTestApp(networkFlags(host, flags), { lookup: host.lookup });
  });
  afterAll(async () => state.app?.stop());
  return {
    get app() {
      return state.app!;
    },
  };
}

describe('limits.maxInFlight of 4', () => {
  const current = useApp([
    '--limits.max-in-flight=4',
    '--limits.check-timeout=10s',
    '--resolver.max-wait=9s',
    '--resolver.timeout=10s',
  ]);

  it('runs 4 checks at once and refuses the 5th at once with 503 overloaded and Retry-After', async () => {
    const { app } = current;
    const slow = publishedDidWeb(host, 'held.example.test', app.now, { delayMs: 1500 });
    const held = Array.from({ length: 4 }, () => app.client.check(slow.request()));
    await waitUntil(
      async () => (await scrapeMetrics(app.adminPort)).value('agent_authz_checks_in_flight') === 4,
    );

    const fifth = await app.client.check(UNSIGNED);
    expect(fifth.status?.code).toBe(14); // UNAVAILABLE
    expect(fifth.denied_response?.status?.code).toBe('ServiceUnavailable');
    expect(problem(fifth)).toMatchObject({ reason: 'overloaded', status: 503 });
    expect(header(fifth, 'retry-after')).toBe('1');
    // The bound is the engine's, so the HTTP transport sheds the same way.
    const overHttp = await httpCheck(app.app.httpPort!, PUBLIC);
    expect(overHttp.status).toBe(503);
    expect(overHttp.headers['retry-after']).toBe('1');
    expect(JSON.parse(overHttp.body)).toMatchObject({ reason: 'overloaded' });

    // The four held checks are answered on their own merits once their key arrives.
    for (const response of await Promise.all(held)) expect(response.ok_response).toBeDefined();
    // Slots are given back: the same cheap request now passes.
    expect((await app.client.check(UNSIGNED)).ok_response).toBeDefined();
    const metrics = await scrapeMetrics(app.adminPort);
    expect(metrics.value('agent_authz_checks_shed_total', { reason: 'overloaded' })).toBe(2);
    expect(metrics.value('agent_authz_checks_in_flight')).toBe(0);
  });
});

describe('limits.checkTimeout', () => {
  // A key fetch cannot hold a check that long (resolver.maxWait is below limits.checkTimeout and
  // answers key_pending): the dependency that hangs here is a Redis store, paused.
  let redis: OwnRedis;
  let app: TestApp;
  beforeAll(async () => {
    redis = await startOwnRedis();
    app = await startTestApp([
      `--store.redis.url=${redis.url}`,
      `--store.redis.key-prefix=${uniquePrefix()}`,
      '--store.redis.timeout=5s',
      '--limits.check-timeout=300ms',
    ]);
    await untilReady(app.app.store);
  });
  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });
  const signed = () =>
    signedCheck(PUBLIC, Math.floor(app.now / 1000), { key: generateAgentKey() }).request();

  it('answers a check waiting on a store that does not answer with 503 deadline_exceeded, and the next one on its merits', async () => {
    redis.pause();
    let elapsedMs: number;
    let response: UpstreamCheckResponse;
    try {
      const started = performance.now();
      response = await app.client.check(signed());
      elapsedMs = performance.now() - started;
    } finally {
      redis.resume();
    }
    expect(response.status?.code).toBe(14);
    expect(problem(response)).toMatchObject({
      reason: 'deadline_exceeded',
      status: 503,
      detail: 'the check did not finish within 300 ms',
    });
    // Answered long before the store's 5 s timeout (bounded loosely: the machine may be loaded).
    expect(elapsedMs).toBeLessThan(1800);

    await untilReady(app.app.store, 10_000);
    expect((await app.client.check(signed())).ok_response).toBeDefined();
    const metrics = await scrapeMetrics(app.adminPort);
    expect(metrics.value('agent_authz_checks_shed_total', { reason: 'deadline_exceeded' })).toBe(1);
  });
});
