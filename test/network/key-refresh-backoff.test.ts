import { describe, expect, it } from 'vitest';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import type { UpstreamCheckResponse } from '../support/envoy-client.js';
import { networkFlags, publishedDidWeb } from '../support/network-app.js';
import {
  DIRECTORY_PATH,
  DIRECTORY_TYPE,
  jwksBody,
  signWebBotAuth,
  webBotAuthKey,
} from '../support/sign-web-bot-auth.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { useTestApp } from '../support/start-test-app.js';

/*
 * A key directory or did:web document that was fetched, went stale, and whose origin now
 * fails: checks keep using the cached copy, and the origin is asked again once per
 * resolver.negativeTtl (30 s), however many checks arrive meanwhile.
 */
const host = useDocumentHost();
const server = useTestApp(networkFlags(host), { lookup: host.lookup });
const GET = { method: 'GET', url: 'https://shop.example.com/products' };

const allowed = (response: UpstreamCheckResponse) => response.ok_response !== undefined;

/** Sends `count` checks one after another; every one must be allowed from the cached copy. */
async function allAllowed(count: number, check: () => Promise<UpstreamCheckResponse>) {
  for (let i = 0; i < count; i++) expect(allowed(await check())).toBe(true);
}

describe('a cached key document whose origin starts failing', () => {
  it('is a Web Bot Auth directory refetched once per negativeTtl, not once per check', async () => {
    const hostname = 'failing-directory.example.test';
    const key = webBotAuthKey();
    const body = jwksBody([key]);
    host.serve(hostname, DIRECTORY_PATH, {
      headers: { ...DIRECTORY_TYPE, 'cache-control': 'max-age=60' },
      body,
    });
    const check = () =>
      server.client.check(
        envoyCheckRequest({
          ...GET,
          headers: signWebBotAuth(GET, key, {
            agent: host.origin(hostname),
            created: Math.floor(server.now / 1000),
          }),
        }),
      );
    await allAllowed(1, check);
    host.serve(hostname, DIRECTORY_PATH, { status: 500 });
    server.now += 61_000;
    await allAllowed(60, check);
    await expect.poll(() => host.hits(hostname, DIRECTORY_PATH)).toBe(2);
    server.now += 29_000;
    await allAllowed(20, check);
    expect(host.hits(hostname, DIRECTORY_PATH)).toBe(2);
    server.now += 1_000;
    await allAllowed(1, check);
    await expect.poll(() => host.hits(hostname, DIRECTORY_PATH)).toBe(3);
  });

  it('is a did:web document refetched once per negativeTtl, not once per check', async () => {
    const published = publishedDidWeb(host, 'failing-did.example.test', server.now);
    const path = '/.well-known/did.json';
    const check = () => server.client.check(published.request());
    await allAllowed(1, check);
    host.serve(published.hostname, path, { status: 503 });
    server.now += 61_000;
    await allAllowed(60, check);
    await expect.poll(() => host.hits(published.hostname, path)).toBe(2);
    server.now += 30_000;
    await allAllowed(1, check);
    await expect.poll(() => host.hits(published.hostname, path)).toBe(3);
  });
});
