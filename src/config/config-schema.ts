import { z } from 'zod';
import { durationSchema } from './duration.js';
import { type IssuerConfig, issuerSchema, tokensSchema } from './token-schema.js';

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
    store: z
      .strictObject({
        memory: z
          .strictObject({
            maxEntries: z
              .int()
              .positive()
              .prefault(1_000_000)
              .describe('replay entries held; at capacity new nonces are refused, never evicted'),
            maxAgents: z
              .int()
              .positive()
              .prefault(100_000)
              .describe('agents whose history, workload bindings and rate limits are held'),
          })
          .prefault({}),
      })
      .prefault({}),
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
    if (config.signatures.clockSkew >= config.signatures.maxAge) {
      context.addIssue({
        code: 'custom',
        path: ['signatures', 'clockSkew'],
        message: 'must be shorter than signatures.maxAge',
        // load-config reports where the other half of the comparison came from.
        params: { related: ['signatures', 'maxAge'] },
      });
    }
    checkIssuers(config, context);
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

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
