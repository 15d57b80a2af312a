import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeaders } from 'web-bot-auth';
import { signerFromJWK } from 'web-bot-auth/crypto';
import { jwkThumbprint } from '../../src/keys/jwk-thumbprint.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, setHeaders } from '../support/envoy-client.js';
import { networkFlags } from '../support/network-app.js';
import { DIRECTORY_TYPE } from '../support/sign-web-bot-auth.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { useTestApp } from '../support/start-test-app.js';

/*
 * Requests signed by Cloudflare's `web-bot-auth` package (0.1.3, built on `http-message-sig`;
 * no code shared with ours) must verify against a key directory served by the test host. That
 * version signs the legacy Signature-Agent string form, covered as the whole field.
 */
const host = useDocumentHost();
const server = useTestApp(networkFlags(host), { lookup: host.lookup });

const KEY_TYPES = [
  ['an Ed25519', () => generateKeyPairSync('ed25519')],
  ['an RSA-PSS-SHA512 (2048-bit)', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
] as const;

describe.each(KEY_TYPES)('a request signed by web-bot-auth with %s key', (_name, generate) => {
  const pair = generate();
  // web-bot-auth picks RSASSA-PSS/SHA-512 for an RSA JWK only when it says `alg: PS512`.
  const alg = pair.publicKey.asymmetricKeyType === 'rsa' ? { alg: 'PS512' } : {};
  const privateJwk = { ...pair.privateKey.export({ format: 'jwk' }), ...alg };
  const publicJwk = { ...pair.publicKey.export({ format: 'jwk' }), ...alg };
  const hostname = `wba-${publicJwk.kty!.toLowerCase()}.example.test`;

  async function signedRequest(url: string) {
    const agent = host.origin(hostname);
    const created = new Date(server.now);
    const request = new Request(url, { headers: { 'Signature-Agent': JSON.stringify(agent) } });
    const signer = await signerFromJWK(privateJwk);
    const headers = await signatureHeaders(request, signer, {
      created,
      expires: new Date(server.now + 60_000),
    });
    expect(headers['Signature-Input']).toContain('("@authority" "signature-agent")');
    expect(headers['Signature-Input']).toContain('tag="web-bot-auth"');
    return {
      signer,
      check: envoyCheckRequest({
        method: 'GET',
        url,
        headers: {
          'signature-agent': JSON.stringify(agent),
          'signature-input': headers['Signature-Input'],
          signature: headers.Signature,
        },
      }),
    };
  }

  it('is allowed, with the directory origin as agent id', async () => {
    host.serve(hostname, '/.well-known/http-message-signatures-directory', {
      headers: DIRECTORY_TYPE,
      body: JSON.stringify({ keys: [publicJwk] }),
    });
    const { signer, check } = await signedRequest('https://shop.example.com/catalogue');
    expect(signer.keyid).toBe(jwkThumbprint(publicJwk as Record<string, unknown>));
    const response = await server.client.check(check);
    expect(response.status?.code ?? 0).toBe(0);
    expect(setHeaders(response)).toMatchObject({
      'x-agent-id': host.origin(hostname),
      'x-agent-key-id': signer.keyid,
      'x-agent-verified': 'true',
      'x-agent-profile': 'web-bot-auth',
    });
  });

  it('is denied signature_invalid when the request goes to another authority', async () => {
    const { check } = await signedRequest('https://shop.example.com/catalogue');
    const moved = check as { attributes: { request: { http: Record<string, unknown> } } };
    const http = moved.attributes.request.http;
    http.host = 'admin.example.com';
    (http.headers as Record<string, string>)[':authority'] = 'admin.example.com';
    const response = await server.client.check(moved);
    expect(problem(response)).toMatchObject({ reason: 'signature_invalid' });
  });
});
