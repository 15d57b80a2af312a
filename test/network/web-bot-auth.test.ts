import { describe, expect, it } from 'vitest';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, setHeaders, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { networkFlags } from '../support/network-app.js';
import {
  DIRECTORY_PATH,
  publishDirectory,
  signWebBotAuth,
  type WebBotAuthOptions,
  webBotAuthKey,
} from '../support/sign-web-bot-auth.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { startTestApp, useTestApp } from '../support/start-test-app.js';
import { waitFor } from '../support/wait-for.js';

const host = useDocumentHost();
const server = useTestApp(networkFlags(host), { lookup: host.lookup });

const GET = { method: 'GET', url: 'https://shop.example.com/products?page=2' };
const nowSeconds = () => Math.floor(server.now / 1000);

/** Signs GET with `key` (directory at `hostname`) and asks the server. */
function check(
  key: ReturnType<typeof webBotAuthKey>,
  hostname: string,
  options: Partial<WebBotAuthOptions> = {},
): Promise<UpstreamCheckResponse> {
  const headers = signWebBotAuth(GET, key, {
    agent: host.origin(hostname),
    created: nowSeconds(),
    ...options,
  });
  return server.client.check(envoyCheckRequest({ ...GET, headers }));
}

function expectDenied(response: UpstreamCheckResponse, reason: string, detail?: string): void {
  expect(response.ok_response).toBeUndefined();
  expect(problem(response)).toMatchObject({ reason, status: 401 });
  if (detail !== undefined) expect(problem(response).detail).toBe(detail);
}

describe('a request signed as a Web Bot Auth agent', () => {
  it('is allowed with the directory origin as agent id and the thumbprint as key id', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'crawler.example.test', [webBotAuthKey(), key]);
    const response = await check(key, 'crawler.example.test');
    expect(setHeaders(response)).toEqual({
      'x-agent-id': host.origin('crawler.example.test'),
      'x-agent-key-id': key.thumbprint,
      'x-agent-trust': 'new',
      'x-agent-verified': 'true',
      'x-agent-profile': 'web-bot-auth',
    });
    expect(host.hits('crawler.example.test', DIRECTORY_PATH)).toBe(1);
  });

  it('is allowed with the legacy Signature-Agent string covered as the whole field', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'legacy.example.test', [key]);
    const response = await check(key, 'legacy.example.test', { form: 'string' });
    expect(setHeaders(response)).toMatchObject({
      'x-agent-id': host.origin('legacy.example.test'),
    });
  });

  it('is allowed for an RSA-PSS-SHA512 directory key', async () => {
    const key = webBotAuthKey('rsa');
    publishDirectory(host, 'rsa.example.test', [key]);
    const response = await check(key, 'rsa.example.test');
    expect(setHeaders(response)).toMatchObject({ 'x-agent-key-id': key.thumbprint });
  });

  it('is allowed without a nonce, and the identical signature sent again is replayed', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'nononce.example.test', [key]);
    const headers = signWebBotAuth(GET, key, {
      agent: host.origin('nononce.example.test'),
      created: nowSeconds(),
      nonce: null,
    });
    const request = envoyCheckRequest({ ...GET, headers });
    expect((await server.client.check(request)).ok_response).toBeDefined();
    expectDenied(await server.client.check(request), 'replayed');
  });

  it('is replayed when the same nonce is sent twice', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'nonce.example.test', [key]);
    expect((await check(key, 'nonce.example.test', { nonce: 'n-1' })).ok_response).toBeDefined();
    expectDenied(await check(key, 'nonce.example.test', { nonce: 'n-1' }), 'replayed');
  });
});

describe('a Web Bot Auth request that cannot be verified', () => {
  it('is key_unresolvable when the directory does not list the thumbprint', async () => {
    publishDirectory(host, 'unknown.example.test', [webBotAuthKey()]);
    expectDenied(
      await check(webBotAuthKey(), 'unknown.example.test'),
      'key_unresolvable',
      'the key directory does not list this keyid',
    );
  });

  it('is components_missing when the signature does not cover signature-agent', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'uncovered.example.test', [key]);
    expectDenied(
      await check(key, 'uncovered.example.test', { coverAgent: false }),
      'components_missing',
      'the signature must cover the Signature-Agent member it names: add "signature-agent";key="agent1" to its covered components',
    );
    expect(host.hits('uncovered.example.test', DIRECTORY_PATH)).toBe(0);
  });

  it('is key_unresolvable, with nothing fetched, when Signature-Agent is plain http', async () => {
    const key = webBotAuthKey();
    const headers = signWebBotAuth(GET, key, {
      agent: `http://plain.example.test:${host.port}`,
      created: nowSeconds(),
    });
    expectDenied(
      await server.client.check(envoyCheckRequest({ ...GET, headers })),
      'key_unresolvable',
      'key directories are only fetched over https',
    );
    expect(host.hits('plain.example.test', DIRECTORY_PATH)).toBe(0);
  });

  it('is credential_malformed without expires, which Web Bot Auth requires', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'noexpiry.example.test', [key]);
    expectDenied(
      await check(key, 'noexpiry.example.test', { expiresIn: null }),
      'credential_malformed',
      'a web-bot-auth signature needs expires',
    );
  });

  it('is key_unresolvable when the directory is served as another media type', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'html.example.test', [key], { 'content-type': 'text/html' });
    expectDenied(
      await check(key, 'html.example.test'),
      'key_unresolvable',
      'the document has an unexpected media type',
    );
  });

  it('is did_method_unsupported on a server without network resolution', async () => {
    const offline = await startTestApp([], { lookup: host.lookup });
    try {
      const key = webBotAuthKey();
      publishDirectory(host, 'offline.example.test', [key]);
      const headers = signWebBotAuth(GET, key, {
        agent: host.origin('offline.example.test'),
        created: Math.floor(offline.now / 1000),
      });
      expectDenied(
        await offline.client.check(envoyCheckRequest({ ...GET, headers })),
        'did_method_unsupported',
      );
      expect(host.hits('offline.example.test', DIRECTORY_PATH)).toBe(0);
    } finally {
      await offline.stop();
    }
  });
});

describe('key rotation in a Web Bot Auth directory', () => {
  it('accepts a new key once the directory is refetched, at most once per cacheTtl.min', async () => {
    const [old, next] = [webBotAuthKey(), webBotAuthKey()];
    publishDirectory(host, 'rotating.example.test', [old]);
    expect((await check(old, 'rotating.example.test')).ok_response).toBeDefined();

    publishDirectory(host, 'rotating.example.test', [old, next]);
    server.now += 10_000;
    // Fetched 10 s ago: an unknown key does not force a refetch yet.
    expectDenied(await check(next, 'rotating.example.test'), 'key_unresolvable');
    expect(host.hits('rotating.example.test', DIRECTORY_PATH)).toBe(1);

    server.now += 51_000;
    expect((await check(next, 'rotating.example.test')).ok_response).toBeDefined();
    expect(host.hits('rotating.example.test', DIRECTORY_PATH)).toBe(2);
  });

  it('stops accepting a removed key once the cached directory has been refreshed', async () => {
    const [old, next] = [webBotAuthKey(), webBotAuthKey()];
    publishDirectory(host, 'retiring.example.test', [old, next]);
    expect((await check(old, 'retiring.example.test')).ok_response).toBeDefined();

    publishDirectory(host, 'retiring.example.test', [next]);
    server.now += 30_000;
    expect((await check(old, 'retiring.example.test')).ok_response).toBeDefined();

    // Past freshness (cacheTtl.min without Cache-Control) the next use starts a refresh …
    server.now += 31_000;
    const fetched = server.app.fetchCounters.fetched;
    expect((await check(next, 'retiring.example.test')).ok_response).toBeDefined();
    await waitFor(() => server.app.fetchCounters.fetched === fetched + 1);
    await new Promise((resolve) => setImmediate(resolve));
    // … after which the removed key is refused.
    expectDenied(await check(old, 'retiring.example.test'), 'key_unresolvable');
  });
});
