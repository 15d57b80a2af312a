import { createClient } from '@redis/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { type OwnRedis, startOwnRedis } from '../support/redis-server.js';
import { uniquePrefix, untilReady } from '../support/redis-test-store.js';
import { signedCheck } from '../support/signed-check.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

type RedisClient = ReturnType<typeof createClient>;

/** Every command the store sends itself (what a script runs inside Redis is not a round trip). */
const SENT_BY_THE_STORE = new Set(['set', 'eval', 'evalsha', 'publish', 'ping', 'smembers']);

/** Calls per command the store sends, since the last CONFIG RESETSTAT. */
async function commandCounts(client: RedisClient): Promise<Record<string, number>> {
  const info = await client.info('commandstats');
  const counts: Record<string, number> = {};
  for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (SENT_BY_THE_STORE.has(name!)) counts[name!] = Number(calls);
  }
  return counts;
}

const scriptCalls = (counts: Record<string, number>) => (counts.eval ?? 0) + (counts.evalsha ?? 0);

let redis: OwnRedis;
let client: RedisClient;
let server: TestApp | undefined;
beforeAll(async () => {
  redis = await startOwnRedis();
  client = createClient({ url: redis.url });
  await client.connect();
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
});
afterAll(async () => {
  await client.close();
  await redis.stop();
});

/**
 * One signed check of an agent this process has just seen, on the default policy, counted by
 * Redis itself. The outcome is written to history without the check waiting for it.
 */
async function countOneSignedCheck(historyCache: string): Promise<Record<string, number>> {
  server = await startTestApp([
    `--store.redis.url=${redis.url}`,
    `--store.redis.key-prefix=${uniquePrefix()}`,
    `--store.redis.history-cache=${historyCache}`,
    // No resync during the count.
    '--store.redis.resync-interval=1h',
  ]);
  await untilReady(server.app.store);
  const app = server;
  const key = generateAgentKey();
  const check = (path: string) =>
    app.client.check(
      signedCheck({ method: 'GET', url: `https://api.example.com${path}` }, app.now / 1000, {
        key,
      }).request(),
    );
  await client.configResetStat();
  expect((await check('/first')).ok_response).toBeDefined();
  // The first check's history read and its background writes (outcome, agent index) land
  // before the count starts; waiting on Redis rather than a clock keeps the gap short.
  await expect.poll(async () => scriptCalls(await commandCounts(client))).toBe(3);
  await client.configResetStat();
  expect((await check('/counted')).ok_response).toBeDefined();
  // Wait for the outcome write, sent after the decision.
  await expect.poll(async () => (await commandCounts(client)).evalsha ?? 0).toBeGreaterThan(0);
  await new Promise((resolve) => setTimeout(resolve, 50));
  return commandCounts(client);
}

describe('round trips to Redis per signed check', () => {
  it('is one awaited call (the replay claim) for an agent seen within historyCache, plus the outcome written behind it', async () => {
    const counts = await countOneSignedCheck('1s');
    // SET NX PX: the replay claim. EVALSHA: the outcome, sent without waiting. No history read.
    expect(counts).toEqual({ set: 1, evalsha: 1 });
  }, 30_000);

  it('is two awaited calls (history read, then the replay claim) with historyCache 0', async () => {
    const counts = await countOneSignedCheck('0s');
    expect(counts).toEqual({ set: 1, evalsha: 2 });
  }, 30_000);
});
