import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { didWebDocument, generateAgentKey } from '../../src/agent/index.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { httpCheck } from '../support/envoy-http-client.js';
import { startJwksServer } from '../support/jwks-server.js';
import { DID_JSON, networkFlags } from '../support/network-app.js';
import {
  DIRECTORY_PATH,
  DIRECTORY_TYPE,
  signWebBotAuth,
  webBotAuthKey,
} from '../support/sign-web-bot-auth.js';
import { signedCheck } from '../support/signed-check.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { startTestApp, type TestApp, useTestApp } from '../support/start-test-app.js';
import { createTestCa } from '../support/test-pki.js';
import { AUDIENCE } from '../support/token-check.js';
import { waitFor } from '../support/wait-for.js';

/*
 * A key document that has not arrived within resolver.maxWait is "still fetching": 503
 * key_pending with Retry-After (gRPC UNAVAILABLE), a retryable answer, while the fetch goes on
 * and fills the cache. A document that arrived and does not list the key is the permanent
 * answer, 401 key_unresolvable. The hosts answer in 600 ms; the checks wait 150 ms.
 */
const host = useDocumentHost();
const server = useTestApp(
  networkFlags(host, ['--resolver.max-wait=150ms', '--resolver.timeout=5s']),
  { lookup: host.lookup },
);
const GET = { method: 'GET', url: 'https://api.example.com/orders' };
const SLOW_MS = 600;

function header(response: UpstreamCheckResponse, name: string): string | undefined {
  return response.denied_response?.headers?.find((h) => h.header.key === name)?.header.value;
}

/**
 * A did:web on `hostname` whose did.json answers after SLOW_MS, listing one key; `sign()` signs
 * a GET with it, under its key id or, given `fragment`, under one the document does not list.
 */
function slowDidWeb(hostname: string, fragment?: string) {
  const did = `did:web:${hostname}%3A${host.port}`;
  const signer = generateAgentKey();
  const document = didWebDocument(did, signer.publicJwk).document;
  const keyId =
    fragment === undefined ? didWebDocument(did, signer.publicJwk).keyId : `${did}#${fragment}`;
  host.serve(hostname, '/.well-known/did.json', {
    headers: DID_JSON,
    body: JSON.stringify(document),
    delayMs: SLOW_MS,
  });
  return {
    hostname,
    sign: () => signedCheck(GET, Math.floor(server.now / 1000), { key: { ...signer, keyId } }),
  };
}

function expectPending(response: UpstreamCheckResponse): void {
  expect(response.status?.code).toBe(14); // UNAVAILABLE
  expect(response.denied_response?.status?.code).toBe('ServiceUnavailable');
  expect(problem(response)).toMatchObject({ reason: 'key_pending', status: 503 });
  expect(header(response, 'retry-after')).toBe('1');
}

describe('a did:web document slower than resolver.maxWait', () => {
  it('is answered 503 key_pending with Retry-After, and the retry after it arrived is allowed', async () => {
    const slow = slowDidWeb('cold.example.test');
    expectPending(await server.client.check(slow.sign().request()));
    await waitFor(() => server.app.fetchCounters.fetched >= 1, 5000);
    expect((await server.client.check(slow.sign().request())).ok_response).toBeDefined();
    expect(host.hits(slow.hostname, '/.well-known/did.json')).toBe(1);
  });

  it('is answered 503 with Retry-After over the HTTP transport too', async () => {
    const slow = slowDidWeb('cold-http.example.test');
    const response = await httpCheck(server.app.httpPort!, {
      ...GET,
      headers: slow.sign().signature,
    });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(JSON.parse(response.body)).toMatchObject({ reason: 'key_pending' });
  });

  it('is 401 key_unresolvable once it arrived without the key', async () => {
    const slow = slowDidWeb('keyless.example.test', 'not-listed');
    expectPending(await server.client.check(slow.sign().request()));
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS + 200));
    const answered = await server.client.check(slow.sign().request());
    expect(answered.status?.code).toBe(16); // UNAUTHENTICATED
    expect(problem(answered)).toMatchObject({ reason: 'key_unresolvable', status: 401 });
    expect(header(answered, 'retry-after')).toBeUndefined();
    expect(host.hits(slow.hostname, '/.well-known/did.json')).toBe(1);
  });
});

describe('a Web Bot Auth key directory slower than resolver.maxWait', () => {
  it('is answered 503 key_pending, then allowed once it arrived', async () => {
    const key = webBotAuthKey();
    const hostname = 'cold-directory.example.test';
    host.serve(hostname, DIRECTORY_PATH, {
      headers: DIRECTORY_TYPE,
      body: JSON.stringify({ keys: [{ ...key.publicJwk, use: 'sig' }] }),
      delayMs: SLOW_MS,
    });
    const check = () =>
      envoyCheckRequest({
        ...GET,
        headers: signWebBotAuth(GET, key, {
          agent: host.origin(hostname),
          created: Math.floor(server.now / 1000),
        }),
      });
    expectPending(await server.client.check(check()));
    await waitFor(() => host.hits(hostname, DIRECTORY_PATH) === 1);
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS + 200));
    expect((await server.client.check(check())).ok_response).toBeDefined();
  });
});

describe('an issuer JWKS slower than resolver.maxWait', () => {
  const ca = createTestCa();
  let app: TestApp;
  let directory: string;
  let close: () => Promise<void>;
  let issuerKey: Awaited<ReturnType<typeof makeIssuerKey>>;

  async function makeIssuerKey() {
    const { generateKeyPair, exportJWK, SignJWT } = await import('jose');
    const pair = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
    const sign = (nowMs: number) =>
      new SignJWT({ sub: 'client-1', cnf: { 'x5t#S256': 'unused' } })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer('https://idp.example.test')
        .setAudience(AUDIENCE)
        .setIssuedAt(Math.floor(nowMs / 1000))
        .setExpirationTime(Math.floor(nowMs / 1000) + 300)
        .sign(pair.privateKey);
    return { jwk, sign };
  }

  beforeAll(async () => {
    issuerKey = await makeIssuerKey();
    const jwks = await startJwksServer(await ca, [issuerKey.jwk]);
    jwks.behaviour = { delayMs: SLOW_MS };
    close = () => jwks.close();
    directory = mkdtempSync(join(tmpdir(), 'agent-authz-ca-'));
    writeFileSync(join(directory, 'ca.pem'), (await ca).pem);
    const issuers = [
      { issuer: 'https://idp.example.test', jwksUri: jwks.url, audiences: [AUDIENCE] },
    ];
    app = await startTestApp([
      `--issuers=${JSON.stringify(issuers)}`,
      `--tokens.jwks.ca-file=${join(directory, 'ca.pem')}`,
      '--tokens.jwks.timeout=5s',
      '--resolver.max-wait=150ms',
    ]);
  });
  afterAll(async () => {
    await app?.stop();
    await close?.();
    rmSync(directory, { recursive: true, force: true });
  });

  it('is answered 503 key_pending while the first fetch runs, then verifies the token', async () => {
    const bearer = async () =>
      app.client.check(
        envoyCheckRequest({
          ...GET,
          headers: { authorization: `Bearer ${await issuerKey.sign(app.now)}` },
        }),
      );
    expectPending(await bearer());
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS + 200));
    // The keys arrived: the token is verified, and refused only for its certificate binding.
    expect(problem(await bearer())).toMatchObject({ reason: 'binding_mismatch' });
  });
});
