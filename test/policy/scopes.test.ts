import { describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { problem, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { usePolicyApp } from '../support/policy-app.js';
import { signedCheck } from '../support/signed-check.js';
import { didIssuer, dpopRequest, issuedToken } from '../support/token-check.js';

const GRANTED = 'did:web:agents.example.com:billing';
const UNSCOPED = 'did:web:agents.example.com:reports';
const UNREGISTERED = 'did:web:agents.example.com:stranger';
const signer = generateAgentKey();
const issuer = didIssuer();
const app = usePolicyApp(
  `
zones:
  - name: orders
    match: { paths: ["/orders/*"] }
    scopes: [orders:write]
agents:
  - { id: "${GRANTED}", scopes: [orders:read, orders:write] }
  - { id: "${UNSCOPED}", owner: team-reports }
  - { id: "${signer.didKey}", scopes: [orders:write] }
`,
  issuer.flags,
);

const URL_TEXT = 'https://api.example.com/orders/42';
const seconds = () => Math.floor(app.server.now / 1000);
const reasonOf = (response: UpstreamCheckResponse) =>
  response.ok_response ? 'allowed' : problem(response).reason;

function sendToken(subject: string, scope: string | undefined): Promise<UpstreamCheckResponse> {
  const agent = generateAgentKey({ type: 'p256' });
  const token = issuedToken(issuer.key, seconds(), {
    bindKey: agent.publicJwk,
    subject,
    ...(scope === undefined ? {} : { scope }),
  });
  return app.server.client.check(
    dpopRequest({ method: 'POST', url: URL_TEXT, token, agent, iatSeconds: seconds() }),
  );
}

describe('a zone that needs a scope, entered with a token', () => {
  it('is refused when only the token claims the scope and no entry names the agent', async () => {
    expect(reasonOf(await sendToken(UNREGISTERED, 'orders:write'))).toBe('scope_insufficient');
  });

  it("is refused when only the token claims the scope and the agent's entry grants none", async () => {
    expect(reasonOf(await sendToken(UNSCOPED, 'orders:write'))).toBe('scope_insufficient');
  });

  it('is refused when the entry grants the scope but the token does not carry it', async () => {
    expect(reasonOf(await sendToken(GRANTED, 'orders:read'))).toBe('scope_insufficient');
    expect(reasonOf(await sendToken(GRANTED, undefined))).toBe('scope_insufficient');
  });

  it('is allowed when the entry grants the scope and the token carries it', async () => {
    expect(reasonOf(await sendToken(GRANTED, 'orders:read orders:write'))).toBe('allowed');
  });
});

describe('a zone that needs a scope, entered with a signed request', () => {
  it('is refused to an agent no entry grants the scope, as a token would be', async () => {
    const signed = signedCheck({ method: 'POST', url: URL_TEXT }, seconds());
    expect(reasonOf(await app.server.client.check(signed.request()))).toBe('scope_insufficient');
  });

  it("is allowed when the agent's entry grants the scope", async () => {
    const signed = signedCheck({ method: 'POST', url: URL_TEXT }, seconds(), { key: signer });
    expect(reasonOf(await app.server.client.check(signed.request()))).toBe('allowed');
  });
});
