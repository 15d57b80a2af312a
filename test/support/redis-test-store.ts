import { randomUUID } from 'node:crypto';
import { createClient } from '@redis/client';
import { pino } from 'pino';
import {
  createRedisStore,
  type RedisStoreOptions,
} from '../../src/store/redis/create-redis-store.js';
import type { Store } from '../../src/store/store.js';

/** The shared Redis every helper's tests use; each test run keys under its own prefix. */
export const SHARED_REDIS_URL = process.env.AGENT_AUTHZ_TEST_REDIS ?? 'redis://127.0.0.1:6379';
/** Set by scripts/redis-cluster.sh: the url is a node of a Redis Cluster. */
const SHARED_REDIS_CLUSTER = process.env.AGENT_AUTHZ_TEST_REDIS_CLUSTER === '1';

export function uniquePrefix(): string {
  return `agent-authz-test:${randomUUID()}:`;
}

export function redisStoreOptions(overrides: Partial<RedisStoreOptions> = {}): RedisStoreOptions {
  return {
    url: SHARED_REDIS_URL,
    // A test's own redis-server (an overriding url) is standalone.
    cluster: SHARED_REDIS_CLUSTER && overrides.url === undefined,
    keyPrefix: uniquePrefix(),
    timeoutMs: 1000,
    connectTimeoutMs: 1000,
    maxInFlight: 1000,
    resyncIntervalMs: 200,
    activityTtlMs: 3_600_000,
    historyCacheMs: 500,
    ...overrides,
  };
}

/** A Redis store that has connected and loaded its revocations (readiness passed). */
export async function openRedisStore(options: RedisStoreOptions): Promise<Store> {
  const store = createRedisStore(options, pino({ level: 'silent' }));
  await untilReady(store);
  return store;
}

/** Polls `store.ping()` for up to `ms`. */
export async function untilReady(store: Store, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await store.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Deletes every key under `prefix` (tests clean up what they wrote to the shared Redis). */
export async function deleteRedisKeys(prefix: string, url = SHARED_REDIS_URL): Promise<void> {
  // A cluster's nodes are dropped whole by scripts/redis-cluster.sh.
  if (SHARED_REDIS_CLUSTER && url === SHARED_REDIS_URL) return;
  const client = createClient({ url });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length > 0) await client.del(keys);
  }
  await client.close();
}
