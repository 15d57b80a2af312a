import type { Logger } from '../../telemetry/logger.js';
import { redactRedisUrl, reportRepeatedErrors } from '../report-store-errors.js';
import type { Store } from '../store.js';
import { connectRedis } from './connect-redis.js';
import { RedisCalls } from './guard-redis-calls.js';
import { RedisHistoryStore } from './redis-history-store.js';
import { redisKeys } from './redis-keys.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { RedisReplayStore } from './redis-replay-store.js';
import { RedisRevocationStore } from './redis-revocation-store.js';
import { createStateSync } from './sync-redis-state.js';

export interface RedisStoreOptions {
  readonly url: string;
  /** The url is one node of a Redis Cluster; the others are discovered. */
  readonly cluster: boolean;
  readonly keyPrefix: string;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly maxInFlight: number;
  /** How often revocations are reloaded and the data-loss marker checked. */
  readonly resyncIntervalMs: number;
  /** How long an agent's activity counts live after its last request. */
  readonly activityTtlMs: number;
  /** How long a history read is reused by this process; changes announced evict it at once. */
  readonly historyCacheMs: number;
}

/**
 * The shared store for several replicas. Returns at once: Redis may still be connecting or
 * down, in which case checks that need it are denied `store_unavailable` (or allowed, per
 * `onStoreError`) and `ping` rejects, until it answers.
 */
export function createRedisStore(options: RedisStoreOptions, logger: Logger): Store {
  const keys = redisKeys(options.keyPrefix);
  let sync = async (): Promise<void> => {};
  const link = connectRedis({
    url: options.url,
    cluster: options.cluster,
    connectTimeoutMs: options.connectTimeoutMs,
    onError: reportRepeatedErrors(logger, 'Redis connection error; reconnecting with backoff'),
    // Resync at once on every (re)connect: messages published while away were missed.
    onReady: () => void sync(),
  });
  const calls = new RedisCalls(link, options);
  const onError = reportRepeatedErrors(logger, 'Redis call failed');
  const revocations = new RedisRevocationStore(calls, keys);
  const announce = (agentId: string) => {
    calls
      .run((l) => l.send(undefined, ['PUBLISH', keys.channel, `history\n${agentId}`]))
      .catch(onError);
  };
  const history = new RedisHistoryStore(calls, keys, {
    activityTtlMs: options.activityTtlMs,
    historyCacheMs: options.historyCacheMs,
    onBackgroundError: onError,
    announce,
    cluster: options.cluster,
  });
  link
    .subscribe(keys.channel, (message) => {
      const [operation = '', id = ''] = splitOnce(message, '\n');
      if (operation === 'history') history.forget(id);
      else revocations.apply(operation, id);
    })
    .catch(onError);
  sync = createStateSync({ calls, keys, revocations, logger, onError });
  const timer = setInterval(sync, options.resyncIntervalMs);
  timer.unref();
  logger.info(
    { url: redactRedisUrl(options.url), cluster: options.cluster, keyPrefix: options.keyPrefix },
    'using the Redis store',
  );
  return {
    kind: 'redis',
    replay: new RedisReplayStore(calls, keys, options.timeoutMs),
    history,
    revocations,
    rateLimiter: new RedisRateLimiter(calls, keys),
    ping: async () => {
      await calls.run((l) => l.send(undefined, ['PING']));
      if (!revocations.loaded) await sync();
      if (!revocations.loaded) throw new Error('revocations not loaded from Redis yet');
    },
    inFlight: () => calls.inFlight,
    close: async () => {
      clearInterval(timer);
      await link.close();
    },
  };
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}
