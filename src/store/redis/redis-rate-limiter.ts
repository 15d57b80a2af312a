import { gcraParameters } from '../gcra-parameters.js';
import type { RateDecision, RateLimiter } from '../store.js';
import type { RedisCalls } from './guard-redis-calls.js';
import type { RedisKeys } from './redis-keys.js';
import { TAKE_RATE } from './redis-scripts.js';

/** GCRA in one Lua call, shared by every replica (same arithmetic as MemoryRateLimiter). */
export class RedisRateLimiter implements RateLimiter {
  readonly #calls: RedisCalls;
  readonly #keys: RedisKeys;

  constructor(calls: RedisCalls, keys: RedisKeys) {
    this.#calls = calls;
    this.#keys = keys;
  }

  async take(
    key: string,
    rate: { limit: number; windowMs: number },
    nowMs: number,
  ): Promise<RateDecision> {
    const { intervalMs, toleranceMs } = gcraParameters(rate);
    const reply = (await this.#calls.run((link) =>
      link.script(
        TAKE_RATE,
        [this.#keys.rate(key)],
        [String(nowMs), String(intervalMs), String(toleranceMs)],
      ),
    )) as [number, string?];
    if (reply[0] === 1) return { allowed: true };
    return { allowed: false, retryAfterMs: Number(reply[1]) };
  }
}
