import type { JsonWebKey } from 'node:crypto';
import { type AgentKey, agentKeyFromJwk, generateAgentKey } from '../agent/generate-agent-key.js';

/** The audience the demo's tokens are for. */
export const DEMO_AUDIENCE = 'https://api.demo.example';

/** The keys the demo scenarios use; the policy and the config are derived from them. */
export interface DemoIdentities {
  /** Signs the demo's tokens (a DID issuer, did:key). */
  readonly issuer: AgentKey;
  /** Registered for the payments zone. */
  readonly billing: AgentKey;
  /** Any other did:key: allowed in the public zone only. */
  readonly intern: AgentKey;
  /** Listed under `revoked:`. */
  readonly revoked: AgentKey;
  /** Another workload that got hold of billing's token, but not its key. */
  readonly thief: AgentKey;
}

export function generateDemoIdentities(): DemoIdentities {
  return {
    issuer: generateAgentKey(),
    billing: generateAgentKey(),
    intern: generateAgentKey(),
    revoked: generateAgentKey(),
    thief: generateAgentKey({ type: 'p256' }),
  };
}

/**
 * The demo policy: a payments zone that only registered agents enter, a public zone anyone
 * may use (unsigned traffic is tagged, not blocked), and one revoked key. The zone names match
 * the routes' context_extensions in envoy/envoy-grpc.yaml.
 */
export function demoPolicy(identities: DemoIdentities): string {
  return `mode: enforce
unsigned: allow
zones:
  - name: payments
    match: { paths: ["/payments/*"] }
    unsigned: deny
  - name: public
    match: { paths: ["/*"] }
agents:
  - id: ${identities.billing.didKey}
    zones: [payments, public]
    owner: team-billing
  - id: "did:key:*"
    zones: [public]
revoked:
  - ${identities.revoked.didKey}
`;
}

/** Config fields (as flags) that trust the demo issuer's tokens. */
export function demoIssuerFlags(identities: DemoIdentities): string[] {
  return [
    `--issuers=${JSON.stringify([{ did: identities.issuer.didKey }])}`,
    `--tokens.audiences=${DEMO_AUDIENCE}`,
  ];
}

const ROLES = ['issuer', 'billing', 'intern', 'revoked', 'thief'] as const;

/** The identities as JSON (private JWKs): written at demo start, never committed. */
export function serialiseIdentities(identities: DemoIdentities): string {
  return JSON.stringify(
    Object.fromEntries(ROLES.map((role) => [role, identities[role].privateJwk])),
  );
}

export function parseIdentities(text: string): DemoIdentities {
  const jwks = JSON.parse(text) as Record<(typeof ROLES)[number], JsonWebKey>;
  const key = (role: (typeof ROLES)[number]) => agentKeyFromJwk(jwks[role]);
  return {
    issuer: key('issuer'),
    billing: key('billing'),
    intern: key('intern'),
    revoked: key('revoked'),
    thief: key('thief'),
  };
}
