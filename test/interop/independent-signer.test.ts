import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { type Algorithm, createSigner, httpbis } from 'http-message-signatures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentKey, generateAgentKey } from '../../src/agent/index.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, setHeaders } from '../support/envoy-client.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

/*
 * Requests signed by http-message-signatures (an RFC 9421 implementation that shares no code
 * with ours) must pass the real server over gRPC: this catches a signature base that only our
 * own signer agrees with.
 */

let server: TestApp;
beforeAll(async () => {
  server = await startTestApp();
});
afterAll(async () => {
  await server.stop();
});

interface Outgoing {
  readonly method: string;
  readonly url: string;
  readonly body?: string;
}

const ALGORITHMS: Readonly<Record<AgentKey['type'], Algorithm>> = {
  ed25519: 'ed25519',
  p256: 'ecdsa-p256-sha256',
};

/** The headers http-message-signatures adds, covering what the agent-authz profile requires. */
async function signWithLibrary(request: Outgoing, key: AgentKey): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  const covered = ['@method', '@authority', '@path'];
  if (new URL(request.url).search !== '') covered.push('@query');
  if (request.body !== undefined) {
    const digest = createHash('sha512').update(request.body).digest('base64');
    headers['content-type'] = 'application/json';
    headers['content-digest'] = `sha-512=:${digest}:`;
    covered.push('content-digest');
  }
  const privateKey = createPrivateKey({ key: key.privateJwk, format: 'jwk' });
  const signed = await httpbis.signMessage(
    {
      key: createSigner(privateKey, ALGORITHMS[key.type], key.keyId),
      fields: covered,
      params: ['created', 'keyid', 'nonce', 'tag'],
      paramValues: {
        created: new Date(Math.floor(server.now / 1000) * 1000),
        nonce: randomBytes(16).toString('base64url'),
        tag: 'agent-authz',
      },
    },
    { method: request.method, url: request.url, headers },
  );
  return signed.headers as Record<string, string>;
}

async function check(request: Outgoing, headers: Record<string, string>) {
  return server.client.check(envoyCheckRequest({ ...request, headers }));
}

describe('a request signed by the http-message-signatures package', () => {
  it('is allowed when it is a GET with a query, signed with an Ed25519 did:key', async () => {
    const key = generateAgentKey();
    const request = { method: 'GET', url: 'https://api.example.com/orders?limit=10&sort=desc' };
    const headers = await signWithLibrary(request, key);
    expect(headers['Signature-Input']).toContain('"@query"');

    const response = await check(request, headers);
    expect(response.status?.code ?? 0).toBe(0);
    expect(setHeaders(response)).toMatchObject({
      'x-agent-id': key.didKey,
      'x-agent-key-id': key.keyId,
      'x-agent-verified': 'true',
    });
  });

  it('is allowed when it is a POST with a body, signed with a P-256 did:key', async () => {
    const key = generateAgentKey({ type: 'p256' });
    const request = {
      method: 'POST',
      url: 'https://api.example.com/orders',
      body: '{"item":"widget","quantity":3}',
    };
    const headers = await signWithLibrary(request, key);
    expect(headers['Signature-Input']).toContain('"content-digest"');

    const response = await check(request, headers);
    expect(response.status?.code ?? 0).toBe(0);
    expect(setHeaders(response)).toMatchObject({ 'x-agent-id': key.didKey });
  });

  it('is denied as signature_invalid when the path is changed after signing', async () => {
    const key = generateAgentKey();
    const signedFor = { method: 'GET', url: 'https://api.example.com/orders' };
    const headers = await signWithLibrary(signedFor, key);

    const response = await check({ ...signedFor, url: 'https://api.example.com/admin' }, headers);
    expect(response.ok_response).toBeUndefined();
    expect(problem(response)).toMatchObject({ reason: 'signature_invalid', status: 401 });
  });
});
