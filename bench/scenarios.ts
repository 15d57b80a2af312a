import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { RequestKind } from './make-requests.js';

/** A checkout whose `bin/agent-authz.js` (built) is the server under test. */
export interface Checkout {
  readonly label: string;
  readonly dir: string;
  /** Its published config schema, to see which listeners and fields it has. */
  readonly configSchema: JsonSchema | undefined;
}

interface JsonSchema {
  readonly properties?: Record<string, JsonSchema>;
}

/** Costs measured in the same run that a scenario cannot go below. */
export type FloorName = 'noop-grpc' | 'verify-ed25519' | 'verify-p256';

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** agent-authz from a checkout, or one of the bench's floor servers. */
  readonly server: 'agent-authz' | 'noop-grpc' | 'noop-http2';
  readonly requests: RequestKind;
  /** Their CPU per check adds up to this scenario's floor (target: floor / 0.85). */
  readonly floors: readonly FloorName[];
  /** Server config beyond what the requests need. */
  readonly config?: Record<string, unknown>;
  /** Node flags for this scenario's server, after `--server-node-arg`s (e.g. GC tuning). */
  readonly nodeArgs?: readonly string[];
  /** Not pinned to the servers' core: `--workers N` needs more than one core to scale. */
  readonly allCores?: boolean;
  /**
   * Runs only when `--only` names it: comparisons (grpc-js against the native server, GC
   * flags) that would take the default run past five minutes on two cores.
   */
  readonly onRequest?: boolean;
  /** Why it cannot run against `checkout` yet; undefined when it can. */
  readonly unavailable?: (checkout: Checkout) => string | undefined;
}

/** In a scenario's config: replaced by the URL of the run's local OTLP/HTTP sink. */
export const OTLP_SINK_URL = 'OTLP_SINK_URL';

/** Each run its own key prefix on the shared Redis. */
const REDIS_STORE = {
  redis: {
    url: 'redis://127.0.0.1:6379',
    keyPrefix: `agent-authz-bench-${process.pid}-${Date.now()}:`,
    // The default (50 ms) is shorter than this shared machine's stalls under a closed loop:
    // checks would be denied store_unavailable instead of measured.
    timeout: '2s',
  },
};

/** Runs only against a checkout whose config schema has this field. */
function needs(path: readonly string[]): (checkout: Checkout) => string | undefined {
  return (checkout) => (schemaHas(checkout, path) ? undefined : 'n/a (not built yet)');
}

/** Every scenario issue 13 names; rows that cannot run yet say so instead of vanishing. */
export const SCENARIOS: readonly Scenario[] = [
  floor('noop-grpc', 'no-op Check on grpc-js (floor)'),
  floor('noop-http2', 'no-op Check on raw node:http2 (floor)'),
  check('signed-ed25519', 'signed request, Ed25519 did:key, memory store', 'signed-ed25519', [
    'verify-ed25519',
    'noop-grpc',
  ]),
  check('signed-p256', 'signed request, P-256 did:key, memory store', 'signed-p256', [
    'verify-p256',
    'noop-grpc',
  ]),
  check('web-bot-auth', 'Web Bot Auth, Ed25519, cached key directory', 'web-bot-auth', [
    'verify-ed25519',
    'noop-grpc',
  ]),
  check('dpop', 'DPoP-bound token (P-256 proof), token cached', 'dpop', [
    'verify-p256',
    'noop-grpc',
  ]),
  check('mtls', 'certificate-bound token after the first request', 'mtls', ['noop-grpc']),
  check('unsigned', 'unsigned traffic (tag and pass)', 'unsigned', ['noop-grpc']),
  onGrpcJs('signed-ed25519', 'signed Ed25519', 'signed-ed25519', ['verify-ed25519', 'noop-grpc']),
  onGrpcJs('unsigned', 'unsigned', 'unsigned', ['noop-grpc']),
  {
    ...check('signed-ed25519-nolog', 'signed Ed25519, decision log off', 'signed-ed25519', [
      'verify-ed25519',
      'noop-grpc',
    ]),
    config: { telemetry: { decisionLog: 'off' } },
    unavailable: needs(['telemetry', 'decisionLog']),
  },
  {
    ...check('signed-ed25519-redis', 'signed Ed25519, Redis store', 'signed-ed25519', [
      'verify-ed25519',
      'noop-grpc',
    ]),
    config: { store: REDIS_STORE },
    unavailable: needs(['store', 'redis']),
  },
  {
    ...check(
      'signed-ed25519-workers2',
      'signed Ed25519, Redis store, --workers 2',
      'signed-ed25519',
      ['verify-ed25519', 'noop-grpc'],
    ),
    config: { store: REDIS_STORE, workers: 2 },
    allCores: true,
    unavailable: needs(['workers']),
  },
  {
    ...check(
      'telemetry-on',
      'signed Ed25519, OpenTelemetry SDK + OTLP/HTTP exporter',
      'signed-ed25519',
      ['verify-ed25519', 'noop-grpc'],
    ),
    config: { telemetry: { otlp: OTLP_SINK_URL } },
    unavailable: needs(['telemetry', 'otlp']),
  },
  {
    ...check(
      'telemetry-off',
      'signed Ed25519, no metrics, no decision log, no SDK',
      'signed-ed25519',
      ['verify-ed25519', 'noop-grpc'],
    ),
    config: { telemetry: { metrics: false, decisionLog: 'off' } },
    unavailable: needs(['telemetry', 'metrics']),
  },
  ...[16, 32, 64].map(
    (mb): Scenario => ({
      ...check(
        `signed-ed25519-semi${mb}`,
        `signed Ed25519, node --max-semi-space-size=${mb}`,
        'signed-ed25519',
        ['verify-ed25519', 'noop-grpc'],
      ),
      nodeArgs: [`--max-semi-space-size=${mb}`],
      onRequest: true,
    }),
  ),
];

/**
 * The scenario on grpc-js (`grpc.server: grpc-js`) as `NAME-grpc-js`, beside `NAME` on the
 * checkout's default gRPC server (the hand-written native one, where `grpc.server` exists).
 */
function onGrpcJs(
  name: string,
  description: string,
  requests: RequestKind,
  floors: readonly FloorName[],
): Scenario {
  return {
    ...check(`${name}-grpc-js`, `${description}, gRPC server grpc-js`, requests, floors),
    config: { grpc: { server: 'grpc-js' } },
    onRequest: true,
    unavailable: needs(['grpc', 'server']),
  };
}

function floor(name: 'noop-grpc' | 'noop-http2', description: string): Scenario {
  return { name, description, server: name, requests: 'unsigned', floors: [] };
}

function check(
  name: string,
  description: string,
  requests: RequestKind,
  floors: readonly FloorName[],
): Scenario {
  return { name, description, server: 'agent-authz', requests, floors };
}

/** Reads `<dir>/schema/config.schema.json` if the checkout publishes one. */
export function openCheckout(dir: string): Checkout {
  const file = join(dir, 'schema', 'config.schema.json');
  if (!existsSync(join(dir, 'dist', 'main.js'))) {
    throw new Error(`${dir} has no dist/main.js: run npm run build there first`);
  }
  const configSchema = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as JsonSchema)
    : undefined;
  return { label: basename(dir), dir, configSchema };
}

export function schemaHas(checkout: Checkout, path: readonly string[]): boolean {
  let node = checkout.configSchema;
  for (const key of path) node = node?.properties?.[key];
  return node !== undefined;
}

/** The listeners a checkout's config has (grpc today; http and admin as they land). */
export function listenerNames(checkout: Checkout): string[] {
  return Object.keys(checkout.configSchema?.properties?.listen?.properties ?? { grpc: {} });
}
