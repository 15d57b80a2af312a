import { describe, expect, it } from 'vitest';
import { type AgentKey, generateAgentKey } from '../../src/agent/index.js';
import { revoke, unrevoke } from '../../src/policy/revocation-ids.js';
import {
  agentMetadata,
  problem,
  setHeaders,
  type UpstreamCheckResponse,
} from '../support/envoy-client.js';
import { usePolicyApp } from '../support/policy-app.js';
import { signedCheck } from '../support/signed-check.js';

const billing = generateAgentKey();
const denyDrift = generateAgentKey();
const flagDrift = generateAgentKey();
const reader = generateAgentKey();
const billingOnly = generateAgentKey();
const expired = generateAgentKey();
const limited = generateAgentKey();
const revoked = generateAgentKey();
const ledgerJwk = generateAgentKey({ type: 'p256' });
const restrictedJwk = generateAgentKey();
const revokedJwk = generateAgentKey({ type: 'p256' });
const revokedByKeyId = generateAgentKey();

const POLICY = `
trust: { knownAfter: { requests: 3, age: 10m } }
zones:
  - name: payments
    match: { paths: ["/payments/*"] }
    scopes: [payments:write]
  - name: ledger
    match: { paths: ["/ledger/*"] }
    unknownAgents: deny
  - name: public
    match: { paths: ["/*"] }
agents:
  - id: ${billing.didKey}
    zones: [payments, public]
    workloads: ["spiffe://cluster.local/ns/billing/sa/*"]
    bindWorkload: first-use
    onDrift: quarantine
    owner: team-billing
    scopes: [payments:read, payments:write]
  - { id: ${denyDrift.didKey}, bindWorkload: first-use, onDrift: deny }
  - { id: ${flagDrift.didKey}, bindWorkload: first-use, onDrift: flag }
  - { id: ${reader.didKey}, zones: [payments], scopes: [payments:read] }
  - { id: ${billingOnly.didKey}, workloads: ["spiffe://cluster.local/ns/billing/sa/*"] }
  - { id: ${expired.didKey}, expires: 2027-01-01 }
  - { id: ${limited.didKey}, rateLimit: 2/s }
  - { id: ${restrictedJwk.didJwk}, zones: [public] }
  - { id: "did:key:zDn*", zones: [ledger] }
revoked: [${revoked.didKey}, ${revokedJwk.didJwk}, "${revokedByKeyId.keyId}"]
`;

const app = usePolicyApp(POLICY);
const BILLING_API = 'spiffe://cluster.local/ns/billing/sa/api';
const BILLING_BATCH = 'spiffe://cluster.local/ns/billing/sa/batch';

function send(
  key: AgentKey,
  path: string,
  principal = BILLING_API,
  keyId = key.keyId,
): Promise<UpstreamCheckResponse> {
  const signed = signedCheck(
    { method: 'GET', url: `https://api.example.com${path}`, principal },
    Math.floor(app.server.now / 1000),
    { key: { ...key, keyId } },
  );
  return app.server.client.check(signed.request());
}

const reasonOf = (response: UpstreamCheckResponse) =>
  response.ok_response ? 'allowed' : problem(response).reason;

describe('a registered agent', () => {
  it('is trusted, tagged with its owner and allowed inside its zones', async () => {
    const response = await send(billing, '/payments/1');
    expect(setHeaders(response)).toMatchObject({
      'x-agent-id': billing.didKey,
      'x-agent-zone': 'payments',
      'x-agent-owner': 'team-billing',
      'x-agent-trust': 'trusted',
      'x-agent-workload': BILLING_API,
    });
  });

  it('is denied zone_denied outside its zones', async () => {
    expect(reasonOf(await send(billing, '/ledger/1'))).toBe('zone_denied');
  });

  it('is denied workload_mismatch from a workload its patterns do not allow', async () => {
    const shop = 'spiffe://cluster.local/ns/shop/sa/web';
    expect(reasonOf(await send(billingOnly, '/catalog', shop))).toBe('workload_mismatch');
  });

  it('is denied scope_insufficient where the zone needs a scope it lacks', async () => {
    expect(reasonOf(await send(reader, '/payments/1'))).toBe('scope_insufficient');
  });

  it('is denied agent_unknown once its registration has expired', async () => {
    expect(reasonOf(await send(expired, '/catalog'))).toBe('agent_unknown');
  });
});

describe('workload pinning on first use', () => {
  it('quarantines an agent that drifts, until it is released', async () => {
    expect(reasonOf(await send(billing, '/catalog', BILLING_API))).toBe('allowed');
    const drift = await send(billing, '/catalog', BILLING_BATCH);
    expect(problem(drift)).toMatchObject({ reason: 'workload_drift', status: 403 });
    // Quarantined: even the pinned workload is refused now.
    expect(reasonOf(await send(billing, '/catalog', BILLING_API))).toBe('workload_drift');
    const history = await app.server.app.store.history.get(billing.didKey);
    expect(history).toMatchObject({ quarantined: true, pinnedWorkload: BILLING_API });
    expect(history?.driftEvents).toEqual([
      expect.objectContaining({ from: BILLING_API, to: BILLING_BATCH }),
    ]);
    expect(await app.server.app.store.history.release(billing.didKey)).toBe(true);
    expect(reasonOf(await send(billing, '/catalog', BILLING_API))).toBe('allowed');
    // A drift costs the registered agent its `trusted` level; its short history says `new`.
    const after = await send(billing, '/catalog', BILLING_API);
    expect(setHeaders(after)['x-agent-trust']).toBe('new');
  });

  it('denies only the drifting request with onDrift: deny', async () => {
    expect(reasonOf(await send(denyDrift, '/catalog', 'spiffe://a'))).toBe('allowed');
    expect(reasonOf(await send(denyDrift, '/catalog', 'spiffe://b'))).toBe('workload_drift');
    expect(reasonOf(await send(denyDrift, '/catalog', 'spiffe://a'))).toBe('allowed');
  });

  it('allows but records and flags the drift with onDrift: flag', async () => {
    expect(reasonOf(await send(flagDrift, '/catalog', 'spiffe://a'))).toBe('allowed');
    const drifted = await send(flagDrift, '/catalog', 'spiffe://b');
    expect(drifted.ok_response).toBeDefined();
    expect(agentMetadata(drifted)).toMatchObject({ workload_drift: true });
    expect((await app.server.app.store.history.get(flagDrift.didKey))?.driftEvents).toHaveLength(1);
  });
});

describe('a rate limit', () => {
  it('answers 429 with Retry-After once exceeded, and recovers when the window moves on', async () => {
    expect(reasonOf(await send(limited, '/catalog'))).toBe('allowed');
    expect(reasonOf(await send(limited, '/catalog'))).toBe('allowed');
    const refused = await send(limited, '/catalog');
    expect(refused.status?.code).toBe(8);
    expect(problem(refused)).toMatchObject({ reason: 'rate_limited', status: 429 });
    const headers = Object.fromEntries(
      (refused.denied_response?.headers ?? []).map(({ header }) => [header.key, header.value]),
    );
    expect(Number(headers['retry-after'])).toBeGreaterThanOrEqual(1);
    app.server.now += 1000;
    expect(reasonOf(await send(limited, '/catalog'))).toBe('allowed');
  });
});

describe('revocation', () => {
  it('denies agent_revoked for an agent the policy file revokes', async () => {
    expect(problem(await send(revoked, '/catalog'))).toMatchObject({
      reason: 'agent_revoked',
      status: 403,
    });
  });

  it('denies an agent revoked in the store by DID or by key id, until unrevoked', async () => {
    const agent = generateAgentKey();
    const { revocations } = app.server.app.store;
    expect(reasonOf(await send(agent, '/catalog'))).toBe('allowed');
    await revocations.revoke(agent.didKey);
    expect(reasonOf(await send(agent, '/catalog'))).toBe('agent_revoked');
    await revocations.unrevoke(agent.didKey);
    await revocations.revoke(agent.keyId);
    expect(reasonOf(await send(agent, '/catalog'))).toBe('agent_revoked');
    await revocations.unrevoke(agent.keyId);
    expect(reasonOf(await send(agent, '/catalog'))).toBe('allowed');
  });
});

describe('an agent no entry names', () => {
  it('falls to a matching pattern, matched by its canonical id whatever the spelling', async () => {
    expect(reasonOf(await send(ledgerJwk, '/ledger/1', BILLING_API, ledgerJwk.didJwkKeyId))).toBe(
      'allowed',
    );
    expect(reasonOf(await send(ledgerJwk, '/catalog', BILLING_API, ledgerJwk.didJwkKeyId))).toBe(
      'zone_denied',
    );
  });

  it("falls to the zone's default: denied agent_unknown where only registered agents may enter", async () => {
    expect(reasonOf(await send(generateAgentKey(), '/ledger/1'))).toBe('agent_unknown');
    expect(reasonOf(await send(generateAgentKey(), '/catalog'))).toBe('allowed');
  });

  it('moves from new to known once its history passes the thresholds', async () => {
    const agent = generateAgentKey();
    const trustOf = async () => setHeaders(await send(agent, '/catalog'))['x-agent-trust'];
    expect(await trustOf()).toBe('new');
    expect(await trustOf()).toBe('new');
    expect(await trustOf()).toBe('new');
    expect(await trustOf()).toBe('new'); // three allowed requests, but not yet ten minutes
    app.server.now += 10 * 60_000;
    expect(await trustOf()).toBe('known');
  });
});

/** The same public key as another did:jwk: members reordered and an extra one added. */
function reencoded(key: AgentKey): string {
  const jwk = { ...Object.fromEntries(Object.entries(key.publicJwk).reverse()), use: 'sig' };
  return `did:jwk:${Buffer.from(JSON.stringify(jwk)).toString('base64url')}#0`;
}

describe('a did:jwk written another way', () => {
  it('is still the agent its exact entry names', async () => {
    const keyId = reencoded(restrictedJwk);
    expect(keyId).not.toBe(restrictedJwk.didJwkKeyId);
    // Without its exact entry it would be an unknown agent, and unknown agents may not enter.
    expect(reasonOf(await send(restrictedJwk, '/ledger/1', BILLING_API, keyId))).toBe(
      'zone_denied',
    );
  });

  it('is still revoked with zero-padded P-256 coordinates', async () => {
    const pad = (coordinate: string) =>
      Buffer.concat([Buffer.of(0), Buffer.from(coordinate, 'base64url')]).toString('base64url');
    const padded = { ...revokedJwk.publicJwk, y: pad(revokedJwk.publicJwk.y!) };
    const keyId = `did:jwk:${Buffer.from(JSON.stringify(padded)).toString('base64url')}#0`;
    expect(reasonOf(await send(revokedJwk, '/catalog', BILLING_API, keyId))).toBe('agent_revoked');
  });

  it('is still revoked when the policy revoked the did:key key id', async () => {
    const asJwk = revokedByKeyId.didJwkKeyId;
    expect(reasonOf(await send(revokedByKeyId, '/catalog', BILLING_API, asJwk))).toBe(
      'agent_revoked',
    );
  });

  it('is still revoked when the store revoked another encoding of it', async () => {
    const agent = generateAgentKey();
    await revoke(app.server.app.store.revocations, agent.didJwk);
    expect(reasonOf(await send(agent, '/catalog', BILLING_API, reencoded(agent)))).toBe(
      'agent_revoked',
    );
    expect(reasonOf(await send(agent, '/catalog', BILLING_API, agent.keyId))).toBe('agent_revoked');
    expect(await unrevoke(app.server.app.store.revocations, agent.didJwk)).toBe(true);
    expect(reasonOf(await send(agent, '/catalog', BILLING_API, reencoded(agent)))).toBe('allowed');
  });

  it('is still revoked', async () => {
    expect(reasonOf(await send(revokedJwk, '/catalog', BILLING_API, reencoded(revokedJwk)))).toBe(
      'agent_revoked',
    );
    expect(reasonOf(await send(revokedJwk, '/catalog', BILLING_API, revokedJwk.keyId))).toBe(
      'agent_revoked',
    );
  });
});
