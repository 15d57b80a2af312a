import { describe, expect, it } from 'vitest';
import { createHttpsFetcher } from './fetch-https-document.js';
import { createFetchCounters } from './fetch-outcomes.js';

/** A fetcher whose DNS fails the test if it is ever asked: these refusals happen before. */
function fetcher(allowedHosts: string[] = []) {
  const counters = createFetchCounters();
  const fetch = createHttpsFetcher({
    timeoutMs: 1000,
    maxBytes: 1024,
    allowPrivateNetworks: false,
    allowedHosts,
    slots: {
      maxConcurrent: 4,
      maxConcurrentPerOrigin: 2,
      maxConcurrentPerClient: 2,
      cooldownMs: 10_000,
    },
    clock: () => 0,
    lookup: async () => {
      throw new Error('DNS must not be consulted');
    },
    counters,
  });
  return { fetch, counters };
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; outcome: string; message: string };
  }
  throw new Error('expected the fetch to fail');
}

describe('createHttpsFetcher refusals before any network traffic', () => {
  it.each([
    ['http', 'http://agents.example.com/did.json', 'key documents are only fetched over https'],
    [
      'credentials',
      'https://u:p@agents.example.com/did.json',
      'a key document URL may not carry credentials',
    ],
  ])('refuses a URL with %s', async (_name, url, message) => {
    const { fetch, counters } = fetcher();
    expect(await failure(fetch(new URL(url), ['application/json']))).toMatchObject({
      code: 'key_unresolvable',
      outcome: 'refused',
      message,
    });
    expect(counters.refused).toBe(1);
  });

  it.each([
    ['the apex of a wildcard', 'https://example.com/x'],
    ['a look-alike suffix', 'https://evilexample.com/x'],
    ['a host not listed', 'https://agents.example.org/x'],
  ])('refuses %s when allowedHosts is set', async (_name, url) => {
    const { fetch } = fetcher(['*.example.com', 'keys.example.net']);
    expect(await failure(fetch(new URL(url), ['application/json']))).toMatchObject({
      outcome: 'refused',
      message: 'the host is not in resolver.allowedHosts',
    });
  });

  it('refuses an IP literal in a private range without DNS', async () => {
    const { fetch } = fetcher();
    expect(
      await failure(fetch(new URL('https://169.254.169.254/latest'), ['application/json'])),
    ).toMatchObject({
      outcome: 'refused',
      message: 'the host resolves to a private or reserved address',
    });
    expect(
      await failure(fetch(new URL('https://[::1]/did.json'), ['application/json'])),
    ).toMatchObject({ outcome: 'refused' });
  });
});
