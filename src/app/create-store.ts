import type { Config } from '../config/config-schema.js';
import { failOpenStore } from '../store/fail-open-store.js';
import { createMemoryStore } from '../store/memory/create-memory-store.js';
import { createRedisStore } from '../store/redis/create-redis-store.js';
import { reportRepeatedErrors } from '../store/report-store-errors.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';

/**
 * The store the config names — Redis when `store.redis` is set, else memory — failing open
 * where `onStoreError: allow` says so.
 */
export function createStore(config: Config, logger: Logger): Store {
  const store = openStore(config, logger);
  if (config.onStoreError === 'deny') return store;
  const report = reportRepeatedErrors(
    logger,
    'store unavailable: checks pass without it (onStoreError: allow)',
  );
  return failOpenStore(store, (operation) =>
    report(new Error(`allowed without the store's ${operation} answer`)),
  );
}

function openStore(config: Config, logger: Logger): Store {
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
