import type { AdminServer } from '../admin/start-admin-server.js';
import type { Config } from '../config/config-schema.js';
import { createNetworkResolvers, type NetworkResolvers } from '../keys/create-network-resolvers.js';
import type { FetchCounters } from '../keys/fetch/fetch-outcomes.js';
import type { HostLookup } from '../keys/fetch/resolve-public-address.js';
import { type Clock, systemClock } from '../lib/clock.js';
import type { PolicySource } from '../policy/watch-policy.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { startGrpcTransport } from '../transport/grpc/grpc-server.js';
import { createEngine } from './create-engine.js';
import { createStore } from './create-store.js';
import { instrumentStore } from './instrument-store.js';
import { logReplayCapacity } from './log-replay-capacity.js';
import { openPolicy } from './open-policy.js';
import { startAdmin } from './start-admin.js';
import { startHttpListener } from './start-http-transport.js';
import { startTelemetry } from './start-telemetry.js';

export interface App {
  readonly grpcPort: number;
  /** The admin HTTP port actually bound. */
  readonly adminPort: number;
  /** The HTTP ext_authz port, or undefined when `listen.http` is "". */
  readonly httpPort: number | undefined;
  readonly store: Store;
  readonly policy: PolicySource;
  readonly metrics: Metrics;
  /** Per-outcome counters of did:web and key directory fetches. */
  readonly fetchCounters: Readonly<FetchCounters>;
  /** Bytes the did:web and key directory caches hold now, each within resolver.cacheBytes. */
  readonly documentCacheBytes: NetworkResolvers['cachedBytes'];
  /** Drain: health NOT_SERVING, stop accepting, finish in-flight checks, close the store. */
  shutdown(): Promise<void>;
}

export interface AppOptions {
  readonly logger: Logger;
  readonly clock?: Clock;
  /** DNS for did:web and key directory hosts (tests point names at 127.0.0.1). */
  readonly lookup?: HostLookup;
  /** Where OTEL_* variables are read (process.env by default). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The composition root: builds the store, resolver, telemetry and engine, then the listeners. */
export async function startApp(config: Config, options: AppOptions): Promise<App> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const rawStore = await createStore(config, logger);
  logReplayCapacity(config, logger);
  if (config.signatures.allowTestKeys) {
    logger.warn(
      { setting: 'signatures.allowTestKeys' },
      'UNSAFE: published test keys (RFC 9421 Appendix B, Web Bot Auth drafts) are accepted as agent keys; for conformance runs only',
    );
  }
  const policy = openPolicy(config, logger);
  const network = createNetworkResolvers(config.resolver, {
    clock,
    maxEntries: config.keys.cacheSize,
    clockSkewMs: config.signatures.clockSkew,
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
  });
  const telemetry = await startTelemetry(
    config,
    {
      replayEntries: () => rawStore.replay.size(),
      storeInFlight: () => rawStore.inFlight(),
      fetchCounters: network.counters,
      policyReloads: policy.source.reloads,
    },
    { logger, env: options.env ?? process.env },
  );
  const store = instrumentStore(rawStore, telemetry.metrics);
  const current = () => policy.source.current();
  const check = createEngine(config, { store, policy: current, network, telemetry }, options);
  const grpc = await startGrpcTransport(config.listen.grpc, check);
  let serving = true;
  const admin: AdminServer = await startAdmin(config, {
    store,
    policy,
    telemetry,
    clock,
    listenersUp: () => serving,
    logger,
  });
  const http = await startHttpListener(config, check, logger);
  logger.info(
    {
      grpc: config.listen.grpc,
      port: grpc.port,
      admin: config.listen.admin,
      adminPort: admin.port,
      networkResolution: config.resolver.network,
    },
    'agent-authz listening',
  );
  return {
    grpcPort: grpc.port,
    adminPort: admin.port,
    httpPort: http?.port,
    store,
    policy: policy.source,
    metrics: telemetry.metrics,
    fetchCounters: network.counters,
    documentCacheBytes: network.cachedBytes,
    shutdown: async () => {
      logger.info('draining: health NOT_SERVING, finishing in-flight checks');
      serving = false;
      await Promise.all([
        grpc.drain({ delayMs: config.shutdown.drainDelay, timeoutMs: config.shutdown.timeout }),
        http?.close(config.shutdown.drainDelay + config.shutdown.timeout),
      ]);
      await admin.close();
      policy.source.close();
      await store.close();
      await telemetry.close();
      logger.info('stopped');
    },
  };
}
