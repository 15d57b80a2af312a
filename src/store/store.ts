/**
 * The state the checks share. One interface, with a memory implementation (default) and a
 * Redis one for several replicas; both pass the same contract tests.
 */

import { AuthzError } from '../errors.js';

export type ClaimResult = 'fresh' | 'seen';

/**
 * The store is reachable but holds as many unexpired entries as it may: a capacity limit, not
 * a dead dependency, so `onStoreError: allow` never applies to it.
 */
/**
 * What a hot-path store call returns: the memory store answers synchronously (no promise, no
 * microtask), a networked store with a promise. Callers `await` it or test `isPromise`;
 * a memory call that cannot proceed throws where it is called.
 */
export type MaybePromise<T> = T | Promise<T>;

/** Whether a store answer is still pending. */
export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return value instanceof Promise;
}

export class StoreCapacityError extends AuthzError {
  constructor(message: string) {
    super('store_unavailable', message);
  }
}

/**
 * Replay memory. `claim` records a key until `ttlMs` has passed and says whether it was already
 * there. It never forgets a live key to make room: when it cannot record, it throws an
 * `AuthzError` with code `store_unavailable`.
 */
export interface ReplayStore {
  claim(key: string, ttlMs: number): MaybePromise<ClaimResult>;
  /** Live entries now held (for occupancy metrics). */
  size(): number;
}

export interface DriftEvent {
  readonly atMs: number;
  readonly from: string;
  readonly to: string;
}

/** What is known about one agent from the requests it made. */
export interface AgentHistory {
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  readonly allowed: number;
  readonly denied: number;
  /** Distinct workloads seen, most recent last (bounded). */
  readonly workloads: readonly string[];
  /** `bindWorkload: first-use`: the workload fingerprint pinned on first use. */
  readonly pinnedWorkload: string | undefined;
  readonly driftEvents: readonly DriftEvent[];
  readonly quarantined: boolean;
}

/**
 * Agent history. Activity counts may be forgotten under memory pressure (trust then starts
 * again from `new`); pins, drift events and quarantines never are — at capacity a new pin is
 * refused with `store_unavailable`, so flooding the store cannot unpin an agent.
 */
export interface HistoryStore {
  get(agentId: string): MaybePromise<AgentHistory | undefined>;
  recordOutcome(
    agentId: string,
    outcome: { allowed: boolean; workload: string | undefined; atMs: number },
  ): MaybePromise<void>;
  /** Pins `fingerprint` if nothing is pinned yet; returns what is pinned now. */
  pinWorkload(agentId: string, fingerprint: string): Promise<string>;
  recordDrift(agentId: string, event: DriftEvent, quarantine: boolean): Promise<void>;
  /** Lifts a quarantine; false when the agent was not quarantined. */
  release(agentId: string): Promise<boolean>;
  /**
   * A page of at most `limit` agents (capped at MAX_HISTORY_PAGE) ordered by id, starting after
   * the cursor `after` (exclusive). Its cost is bounded by the page, not by the agents held: a
   * sorted index in memory, one sorted-set range and one batch of reads in Redis.
   */
  list(options: { after?: string; limit: number }): Promise<HistoryPage>;
}

/** The most agents one `HistoryStore.list` call returns. */
export const MAX_HISTORY_PAGE = 1000;

/**
 * One page of `HistoryStore.list`; `next` is the cursor of the following page, if any. A page
 * may hold fewer agents than asked for while `next` is set: an id whose history has gone since
 * it was indexed is skipped.
 */
export interface HistoryPage {
  readonly agents: Array<{ id: string; history: AgentHistory }>;
  readonly next?: string;
}

/** Revoked agent ids, key ids and token ids, beside those the policy file lists. */
export interface RevocationStore {
  revoke(id: string): Promise<void>;
  unrevoke(id: string): Promise<boolean>;
  anyRevoked(ids: readonly string[]): MaybePromise<boolean>;
  /** Every id revoked through the store (not those the policy file lists). */
  list(): Promise<string[]>;
}

export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number };

/** Per-key rate limiting, atomic per call. */
export interface RateLimiter {
  take(
    key: string,
    rate: { limit: number; windowMs: number },
    nowMs: number,
  ): MaybePromise<RateDecision>;
}

export interface Store {
  readonly kind: 'memory' | 'redis';
  readonly replay: ReplayStore;
  readonly history: HistoryStore;
  readonly revocations: RevocationStore;
  readonly rateLimiter: RateLimiter;
  /** Resolves when the store answers; rejects when it is unreachable (for `/readyz`). */
  ping(): Promise<void>;
  /** Calls sent and not yet answered (Redis); always 0 for the memory store. */
  inFlight(): number;
  close(): Promise<void>;
}
