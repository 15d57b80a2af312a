import type { Config } from '../config/config-schema.js';
import { createMemoryStore } from '../store/memory/create-memory-store.js';
import { createRedisStore } from '../store/redis/create-redis-store.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';

/** The store the config names: Redis when `store.redis` is set, else memory. */
export function createStore(config: Config, logger: Logger): Store {
  const redis = config.store.redis;
  if (redis === undefined) return createMemoryStore(config.store.memory);
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
    },
    logger,
  );
}
