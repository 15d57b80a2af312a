import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { didWebDocument, generateAgentKey } from '../../src/agent/index.js';
import { problem } from '../support/envoy-client.js';
import {
  issuerSigningKey,
  type JwksIssuerApp,
  startJwksIssuerApp,
} from '../support/jwks-issuer-app.js';
import { DID_JSON, networkFlags } from '../support/network-app.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { AUDIENCE, bearerRequest, issuedToken } from '../support/token-check.js';

/*
 * An issuer removes a key from its JWKS (a compromised key, a finished rotation). Tokens that
 * key signed must stop working as soon as agent-authz holds the new key set — including tokens
 * verified before, which the verified-token cache would otherwise keep allowing until `exp`.
 */
const K1 = issuerSigningKey('k1');
const K2 = issuerSigningKey('k2');

let issuer: JwksIssuerApp;
beforeAll(async () => {
  issuer = await startJwksIssuerApp([K1.jwk, K2.jwk], ['--tokens.jwks.refresh-interval=5m']);
});
afterAll(async () => issuer?.close());

describe('a token verified before its issuer removed the key', () => {
  it('is refused once the key set without that key is fetched, cached or not', async () => {
    const { app, jwks, token, reasonFor } = issuer;
    const [byK1, byK2] = [await token(K1), await token(K2)];
    expect(await reasonFor(byK1)).toBe('allowed');
    expect(await reasonFor(byK2)).toBe('allowed');
    const fetched = jwks.fetches;

    jwks.keys = [K2.jwk];
    app.now += 5 * 60_000 + 1;
    // Any token past the refresh interval starts the background refresh.
    expect(await reasonFor(await token(K2))).toBe('allowed');
    await expect.poll(() => jwks.fetches).toBe(fetched + 1);
    // A new token by k1 is refused once the new set is in place…
    await expect.poll(async () => reasonFor(await token(K1))).toBe('key_unresolvable');
    // …and so is the one verified before, while k2's cached token still stands.
    expect(await reasonFor(byK1)).toBe('key_unresolvable');
    expect(await reasonFor(byK2)).toBe('allowed');
    expect(jwks.fetches).toBe(fetched + 1);
  });
});

describe('a token verified before its did:web issuer dropped the key from its document', () => {
  const host = useDocumentHost();
  const issuer = {
    hostname: 'issuer.example.test',
    get did() {
      return `did:web:issuer.example.test%3A${host.port}`;
    },
  };
  let server: TestApp;
  // The DID names the test host's port, known once the host has started.
  beforeAll(async () => {
    server = await startTestApp(
      [
        ...networkFlags(host),
        `--issuers=${JSON.stringify([{ did: issuer.did }])}`,
        `--tokens.audiences=${AUDIENCE}`,
        '--tokens.require-binding=false',
      ],
      { lookup: host.lookup },
    );
  });
  afterAll(async () => server?.stop());

  it('is refused once the document without that key is fetched', async () => {
    const [old, next] = [generateAgentKey(), generateAgentKey()];
    const publish = (key: typeof old, fragment: string) => {
      const { document, keyId } = didWebDocument(issuer.did, key.publicJwk, { fragment });
      host.serve(issuer.hostname, '/.well-known/did.json', {
        headers: { ...DID_JSON, 'cache-control': 'max-age=60' },
        body: JSON.stringify(document),
      });
      return { ...key, keyId };
    };
    const signer = publish(old, 'key-1');
    const minted = () => issuedToken(signer, Math.floor(server.now / 1000), { expiresIn: 3600 });
    const ask = async (text: string) => {
      const request = bearerRequest({
        method: 'GET',
        url: 'https://api.example.com/r',
        token: text,
      });
      const response = await server.client.check(request);
      return response.ok_response !== undefined ? 'allowed' : String(problem(response).reason);
    };
    const token = minted();
    expect(await ask(token)).toBe('allowed');
    expect(await ask(token)).toBe('allowed');

    publish(next, 'key-2');
    server.now += 61_000;
    // The stale document answers the first check while one refresh fetches the new one; a new
    // token by the removed key is refused once it has arrived…
    await expect.poll(async () => ask(minted()), { timeout: 3000 }).toBe('key_unresolvable');
    // …and so is the token verified before.
    expect(await ask(token)).toBe('key_unresolvable');
  });
});
