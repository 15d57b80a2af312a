import { z } from 'zod';
import { durationSchema } from './duration.js';
import { storeSchema } from './store-schema.js';
import { type IssuerConfig, issuerSchema, tokensSchema } from './token-schema.js';

/** An allowed host for network resolution: `agents.example.com` or `*.example.com`. */
const hostPattern = z
  .string()
  .regex(
    /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
    'expected a lower-case host name, optionally starting with "*." (e.g. *.example.com)',
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
      })
      .prefault({}),
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
      })
      .prefault({}),
    issuers: z
      .array(issuerSchema)
      .prefault([])
      .describe('trusted token issuers; none: Authorization headers are not agent credentials'),
    tokens: tokensSchema,
    keys: z
      .strictObject({
        cacheSize: z.int().positive().prefault(10_000).describe('resolved keys kept in memory'),
      })
      .prefault({}),
    resolver: resolverSchema(),
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
    log: z
      .strictObject({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .prefault('info'),
      })
      .prefault({}),
  })
  .superRefine((config, context) => {
    const mustBeBelow = (path: string[], related: string[], message: string) =>
      context.addIssue({
        code: 'custom',
        path,
        message,
        // load-config reports where the other half of the comparison came from.
        params: { related },
      });
    if (config.signatures.clockSkew >= config.signatures.maxAge) {
      mustBeBelow(
        ['signatures', 'clockSkew'],
        ['signatures', 'maxAge'],
        'must be shorter than signatures.maxAge',
      );
    }
    if (config.resolver.cacheTtl.min > config.resolver.cacheTtl.max) {
      mustBeBelow(
        ['resolver', 'cacheTtl', 'min'],
        ['resolver', 'cacheTtl', 'max'],
        'must not be longer than resolver.cacheTtl.max',
      );
    }
    if (config.resolver.maxWait > config.resolver.timeout) {
      mustBeBelow(
        ['resolver', 'maxWait'],
        ['resolver', 'timeout'],
        'must not be longer than resolver.timeout',
      );
    }
    checkIssuers(config, context);
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
          'longest a check waits for a fetch; the fetch goes on up to `timeout` and fills the cache',
        ),
      maxBytes: z
        .int()
        .positive()
        .max(10_485_760)
        .prefault(65_536)
        .describe('largest document accepted, in bytes'),
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
      maxStale: durationSchema
        .prefault('1h')
        .describe('how long past its freshness a document still serves while refreshes fail'),
      negativeTtl: durationSchema
        .prefault('30s')
        .describe('how long a failed fetch is remembered before the URL is tried again'),
      maxConcurrentFetches: z
        .int()
        .positive()
        .max(1000)
        .prefault(16)
        .describe('fetches in flight at once; a check needing one more is denied, not queued'),
      caFile: z
        .string()
        .prefault('')
        .describe(
          'PEM bundle of extra trusted CAs (e.g. a private PKI), added to the system roots',
        ),
    })
    .prefault({});
}

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
