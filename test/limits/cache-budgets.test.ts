import type { DIDResolver } from 'did-resolver';
import { describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { createDocumentSource } from '../../src/keys/fetch/create-document-source.js';
import type { DocumentFetcher } from '../../src/keys/fetch/fetch-https-document.js';
import { createFetchCounters } from '../../src/keys/fetch/fetch-outcomes.js';
import {
  cachedKeyBytes,
  createKeyResolver,
  OFFLINE_METHODS,
} from '../../src/keys/resolve-verification-key.js';

/*
 * The byte budgets of the caches at their edges: entries weighing exactly the budget are all
 * kept; one entry more and the least recently used goes, and the cache never holds more than
 * its budget. The network side of the same budget is in test/network/document-cache-budget.
 */

describe('resolver.cacheBytes (each document cache)', () => {
  /** A document cache over a fetcher that counts calls and serves `size` bytes per URL. */
  function documents(cacheBytes: number, size: number) {
    const fetched: string[] = [];
    const fetch: DocumentFetcher = async (url) => {
      fetched.push(url.href);
      return { body: Buffer.alloc(size, 'd'), cacheControl: 'max-age=600' };
    };
    const source = createDocumentSource({
      fetch,
      mediaTypes: ['application/json'],
      parse: (document) => document.body.toString(),
      clock: () => 1_000_000,
      counters: createFetchCounters(),
      cacheTtl: { minMs: 60_000, maxMs: 3_600_000 },
      maxStaleMs: 0,
      negativeTtlMs: 30_000,
      maxWaitMs: 1000,
      maxEntries: 1000,
      cacheBytes,
      sizeOf: (value) => value.length,
    });
    return { source, fetched };
  }
  // Same-length URLs, so every entry weighs the same: 512 bytes of bookkeeping, the URL twice
  // (two bytes a character) and the kept value.
  const url = (n: number) => new URL(`https://host${n}.example/did.json`);
  const weight = (size: number) => 512 + 2 * url(0).href.length + size;

  it('keeps documents weighing exactly the budget, and drops the oldest for one more', async () => {
    const size = 1000;
    const { source, fetched } = documents(3 * weight(size), size);
    for (const n of [1, 2, 3]) await source.get(url(n));
    expect(source.cachedBytes()).toBe(3 * weight(size));
    for (const n of [1, 2, 3]) await source.get(url(n));
    expect(fetched).toHaveLength(3);

    await source.get(url(4));
    expect(source.cachedBytes()).toBe(3 * weight(size));
    await source.get(url(1));
    expect(fetched).toEqual([1, 2, 3, 4, 1].map((n) => url(n).href));
  });

  it('does not cache a document heavier than the whole budget', async () => {
    const { source, fetched } = documents(weight(100) - 1, 100);
    await source.get(url(1));
    await source.get(url(1));
    expect(source.cachedBytes()).toBe(0);
    expect(fetched).toHaveLength(2);
  });
});

describe('keys.cacheBytes (the resolved-key cache)', () => {
  /** A key resolver whose did:key method counts resolutions. */
  function resolver(cacheBytes: number) {
    let resolutions = 0;
    const counting: DIDResolver = (...args) => {
      resolutions += 1;
      return OFFLINE_METHODS.key!(...args);
    };
    const resolve = createKeyResolver({ cacheSize: 1000, cacheBytes, methods: { key: counting } });
    return { resolve, resolutions: () => resolutions };
  }
  const keyIds = Array.from({ length: 4 }, () => generateAgentKey().keyId);

  it('keeps keys weighing exactly the budget, and drops the least recently used for one more', async () => {
    const probe = await createKeyResolver({ cacheSize: 1 })(keyIds[0]!);
    const { resolve, resolutions } = resolver(3 * cachedKeyBytes(probe));
    for (const id of keyIds.slice(0, 3)) await resolve(id);
    for (const id of keyIds.slice(0, 3)) await resolve(id);
    expect(resolutions()).toBe(3);

    await resolve(keyIds[3]!);
    expect(resolutions()).toBe(4);
    await resolve(keyIds[1]!);
    await resolve(keyIds[2]!);
    await resolve(keyIds[3]!);
    expect(resolutions()).toBe(4);
    await resolve(keyIds[0]!);
    expect(resolutions()).toBe(5);
  });
});
