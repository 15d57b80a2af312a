import { z } from 'zod';
import { durationSchema } from '../config/duration.js';
import { canonicalAgentId } from '../keys/canonical-agent-id.js';
import { isGlob } from './glob.js';

const PROFILES = ['signed-request', 'web-bot-auth', 'dpop', 'mtls'] as const;

/** A signature `tag` (RFC 9421 §2.3): `web-bot-auth`, `agent-payer-auth`, `agent-authz`, … */
const signatureTag = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/, 'expected a signature tag such as agent-payer-auth')
  .describe('a signature tag; `untagged` stands for a signature without one');
export const TRUST_LEVELS = ['new', 'known', 'trusted'] as const;

const RATE_UNITS_MS: Readonly<Record<string, number>> = {
  s: 1000,
  sec: 1000,
  second: 1000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
};
const RATE = /^(\d+)\/(s|sec|second|min|minute|h|hour)$/;

/** `100/min` → 100 requests per 60 000 ms. */
const rateLimitSchema = z
  .string()
  .regex(RATE, 'expected a rate such as 10/s, 100/min or 1000/h')
  .transform((text) => {
    const [, count, unit] = RATE.exec(text)!;
    return { limit: Number(count), windowMs: RATE_UNITS_MS[unit!]! };
  })
  .refine((rate) => rate.limit > 0, 'the rate must allow at least one request');

/** `2027-06-30` (valid through that day, UTC) or a full ISO timestamp → epoch ms. */
const expirySchema = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: 'expected a date such as 2027-06-30 or an ISO timestamp',
  })
  .transform((text) =>
    text.length === 10 ? Date.parse(`${text}T00:00:00Z`) + 86_400_000 : Date.parse(text),
  );

const headerName = z
  .string()
  .regex(/^[a-z0-9!#$%&'*+.^_`|~-]+$/, 'expected a lower-case header field name');
const nonEmpty = z.string().min(1);

const zoneSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'zone names use letters, digits, _ . and -'),
  match: z
    .strictObject({
      hosts: z.array(nonEmpty).optional().describe('exact hosts or globs (*.example.com)'),
      paths: z.array(nonEmpty).optional().describe('path prefixes, or globs when they contain *'),
      methods: z.array(nonEmpty).optional(),
    })
    .prefault({}),
  mode: z.enum(['enforce', 'observe']).optional().describe('overrides the policy mode'),
  unsigned: z.enum(['allow', 'deny']).optional().describe('overrides the policy default'),
  profiles: z
    .array(z.enum(PROFILES))
    .min(1)
    .prefault([...PROFILES]),
  minTrust: z.enum(TRUST_LEVELS).prefault('new'),
  signedHeaders: z.array(headerName).prefault([]),
  tags: z
    .array(signatureTag)
    .min(1)
    .optional()
    .describe('signature tags accepted here (signed requests only); absent: any verified tag'),
  scopes: z.array(nonEmpty).prefault([]).describe('scopes an agent needs here'),
  unknownAgents: z
    .enum(['allow', 'deny'])
    .prefault('allow')
    .describe('agents matched by no entry of `agents`'),
});

const agentSchema = z.strictObject({
  id: nonEmpty.describe('exact id, or a pattern with * (did:web:*.example.com)'),
  zones: z.array(nonEmpty).optional().describe('zones it may enter; absent: all'),
  workloads: z.array(nonEmpty).optional().describe('SPIFFE ids or patterns for source.principal'),
  bindWorkload: z.enum(['first-use']).optional(),
  onDrift: z.enum(['quarantine', 'deny', 'flag']).prefault('deny'),
  rateLimit: rateLimitSchema.optional(),
  owner: nonEmpty.optional(),
  scopes: z.array(nonEmpty).optional(),
  expires: expirySchema.optional(),
  profiles: z
    .array(z.enum(PROFILES))
    .min(1)
    .optional()
    .describe('profiles this agent may authenticate with (e.g. [web-bot-auth]); absent: any'),
  tags: z
    .array(signatureTag)
    .min(1)
    .optional()
    .describe('signature tags this agent may sign with; absent: any verified tag'),
  requireSignedDirectory: z
    .boolean()
    .prefault(false)
    .describe(
      'Web Bot Auth: only accept keys the key directory signs for (directory response signature)',
    ),
});

/** The policy file (SPEC §5, §12). Published as schema/policy.schema.json. */
export const policySchema = z
  .strictObject({
    mode: z.enum(['enforce', 'observe']).prefault('enforce'),
    unsigned: z.enum(['allow', 'deny']).prefault('allow'),
    signedHeaders: z.array(headerName).prefault([]).describe('covered by every signature'),
    trust: z
      .strictObject({
        knownAfter: z
          .strictObject({
            requests: z.int().nonnegative().prefault(20),
            age: durationSchema.prefault('1h'),
          })
          .prefault({}),
      })
      .prefault({}),
    zones: z.array(zoneSchema).prefault([]),
    agents: z.array(agentSchema).prefault([]),
    revoked: z.array(nonEmpty).prefault([]).describe('DIDs, key ids or token ids'),
  })
  .superRefine((policy, context) => {
    const zoneNames = new Set<string>();
    policy.zones.forEach((zone, index) => {
      if (zoneNames.has(zone.name)) {
        context.addIssue({
          code: 'custom',
          path: ['zones', index, 'name'],
          message: 'duplicate zone name',
        });
      }
      zoneNames.add(zone.name);
    });
    const agentIds = new Set<string>();
    policy.agents.forEach((agent, index) => {
      // A did:jwk and the did:key of the same key are one agent.
      const canonical = canonicalAgentId(agent.id);
      if (agentIds.has(canonical)) {
        context.addIssue({
          code: 'custom',
          path: ['agents', index, 'id'],
          message: 'duplicate agent id',
        });
      }
      agentIds.add(canonical);
      if (agent.id.startsWith('did:jwk:') && isGlob(agent.id)) {
        context.addIssue({
          code: 'custom',
          path: ['agents', index, 'id'],
          message:
            'a did:jwk is matched as the did:key of its key: write the pattern as did:key:… ' +
            '(did:key:z6Mk* for Ed25519, did:key:zDn* for P-256)',
        });
      }
      agent.zones?.forEach((zone, zoneIndex) => {
        if (!zoneNames.has(zone)) {
          context.addIssue({
            code: 'custom',
            path: ['agents', index, 'zones', zoneIndex],
            message: `no zone is named "${zone}"`,
          });
        }
      });
    });
  });

export type PolicyDocument = z.output<typeof policySchema>;
export type ZoneDocument = PolicyDocument['zones'][number];
export type AgentDocument = PolicyDocument['agents'][number];

export function policyJsonSchemaText(): string {
  return `${JSON.stringify(z.toJSONSchema(policySchema, { io: 'input' }), null, 2)}\n`;
}
