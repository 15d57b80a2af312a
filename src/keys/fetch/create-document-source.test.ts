import { describe, expect, it } from 'vitest';
import { createDocumentSource } from './create-document-source.js';
import type { DocumentFetcher } from './fetch-https-document.js';
import { createFetchCounters, FetchFailure } from './fetch-outcomes.js';

const URL_A = new URL('https://a.example/did.json');

/** A source over a scripted fetcher; `answers` are consumed one per fetch. */
function source(
  answers: Array<string | FetchFailure | { delayMs: number; body: string }>,
  cacheBytes = 1_000_000,
  failuresNeverEvict = false,
  lapsesAtMs?: (value: string) => number | undefined,
) {
  const clock = { now: 1_000_000 };
  const counters = createFetchCounters();
  let fetches = 0;
  const fetch: DocumentFetcher = async () => {
    const answer = answers[fetches++] ?? new FetchFailure('failed', 'no more answers');
    if (answer instanceof FetchFailure) throw answer;
    const body = typeof answer === 'string' ? answer : answer.body;
    if (typeof answer !== 'string') await new Promise((r) => setTimeout(r, answer.delayMs));
    return { body: Buffer.from(body), cacheControl: 'max-age=120' };
  };
  const documents = createDocumentSource({
    fetch,
    mediaTypes: ['application/json'],
    parse: (document) => document.body.toString(),
    clock: () => clock.now,
    counters,
    cacheTtl: { minMs: 60_000, maxMs: 3_600_000 },
    maxStaleMs: 600_000,
    negativeTtlMs: 30_000,
    maxWaitMs: 50,
    maxEntries: 10,
    cacheBytes,
    sizeOf: (value) => value.length,
    failuresNeverEvict,
    ...(lapsesAtMs === undefined ? {} : { lapsesAtMs }),
  });
  return { documents, clock, counters, fetches: () => fetches };
}

describe('createDocumentSource', () => {
  it('shares one fetch among concurrent requests for the same URL', async () => {
    const { documents, counters, fetches } = source([{ delayMs: 10, body: 'v1' }]);
    const values = await Promise.all(Array.from({ length: 50 }, () => documents.get(URL_A)));
    expect(values.map((cached) => cached.value)).toEqual(new Array(50).fill('v1'));
    expect(fetches()).toBe(1);
    expect(counters.coalesced).toBe(49);
  });

  it('keeps a document fresh for its max-age, then serves it stale while one refresh runs', async () => {
    const { documents, clock, counters, fetches } = source(['v1', 'v2']);
    expect((await documents.get(URL_A)).value).toBe('v1');
    clock.now += 119_000;
    expect((await documents.get(URL_A)).value).toBe('v1');
    expect(fetches()).toBe(1);
    clock.now += 2_000;
    expect((await documents.get(URL_A)).value).toBe('v1');
    expect(counters.stale_hit).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect((await documents.get(URL_A)).value).toBe('v2');
    expect(fetches()).toBe(2);
  });

  it.each([
    ['80 s, before its max-age', 80_000, 80_000],
    ['10 s, before cacheTtl.min', 10_000, 60_000],
    ['an hour, after its max-age', 3_600_000, 120_000],
  ])(
    'ends the freshness of a document whose value lapses after %s',
    async (_name, lapse, fresh) => {
      const start = 1_000_000;
      const { documents, clock, fetches } = source(
        ['v1', 'v2'],
        1_000_000,
        true,
        () => start + lapse,
      );
      expect((await documents.get(URL_A)).freshUntilMs).toBe(start + fresh);
      clock.now = start + fresh - 1;
      await documents.get(URL_A);
      expect(fetches()).toBe(1);
      clock.now = start + fresh;
      await documents.get(URL_A);
      await new Promise((r) => setImmediate(r));
      expect(fetches()).toBe(2);
    },
  );

  it('keeps the stale copy when a refresh fails, and retries only after negativeTtl', async () => {
    const down = new FetchFailure('failed', 'the host answered HTTP 503');
    const { documents, clock, fetches } = source(['v1', down, 'v2']);
    await documents.get(URL_A);
    clock.now += 121_000;
    expect((await documents.get(URL_A)).value).toBe('v1');
    await new Promise((r) => setImmediate(r));
    expect((await documents.get(URL_A)).value).toBe('v1');
    expect(fetches()).toBe(2);
    clock.now += 31_000;
    await documents.get(URL_A);
    await new Promise((r) => setImmediate(r));
    expect((await documents.get(URL_A)).value).toBe('v2');
  });

  it('remembers a failure for negativeTtl, but not "too many fetches in flight"', async () => {
    const busy = new FetchFailure('overloaded', 'too many key documents are being fetched');
    const gone = new FetchFailure('failed', 'the host answered HTTP 404');
    const { documents, clock, counters, fetches } = source([busy, gone, 'v1']);
    await expect(documents.get(URL_A)).rejects.toBe(busy);
    await expect(documents.get(URL_A)).rejects.toBe(gone);
    await expect(documents.get(URL_A)).rejects.toBe(gone);
    expect(counters.negative_hit).toBe(1);
    expect(fetches()).toBe(2);
    clock.now += 30_000;
    expect((await documents.get(URL_A)).value).toBe('v1');
  });

  it('gives up waiting after maxWait, retryable, while the fetch goes on and fills the cache', async () => {
    const { documents, counters } = source([{ delayMs: 120, body: 'late' }]);
    await expect(documents.get(URL_A)).rejects.toMatchObject({
      code: 'key_pending',
      message: 'the key document did not arrive within resolver.maxWait',
      retryAfterSeconds: 1,
    });
    expect(counters.wait_exceeded).toBe(1);
    await new Promise((r) => setTimeout(r, 150));
    expect((await documents.get(URL_A)).value).toBe('late');
  });

  it('refetches on refresh() only once the copy is older than cacheTtl.min', async () => {
    const { documents, clock, fetches } = source(['v1', 'v2']);
    await documents.get(URL_A);
    clock.now += 59_000;
    expect((await documents.refresh(URL_A)).value).toBe('v1');
    clock.now += 1_000;
    expect((await documents.refresh(URL_A)).value).toBe('v2');
    expect(fetches()).toBe(2);
  });

  it('holds distinct large documents within its byte budget, dropping the oldest first', async () => {
    const big = (n: number) => `${n}`.padEnd(20_000, 'x');
    const { documents, fetches } = source([big(0), big(1), big(2), big(3), big(4), big(0)], 50_000);
    for (let n = 0; n < 5; n++) {
      await documents.get(new URL(`https://a.example/${n}/did.json`));
      expect(documents.cachedBytes()).toBeLessThanOrEqual(50_000);
    }
    expect(documents.cachedBytes()).toBeGreaterThan(40_000);
    await documents.get(new URL('https://a.example/0/did.json'));
    expect(fetches()).toBe(6);
  });

  it('past maxStale, drops a did:web document whose refetch fails', async () => {
    const down = new FetchFailure('failed', 'the host answered HTTP 503');
    const { documents, clock } = source(['v1', down]);
    await documents.get(URL_A);
    clock.now += 120_000 + 600_000 + 1;
    await expect(documents.get(URL_A)).rejects.toBe(down);
  });

  it('with failuresNeverEvict, keeps a document past maxStale when its refetch fails', async () => {
    const down = new FetchFailure('failed', 'the host answered HTTP 503');
    const { documents, clock, fetches } = source(['v1', down, 'v2'], 1_000_000, true);
    await documents.get(URL_A);
    clock.now += 120_000 + 600_000 + 1;
    expect((await documents.get(URL_A)).value).toBe('v1');
    expect(fetches()).toBe(2);
    // The failure is remembered: no refetch within negativeTtl.
    clock.now += 29_000;
    expect((await documents.get(URL_A)).value).toBe('v1');
    expect(fetches()).toBe(2);
    clock.now += 2_000;
    expect((await documents.get(URL_A)).value).toBe('v2');
  });

  it("remembers a failure for as long as the host's Retry-After asks", async () => {
    const limited = new FetchFailure('failed', 'the host answered HTTP 429', {
      retryAfterMs: 90_000,
    });
    const { documents, clock, fetches } = source([limited, 'v1']);
    await expect(documents.get(URL_A)).rejects.toBe(limited);
    clock.now += 60_000;
    await expect(documents.get(URL_A)).rejects.toBe(limited);
    expect(fetches()).toBe(1);
    clock.now += 31_000;
    expect((await documents.get(URL_A)).value).toBe('v1');
  });
});
