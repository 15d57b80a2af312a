import { describe, expect, it } from 'vitest';
import { agentFetch, generateAgentKey, mintToken } from '../../src/agent/index.js';
import { useEnvoyLikeFront } from '../support/start-envoy-like-front.js';
import { useTestApp } from '../support/start-test-app.js';
import { AUDIENCE, didIssuer } from '../support/token-check.js';

const issuer = didIssuer();
const server = useTestApp(issuer.flags);
const front = useEnvoyLikeFront(server);

/** What the echo upstream saw for a request sent through the Envoy-like front. */
async function upstreamSaw(response: Response) {
  expect(response.status).toBe(200);
  return ((await response.json()) as { headers: Record<string, string> }).headers;
}

describe('agentFetch', () => {
  it('signs every request, so repeated calls are each verified (fresh nonces)', async () => {
    const key = generateAgentKey();
    const send = agentFetch({ key });
    for (let i = 0; i < 3; i++) {
      const seen = await upstreamSaw(await send(`${front.base()}/orders?page=${i}`));
      expect(seen).toMatchObject({ 'x-agent-id': key.didKey, 'x-agent-profile': 'signed-request' });
    }
  });

  it('covers a string body with content-digest', async () => {
    const key = generateAgentKey({ type: 'p256' });
    const response = await agentFetch({ key })(`${front.base()}/orders`, {
      method: 'POST',
      body: '{"sku":"A-1"}',
      headers: { 'content-type': 'application/json' },
    });
    const seen = await upstreamSaw(response);
    expect(seen['content-digest']).toMatch(/^sha-256=:/);
    expect(seen['x-agent-verified']).toBe('true');
  });

  it('sends a DPoP proof with the token instead of a signature when given one', async () => {
    const key = generateAgentKey();
    const token = mintToken({
      issuer: issuer.key,
      subject: 'did:web:agents.example.com:billing',
      audience: AUDIENCE,
      bindKey: key.publicJwk,
    });
    const seen = await upstreamSaw(await agentFetch({ key, token })(`${front.base()}/invoices/7`));
    expect(seen).toMatchObject({
      'x-agent-id': 'did:web:agents.example.com:billing',
      'x-agent-profile': 'dpop',
    });
    expect(seen['signature-input']).toBeUndefined();
  });

  it('refuses a streamed body it cannot digest', async () => {
    const send = agentFetch({ key: generateAgentKey() });
    await expect(
      send(`${front.base()}/upload`, {
        method: 'POST',
        body: new Blob(['x']),
        duplex: 'half',
      } as RequestInit),
    ).rejects.toThrow(/string or byte bodies/);
  });
});
