import type { Config } from '../config/config-schema.js';
import type { UncheckedStep } from '../decision/decision.js';
import type { NetworkResolvers } from '../keys/create-network-resolvers.js';
import { createKeyResolver } from '../keys/resolve-verification-key.js';
import { systemClock } from '../lib/clock.js';
import { refuseCheck, runCheck } from '../pipeline/check.js';
import type { CheckDeps } from '../pipeline/check-deps.js';
import { guardChecks } from '../pipeline/guard-checks.js';
import type { Policy } from '../policy/policy.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { reportRepeatedErrors } from '../store/report-store-errors.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import { type Metrics, registerChecksInFlight } from '../telemetry/metrics.js';
import type { CheckEngine } from '../transport/grpc/authorization-service.js';
import { createTokenDeps } from './create-token-deps.js';
import {
  instrumentDirectoryResolver,
  instrumentKeyResolver,
  instrumentTokenVerifier,
} from './instrument-resolvers.js';
import type { AppOptions } from './start-app.js';
import type { Telemetry } from './start-telemetry.js';
import { webBotAuthSettings } from './web-bot-auth-settings.js';

/** `onStoreError: allow` passed a step without the store: counted, and logged (rate-limited). */
function reportDegraded(metrics: Metrics, logger: Logger): (step: UncheckedStep) => void {
  const report = reportRepeatedErrors(
    logger,
    'store unavailable: checks pass without it (onStoreError: allow)',
  );
  return (step) => {
    metrics.storeFailOpen.cell(step).n += 1;
    report(new Error(`allowed without the store's ${step} answer`));
  };
}

/** DPoP proof keys are counted with the other key lookups, as method `dpop`. */
function countProofKeyLookups(metrics: Metrics): (outcome: 'hit' | 'miss') => void {
  const hit = metrics.keyResolutions.cell('dpop', 'hit');
  const miss = metrics.keyResolutions.cell('dpop', 'miss');
  return (outcome) => {
    (outcome === 'hit' ? hit : miss).n += 1;
  };
}

/**
 * The transport-independent engine: a normalised request in, a Decision out, recorded in the
 * metrics and the decision log. Both transports call it, so its bounds — `limits.maxInFlight`
 * checks at once, each answered within `limits.checkTimeout` — hold whichever serves Envoy. Key resolution, token verification and the store (wrapped by
 * the caller) are counted and traced without the pipeline knowing.
 */
export function createEngine(
  config: Config,
  state: { store: Store; policy: () => Policy; network: NetworkResolvers; telemetry: Telemetry },
  options: AppOptions,
): CheckEngine {
  const { logger } = options;
  const { metrics, recordCheck } = state.telemetry;
  const clock = options.clock ?? systemClock;
  const tokens = createTokenDeps(
    config,
    clock,
    state.network,
    options.logger,
    countProofKeyLookups(metrics),
  );
  const instrumented = state.telemetry.counting || state.telemetry.tracing;
  const keyResolver = createKeyResolver({
    cacheSize: config.keys.cacheSize,
    cacheBytes: config.keys.cacheBytes,
    methods: state.network.methods,
    clock,
  });
  const deps: CheckDeps = {
    resolveKey: instrumented ? instrumentKeyResolver(keyResolver, metrics) : keyResolver,
    resolveDirectoryKey: instrumented
      ? instrumentDirectoryResolver(state.network.resolveDirectoryKey, metrics)
      : state.network.resolveDirectoryKey,
    store: state.store,
    policy: state.policy,
    window: { maxAgeMs: config.signatures.maxAge, clockSkewMs: config.signatures.clockSkew },
    signatureLimits: {
      maxSignatures: config.signatures.maxSignatures,
      maxComponents: config.signatures.maxComponents,
    },
    limits: config.limits,
    allowTestKeys: config.signatures.allowTestKeys,
    webBotAuth: webBotAuthSettings(config.webBotAuth),
    tokens:
      tokens === undefined || !instrumented
        ? tokens
        : { ...tokens, verify: instrumentTokenVerifier(tokens.verify, metrics) },
    onStoreError: config.onStoreError,
    onStoreDegraded: reportDegraded(metrics, logger),
    clock,
    onInternalError: (error) => logger.error({ err: error }, 'check failed internally'),
    onHistoryError: (error) => logger.warn({ err: error }, 'agent history not recorded'),
  };
  const shed = {
    overloaded: metrics.checksShed.cell('overloaded'),
    deadline_exceeded: metrics.checksShed.cell('deadline_exceeded'),
  };
  const check = guardChecks(
    (request) => runCheck(request, deps),
    (request, error) => refuseCheck(request, deps, error),
    {
      maxInFlight: config.limits.maxInFlight,
      deadlineMs: config.limits.checkTimeout,
      onShed: (reason) => {
        shed[reason].n += 1;
      },
      onLateCheck: (late) =>
        logger.debug(
          { allowed: late.allowed },
          'a check answered at limits.checkTimeout finished later; its decision was discarded',
        ),
    },
  );
  registerChecksInFlight(metrics, check.inFlight);
  return async (request: AuthzRequest, traceId = request.requestId) => {
    const start = performance.now();
    const decision = await check(request);
    // An observe-mode would-deny is recorded here once: the decision log always writes it.
    recordCheck(request, decision, traceId, performance.now() - start);
    return decision;
  };
}
