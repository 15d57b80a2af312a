import { LRUCache } from 'lru-cache';
import { type ClaimResult, type ReplayStore, StoreCapacityError } from '../store.js';

/** How often a full store may scan for expired entries before refusing (the scan is O(n)). */
const PURGE_INTERVAL_MS = 1000;

/**
 * Replay keys in memory. lru-cache would evict the oldest entry when full, which for replay
 * protection means forgetting a nonce that is still valid — so this store never lets it: at
 * capacity it drops expired entries and, if none expired, refuses.
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #entries: LRUCache<string, true>;
  readonly #capacity: number;
  #lastPurgeMs = Number.NEGATIVE_INFINITY;

  constructor(capacity: number) {
    this.#capacity = capacity;
    // One slot more than we ever fill, so lru-cache's own eviction can never run.
    this.#entries = new LRUCache<string, true>({ max: capacity + 1, ttl: 1, ttlResolution: 0 });
  }

  claim(key: string, ttlMs: number): ClaimResult {
    if (this.#entries.has(key)) return 'seen';
    if (this.#entries.size >= this.#capacity) this.#makeRoom();
    this.#entries.set(key, true, { ttl: Math.max(1, Math.ceil(ttlMs)) });
    return 'fresh';
  }

  size(): number {
    return this.#entries.size;
  }

  #makeRoom(): void {
    const now = performance.now();
    if (now - this.#lastPurgeMs >= PURGE_INTERVAL_MS) {
      this.#lastPurgeMs = now;
      this.#entries.purgeStale();
    }
    if (this.#entries.size >= this.#capacity) {
      throw new StoreCapacityError(
        'the replay store is full of unexpired entries; raise store.memory.maxEntries',
      );
    }
  }
}
