import { describe, expect, it } from 'vitest';
import { type AgentKey, generateAgentKey } from '../../src/agent/index.js';
import { problem, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { usePolicyApp } from '../support/policy-app.js';
import { signedCheck } from '../support/signed-check.js';

const app = usePolicyApp(`
zones:
  - name: payments
    match: { paths: ["/payments/*"] }
  - name: public
    match: { paths: ["/*"] }
agents:
  - id: "did:key:*"
    zones: [public]
    rateLimit: 2/min
`);

function send(key: AgentKey, path: string, keyId: string): Promise<UpstreamCheckResponse> {
  const signed = signedCheck(
    { method: 'GET', url: `https://api.example.com${path}` },
    Math.floor(app.server.now / 1000),
    { key: { ...key, keyId } },
  );
  return app.server.client.check(signed.request());
}

const reasonOf = (response: UpstreamCheckResponse) =>
  response.ok_response ? 'allowed' : problem(response).reason;

describe('a key spelled as did:jwk', () => {
  it('is matched by the did:key pattern that keeps its did:key spelling out of a zone', async () => {
    const key = generateAgentKey();
    expect(reasonOf(await send(key, '/payments/1', key.keyId))).toBe('zone_denied');
    expect(reasonOf(await send(key, '/payments/1', key.didJwkKeyId))).toBe('zone_denied');
  });

  it("shares the rate limit of the did:key pattern's entry with its did:key spelling", async () => {
    const key = generateAgentKey({ type: 'p256' });
    expect(reasonOf(await send(key, '/catalog', key.keyId))).toBe('allowed');
    expect(reasonOf(await send(key, '/catalog', key.keyId))).toBe('allowed');
    expect(reasonOf(await send(key, '/catalog', key.didJwkKeyId))).toBe('rate_limited');
  });

  it('shares its history, and so its trust, with its did:key spelling', async () => {
    const key = generateAgentKey();
    await send(key, '/catalog', key.didJwkKeyId);
    const history = await app.server.app.store.history.get(key.didKey);
    expect(history?.allowed).toBe(1);
  });
});
