import type { Config } from '../config/config-schema.js';
import type { Logger } from '../telemetry/logger.js';

/**
 * SPEC §6: say at start how much signed traffic the replay capacity covers. Redis's capacity
 * is its `maxmemory`, which only Redis knows: docs/redis.md gives the bytes per entry.
 */
export function logReplayCapacity(config: Config, logger: Logger): void {
  const windowSeconds = (config.signatures.maxAge + config.signatures.clockSkew) / 1000;
  if (config.store.redis !== undefined) {
    logger.info(
      { windowSeconds },
      'replay keys live in Redis for up to the signature window; size maxmemory per docs/redis.md',
    );
    return;
  }
  const perSecond = Math.floor(config.store.memory.maxEntries / windowSeconds);
  logger.info(
    {
      maxEntries: config.store.memory.maxEntries,
      windowSeconds,
      signedRequestsPerSecond: perSecond,
    },
    `replay store covers ${perSecond} signed requests per second sustained`,
  );
}
