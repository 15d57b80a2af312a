import type { Config } from '../config/config-schema.js';
import { createNetworkResolvers } from '../keys/create-network-resolvers.js';
import type { FetchCounters } from '../keys/fetch/fetch-outcomes.js';
import type { HostLookup } from '../keys/fetch/resolve-public-address.js';
import { type Clock, systemClock } from '../lib/clock.js';
import type { PolicySource } from '../policy/watch-policy.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import { startGrpcTransport } from '../transport/grpc/grpc-server.js';
import { createEngine } from './create-engine.js';
import { createStore } from './create-store.js';
import { logReplayCapacity } from './log-replay-capacity.js';
import { openPolicy } from './open-policy.js';

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
  const store = await createStore(config, logger);
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
