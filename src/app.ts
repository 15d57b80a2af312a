import type { Config } from './config/config-schema.js';
import { createNetworkResolvers, type NetworkResolvers } from './keys/create-network-resolvers.js';
import { createTrustedIssuers } from './keys/create-trusted-issuers.js';
import type { FetchCounters } from './keys/fetch/fetch-outcomes.js';
import type { HostLookup } from './keys/fetch/resolve-public-address.js';
import { createKeyResolver } from './keys/resolve-verification-key.js';
import { type Clock, systemClock } from './lib/clock.js';
import { runCheck } from './pipeline/check.js';
import type { CheckDeps, TokenDeps } from './pipeline/check-deps.js';
import { DEFAULT_POLICY } from './policy/load-policy.js';
import type { Policy } from './policy/policy.js';
import { type PolicySource, staticPolicy, watchPolicyFile } from './policy/watch-policy.js';
import { cacheVerifiedTokens } from './proofs/cache-verified-tokens.js';
import { createTokenVerifier } from './proofs/verify-access-token.js';
import type { AuthzRequest } from './request/authz-request.js';
import { createMemoryStore } from './store/memory/create-memory-store.js';
import type { Store } from './store/store.js';
import type { Logger } from './telemetry/logger.js';
import type { CheckEngine } from './transport/grpc/authorization-service.js';
import { startGrpcTransport } from './transport/grpc/grpc-server.js';

export interface App {
  readonly grpcPort: number;
  readonly store: Store;
  readonly policy: PolicySource;
  /** Per-outcome counters of did:web and key directory fetches. */
  readonly fetchCounters: Readonly<FetchCounters>;
  /** Drain: health NOT_SERVING, stop accepting, finish in-flight checks, close the store. */
  shutdown(): Promise<void>;
}

export interface AppOptions {
  readonly logger: Logger;
  readonly clock?: Clock;
  /** DNS for did:web and key directory hosts (tests point names at 127.0.0.1). */
  readonly lookup?: HostLookup;
}

/** The composition root: builds the store, resolver and engine, then the transports. */
export async function startApp(config: Config, options: AppOptions): Promise<App> {
  const { logger } = options;
  const store = createMemoryStore(config.store.memory);
  logReplayCapacity(config, logger);
  const policy = openPolicy(config, logger);
  const network = createNetworkResolvers(config.resolver, {
    clock: options.clock ?? systemClock,
    maxEntries: config.keys.cacheSize,
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
  });
  const check = createEngine(config, { store, policy: () => policy.current(), network }, options);
  const grpc = await startGrpcTransport(config.listen.grpc, check);
  logger.info(
    { grpc: config.listen.grpc, port: grpc.port, networkResolution: config.resolver.network },
    'agent-authz listening',
  );
  return {
    grpcPort: grpc.port,
    store,
    policy,
    fetchCounters: network.counters,
    shutdown: async () => {
      logger.info('draining: health NOT_SERVING, finishing in-flight checks');
      await grpc.drain({ delayMs: config.shutdown.drainDelay, timeoutMs: config.shutdown.timeout });
      policy.close();
      await store.close();
      logger.info('stopped');
    },
  };
}

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
      methods: state.network.methods,
      clock,
    }),
    resolveDirectoryKey: state.network.resolveDirectoryKey,
    store: state.store,
    policy: state.policy,
    window: { maxAgeMs: config.signatures.maxAge, clockSkewMs: config.signatures.clockSkew },
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

/** The policy file with hot reload, or the embedded default policy. */
function openPolicy(config: Config, logger: Logger): PolicySource {
  if (config.policy === undefined) return staticPolicy(DEFAULT_POLICY);
  const source = watchPolicyFile(config.policy, {
    applied: (policy) => logger.info({ sha256: policy.source.sha256 }, 'policy reloaded'),
    rejected: (error) =>
      logger.error({ error: error.message }, 'policy reload rejected; the previous policy stays'),
  });
  logger.info({ file: config.policy, sha256: source.current().source.sha256 }, 'policy loaded');
  return source;
}

/** The token profiles, when issuers are configured (SPEC §2 items 2–3). */
function createTokenDeps(
  config: Config,
  clock: Clock,
  network: NetworkResolvers,
  logger: Logger,
): TokenDeps | undefined {
  if (config.issuers.length === 0) return undefined;
  const { tokens } = config;
  const issuers = createTrustedIssuers(config, {
    clock,
    didMethods: network.methods,
    onJwksError: (issuer, error) =>
      logger.warn({ issuer, err: error }, 'issuer keys could not be fetched'),
  });
  const verify = createTokenVerifier(issuers, {
    clockSkewMs: tokens.clockSkew,
    clock,
    agentIdClaim: tokens.agentIdClaim,
  });
  return {
    verify: cacheVerifiedTokens(verify, {
      max: tokens.cacheSize,
      clock,
      clockSkewMs: tokens.clockSkew,
    }),
    requireBinding: tokens.requireBinding,
    proofWindow: { maxAgeMs: tokens.dpop.maxAge, clockSkewMs: tokens.clockSkew },
    schemeHeader: tokens.dpop.schemeHeader === '' ? undefined : tokens.dpop.schemeHeader,
  };
}

/** SPEC §6: say at start how much signed traffic the replay capacity covers. */
function logReplayCapacity(config: Config, logger: Logger): void {
  const windowSeconds = (config.signatures.maxAge + config.signatures.clockSkew) / 1000;
  const perSecond = Math.floor(config.store.memory.maxEntries / windowSeconds);
  logger.info(
    {
      maxEntries: config.store.memory.maxEntries,
      windowSeconds,
      signedRequestsPerSecond: perSecond,
    },
    `replay store covers ${perSecond} signed requests per second sustained`,
  );
}
