import type { UncheckedStep } from '../decision/decision.js';
import { AuthzError } from '../errors.js';
import { type Store, StoreCapacityError } from './store.js';

/** The store operations that `onStoreError: allow` lets a check through without. */
export type DegradedOperation = Exclude<UncheckedStep, 'replay'>;

/**
 * `onStoreError: allow`: when the store cannot be reached, the check goes on as if the agent
 * had no history, its workload were the pinned one, and its rate limit had room; `onDegraded`
 * counts each. What stays closed: a full store (a capacity limit, not an outage), revocations
 * (held in memory, or denied until first loaded), and the replay claim, which the pipeline
 * lets through without ever reporting the nonce as checked. The pipeline wraps the store per
 * check (src/pipeline/store-for-check.ts), so each decision says which steps it passed without.
 */
export function failOpenStore(
  store: Store,
  onDegraded: (operation: DegradedOperation) => void,
): Store {
  const history = store.history;
  return {
    kind: store.kind,
    close: () => store.close(),
    ping: () => store.ping(),
    inFlight: () => store.inFlight(),
    replay: store.replay,
    revocations: store.revocations,
    history: {
      get: (agentId) => orElse(history.get(agentId), undefined, 'history', onDegraded),
      recordOutcome: (agentId, outcome) => history.recordOutcome(agentId, outcome),
      pinWorkload: (agentId, fingerprint) =>
        orElse(history.pinWorkload(agentId, fingerprint), fingerprint, 'workload-pin', onDegraded),
      recordDrift: (agentId, event, quarantine) =>
        orElse(history.recordDrift(agentId, event, quarantine), undefined, 'drift', onDegraded),
      release: (agentId) => history.release(agentId),
      list: (options) => history.list(options),
    },
    rateLimiter: {
      take: (key, rate, nowMs) =>
        orElse(
          store.rateLimiter.take(key, rate, nowMs),
          { allowed: true },
          'rate-limit',
          onDegraded,
        ),
    },
  };
}

async function orElse<T>(
  pending: Promise<T>,
  fallback: T,
  operation: DegradedOperation,
  onDegraded: (operation: DegradedOperation) => void,
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
