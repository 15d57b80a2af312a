import { type ClaimResult, type ReplayStore, StoreCapacityError } from '../store.js';

/** How often a full store may scan for expired entries before refusing (the scan is O(n)). */
const PURGE_INTERVAL_MS = 1000;

/**
 * Replay keys in memory: each key with the steady time (`performance.now()`, which no wall
 * clock step moves) until which it is held. A key is seen while that time has not passed, so
 * an entry lives at least its TTL of real time. The store never evicts a live entry to make
 * room — for replay protection that would mean forgetting a nonce that is still valid — so at
 * capacity it drops expired entries and, if none expired, refuses. One Map and one clock
 * reading per claim: no LRU order is kept, because nothing is ever evicted by age of use.
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #heldUntilMs = new Map<string, number>();
  readonly #capacity: number;
  #lastPurgeMs = Number.NEGATIVE_INFINITY;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  claim(key: string, ttlMs: number): ClaimResult {
    const nowMs = performance.now();
    const heldUntilMs = this.#heldUntilMs.get(key);
    if (heldUntilMs !== undefined && nowMs <= heldUntilMs) return 'seen';
    if (heldUntilMs === undefined && this.#heldUntilMs.size >= this.#capacity) {
      this.#makeRoom(nowMs);
    }
    this.#heldUntilMs.set(key, heldUntil(nowMs, ttlMs));
    return 'fresh';
  }

  /** Entries held, expired ones not yet dropped included. */
  size(): number {
    return this.#heldUntilMs.size;
  }

  #makeRoom(nowMs: number): void {
    if (nowMs - this.#lastPurgeMs >= PURGE_INTERVAL_MS) {
      this.#lastPurgeMs = nowMs;
      for (const [key, heldUntilMs] of this.#heldUntilMs) {
        if (nowMs > heldUntilMs) this.#heldUntilMs.delete(key);
      }
    }
    if (this.#heldUntilMs.size >= this.#capacity) {
      throw new StoreCapacityError(
        'the replay store is full of unexpired entries; raise store.memory.maxEntries',
      );
    }
  }
}

/**
 * Whole milliseconds, rounded up (a small integer is stored in the map without a heap box), at
 * least 1 ms on. A TTL that is not a number holds the key for good: fail closed, never open.
 */
function heldUntil(nowMs: number, ttlMs: number): number {
  if (Number.isNaN(ttlMs)) return Number.POSITIVE_INFINITY;
  return Math.ceil(nowMs + Math.max(1, ttlMs));
}
