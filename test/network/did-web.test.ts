import { describe, expect, it } from 'vitest';
import { type AgentKey, didWebDocument, generateAgentKey } from '../../src/agent/index.js';
import { problem, setHeaders, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { DID_JSON, networkFlags } from '../support/network-app.js';
import { signedCheck } from '../support/signed-check.js';
import { type DocumentHost, useDocumentHost } from '../support/start-document-host.js';
import { startTestApp, useTestApp } from '../support/start-test-app.js';
import { waitFor } from '../support/wait-for.js';

const host = useDocumentHost();
const server = useTestApp(networkFlags(host), { lookup: host.lookup });

const nowSeconds = () => Math.floor(server.now / 1000);
const GET = { method: 'GET', url: 'https://api.example.com/orders' };

/** A did:web on `name.example.test` at the test host's port, with its did.json location. */
function didWeb(hostHandle: DocumentHost, name: string, ...segments: string[]) {
  const hostname = `${name}.example.test`;
  const did = ['did:web', `${hostname}%3A${hostHandle.port}`, ...segments].join(':');
  const path = segments.length === 0 ? '/.well-known/did.json' : `/${segments.join('/')}/did.json`;
  return { did, hostname, path };
}

/** Publishes a did.json for `key` and returns the signing key named by the did:web. */
function publish(name: string, key: AgentKey, ...segments: string[]) {
  const target = didWeb(host, name, ...segments);
  const { document, keyId } = didWebDocument(target.did, key.publicJwk);
  host.serve(target.hostname, target.path, { headers: DID_JSON, body: JSON.stringify(document) });
  return { ...target, document, signingKey: { ...key, keyId } };
}

function expectDenied(response: UpstreamCheckResponse, reason: string): void {
  expect(response.ok_response).toBeUndefined();
  expect(problem(response)).toMatchObject({ reason, status: 401 });
}

describe('a request signed with a did:web key', () => {
  it('is allowed for the bare-domain form with a port, from /.well-known/did.json', async () => {
    const published = publish('root', generateAgentKey());
    const check = signedCheck(GET, nowSeconds(), { key: published.signingKey });
    const response = await server.client.check(check.request());
    expect(setHeaders(response)).toMatchObject({
      'x-agent-id': published.did,
      'x-agent-key-id': published.signingKey.keyId,
      'x-agent-verified': 'true',
      'x-agent-profile': 'signed-request',
    });
    expect(host.hits(published.hostname, '/.well-known/did.json')).toBe(1);
  });

  it('is allowed for the path form, from /<path>/did.json, with a P-256 publicKeyMultibase', async () => {
    const key = generateAgentKey({ type: 'p256' });
    const target = didWeb(host, 'paths', 'agents', 'billing');
    const { document, keyId } = didWebDocument(target.did, key.publicJwk, { format: 'multibase' });
    host.serve(target.hostname, target.path, { headers: DID_JSON, body: JSON.stringify(document) });
    const check = signedCheck(GET, nowSeconds(), { key: { ...key, keyId } });
    const response = await server.client.check(check.request());
    expect(setHeaders(response)).toMatchObject({ 'x-agent-id': target.did });
    expect(target.path).toBe('/agents/billing/did.json');
  });

  it('reuses the cached document for the next request instead of fetching again', async () => {
    const published = publish('cached', generateAgentKey());
    for (let i = 0; i < 3; i++) {
      const check = signedCheck(GET, nowSeconds(), { key: published.signingKey });
      expect((await server.client.check(check.request())).ok_response).toBeDefined();
    }
    expect(host.hits(published.hostname, published.path)).toBe(1);
  });
});

describe('a did:web document that does not vouch for the key', () => {
  it('is key_unresolvable when the document id is another DID', async () => {
    const published = publish('mismatch', generateAgentKey());
    const forged = { ...published.document, id: 'did:web:someone-else.example.test' };
    host.serve(published.hostname, published.path, {
      headers: DID_JSON,
      body: JSON.stringify(forged),
    });
    const response = await server.client.check(
      signedCheck(GET, nowSeconds(), { key: published.signingKey }).request(),
    );
    expectDenied(response, 'key_unresolvable');
    expect(problem(response).detail).toBe('the DID document id does not match the DID');
  });

  it('is key_unresolvable when the key is listed only under keyAgreement', async () => {
    const published = publish('agreement', generateAgentKey());
    const { authentication, assertionMethod, ...rest } = published.document;
    host.serve(published.hostname, published.path, {
      headers: DID_JSON,
      body: JSON.stringify({ ...rest, keyAgreement: authentication }),
    });
    const response = await server.client.check(
      signedCheck(GET, nowSeconds(), { key: published.signingKey }).request(),
    );
    expectDenied(response, 'key_unresolvable');
    expect(problem(response).detail).toBe(
      'the key is not listed under authentication or assertionMethod in the DID document',
    );
    expect(assertionMethod).toEqual(authentication);
  });

  it('is key_unresolvable when the document is larger than resolver.maxBytes', async () => {
    const published = publish('oversize', generateAgentKey());
    const padded = { ...published.document, padding: 'x'.repeat(70_000) };
    host.serve(published.hostname, published.path, {
      headers: DID_JSON,
      body: JSON.stringify(padded),
    });
    const response = await server.client.check(
      signedCheck(GET, nowSeconds(), { key: published.signingKey }).request(),
    );
    expectDenied(response, 'key_unresolvable');
    expect(problem(response).detail).toBe('the document is larger than 65536 bytes');
  });

  it('is key_unresolvable when the host redirects, and the redirect target is never fetched', async () => {
    const published = publish('redirecting', generateAgentKey());
    host.serve(published.hostname, published.path, {
      status: 302,
      headers: { location: `${host.origin('elsewhere.example.test')}/did.json` },
    });
    const response = await server.client.check(
      signedCheck(GET, nowSeconds(), { key: published.signingKey }).request(),
    );
    expectDenied(response, 'key_unresolvable');
    expect(problem(response).detail).toBe(
      'the host answered with a redirect, which is not followed',
    );
    expect(host.hits('elsewhere.example.test', '/did.json')).toBe(0);
  });
});

describe('one uncached did:web asked for by many requests at once', () => {
  it('is fetched once for 1000 concurrent requests, and every request is allowed', async () => {
    const target = didWeb(host, 'crowd');
    const key = generateAgentKey();
    const { document, keyId } = didWebDocument(target.did, key.publicJwk);
    // A little latency so every check arrives while the one fetch is in flight.
    host.serve(target.hostname, target.path, {
      headers: DID_JSON,
      body: JSON.stringify(document),
      delayMs: 50,
    });
    const checks = Array.from({ length: 1000 }, () =>
      signedCheck(GET, nowSeconds(), { key: { ...key, keyId } }).request(),
    );
    const responses = await Promise.all(checks.map((check) => server.client.check(check)));
    expect(responses.filter((response) => response.ok_response !== undefined)).toHaveLength(1000);
    expect(host.hits(target.hostname, target.path)).toBe(1);
    // 1000 signed gRPC checks take 15-20 s on a loaded two-core machine.
  }, 60_000);
});

describe('caching of did:web documents', () => {
  it('remembers a failed fetch for resolver.negativeTtl, then tries again', async () => {
    const target = didWeb(host, 'negative');
    const key = generateAgentKey();
    const { document, keyId } = didWebDocument(target.did, key.publicJwk);
    const sign = () => signedCheck(GET, nowSeconds(), { key: { ...key, keyId } }).request();

    expectDenied(await server.client.check(sign()), 'key_unresolvable');
    host.serve(target.hostname, target.path, { headers: DID_JSON, body: JSON.stringify(document) });
    expectDenied(await server.client.check(sign()), 'key_unresolvable');
    expect(host.hits(target.hostname, target.path)).toBe(1);

    server.now += 31_000;
    expect((await server.client.check(sign())).ok_response).toBeDefined();
    expect(host.hits(target.hostname, target.path)).toBe(2);
  });

  it('keeps serving a stale document while the origin is down, until resolver.maxStale', async () => {
    const published = publish('stale', generateAgentKey());
    const sign = () => signedCheck(GET, nowSeconds(), { key: published.signingKey }).request();
    host.serve(published.hostname, published.path, {
      headers: { ...DID_JSON, 'cache-control': 'max-age=120' },
      body: JSON.stringify(published.document),
    });
    expect((await server.client.check(sign())).ok_response).toBeDefined();

    host.serve(published.hostname, published.path, { status: 503 });
    server.now += 121_000;
    const staleBefore = server.app.fetchCounters.stale_hit;
    expect((await server.client.check(sign())).ok_response).toBeDefined();
    expect(server.app.fetchCounters.stale_hit).toBe(staleBefore + 1);
    await waitFor(() => host.hits(published.hostname, published.path) === 2);

    server.now += 3_600_000;
    expectDenied(await server.client.check(sign()), 'key_unresolvable');
  });
});

describe('did:web on a server without network resolution', () => {
  it('is did_method_unsupported and nothing is fetched', async () => {
    const offline = await startTestApp([], { lookup: host.lookup });
    try {
      const published = publish('offline', generateAgentKey());
      const check = signedCheck(GET, Math.floor(offline.now / 1000), {
        key: published.signingKey,
      });
      const response = await offline.client.check(check.request());
      expectDenied(response, 'did_method_unsupported');
      expect(host.hits(published.hostname, published.path)).toBe(0);
    } finally {
      await offline.stop();
    }
  });
});
