import { LRUCache } from 'lru-cache';
import { gcraParameters } from '../gcra-parameters.js';
import type { RateDecision, RateLimiter } from '../store.js';

/**
 * GCRA (the generic cell rate algorithm): `limit` requests per `windowMs`, bursting up to
 * `limit`. Each key keeps one number, its theoretical arrival time.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #arrivals: LRUCache<string, number>;

  constructor(maxKeys: number) {
    this.#arrivals = new LRUCache({ max: maxKeys });
  }

  take(key: string, rate: { limit: number; windowMs: number }, nowMs: number): RateDecision {
    const { intervalMs, toleranceMs } = gcraParameters(rate);
    const arrival = Math.max(this.#arrivals.get(key) ?? nowMs, nowMs);
    if (arrival - nowMs > toleranceMs) {
      return { allowed: false, retryAfterMs: arrival - toleranceMs - nowMs };
    }
    this.#arrivals.set(key, arrival + intervalMs);
    return { allowed: true };
  }
}
