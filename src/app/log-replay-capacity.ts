import type { Config } from '../config/config-schema.js';
import type { Logger } from '../telemetry/logger.js';

/**
 * SPEC §6: say at start how much signed traffic the replay capacity covers, as the ceiling it
 * is: past it the memory store refuses new nonces and their requests are denied. Redis's
 * capacity is its `maxmemory`, which only Redis knows: docs/redis.md gives the bytes per entry.
 */
export function logReplayCapacity(config: Config, logger: Logger): void {
  const windowSeconds = (config.signatures.maxAge + config.signatures.clockSkew) / 1000;
  if (config.store.redis !== undefined) {
    logger.info(
      { windowSeconds },
      'replay capacity: Redis maxmemory is the ceiling; each replay key lives up to the ' +
        'signature window, and past maxmemory signed requests are refused (store_unavailable): ' +
        'size it per docs/redis.md',
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
    `replay capacity: at most ${perSecond} signed requests per second sustained; beyond that ` +
      'signed requests are refused (store_unavailable) until older nonces expire: raise ' +
      'store.memory.maxEntries or use store.redis',
  );
}
