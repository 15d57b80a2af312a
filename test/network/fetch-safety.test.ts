import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { publishedDidWeb } from '../support/network-app.js';
import {
  DIRECTORY_PATH,
  publishDirectory,
  signWebBotAuth,
  webBotAuthKey,
} from '../support/sign-web-bot-auth.js';
import { signedCheck } from '../support/signed-check.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { waitFor } from '../support/wait-for.js';

/*
 * The fetcher's guards, each against a server configured the way the guard matters. The test
 * DNS maps every *.example.test name to 127.0.0.1, so "private address refused" is the real
 * address check running on the real answer.
 */
const host = useDocumentHost();
const GET = { method: 'GET', url: 'https://api.example.com/orders' };

/** Publishes a did:web on `name.example.test` and returns a CheckRequest signed with its key. */
function didWebCheck(name: string, app: TestApp, delayMs?: number) {
  return publishedDidWeb(
    host,
    `${name}.example.test`,
    app.now,
    delayMs === undefined ? {} : { delayMs },
  );
}

function expectUnresolvable(response: UpstreamCheckResponse, detail: string): void {
  expect(response.ok_response).toBeUndefined();
  expect(problem(response)).toMatchObject({ reason: 'key_unresolvable', detail });
}

/** Starts a network-enabled app for this describe block with extra flags. */
function useNetworkApp(flags: () => string[]): { readonly app: TestApp } {
  const state: { app?: TestApp } = {};
  beforeAll(async () => {
    state.app = await startTestApp(['--resolver.network=true', ...flags()], {
      lookup: host.lookup,
    });
  });
  afterAll(async () => state.app?.stop());
  return {
    get app() {
      return state.app!;
    },
  };
}

describe('with default network settings (private networks not allowed)', () => {
  const current = useNetworkApp(() => [`--resolver.ca-file=${host.caFile}`]);

  it('refuses a did:web whose host resolves to 127.0.0.1, without connecting', async () => {
    const target = didWebCheck('private', current.app);
    expectUnresolvable(
      await current.app.client.check(target.request()),
      'the host resolves to a private or reserved address',
    );
    expect(host.hits(target.hostname, '/.well-known/did.json')).toBe(0);
  });

  it('refuses a Web Bot Auth directory on a loopback address, without connecting', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'private-agent.example.test', [key]);
    const headers = signWebBotAuth(GET, key, {
      agent: host.origin('private-agent.example.test'),
      created: Math.floor(current.app.now / 1000),
    });
    expectUnresolvable(
      await current.app.client.check(envoyCheckRequest({ ...GET, headers })),
      'the host resolves to a private or reserved address',
    );
    expect(host.hits('private-agent.example.test', DIRECTORY_PATH)).toBe(0);
  });
});

describe('with resolver.allowedHosts', () => {
  const current = useNetworkApp(() => [
    '--resolver.allow-private-networks=true',
    `--resolver.ca-file=${host.caFile}`,
    '--resolver.allowed-hosts=partner.example.test,*.partners.example.test',
    // About the allow-list, not about waiting: generous on a loaded machine.
    '--resolver.max-wait=2s',
  ]);

  it('fetches from a host the allow-list names', async () => {
    const target = didWebCheck('partner', current.app);
    expect((await current.app.client.check(target.request())).ok_response).toBeDefined();
  });

  it('refuses any other host without resolving or connecting', async () => {
    const target = didWebCheck('stranger', current.app);
    expectUnresolvable(
      await current.app.client.check(target.request()),
      'the host is not in resolver.allowedHosts',
    );
    expect(host.hits(target.hostname, '/.well-known/did.json')).toBe(0);
  });
});

describe('without the test CA in resolver.caFile', () => {
  const current = useNetworkApp(() => ['--resolver.allow-private-networks=true']);

  it('refuses a host whose certificate does not chain to a trusted CA', async () => {
    const target = didWebCheck('untrusted', current.app);
    expectUnresolvable(
      await current.app.client.check(target.request()),
      'the host could not be reached over https',
    );
    expect(current.app.app.fetchCounters.failed).toBe(1);
  });
});

describe('a slow origin', () => {
  const current = useNetworkApp(() => [
    '--resolver.allow-private-networks=true',
    `--resolver.ca-file=${host.caFile}`,
    '--resolver.timeout=1s',
    '--resolver.max-wait=100ms',
  ]);

  it('is denied key_pending within resolver.maxWait while other requests go on, then key_unresolvable once the fetch timed out', async () => {
    const { app } = current;
    const slow = didWebCheck('slow', app, 3000);
    const fast = signedCheck(GET, Math.floor(app.now / 1000));
    const started = performance.now();
    const [slowResponse, fastResponse] = await Promise.all([
      app.client.check(slow.request()).then((response) => ({
        response,
        ms: performance.now() - started,
      })),
      app.client.check(fast.request()),
    ]);
    expect(problem(slowResponse.response)).toMatchObject({
      reason: 'key_pending',
      status: 503,
      detail: 'the key document did not arrive within resolver.maxWait',
    });
    // Answered long before the origin's 3 s (bounded loosely: the machine may be loaded).
    expect(slowResponse.ms).toBeLessThan(2000);
    expect(fastResponse.ok_response).toBeDefined();

    // The fetch itself stops at resolver.timeout, and the failure is then remembered.
    await waitFor(() => app.app.fetchCounters.timeout === 1);
    expectUnresolvable(
      await app.client.check(slow.request()),
      'the host did not answer within 1000 ms',
    );
    expect(host.hits(slow.hostname, '/.well-known/did.json')).toBe(1);
  });
});
