import type { Config } from '../config/config-schema.js';
import type { NetworkResolvers } from '../keys/create-network-resolvers.js';
import { createKeyResolver } from '../keys/resolve-verification-key.js';
import { systemClock } from '../lib/clock.js';
import { runCheck } from '../pipeline/check.js';
import type { CheckDeps } from '../pipeline/check-deps.js';
import type { Policy } from '../policy/policy.js';
import type { AuthzRequest } from '../request/authz-request.js';
import type { Store } from '../store/store.js';
import type { CheckEngine } from '../transport/grpc/authorization-service.js';
import { createTokenDeps } from './create-token-deps.js';
import type { AppOptions } from './start-app.js';

/** The transport-independent engine: a normalised request in, a Decision out. */
export function createEngine(
  config: Config,
  state: { store: Store; policy: () => Policy; network: NetworkResolvers },
  options: AppOptions,
): CheckEngine {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const deps: CheckDeps = {
    resolveKey: createKeyResolver({
      cacheSize: config.keys.cacheSize,
      cacheBytes: config.keys.cacheBytes,
      methods: state.network.methods,
      clock,
    }),
    resolveDirectoryKey: state.network.resolveDirectoryKey,
    store: state.store,
    policy: state.policy,
    window: { maxAgeMs: config.signatures.maxAge, clockSkewMs: config.signatures.clockSkew },
    signatureLimits: {
      maxSignatures: config.signatures.maxSignatures,
      maxComponents: config.signatures.maxComponents,
    },
    tokens: createTokenDeps(config, clock, state.network, options.logger),
    onStoreError: config.onStoreError,
    clock,
    onInternalError: (error) => logger.error({ err: error }, 'check failed internally'),
    onHistoryError: (error) => logger.warn({ err: error }, 'agent history not recorded'),
  };
  return async (request: AuthzRequest) => {
    const decision = await runCheck(request, deps);
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
