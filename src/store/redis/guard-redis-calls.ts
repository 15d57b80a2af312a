import { AuthzError } from '../../errors.js';
import { StoreCapacityError } from '../store.js';
import type { RedisLink } from './connect-redis.js';

export interface CallLimits {
  /** Deadline of one call; a check never waits on Redis longer than this. */
  readonly timeoutMs: number;
  /** Calls outstanding at once; one more fails at once instead of queueing. */
  readonly maxInFlight: number;
}

/**
 * Every Redis call of the store goes through here: bounded in flight, bounded in time, and
 * every failure turned into `store_unavailable` (an out-of-memory Redis into a capacity
 * error, which `onStoreError: allow` never lets through).
 */
export class RedisCalls {
  readonly #link: RedisLink;
  readonly #limits: CallLimits;
  #inFlight = 0;

  constructor(link: RedisLink, limits: CallLimits) {
    this.#link = link;
    this.#limits = limits;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** `timeoutMs` overrides the deadline for a call off the check path (an admin listing). */
  async run<T>(
    call: (link: RedisLink) => Promise<T>,
    timeoutMs = this.#limits.timeoutMs,
  ): Promise<T> {
    if (this.#inFlight >= this.#limits.maxInFlight) {
      throw new AuthzError(
        'store_unavailable',
        'too many Redis calls in flight (store.redis.maxInFlight); Redis is slow or unreachable',
      );
    }
    // A call that timed out still counts until Redis answers or the connection drops, so a
    // stalled Redis cannot make the outstanding work grow without bound.
    this.#inFlight += 1;
    const pending = call(this.#link).finally(() => {
      this.#inFlight -= 1;
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(unavailable(`Redis did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([pending, deadline]);
    } catch (error) {
      throw translateRedisError(error);
    } finally {
      clearTimeout(timer);
    }
  }
}

function unavailable(message: string, cause?: unknown): AuthzError {
  return new AuthzError('store_unavailable', message, cause === undefined ? {} : { cause });
}

/** Redis and client failures as store errors; the detail stays in `cause`, for operators. */
export function translateRedisError(error: unknown): AuthzError {
  if (error instanceof AuthzError) return error;
  if (error instanceof Error && error.message.startsWith('OOM')) {
    const full = new StoreCapacityError(
      'Redis refused a write: maxmemory reached under a noeviction policy',
    );
    full.cause = error;
    return full;
  }
  return unavailable('the Redis store cannot answer', error);
}
