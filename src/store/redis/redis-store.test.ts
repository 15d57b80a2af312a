import { createClient } from '@redis/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type OwnRedis, startOwnRedis } from '../../../test/support/redis-server.js';
import {
  deleteRedisKeys,
  openRedisStore,
  redisStoreOptions,
  untilReady,
} from '../../../test/support/redis-test-store.js';
import { waitFor, waitUntil } from '../../../test/support/wait-for.js';
import { AuthzError } from '../../errors.js';
import { type Store, StoreCapacityError } from '../store.js';
import { createRedisStore } from './create-redis-store.js';

const reasonOf = (answer: unknown) =>
  Promise.resolve(answer).then(
    () => 'resolved',
    (error: unknown) => (error instanceof AuthzError ? error.code : String(error)),
  );

function capturingLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('two replicas sharing one Redis', () => {
  const options = redisStoreOptions({ resyncIntervalMs: 60_000 });
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    [a, b] = await Promise.all([openRedisStore(options), openRedisStore(options)]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await deleteRedisKeys(options.keyPrefix);
  });

  it('see a nonce claimed by the other as seen', async () => {
    expect(await a.replay.claim('sig:shared', 60_000)).toBe('fresh');
    expect(await b.replay.claim('sig:shared', 60_000)).toBe('seen');
  });

  it('learn of a revocation made on the other through pub/sub, well within a second', async () => {
    const started = performance.now();
    await a.revocations.revoke('did:key:revoked-on-a');
    await waitUntil(revokedAt(b, 'did:key:revoked-on-a'));
    expect(performance.now() - started).toBeLessThan(1000);
    await a.revocations.unrevoke('did:key:revoked-on-a');
    await waitUntil(async () => !(await revokedAt(b, 'did:key:revoked-on-a')()));
  });

  it('hold a quarantine set on the other', async () => {
    const event = { atMs: 1, from: 'spiffe://a', to: 'spiffe://b' };
    await a.history.recordDrift('did:key:drifted', event, true);
    expect(await b.history.get('did:key:drifted')).toMatchObject({ quarantined: true });
  });

  it('share one rate limit', async () => {
    const rate = { limit: 2, windowMs: 60_000 };
    expect(await a.rateLimiter.take('shared', rate, 1000)).toEqual({ allowed: true });
    expect(await b.rateLimiter.take('shared', rate, 1000)).toEqual({ allowed: true });
    expect(await a.rateLimiter.take('shared', rate, 1000)).toMatchObject({ allowed: false });
  });
});

/** anyRevoked answers from the local mirror, without a round trip. */
const revokedAt = (store: Store, id: string) => async () => store.revocations.anyRevoked([id]);

describe('a Redis that cannot be reached', () => {
  it('fails every call fast with store_unavailable and is not ready', async () => {
    const port = await freePort();
    const store = createRedisStore(
      redisStoreOptions({ url: `redis://127.0.0.1:${port}` }),
      pino({ level: 'silent' }),
    );
    const started = performance.now();
    expect(await reasonOf(store.replay.claim('sig:x', 1000))).toBe('store_unavailable');
    expect(await reasonOf(store.history.get('did:key:x'))).toBe('store_unavailable');
    expect(await reasonOf(store.rateLimiter.take('k', { limit: 1, windowMs: 1000 }, 0))).toBe(
      'store_unavailable',
    );
    // Never loaded: it cannot say an agent is not revoked.
    expect(await reasonOf(store.revocations.anyRevoked(['did:key:x']))).toBe('store_unavailable');
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(store.ping()).rejects.toThrow();
    await store.close();
  });
});

describe('its own redis-server, killed, paused and restarted', () => {
  let redis: OwnRedis;
  beforeAll(async () => {
    redis = await startOwnRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('converges on the next resync when it missed a pub/sub message', async () => {
    const options = redisStoreOptions({ url: redis.url, resyncIntervalMs: 100 });
    const store = await openRedisStore(options);
    const raw = createClient({ url: options.url });
    await raw.connect();
    // Written behind the store's back: no message is published.
    await raw.sAdd(`${options.keyPrefix}{meta}:revoked`, 'kid-added-behind-its-back');
    await waitUntil(revokedAt(store, 'kid-added-behind-its-back'));
    await raw.close();
    await store.close();
  });

  it('bounds calls in flight and times them out while Redis is paused, then recovers', async () => {
    const store = await openRedisStore(
      redisStoreOptions({ url: redis.url, timeoutMs: 100, maxInFlight: 3 }),
    );
    redis.pause();
    try {
      const started = performance.now();
      const reasons = await Promise.all(
        Array.from({ length: 10 }, (_, i) => reasonOf(store.replay.claim(`sig:p${i}`, 60_000))),
      );
      expect(reasons).toEqual(Array(10).fill('store_unavailable'));
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      redis.resume();
    }
    await untilReady(store);
    expect(await store.replay.claim('sig:after-pause', 60_000)).toBe('fresh');
    await store.close();
  });

  it('denies while Redis is down, recovers when it returns, and reports the lost data', async () => {
    const { logger, lines } = capturingLogger();
    const options = redisStoreOptions({ url: redis.url, resyncIntervalMs: 100 });
    const store = createRedisStore(options, logger);
    await untilReady(store);
    await store.revocations.revoke('kid-kept-across-restart');
    await redis.kill();
    expect(await reasonOf(store.replay.claim('sig:down', 60_000))).toBe('store_unavailable');
    // The mirror still answers: a revocation is not lifted by an outage.
    expect(await store.revocations.anyRevoked(['kid-kept-across-restart'])).toBe(true);
    await redis.restart();
    await untilReady(store, 10_000);
    await waitFor(() => lines.some((line) => line.msg.startsWith('Redis lost its data')));
    expect(await store.revocations.list()).toEqual(['kid-kept-across-restart']);
    expect(await store.replay.claim('sig:down', 60_000)).toBe('fresh');
    await store.close();
  });

  it('refuses writes as a full store when Redis is out of memory', async () => {
    const store = await openRedisStore(redisStoreOptions({ url: redis.url }));
    const admin = createClient({ url: redis.url });
    await admin.connect();
    await admin.configSet({ maxmemory: '1', 'maxmemory-policy': 'noeviction' });
    try {
      const refusal = await Promise.resolve(store.replay.claim('sig:oom', 60_000)).catch(
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(StoreCapacityError);
    } finally {
      await admin.configSet({ maxmemory: '0' });
      await admin.close();
      await store.close();
    }
  });
});
