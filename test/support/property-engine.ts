import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { createEngine } from '../../src/app/create-engine.js';
import { createStore } from '../../src/app/create-store.js';
import { openPolicy } from '../../src/app/open-policy.js';
import { startTelemetry } from '../../src/app/start-telemetry.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Decision } from '../../src/decision/decision.js';
import { createNetworkResolvers } from '../../src/keys/create-network-resolvers.js';
import type { HostLookup } from '../../src/keys/fetch/resolve-public-address.js';
import type { AuthzRequest } from '../../src/request/authz-request.js';
import type { CheckEngine } from '../../src/transport/grpc/authorization-service.js';
import { TEST_EPOCH_MS } from './start-test-app.js';

/**
 * The engine both transports call, built by the composition root's own functions from config
 * flags (store, policy, resolvers, token issuers, telemetry), without listeners: property and
 * mutation tests ask it thousands of questions in-process. The clock is frozen and movable.
 */
export interface PropertyEngine {
  check(request: AuthzRequest): Promise<Decision>;
  /** Error-level log lines so far (an internal failure of a check is logged at error). */
  readonly errors: string[];
  /** The engine's clock, in ms. */
  now: number;
  close(): Promise<void>;
}

export async function startPropertyEngine(
  flags: string[] = [],
  options: { lookup?: HostLookup } = {},
): Promise<PropertyEngine> {
  const config = loadConfig({ env: {}, flags: ['--telemetry.decision-log=off', ...flags] });
  const errors: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line !== '' && (JSON.parse(line) as { level: number }).level >= 50) errors.push(line);
      }
      done();
    },
  });
  const logger = pino({ level: 'warn' }, sink);
  const state = { now: TEST_EPOCH_MS };
  const clock = () => state.now;
  const store = await createStore(config, logger);
  const policy = openPolicy(config, logger);
  const network = createNetworkResolvers(config.resolver, {
    clock,
    maxEntries: config.keys.cacheSize,
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
  });
  const telemetry = await startTelemetry(
    config,
    {
      replayEntries: () => store.replay.size(),
      storeInFlight: () => store.inFlight(),
      fetchCounters: network.counters,
      policyReloads: policy.source.reloads,
    },
    { logger, env: {} },
  );
  const engine: CheckEngine = createEngine(
    config,
    { store, policy: () => policy.source.current(), network, telemetry },
    { logger, clock, ...(options.lookup === undefined ? {} : { lookup: options.lookup }) },
  );
  return {
    check: (request) => engine(request),
    errors,
    get now() {
      return state.now;
    },
    set now(value: number) {
      state.now = value;
    },
    close: async () => {
      policy.source.close();
      await store.close();
      await telemetry.close();
    },
  };
}

/** One engine for the enclosing test file: started in beforeAll, closed in afterAll. */
export function usePropertyEngine(
  flags: string[] | (() => string[]) = [],
  options: { lookup?: HostLookup } = {},
): PropertyEngine {
  let current: PropertyEngine | undefined;
  beforeAll(async () => {
    current = await startPropertyEngine(typeof flags === 'function' ? flags() : flags, options);
  });
  afterAll(async () => {
    await current?.close();
  });
  const started = (): PropertyEngine => {
    if (current === undefined) throw new Error('the engine starts in beforeAll');
    return current;
  };
  return {
    check: (request) => started().check(request),
    get errors() {
      return started().errors;
    },
    get now() {
      return started().now;
    },
    set now(value: number) {
      started().now = value;
    },
    close: () => started().close(),
  };
}
