import type { ClaimResult, ReplayStore } from '../store.js';
import type { RedisCalls } from './guard-redis-calls.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * Replay keys in Redis: one atomic `SET key 1 NX PX ttl` per claim, so two replicas racing on
 * the same nonce get one `fresh` and one `seen`. Redis must not evict these keys before they
 * expire (`maxmemory-policy noeviction` or a `volatile-*` policy with room; see docs/redis.md).
 */
export class RedisReplayStore implements ReplayStore {
  readonly #calls: RedisCalls;
  readonly #keys: RedisKeys;
  /** Claims this process made, counted per second of expiry, for `size()`. */
  readonly #expiries = new Map<number, number>();
  /**
   * Added to every TTL: the window is judged when the check starts and Redis counts the TTL from
   * when the SET arrives, up to one call timeout later. Without it, a replay checked in the last
   * moment of its window could reach Redis just after a faster first claim expired.
   */
  readonly #marginMs: number;

  constructor(calls: RedisCalls, keys: RedisKeys, callTimeoutMs = 0) {
    this.#calls = calls;
    this.#keys = keys;
    this.#marginMs = callTimeoutMs;
  }

  async claim(key: string, ttlMs: number): Promise<ClaimResult> {
    const ttl = String(Math.max(1, Math.ceil(ttlMs + this.#marginMs)));
    const reply = await this.#calls.run((link) =>
      link.send(this.#keys.replay(key), ['SET', this.#keys.replay(key), '1', 'NX', 'PX', ttl]),
    );
    if (reply === null) return 'seen';
    const second = Math.ceil((Date.now() + ttlMs) / 1000);
    this.#expiries.set(second, (this.#expiries.get(second) ?? 0) + 1);
    return 'fresh';
  }

  /**
   * The live entries this process claimed (Redis holds those of every replica; counting them
   * would cost a scan). Accurate to a second.
   */
  size(): number {
    const now = Date.now() / 1000;
    let live = 0;
    for (const [second, count] of this.#expiries) {
      if (second <= now) this.#expiries.delete(second);
      else live += count;
    }
    return live;
  }
}
