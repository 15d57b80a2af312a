import { describe, expect, it } from 'vitest';
import { createDpopProof, generateAgentKey } from '../../src/agent/index.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, setHeaders, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { usePolicyApp } from '../support/policy-app.js';
import { signedCheck } from '../support/signed-check.js';
import { didIssuer, issuedToken } from '../support/token-check.js';

const SUBJECT = 'did:web:agents.example.com:billing';
const JWK_AGENT = generateAgentKey();
const issuer = didIssuer();
const app = usePolicyApp(
  `
zones:
  - name: orders
    match: { paths: ["/orders/*"] }
    profiles: [dpop]
    scopes: [orders:write]
agents:
  - id: ${SUBJECT}
    owner: team-billing
    scopes: [orders:read, orders:write]
  - id: ${JWK_AGENT.didJwk}
    owner: team-jwk
`,
  issuer.flags,
);

const URL_TEXT = 'https://api.example.com/orders/42';
const seconds = () => Math.floor(app.server.now / 1000);

/** A DPoP request for URL_TEXT whose token carries `scope` and `jti`. */
function dpopCheck(scope: string, jti?: string): { send: () => Promise<UpstreamCheckResponse> } {
  const agent = generateAgentKey({ type: 'p256' });
  const token = issuedToken(issuer.key, seconds(), {
    bindKey: agent.publicJwk,
    scope,
    ...(jti === undefined ? {} : { jti }),
  });
  const proof = () =>
    createDpopProof({
      privateJwk: agent.privateJwk,
      method: 'POST',
      url: URL_TEXT,
      accessToken: token,
      iat: seconds(),
    });
  return {
    send: () =>
      app.server.client.check(
        envoyCheckRequest({
          method: 'POST',
          url: URL_TEXT,
          headers: { authorization: `DPoP ${token}`, dpop: proof() },
        }),
      ),
  };
}

describe('a token whose sub is a did:jwk', () => {
  it('finds the exact entry of that key whatever the encoding', async () => {
    const reordered = Object.fromEntries(Object.entries(JWK_AGENT.publicJwk).reverse());
    const sub = `did:jwk:${Buffer.from(JSON.stringify(reordered)).toString('base64url')}`;
    const agent = generateAgentKey({ type: 'p256' });
    const token = issuedToken(issuer.key, seconds(), { bindKey: agent.publicJwk, subject: sub });
    const proof = createDpopProof({
      privateJwk: agent.privateJwk,
      method: 'GET',
      url: 'https://api.example.com/reports',
      accessToken: token,
      iat: seconds(),
    });
    const response = await app.server.client.check(
      envoyCheckRequest({
        method: 'GET',
        url: 'https://api.example.com/reports',
        headers: { authorization: `DPoP ${token}`, dpop: proof },
      }),
    );
    expect(setHeaders(response)).toMatchObject({ 'x-agent-id': sub, 'x-agent-owner': 'team-jwk' });
  });
});

describe('the policy applied to token profiles', () => {
  it("registers the agent by the token's sub and tags it with the policy's owner", async () => {
    const response = await dpopCheck('orders:read orders:write').send();
    expect(setHeaders(response)).toMatchObject({
      'x-agent-id': SUBJECT,
      'x-agent-profile': 'dpop',
      'x-agent-zone': 'orders',
      'x-agent-owner': 'team-billing',
    });
  });

  it('denies scope_insufficient when the token does not grant a scope the zone needs', async () => {
    const response = await dpopCheck('orders:read').send();
    expect(problem(response)).toMatchObject({ reason: 'scope_insufficient', status: 403 });
  });

  it('denies a token revoked by its jti, even after it was verified and cached', async () => {
    const jti = 'token-7f3c';
    const check = dpopCheck('orders:read orders:write', jti);
    expect((await check.send()).ok_response).toBeDefined();
    await app.server.app.store.revocations.revoke(jti);
    expect(problem(await check.send())).toMatchObject({ reason: 'agent_revoked' });
  });

  it('denies zone_denied to a signed request where the zone accepts DPoP only', async () => {
    const signed = signedCheck({ method: 'POST', url: URL_TEXT }, seconds());
    expect(problem(await app.server.client.check(signed.request()))).toMatchObject({
      reason: 'zone_denied',
    });
  });
});
