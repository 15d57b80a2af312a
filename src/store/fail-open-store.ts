import type { UncheckedStep } from '../decision/decision.js';
import { AuthzError } from '../errors.js';
import {
  type AgentHistory,
  type DriftEvent,
  type HistoryPage,
  type HistoryStore,
  isPromise,
  type MaybePromise,
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

  get(agentId: string): MaybePromise<AgentHistory | undefined> {
    return orElse(() => this.#history.get(agentId), undefined, 'history', this.#onDegraded);
  }

  recordOutcome(
    agentId: string,
    outcome: { allowed: boolean; workload: string | undefined; atMs: number },
  ): MaybePromise<void> {
    return this.#history.recordOutcome(agentId, outcome);
  }

  async pinWorkload(agentId: string, fingerprint: string): Promise<string> {
    const pin = () => this.#history.pinWorkload(agentId, fingerprint);
    return orElse(pin, fingerprint, 'workload-pin', this.#onDegraded);
  }

  async recordDrift(agentId: string, event: DriftEvent, quarantine: boolean): Promise<void> {
    const record = () => this.#history.recordDrift(agentId, event, quarantine);
    return orElse(record, undefined, 'drift', this.#onDegraded);
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
    const take = () => this.#limiter.take(key, rate, nowMs);
    return orElse(take, ROOM, 'rate-limit', this.#onDegraded);
  }
}

/**
 * The call's answer, or `fallback` when the store could not answer. A synchronous answer stays
 * synchronous; a failure is handled alike whether it was thrown or a rejected promise.
 */
function orElse<T>(
  call: () => MaybePromise<T>,
  fallback: T,
  operation: DegradedOperation,
  onDegraded: OnDegraded,
): MaybePromise<T> {
  const degrade = (error: unknown): T => {
    if (!isOutage(error)) throw error;
    onDegraded(operation);
    return fallback;
  };
  try {
    const answer = call();
    return isPromise(answer) ? answer.catch(degrade) : answer;
  } catch (error) {
    return degrade(error);
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
