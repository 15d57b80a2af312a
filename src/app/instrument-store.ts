import type { Store } from '../store/store.js';
import { StoreCapacityError } from '../store/store.js';
import { inChildSpan } from '../telemetry/child-span.js';
import type { Metrics } from '../telemetry/metrics.js';

/**
 * The store with every call counted, timed and (when traced) given a child span named after its
 * operation. Failures are counted per operation; a full replay store is also counted as a
 * refusal. The wrapped store behaves exactly like the original.
 */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const op = <A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>) =>
    timedCall(name, call, metrics);
  const { replay, history, revocations, rateLimiter } = store;
  return {
    kind: store.kind,
    replay: {
      claim: op('replay.claim', (key: string, ttlMs: number) => replay.claim(key, ttlMs)),
      size: () => replay.size(),
    },
    history: {
      get: op('history.get', (id: string) => history.get(id)),
      recordOutcome: op('history.record_outcome', history.recordOutcome.bind(history)),
      pinWorkload: op('history.pin_workload', history.pinWorkload.bind(history)),
      recordDrift: op('history.record_drift', history.recordDrift.bind(history)),
      release: op('history.release', history.release.bind(history)),
      list: op('history.list', history.list.bind(history)),
    },
    revocations: {
      revoke: op('revocations.revoke', revocations.revoke.bind(revocations)),
      unrevoke: op('revocations.unrevoke', revocations.unrevoke.bind(revocations)),
      anyRevoked: op('revocations.any_revoked', revocations.anyRevoked.bind(revocations)),
      list: op('revocations.list', revocations.list.bind(revocations)),
    },
    rateLimiter: { take: op('rate_limiter.take', rateLimiter.take.bind(rateLimiter)) },
    ping: op('ping', () => store.ping()),
    close: () => store.close(),
  };
}

function timedCall<A extends unknown[], R>(
  operation: string,
  call: (...args: A) => Promise<R>,
  metrics: Metrics,
): (...args: A) => Promise<R> {
  const calls = metrics.storeCalls.labels(operation);
  const errors = metrics.storeErrors.labels(operation);
  const duration = metrics.storeDuration.labels(operation);
  const spanName = `agent_authz.store ${operation}`;
  return (...args) =>
    inChildSpan(spanName, async () => {
      const start = performance.now();
      calls.inc();
      try {
        return await call(...args);
      } catch (error) {
        errors.inc();
        if (error instanceof StoreCapacityError && operation === 'replay.claim') {
          metrics.replayRefusals.inc();
        }
        throw error;
      } finally {
        duration.observe((performance.now() - start) / 1000);
      }
    });
}
