import type { Store } from '../store/store.js';
import { isPromise, type MaybePromise, StoreCapacityError } from '../store/store.js';
import { inRecordedSpan, isTracerRegistered, isTracing } from '../telemetry/child-span.js';
import type { Metrics } from '../telemetry/metrics.js';

/**
 * The store with every call counted, timed and (when traced) given a child span named after its
 * operation. Failures are counted per operation; a full replay store is also counted as a
 * refusal. The wrapped store behaves exactly like the original.
 */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const timed = store.kind !== 'memory';
  // No tracer provider now, none later (the SDK starts before the engine): no span to ask about.
  const traced = isTracerRegistered();
  // The wrapper answers as the call does (a pending store keeps its promises), so it keeps the type.
  const op = <F extends (...args: never[]) => unknown>(name: string, call: F): F =>
    timedCall(name, call as never, metrics, { timed, traced }) as F;
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
 * call takes well under a microsecond, less than the clock reads would cost. A memory answer
 * stays synchronous (no promise is made for it); a pending one is followed to its end.
 */
function timedCall<A extends unknown[], R>(
  operation: string,
  call: (...args: A) => MaybePromise<R>,
  metrics: Metrics,
  { timed, traced }: { readonly timed: boolean; readonly traced: boolean },
): (...args: A) => MaybePromise<R> {
  const calls = metrics.storeCalls.cell(operation);
  const errors = metrics.storeErrors.cell(operation);
  const duration = metrics.storeDuration.cell(operation);
  const spanName = `agent_authz.store ${operation}`;
  const failed = (error: unknown): never => {
    errors.n += 1;
    if (error instanceof StoreCapacityError && operation === 'replay.claim') {
      metrics.replayRefusals.inc();
    }
    throw error;
  };
  const pending = async (answer: Promise<R>, start: number): Promise<R> => {
    try {
      return await answer;
    } catch (error) {
      return failed(error);
    } finally {
      if (timed) metrics.storeDuration.observe(duration, (performance.now() - start) / 1000);
    }
  };
  const measured = (args: A): MaybePromise<R> => {
    const start = timed ? performance.now() : 0;
    calls.n += 1;
    let answer: MaybePromise<R>;
    try {
      answer = call(...args);
    } catch (error) {
      return failed(error);
    }
    return isPromise(answer) ? pending(answer, start) : answer;
  };
  if (!traced) return (...args) => measured(args);
  return (...args) =>
    isTracing() ? inRecordedSpan(spanName, async () => measured(args)) : measured(args);
}
