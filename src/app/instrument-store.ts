import type { Store } from '../store/store.js';
import { StoreCapacityError } from '../store/store.js';
import { inRecordedSpan, isTracing } from '../telemetry/child-span.js';
import type { Metrics } from '../telemetry/metrics.js';

/**
 * The store with every call counted, timed and (when traced) given a child span named after its
 * operation. Failures are counted per operation; a full replay store is also counted as a
 * refusal. The wrapped store behaves exactly like the original.
 */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const timed = store.kind !== 'memory';
  const op = <A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>) =>
    timedCall(name, call, metrics, timed);
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
    inFlight: () => store.inFlight(),
    close: () => store.close(),
  };
}

/**
 * Counts every call and its failures. Latency is timed only for a networked store: a memory
 * call takes well under a microsecond, less than the clock reads would cost.
 */
function timedCall<A extends unknown[], R>(
  operation: string,
  call: (...args: A) => Promise<R>,
  metrics: Metrics,
  timed: boolean,
): (...args: A) => Promise<R> {
  const calls = metrics.storeCalls.cell(operation);
  const errors = metrics.storeErrors.cell(operation);
  const duration = metrics.storeDuration.cell(operation);
  const spanName = `agent_authz.store ${operation}`;
  const measured = async (args: A): Promise<R> => {
    const start = timed ? performance.now() : 0;
    calls.n += 1;
    try {
      return await call(...args);
    } catch (error) {
      errors.n += 1;
      if (error instanceof StoreCapacityError && operation === 'replay.claim') {
        metrics.replayRefusals.inc();
      }
      throw error;
    } finally {
      if (timed) metrics.storeDuration.observe(duration, (performance.now() - start) / 1000);
    }
  };
  return (...args) =>
    isTracing() ? inRecordedSpan(spanName, () => measured(args)) : measured(args);
}
