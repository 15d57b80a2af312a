import { z } from 'zod';
import { durationSchema } from './duration.js';

/** JWS algorithms a token issuer may sign with: asymmetric only, so never `none` or HMAC. */
export const TOKEN_ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256', 'ES384', 'PS256', 'RS256'] as const;
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];

const httpsUrl = z
  .url({ protocol: /^https$/, error: 'expected an https:// URL' })
  .describe('fetched over HTTPS only');

/**
 * One trusted token issuer (SPEC §12): an OAuth issuer with `jwksUri` or a static `jwks`, or a
 * DID issuer whose tokens are signed by one of the DID's `assertionMethod` keys. One flat object
 * with cross-field checks, so an error names the field rather than a failed union branch.
 */
export const issuerSchema = z
  .strictObject({
    issuer: z.string().min(1).optional().describe('the exact `iss` of an OAuth issuer'),
    jwksUri: httpsUrl.optional(),
    jwks: z
      .strictObject({ keys: z.array(z.record(z.string(), z.unknown())).min(1) })
      .optional()
      .describe('a static JSON Web Key Set'),
    did: z
      .string()
      .regex(/^did:[a-z0-9]+:[^#?/\s]+$/, 'expected a DID such as did:web:idp.example.com')
      .optional()
      .describe('a DID issuer: the exact `iss`, keys from its assertionMethod'),
    audiences: z
      .array(z.string().min(1))
      .optional()
      .describe('accepted `aud` values; default tokens.audiences'),
    algorithms: z
      .array(z.enum(TOKEN_ALGORITHMS))
      .min(1)
      .optional()
      .describe('accepted JWS algorithms; default all asymmetric ones the key type allows'),
    subjects: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        'agent ids this issuer may assert (exact, or globs as in policy agent ids); absent: any',
      ),
  })
  .superRefine((issuer, context) => {
    const problem = (path: string, message: string) =>
      context.addIssue({ code: 'custom', path: [path], message });
    if ((issuer.issuer === undefined) === (issuer.did === undefined)) {
      problem('issuer', 'set exactly one of issuer (with jwksUri or jwks) and did');
    } else if (issuer.issuer !== undefined) {
      if ((issuer.jwksUri === undefined) === (issuer.jwks === undefined)) {
        problem('jwksUri', 'an OAuth issuer needs exactly one of jwksUri and jwks');
      }
    } else if (issuer.jwksUri !== undefined || issuer.jwks !== undefined) {
      problem('did', 'a DID issuer takes its keys from the DID document, not jwksUri or jwks');
    }
  });

export type IssuerConfig = z.output<typeof issuerSchema>;

/** Settings shared by the token profiles (SPEC §2 items 2–3). */
export const tokensSchema = z
  .strictObject({
    audiences: z
      .array(z.string().min(1))
      .prefault([])
      .describe('accepted `aud` values for issuers that do not list their own'),
    agentIdClaim: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]+$/, 'expected a claim name such as sub or client_id')
      .prefault('sub')
      .describe('the token claim whose string value is the agent id (x-agent-id)'),
    requireBinding: z
      .boolean()
      .prefault(true)
      .describe('refuse a Bearer token without cnf: an unbound token is what gets stolen'),
    clockSkew: durationSchema
      .prefault('30s')
      .describe('tolerance on exp, nbf and iat of tokens and proofs'),
    cacheSize: z
      .int()
      .positive()
      .prefault(10_000)
      .describe('verified tokens kept (by SHA-256 of the token) until they expire'),
    dpop: z
      .strictObject({
        maxAge: durationSchema.prefault('300s').describe('oldest accepted DPoP proof `iat`'),
        schemeHeader: z
          .string()
          .regex(/^[a-z0-9-]*$/, 'expected a lower-case header name')
          .prefault('')
          .describe(
            'trusted header giving the original scheme for htu (e.g. x-forwarded-proto); empty: Envoy scheme',
          ),
      })
      .prefault({}),
    jwks: z
      .strictObject({
        timeout: durationSchema
          .prefault('2s')
          .describe(
            'deadline of one JWKS fetch; a check waits for it at most resolver.maxWait, then it is denied `key_pending` while the fetch goes on',
          ),
        refreshInterval: durationSchema
          .prefault('5m')
          .describe('a JWKS older than this is refetched in the background'),
        cooldown: durationSchema
          .prefault('30s')
          .describe('an unknown kid triggers a refetch at most this often'),
        maxBytes: z.int().positive().prefault(65_536).describe('largest JWKS response accepted'),
        caFile: z
          .string()
          .prefault('')
          .describe('extra CA bundle (PEM) trusted for jwksUri, e.g. a private PKI'),
      })
      .prefault({}),
  })
  .prefault({});
