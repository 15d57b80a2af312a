import type { AdminServer } from '../admin/start-admin-server.js';
import type { Config } from '../config/config-schema.js';
import type { NetworkResolvers } from '../keys/create-network-resolvers.js';
import type { FetchCounters } from '../keys/fetch/fetch-outcomes.js';
import type { HostLookup } from '../keys/fetch/resolve-public-address.js';
import type { Clock } from '../lib/clock.js';
import { createSteadyClock } from '../lib/steady-clock.js';
import type { PolicySource } from '../policy/watch-policy.js';
import { ed25519Verifier } from '../proofs/verify-ed25519.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { startGrpcTransport } from '../transport/grpc/grpc-server.js';
import { composeCheck } from './compose-check.js';
import { grpcBounds } from './grpc-bounds.js';
import { logReplayCapacity } from './log-replay-capacity.js';
import { startAdmin } from './start-admin.js';
import { startHttpListener } from './start-http-transport.js';

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
  // Validity windows are judged by a clock that a backward wall-clock step cannot turn back, so
  // no replay window reopens after its entry expired (docs/limits.md#clocks).
  const clock =
    options.clock ??
    createSteadyClock({
      onStepBack: (behindMs) =>
        logger.warn(
          { behindMs: Math.round(behindMs) },
          'the wall clock stepped back; validity windows keep the time running forward from before the step',
        ),
    });
  if (config.signatures.allowTestKeys) {
    logger.warn(
      { setting: 'signatures.allowTestKeys' },
      'UNSAFE: published test keys (RFC 9421 Appendix B, Web Bot Auth drafts) are accepted as agent keys; for conformance runs only',
    );
  }
  const { check, store, policy, network, telemetry, traffic, close } = await composeCheck(config, {
    ...options,
    clock,
  });
  const grpc = await startGrpcTransport(config.listen.grpc, check, {
    server: config.grpc.server,
    bounds: grpcBounds(config),
    onInternalError: (error) =>
      logger.error({ err: error }, 'a gRPC call failed inside the server; its stream was reset'),
    requestLimits: config.limits,
  });
  let serving = true;
  const admin: AdminServer = await startAdmin(config, {
    store,
    policy,
    telemetry,
    clock,
    listenersUp: () => serving,
    logger,
    traffic,
  });
  const http = await startHttpListener(config, check, logger);
  logger.info(
    {
      grpc: config.listen.grpc,
      port: grpc.port,
      admin: config.listen.admin,
      adminPort: admin.port,
      networkResolution: config.resolver.network,
      ed25519Verifier: ed25519Verifier.backend,
    },
    'agent-authz listening',
  );
  // Said once every listener is bound, so a start that fails prints only its one-line error.
  logPolicyInForce(policy.source, logger);
  logReplayCapacity(config, logger);
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
      await close();
      logger.info('stopped');
    },
  };
}

function logPolicyInForce(source: PolicySource, logger: Logger): void {
  const { file, sha256 } = source.current().source;
  if (file === null) {
    logger.info('no policy file: the embedded default policy applies (docs/policy.md)');
    return;
  }
  logger.info({ file, sha256 }, 'policy loaded; SIGHUP or a change to the file reloads it');
}
