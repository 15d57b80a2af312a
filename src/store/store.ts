/**
 * The state the checks share. One interface, with a memory implementation (default) and a
 * Redis one for several replicas; both pass the same contract tests.
 */

export type ClaimResult = 'fresh' | 'seen';

/**
 * Replay memory. `claim` records a key until `ttlMs` has passed and says whether it was already
 * there. It never forgets a live key to make room: when it cannot record, it throws an
 * `AuthzError` with code `store_unavailable`.
 */
export interface ReplayStore {
  claim(key: string, ttlMs: number): Promise<ClaimResult>;
  /** Live entries now held (for occupancy metrics). */
  size(): number;
}

export interface Store {
  readonly kind: 'memory';
  readonly replay: ReplayStore;
  close(): Promise<void>;
}
