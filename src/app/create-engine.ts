import type { Config } from '../config/config-schema.js';
import type { UncheckedStep } from '../decision/decision.js';
import type { NetworkResolvers } from '../keys/create-network-resolvers.js';
import { createKeyResolver } from '../keys/resolve-verification-key.js';
import { systemClock } from '../lib/clock.js';
import { runCheck } from '../pipeline/check.js';
import type { CheckDeps } from '../pipeline/check-deps.js';
import type { Policy } from '../policy/policy.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { reportRepeatedErrors } from '../store/report-store-errors.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
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

/**
 * The transport-independent engine: a normalised request in, a Decision out, recorded in the
 * metrics and the decision log. Key resolution, token verification and the store (wrapped by
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
  const tokens = createTokenDeps(config, clock, state.network, options.logger);
  const deps: CheckDeps = {
    resolveKey: instrumentKeyResolver(
      createKeyResolver({
        cacheSize: config.keys.cacheSize,
        cacheBytes: config.keys.cacheBytes,
        methods: state.network.methods,
        clock,
      }),
      metrics,
    ),
    resolveDirectoryKey: instrumentDirectoryResolver(state.network.resolveDirectoryKey, metrics),
    store: state.store,
    policy: state.policy,
    window: { maxAgeMs: config.signatures.maxAge, clockSkewMs: config.signatures.clockSkew },
    signatureLimits: {
      maxSignatures: config.signatures.maxSignatures,
      maxComponents: config.signatures.maxComponents,
    },
    allowTestKeys: config.signatures.allowTestKeys,
    webBotAuth: webBotAuthSettings(config.webBotAuth),
    tokens:
      tokens === undefined
        ? undefined
        : { ...tokens, verify: instrumentTokenVerifier(tokens.verify, metrics) },
    onStoreError: config.onStoreError,
    onStoreDegraded: reportDegraded(metrics, logger),
    clock,
    onInternalError: (error) => logger.error({ err: error }, 'check failed internally'),
    onHistoryError: (error) => logger.warn({ err: error }, 'agent history not recorded'),
  };
  return async (request: AuthzRequest, traceId = request.requestId) => {
    const start = performance.now();
    const decision = await runCheck(request, deps);
    recordCheck(request, decision, traceId, performance.now() - start);
    if (decision.allowed && decision.wouldDeny !== undefined) {
      const { agentId, zone } = decision.identity;
      logger.info(
        { reason: decision.wouldDeny, agentId, zone, path: request.path },
        'observe mode: would deny',
      );
    }
    return decision;
  };
}
