import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { FETCH_OUTCOMES, type FetchCounters } from '../keys/fetch/fetch-outcomes.js';
import { HotCounter, HotHistogram } from './hot-metrics.js';
import { packageVersion } from './package-version.js';

/**
 * Every Prometheus series the server exports (docs/observability.md describes each). Label
 * values come from closed sets — decisions, reason codes, profiles, the policy's zone names,
 * store operations — never from an agent id, so cardinality stays bounded.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly checks: HotCounter;
  /** Web Bot Auth checks whose key was looked up, by decision, generation and tag. */
  readonly webBotAuthChecks: HotCounter;
  readonly checkDuration: HotHistogram;
  /** Checks answered without their own decision: `overloaded` or `deadline_exceeded`. */
  readonly checksShed: HotCounter;
  readonly keyResolutions: HotCounter;
  readonly tokenVerifications: HotCounter;
  readonly storeCalls: HotCounter;
  readonly storeErrors: HotCounter;
  readonly storeDuration: HotHistogram;
  readonly storeFailOpen: HotCounter;
  readonly replayRefusals: Counter;
  readonly rateLimited: Counter;
  readonly decisionLogDropped: Counter;
}

/** Live values the registry reads at scrape time. */
export interface MetricSources {
  replayEntries(): number;
  /** Store calls outstanding (Redis). */
  storeInFlight(): number;
  readonly fetchCounters: Readonly<FetchCounters>;
  readonly policyReloads: Readonly<{ applied: number; rejected: number }>;
}

/** 50 µs to 200 ms: a check costs well under a millisecond and Envoy gives up at 200 ms. */
const CHECK_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2,
];
const STORE_BUCKETS = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1];

export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  registerSourceMetrics(registry, sources);
  return {
    registry,
    checks: new HotCounter(registry, {
      name: 'agent_authz_checks_total',
      help: 'Checks answered, by decision (allow, deny, would_deny), reason, profile and zone.',
      labelNames: ['decision', 'reason', 'profile', 'zone'],
    }),
    webBotAuthChecks: new HotCounter(registry, {
      name: 'agent_authz_web_bot_auth_checks_total',
      help: 'Verified Web Bot Auth signatures by decision, generation (g1, g2-directory, g2-jwks_uri, g2-cimd, g3, tag-directory) and tag (web-bot-auth, agent-browser-auth, agent-payer-auth).',
      labelNames: ['decision', 'generation', 'tag'],
    }),
    checkDuration: new HotHistogram(registry, {
      name: 'agent_authz_check_duration_seconds',
      help: 'Time from a normalised request to its decision, by decision.',
      labelNames: ['decision'],
      buckets: CHECK_BUCKETS,
    }),
    checksShed: new HotCounter(registry, {
      name: 'agent_authz_checks_shed_total',
      help: 'Checks refused by limits.maxInFlight (overloaded) or answered at limits.checkTimeout (deadline_exceeded), by reason.',
      labelNames: ['reason'],
    }),
    keyResolutions: new HotCounter(registry, {
      name: 'agent_authz_key_resolutions_total',
      help: 'Key resolutions by method (key, jwk, web, web_bot_auth, other, dpop) and cache (hit, miss, error).',
      labelNames: ['method', 'cache'],
    }),
    tokenVerifications: new HotCounter(registry, {
      name: 'agent_authz_token_verifications_total',
      help: 'Access token verifications by cache outcome (hit, miss, error).',
      labelNames: ['cache'],
    }),
    storeCalls: new HotCounter(registry, {
      name: 'agent_authz_store_calls_total',
      help: 'Store calls by operation.',
      labelNames: ['operation'],
    }),
    storeErrors: new HotCounter(registry, {
      name: 'agent_authz_store_errors_total',
      help: 'Store calls that failed (unreachable or at capacity), by operation.',
      labelNames: ['operation'],
    }),
    storeDuration: new HotHistogram(registry, {
      name: 'agent_authz_store_call_duration_seconds',
      help: 'Store call latency by operation.',
      labelNames: ['operation'],
      buckets: STORE_BUCKETS,
    }),
    storeFailOpen: new HotCounter(registry, {
      name: 'agent_authz_store_fail_open_total',
      help: 'Check steps passed without the store because it could not answer (onStoreError: allow), by step.',
      labelNames: ['step'],
    }),
    replayRefusals: new Counter({
      name: 'agent_authz_replay_refusals_total',
      help: 'Nonces the replay store refused because it was full of unexpired entries.',
      registers,
    }),
    rateLimited: new Counter({
      name: 'agent_authz_rate_limited_total',
      help: 'Checks denied by an agent rate limit.',
      registers,
    }),
    decisionLogDropped: new Counter({
      name: 'agent_authz_decision_log_dropped_total',
      help: 'Decision log lines dropped because the sink was slow or closed.',
      registers,
    }),
  };
}

/** Series whose values live elsewhere (stores, fetcher, policy watcher), read per scrape. */
function registerSourceMetrics(registry: Registry, sources: MetricSources): void {
  const registers = [registry];
  new Gauge({
    name: 'agent_authz_replay_entries',
    help: 'Nonces the replay store holds, expired ones until a full store drops them (this replica, memory store).',
    registers,
    collect() {
      this.set(sources.replayEntries());
    },
  });
  new Gauge({
    name: 'agent_authz_store_in_flight',
    help: 'Store calls sent and not yet answered (Redis; bounded by store.redis.maxInFlight).',
    registers,
    collect() {
      this.set(sources.storeInFlight());
    },
  });
  new Counter({
    name: 'agent_authz_fetches_total',
    help: 'Requests for did:web documents and key directories, by outcome.',
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset();
      for (const outcome of FETCH_OUTCOMES) this.inc({ outcome }, sources.fetchCounters[outcome]);
    },
  });
  new Counter({
    name: 'agent_authz_policy_reloads_total',
    help: 'Policy file reloads, by result (applied, rejected).',
    labelNames: ['result'],
    registers,
    collect() {
      this.reset();
      this.inc({ result: 'applied' }, sources.policyReloads.applied);
      this.inc({ result: 'rejected' }, sources.policyReloads.rejected);
    },
  });
  new Gauge({
    name: 'agent_authz_build_info',
    help: 'Always 1; the labels say which build is running.',
    labelNames: ['version', 'node'],
    registers,
  }).set({ version: packageVersion(), node: process.versions.node }, 1);
}

/** `agent_authz_checks_in_flight`, read from the engine at scrape time. */
export function registerChecksInFlight(metrics: Metrics, inFlight: () => number): void {
  new Gauge({
    name: 'agent_authz_checks_in_flight',
    help: 'Checks running now in this process (bounded by limits.maxInFlight).',
    registers: [metrics.registry],
    collect() {
      this.set(inFlight());
    },
  });
}
