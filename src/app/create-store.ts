import type { Config } from '../config/config-schema.js';
import { createMemoryStore } from '../store/memory/create-memory-store.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';

/** How long start waits for the store to answer before listening anyway. */
const READY_WAIT_MS = 5000;

/**
 * The store the config names — Redis when `store.redis` is set, else memory. Waits (bounded)
 * until the store answers, so a new replica or restarted worker does not deny its first checks
 * while it connects. `onStoreError: allow` is applied per check, by the pipeline.
 */
export async function createStore(config: Config, logger: Logger): Promise<Store> {
  const store = await openStore(config, logger);
  await untilStoreAnswers(store, logger);
  return store;
}

async function openStore(config: Config, logger: Logger): Promise<Store> {
  const redis = config.store.redis;
  if (redis === undefined) return createMemoryStore(config.store.memory);
  // Loaded only when used: the memory store's processes never load the Redis client.
  const { createRedisStore } = await import('../store/redis/create-redis-store.js');
  return createRedisStore(
    {
      url: redis.url,
      cluster: redis.cluster,
      keyPrefix: redis.keyPrefix,
      timeoutMs: redis.timeout,
      connectTimeoutMs: redis.connectTimeout,
      maxInFlight: redis.maxInFlight,
      resyncIntervalMs: redis.resyncInterval,
      activityTtlMs: redis.activityTtl,
      historyCacheMs: redis.historyCache,
    },
    logger,
  );
}

async function untilStoreAnswers(store: Store, logger: Logger): Promise<void> {
  const deadline = performance.now() + READY_WAIT_MS;
  for (;;) {
    try {
      return await store.ping();
    } catch {
      if (performance.now() > deadline) {
        logger.warn('the store does not answer yet: checks that need it are denied until it does');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
