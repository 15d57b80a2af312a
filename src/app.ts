import type { Config } from './config/config-schema.js';
import { createNetworkResolvers, type NetworkResolvers } from './keys/create-network-resolvers.js';
import type { FetchCounters } from './keys/fetch/fetch-outcomes.js';
import type { HostLookup } from './keys/fetch/resolve-public-address.js';
import { createKeyResolver } from './keys/resolve-verification-key.js';
import { type Clock, systemClock } from './lib/clock.js';
import { runCheck } from './pipeline/check.js';
import type { CheckDeps } from './pipeline/check-deps.js';
import { DEFAULT_POLICY } from './policy/policy.js';
import type { AuthzRequest } from './request/authz-request.js';
import { createMemoryStore } from './store/memory/create-memory-store.js';
import type { Store } from './store/store.js';
import type { Logger } from './telemetry/logger.js';
import type { CheckEngine } from './transport/grpc/authorization-service.js';
import { startGrpcTransport } from './transport/grpc/grpc-server.js';

export interface App {
  readonly grpcPort: number;
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
  const network = createNetworkResolvers(config.resolver, {
    clock: options.clock ?? systemClock,
    maxEntries: config.keys.cacheSize,
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
  });
  const check = createEngine(config, store, network, options);
  const grpc = await startGrpcTransport(config.listen.grpc, check);
  logger.info(
    { grpc: config.listen.grpc, port: grpc.port, networkResolution: config.resolver.network },
    'agent-authz listening',
  );
  return {
    grpcPort: grpc.port,
    fetchCounters: network.counters,
    shutdown: async () => {
      logger.info('draining: health NOT_SERVING, finishing in-flight checks');
      await grpc.drain({ delayMs: config.shutdown.drainDelay, timeoutMs: config.shutdown.timeout });
      await store.close();
      logger.info('stopped');
    },
  };
}

/** The transport-independent engine: a normalised request in, a Decision out. */
export function createEngine(
  config: Config,
  store: Store,
  network: NetworkResolvers,
  options: AppOptions,
): CheckEngine {
  const clock = options.clock ?? systemClock;
  const deps: CheckDeps = {
    resolveKey: createKeyResolver({
      cacheSize: config.keys.cacheSize,
      methods: network.methods,
      clock,
    }),
    resolveDirectoryKey: network.resolveDirectoryKey,
    replay: store.replay,
    policy: () => DEFAULT_POLICY,
    window: { maxAgeMs: config.signatures.maxAge, clockSkewMs: config.signatures.clockSkew },
    onStoreError: config.onStoreError,
    clock,
    onInternalError: (error) => options.logger.error({ err: error }, 'check failed internally'),
  };
  return (request: AuthzRequest) => runCheck(request, deps);
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
