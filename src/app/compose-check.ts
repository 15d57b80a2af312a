import type { Config } from '../config/config-schema.js';
import { createNetworkResolvers, type NetworkResolvers } from '../keys/create-network-resolvers.js';
import type { Clock } from '../lib/clock.js';
import type { PolicySource } from '../policy/watch-policy.js';
import type { Store } from '../store/store.js';
import { feedTraffic } from '../telemetry/feed-traffic.js';
import { createTrafficRing, type TrafficRing } from '../telemetry/traffic-ring.js';
import type { CheckEngine } from '../transport/grpc/authorization-service.js';
import { createEngine } from './create-engine.js';
import { createStore } from './create-store.js';
import { instrumentStore } from './instrument-store.js';
import { openPolicy, type PolicyStatus } from './open-policy.js';
import type { AppOptions } from './start-app.js';
import { startTelemetry, type Telemetry } from './start-telemetry.js';

/** Everything a check needs, built from the config; the listeners are added by start-app. */
export interface ComposedCheck {
  readonly check: CheckEngine;
  /** The store as the engine sees it (instrumented when something reads its metrics or spans). */
  readonly store: Store;
  readonly policy: { readonly source: PolicySource; readonly status: PolicyStatus };
  readonly network: NetworkResolvers;
  readonly telemetry: Telemetry;
  readonly traffic: TrafficRing;
  /** Closes what this opened: the policy watch, the store, then the telemetry's sinks. */
  close(): Promise<void>;
}

/**
 * The store, the policy, the resolvers, the telemetry and the engine over them, wired as every
 * server runs them. The benchmark's in-process harness (bench/measure-check-path.ts) builds the
 * same thing, so what it measures is what a server does per check.
 */
export async function composeCheck(
  config: Config,
  options: AppOptions & { readonly clock: Clock },
): Promise<ComposedCheck> {
  const { logger, clock } = options;
  const rawStore = await createStore(config, logger);
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
  // Instrumented when something reads it: the per-check metrics, or the child spans of a trace.
  const instrumented = telemetry.counting || telemetry.tracing;
  const store = instrumented ? instrumentStore(rawStore, telemetry.metrics) : rawStore;
  const traffic = createTrafficRing();
  const recordCheck = feedTraffic(telemetry.recordCheck, traffic, clock);
  const check = createEngine(
    config,
    {
      store,
      policy: () => policy.source.current(),
      network,
      telemetry: { ...telemetry, recordCheck },
    },
    options,
  );
  return {
    check,
    store,
    policy,
    network,
    telemetry,
    traffic,
    close: async () => {
      policy.source.close();
      await store.close();
      await telemetry.close();
    },
  };
}
