import type { UncheckedStep } from '../decision/decision.js';
import { AuthzError } from '../errors.js';
import {
  type AgentHistory,
  type DriftEvent,
  type HistoryPage,
  type HistoryStore,
  type RateDecision,
  type RateLimiter,
  type Store,
  StoreCapacityError,
} from './store.js';

/** The store operations that `onStoreError: allow` lets a check through without. */
export type DegradedOperation = Exclude<UncheckedStep, 'replay'>;

/** Told each time one check passes an operation without the store. */
export type OnDegraded = (operation: DegradedOperation) => void;

/**
 * `onStoreError: allow`: when the store cannot be reached, the check goes on as if the agent
 * had no history, its workload were the pinned one, and its rate limit had room; `onDegraded`
 * counts each. What stays closed: a full store (a capacity limit, not an outage), revocations
 * (held in memory, or denied until first loaded), and the replay claim, which the pipeline
 * lets through without ever reporting the nonce as checked.
 *
 * Each check needs its own `onDegraded` (src/pipeline/store-for-check.ts collects what that
 * check passed without), so this returns a view per check: three small objects whose methods
 * live on their prototypes, not a dozen closures per check.
 */
export function failOpenStore(store: Store, onDegraded: OnDegraded): Store {
  return new FailOpenStore(store, onDegraded);
}

class FailOpenStore implements Store {
  readonly kind: Store['kind'];
  readonly replay: Store['replay'];
  readonly revocations: Store['revocations'];
  readonly history: HistoryStore;
  readonly rateLimiter: RateLimiter;
  readonly #store: Store;

  constructor(store: Store, onDegraded: OnDegraded) {
    this.#store = store;
    this.kind = store.kind;
    this.replay = store.replay;
    this.revocations = store.revocations;
    this.history = new FailOpenHistory(store.history, onDegraded);
    this.rateLimiter = new FailOpenRateLimiter(store.rateLimiter, onDegraded);
  }

  ping(): Promise<void> {
    return this.#store.ping();
  }

  inFlight(): number {
    return this.#store.inFlight();
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}

class FailOpenHistory implements HistoryStore {
  readonly #history: HistoryStore;
  readonly #onDegraded: OnDegraded;

  constructor(history: HistoryStore, onDegraded: OnDegraded) {
    this.#history = history;
    this.#onDegraded = onDegraded;
  }

  get(agentId: string): Promise<AgentHistory | undefined> {
    return orElse(this.#history.get(agentId), undefined, 'history', this.#onDegraded);
  }

  recordOutcome(
    agentId: string,
    outcome: { allowed: boolean; workload: string | undefined; atMs: number },
  ): Promise<void> {
    return this.#history.recordOutcome(agentId, outcome);
  }

  pinWorkload(agentId: string, fingerprint: string): Promise<string> {
    const pending = this.#history.pinWorkload(agentId, fingerprint);
    return orElse(pending, fingerprint, 'workload-pin', this.#onDegraded);
  }

  recordDrift(agentId: string, event: DriftEvent, quarantine: boolean): Promise<void> {
    const pending = this.#history.recordDrift(agentId, event, quarantine);
    return orElse(pending, undefined, 'drift', this.#onDegraded);
  }

  release(agentId: string): Promise<boolean> {
    return this.#history.release(agentId);
  }

  list(options: { after?: string; limit: number }): Promise<HistoryPage> {
    return this.#history.list(options);
  }
}

const ROOM: RateDecision = Object.freeze({ allowed: true });

class FailOpenRateLimiter implements RateLimiter {
  readonly #limiter: RateLimiter;
  readonly #onDegraded: OnDegraded;

  constructor(limiter: RateLimiter, onDegraded: OnDegraded) {
    this.#limiter = limiter;
    this.#onDegraded = onDegraded;
  }

  take(key: string, rate: { limit: number; windowMs: number }, nowMs: number) {
    return orElse(this.#limiter.take(key, rate, nowMs), ROOM, 'rate-limit', this.#onDegraded);
  }
}

async function orElse<T>(
  pending: Promise<T>,
  fallback: T,
  operation: DegradedOperation,
  onDegraded: OnDegraded,
): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    if (!isOutage(error)) throw error;
    onDegraded(operation);
    return fallback;
  }
}

/** The store could not answer: not a refusal of a full store, not a bug. */
export function isOutage(error: unknown): boolean {
  return (
    error instanceof AuthzError &&
    error.code === 'store_unavailable' &&
    !(error instanceof StoreCapacityError)
  );
}
