import { z } from 'zod';
import { WEB_BOT_AUTH_GENERATIONS } from '../credentials/read-signature-agent.js';
import { durationSchema } from './duration.js';
import { checkGrpcBounds, grpcSchema } from './grpc-schema.js';
import { limitsSchema } from './limits-schema.js';
import { storeSchema } from './store-schema.js';
import { type IssuerConfig, issuerSchema, tokensSchema } from './token-schema.js';

/** An allowed host for network resolution: `agents.example.com` or `*.example.com`. */
const hostPattern = z
  .string()
  .regex(
    /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
    'expected a lower-case host name, optionally starting with "*." (e.g. *.example.com)',
  );

/** Signature tags that name a key directory a tag's signatures are verified against. */
const TAG_DIRECTORY_TAGS = ['agent-browser-auth', 'agent-payer-auth', 'web-bot-auth'] as const;

/** What docs/web-bot-auth.md calls safe: every generation but the two-hop `g2-cimd`. */
export const DEFAULT_WEB_BOT_AUTH_GENERATIONS = WEB_BOT_AUTH_GENERATIONS.filter(
  (generation) => generation !== 'g2-cimd',
);

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected host:port, e.g. 0.0.0.0:9191')
  .refine((text) => Number(text.slice(text.lastIndexOf(':') + 1)) <= 65_535, 'port above 65535');

/**
 * The configuration file (SPEC §12). Every field has a default, so an empty file — or none —
 * is the embedded default. Unknown keys are rejected. `z.toJSONSchema` publishes it as
 * schema/config.schema.json.
 */
export const configSchema = z
  .strictObject({
    listen: z
      .strictObject({
        grpc: hostPort.prefault('0.0.0.0:9191').describe('Envoy gRPC ext_authz listener'),
        admin: hostPort
          .prefault('127.0.0.1:9193')
          .describe('admin HTTP listener (health, /metrics, /v1 API); keep it on loopback'),
        http: hostPort
          .or(z.literal(''))
          .prefault('0.0.0.0:9192')
          .describe('Envoy HTTP ext_authz listener (http_service); "" turns it off'),
      })
      .prefault({}),
    http: httpTransportSchema(),
    grpc: grpcSchema(),
    policy: z
      .string()
      .min(1)
      .optional()
      .describe('policy file (hot reloaded); absent: the default policy'),
    store: storeSchema(),
    workers: z
      .int()
      .positive()
      .max(256)
      .prefault(1)
      .describe(
        'worker processes sharing the listening ports (serve --workers N); more than one needs store.redis',
      ),
    onStoreError: z
      .enum(['deny', 'allow'])
      .prefault('deny')
      .describe('deny (fail closed) or allow when the store cannot answer'),
    signatures: z
      .strictObject({
        maxAge: durationSchema.prefault('300s').describe('oldest accepted signature `created`'),
        clockSkew: durationSchema
          .prefault('30s')
          .describe('how far in the future `created` may be, and grace after `expires`'),
        maxSignatures: z
          .int()
          .positive()
          .max(64)
          .prefault(8)
          .describe('most members Signature-Input (and Signature) may carry; more is refused'),
        maxComponents: z
          .int()
          .positive()
          .max(256)
          .prefault(32)
          .describe('most components one signature may cover; more is refused'),
        allowTestKeys: z
          .boolean()
          .prefault(false)
          .describe(
            'accept the published test keys (RFC 9421 Appendix B, the Web Bot Auth drafts) as agent keys; for conformance runs only, logged as unsafe',
          ),
      })
      .prefault({}),
    webBotAuth: webBotAuthSchema(),
    issuers: z
      .array(issuerSchema)
      .prefault([])
      .describe('trusted token issuers; none: Authorization headers are not agent credentials'),
    tokens: tokensSchema,
    keys: z
      .strictObject({
        cacheSize: z.int().positive().prefault(10_000).describe('resolved keys kept in memory'),
        cacheBytes: z
          .int()
          .positive()
          .prefault(16_777_216)
          .describe('memory budget, in bytes, of the resolved-key cache'),
      })
      .prefault({}),
    resolver: resolverSchema(),
    limits: limitsSchema(),
    shutdown: z
      .strictObject({
        drainDelay: durationSchema
          .prefault('0s')
          .describe(
            'after SIGTERM, how long health says NOT_SERVING while checks are still answered',
          ),
        timeout: durationSchema
          .prefault('10s')
          .describe('how long SIGTERM waits for in-flight checks before closing'),
      })
      .prefault({}),
    admin: adminSchema(),
    telemetry: telemetrySchema(),
    log: z
      .strictObject({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .prefault('info'),
      })
      .prefault({}),
  })
  .superRefine((config, context) => {
    /** `relatedMessage` says it from the other side, for when only that side was set. */
    const mustBeBelow = (
      path: string[],
      related: string[],
      message: string,
      relatedMessage: string,
    ) =>
      context.addIssue({
        code: 'custom',
        path,
        message,
        // load-config reports where the other half of the comparison came from.
        params: { related, relatedMessage },
      });
    if (config.signatures.clockSkew >= config.signatures.maxAge) {
      mustBeBelow(
        ['signatures', 'clockSkew'],
        ['signatures', 'maxAge'],
        'must be shorter than signatures.maxAge',
        'must be longer than signatures.clockSkew',
      );
    }
    if (config.resolver.cacheTtl.min > config.resolver.cacheTtl.max) {
      mustBeBelow(
        ['resolver', 'cacheTtl', 'min'],
        ['resolver', 'cacheTtl', 'max'],
        'must not be longer than resolver.cacheTtl.max',
        'must not be shorter than resolver.cacheTtl.min',
      );
    }
    if (config.resolver.maxWait > config.resolver.timeout) {
      mustBeBelow(
        ['resolver', 'maxWait'],
        ['resolver', 'timeout'],
        'must not be longer than resolver.timeout',
        'must not be shorter than resolver.maxWait',
      );
    }
    // A key document still arriving is answered key_pending, not deadline_exceeded.
    if (config.resolver.maxWait >= config.limits.checkTimeout) {
      mustBeBelow(
        ['resolver', 'maxWait'],
        ['limits', 'checkTimeout'],
        'must be shorter than limits.checkTimeout',
        'must be longer than resolver.maxWait',
      );
    }
    if (config.resolver.cacheBytes < 4 * config.resolver.maxBytes) {
      mustBeBelow(
        ['resolver', 'maxBytes'],
        ['resolver', 'cacheBytes'],
        'must be at most a quarter of resolver.cacheBytes, so the largest documents fit the cache',
        'must be at least four times resolver.maxBytes, so the largest documents fit the cache',
      );
    }
    checkIssuers(config, context);
    checkGrpcBounds(config, context);
    if (config.workers > 1 && config.store.redis === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['workers'],
        message:
          'more than one worker needs store.redis: each worker would keep its own memory store, ' +
          'so a nonce accepted by one worker would be accepted again by another',
      });
    }
  });

/** Each issuer once, and each with an audience: a token for another service must not pass. */
function checkIssuers(
  config: { issuers: readonly IssuerConfig[]; tokens: { audiences: readonly string[] } },
  context: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  config.issuers.forEach((issuer, index) => {
    const iss = issuer.issuer ?? issuer.did ?? '';
    const field = issuer.issuer === undefined ? 'did' : 'issuer';
    if (seen.has(iss)) {
      context.addIssue({
        code: 'custom',
        path: ['issuers', index, field],
        message: 'listed twice',
      });
    }
    seen.add(iss);
    if ((issuer.audiences ?? config.tokens.audiences).length === 0) {
      context.addIssue({
        code: 'custom',
        path: ['issuers', index, 'audiences'],
        message: 'set audiences here or tokens.audiences',
      });
    }
  });
}

/** How the HTTP ext_authz transport reads Envoy's check requests (docs/deploy.md). */
function httpTransportSchema() {
  return z
    .strictObject({
      pathPrefix: z
        .string()
        .regex(/^(\/[^?#]*[^/?#])?$/, 'expected "" or a path like /authz (no trailing slash)')
        .prefault('')
        .describe('Envoy http_service.path_prefix: removed from the path before the check'),
      forwardedClientCert: z
        .boolean()
        .prefault(false)
        .describe(
          'take the peer SPIFFE id and certificate from x-forwarded-client-cert; only when Envoy sanitises it (SANITIZE_SET)',
        ),
      maxBodyBytes: z
        .int()
        .positive()
        .prefault(1_048_576)
        .describe('largest forwarded body read; a larger check request is answered 413'),
      maxBufferedBodyBytes: z
        .int()
        .positive()
        .prefault(33_554_432)
        .describe(
          'forwarded bodies held at once, in bytes, in all; a request whose declared body does not fit is answered 503 before it is read',
        ),
      headersTimeout: durationSchema
        .prefault('5s')
        .describe('longest wait for a request’s headers; then 408 and the connection closes'),
      requestTimeout: durationSchema
        .prefault('10s')
        .describe(
          'longest wait for a whole request, body included; then 408 and the connection closes',
        ),
      keepAliveTimeout: durationSchema
        .prefault('60s')
        .describe('how long an idle connection is kept; keep Envoy’s cluster idle_timeout shorter'),
      maxConnections: z
        .int()
        .positive()
        .prefault(1024)
        .describe('open connections at once; more are closed as they arrive'),
    })
    .superRefine((http, context) => {
      if (http.maxBufferedBodyBytes < http.maxBodyBytes) {
        context.addIssue({
          code: 'custom',
          path: ['maxBufferedBodyBytes'],
          message: 'must be at least http.maxBodyBytes, so the largest body can be read',
        });
      }
      if (http.headersTimeout > http.requestTimeout) {
        context.addIssue({
          code: 'custom',
          path: ['headersTimeout'],
          message: 'must not be longer than http.requestTimeout',
        });
      }
    })
    .prefault({});
}

/**
 * did:web documents and Web Bot Auth key directories (SPEC §2, §12). Off by default: the
 * default policy only resolves did:key and did:jwk, which need no network.
 */
function resolverSchema() {
  return z
    .strictObject({
      network: z
        .boolean()
        .prefault(false)
        .describe('resolve did:web and Web Bot Auth key directories over HTTPS'),
      allowPrivateNetworks: z
        .boolean()
        .prefault(false)
        .describe('allow fetches to private, loopback, link-local and other non-public addresses'),
      allowedHosts: z
        .array(hostPattern)
        .prefault([])
        .describe('hosts that may be fetched (`*.example.com` allowed); empty: any public host'),
      timeout: durationSchema
        .prefault('2s')
        .describe('deadline of one fetch: DNS, connect, TLS, headers and body together'),
      maxWait: durationSchema
        .prefault('100ms')
        .describe(
          'longest a check waits for a key document or issuer JWKS, below limits.checkTimeout; then it is denied `key_pending` (503, Retry-After) while the fetch goes on up to its timeout and fills the cache',
        ),
      maxBytes: z
        .int()
        .positive()
        .max(10_485_760)
        .prefault(65_536)
        .describe('largest did:web document or key directory accepted, in bytes'),
      maxKeys: z
        .int()
        .positive()
        .max(64)
        .prefault(32)
        .describe(
          'most keys (verification methods, directory keys) one document may list; more and the document is refused, before any key is read',
        ),
      cacheTtl: z
        .strictObject({
          min: durationSchema
            .prefault('60s')
            .describe('shortest time a fetched document is kept fresh'),
          max: durationSchema
            .prefault('1h')
            .describe('longest time a fetched document is kept fresh, whatever Cache-Control says'),
        })
        .prefault({}),
      cacheBytes: z
        .int()
        .positive()
        .prefault(16_777_216)
        .describe(
          'memory budget, in bytes, of each document cache (did:web documents, key directories)',
        ),
      maxStale: durationSchema
        .prefault('1h')
        .describe('how long past its freshness a document still serves while refreshes fail'),
      negativeTtl: durationSchema
        .prefault('30s')
        .refine(
          (ms) => ms <= 300_000,
          'at most 5m (Web Bot Auth: negative cache entries expire after no more than five minutes)',
        )
        .describe(
          'how long a failed fetch is remembered before the URL is tried again (a Retry-After up to 5m is honoured)',
        ),
      maxConcurrentFetches: z
        .int()
        .positive()
        .max(1000)
        .prefault(16)
        .describe('fetches in flight at once; a check needing one more is denied, not queued'),
      maxConcurrentFetchesPerHost: z
        .int()
        .positive()
        .max(1000)
        .prefault(4)
        .describe(
          'fetches in flight to one origin (scheme, host, port) at once, so one slow origin cannot take them all',
        ),
      maxConcurrentFetchesPerClient: z
        .int()
        .positive()
        .max(1000)
        .prefault(4)
        .describe(
          'fetches one client (its source principal, else its address; an IPv6 one by its /64) may have in flight, so one client naming many origins cannot take the slots other clients need',
        ),
      hostCooldown: durationSchema
        .prefault('10s')
        .describe(
          'after an origin (scheme, host, port) timed out or could not be reached, how long it is not contacted',
        ),
      caFile: z
        .string()
        .prefault('')
        .describe(
          'PEM bundle of extra trusted CAs (e.g. a private PKI), added to the system roots',
        ),
    })
    .prefault({});
}

/** The admin API (SPEC §8). Without a token, reads work and mutations are refused. */
function adminSchema() {
  return z
    .strictObject({
      token: z
        .string()
        .refine((token) => token === '' || token.length >= 16, 'use at least 16 characters')
        .prefault('')
        .describe(
          'bearer token that admin mutations require (AGENT_AUTHZ_ADMIN_TOKEN); empty: mutations disabled',
        ),
      allowedHosts: z
        .array(
          z
            .string()
            .regex(
              /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/,
              'expected a lower-case host name, without scheme or port',
            ),
        )
        .prefault([])
        .describe(
          'host names the admin API answers besides localhost and IP addresses (a DNS-rebinding guard): the names operators and scrapers use',
        ),
    })
    .prefault({});
}

/** Decision log and trace export (SPEC §7). */
function telemetrySchema() {
  return z
    .strictObject({
      decisionLog: z
        .string()
        .min(1)
        .prefault('stdout')
        .describe(
          'where decision and audit lines go: stdout, stderr, off, or a file path (appended)',
        ),
      sampleAllowed: z
        .number()
        .min(0)
        .max(1)
        .prefault(1)
        .describe('share of allowed checks written to the decision log; denials always are'),
      stallWarning: durationSchema
        .refine((ms) => ms >= 10, 'at least 10ms')
        .prefault('200ms')
        .describe(
          'event-loop delay above which a warning is logged and agent_authz_event_loop_stalls_total counts one',
        ),
      metrics: z
        .boolean()
        .prefault(true)
        .describe(
          'count every check, store call and key resolution for /metrics; false keeps only the process-level series',
        ),
      otlp: z
        .string()
        .prefault('')
        .describe(
          'OTLP endpoint for traces (else OTEL_EXPORTER_OTLP_ENDPOINT); empty and unset: no SDK',
        ),
    })
    .prefault({});
}

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

function webBotAuthSchema() {
  return z
    .strictObject({
      generations: z
        .array(z.enum(WEB_BOT_AUTH_GENERATIONS))
        .min(1)
        .prefault([...DEFAULT_WEB_BOT_AUTH_GENERATIONS])
        .describe(
          'Signature-Agent generations accepted (docs/web-bot-auth.md): g1, g2-directory, g2-jwks_uri, g2-cimd, g3',
        ),
      maxValidity: durationSchema
        .prefault('24h')
        .describe('longest accepted expires − created of a Web Bot Auth signature'),
      tagDirectories: z
        .array(
          z.strictObject({
            tag: z.enum(TAG_DIRECTORY_TAGS),
            url: z
              .url({ protocol: /^https$/ })
              .describe('an origin (its well-known directory) or a JWKS URL'),
          }),
        )
        .prefault([])
        .describe(
          'key directories for signatures of a tag that carry no Signature-Agent (e.g. Visa TAP agent-payer-auth)',
        ),
    })
    .prefault({});
}
