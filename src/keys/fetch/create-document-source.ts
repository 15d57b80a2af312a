import { LRUCache } from 'lru-cache';
import { AuthzError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { freshnessMs, type TtlBounds } from './cache-freshness.js';
import type { DocumentFetcher, FetchedDocument } from './fetch-https-document.js';
import { type FetchCounters, FetchFailure, isTransientFailure } from './fetch-outcomes.js';
import { waitForFetch } from './wait-for-fetch.js';

/** A parsed document and how long it may be used without asking the origin again. */
export interface CachedDocument<T> {
  readonly value: T;
  readonly fetchedAtMs: number;
  /** Until then the document is fresh; after it, a check may use it while a refresh runs. */
  readonly freshUntilMs: number;
}

export interface DocumentSource<T> {
  /**
   * The cached document, or one fetched now (charged to `client`, see fetch-requester.ts):
   * waiting at most `maxWaitMs`, then `key_pending`
   * while the fetch goes on and fills the cache.
   */
  get(url: URL, client?: string): Promise<CachedDocument<T>>;
  /**
   * Fetches again unless the cached copy is younger than `cacheTtl.min` (a caller presenting an
   * unknown key may mean the key was just rotated; the cool-down stops that forcing fetches).
   */
  refresh(url: URL, client?: string): Promise<CachedDocument<T>>;
  /** What the cache holds now, in its own accounting (at most `cacheBytes`). */
  cachedBytes(): number;
}

export interface DocumentSourceOptions<T> {
  readonly fetch: DocumentFetcher;
  readonly mediaTypes: readonly string[];
  /** Turns a fetched body into the cached value; throws FetchFailure('invalid') if it cannot. */
  readonly parse: (document: FetchedDocument, url: URL) => T;
  readonly clock: Clock;
  readonly counters: FetchCounters;
  readonly cacheTtl: TtlBounds;
  readonly maxStaleMs: number;
  readonly negativeTtlMs: number;
  readonly maxWaitMs: number;
  readonly maxEntries: number;
  /**
   * The byte budget of the cache: a hostile host can serve endless distinct documents, so the
   * cache is bounded by what its entries weigh, not only by their number.
   */
  readonly cacheBytes: number;
  /** What a cached value weighs in memory, estimated from what was kept of the document. */
  readonly sizeOf: (value: T, document: FetchedDocument) => number;
  /**
   * Web Bot Auth key directories (draft-ietf-webbotauth-httpsig-protocol, Discovery Failure):
   * "A directory that fails to resolve is not evidence and MUST NOT evict a cached entry". When
   * set, a document past `maxStale` is still used once a refetch has failed; only a successful
   * fetch replaces it (and so evicts a key it no longer lists). did:web keeps `maxStale`.
   */
  readonly failuresNeverEvict?: boolean;
  /**
   * When something the parsed value proves lapses (a directory's response signatures expire):
   * the document is then no longer fresh, whatever Cache-Control allowed, and is fetched again
   * — but never sooner than `cacheTtl.min` after it was fetched, so a host cannot force a
   * fetch per check by signing for a second. Undefined: nothing lapses.
   */
  readonly lapsesAtMs?: (value: T) => number | undefined;
}

/** Bookkeeping of one entry (timestamps, the key, the map slot), on top of its value. */
const ENTRY_OVERHEAD_BYTES = 512;

type Entry<T> =
  | (CachedDocument<T> & {
      readonly kind: 'document';
      readonly staleUntilMs: number;
      /** After a failed refresh, the next one waits until then. */
      retryAfterMs: number;
      readonly bytes: number;
    })
  | { readonly kind: 'failure'; readonly error: AuthzError; readonly untilMs: number };

/**
 * A cache in front of the fetcher (SPEC §2), bounded by `maxEntries` and by `cacheBytes` (the
 * least recently used entries go first): positive entries fresh for the origin's
 * Cache-Control within `cacheTtl`, then served stale for up to `maxStale` while one background
 * refresh runs; failures remembered for `negativeTtl`; one fetch per URL at a time however many
 * checks ask; and a check never waits for the network longer than `maxWait` (then it is
 * answered `key_pending`, retryable, and the fetch goes on).
 */
export function createDocumentSource<T>(options: DocumentSourceOptions<T>): DocumentSource<T> {
  const { clock, counters } = options;
  const cache = new LRUCache<string, Entry<T>>({
    max: options.maxEntries,
    maxSize: options.cacheBytes,
    sizeCalculation: (entry, url) =>
      ENTRY_OVERHEAD_BYTES + 2 * url.length + (entry.kind === 'document' ? entry.bytes : 0),
  });
  const inflight = new Map<string, Promise<Entry<T> & { kind: 'document' }>>();
  const neverEvict = options.failuresNeverEvict === true;

  /** One fetch per URL at a time; the client whose check starts it holds its slot. */
  const load = (url: URL, client: string | undefined) => {
    const running = inflight.get(url.href);
    if (running !== undefined) {
      counters.coalesced += 1;
      return running;
    }
    const started = fetchEntry(url, client).finally(() => inflight.delete(url.href));
    inflight.set(url.href, started);
    return started;
  };

  const fetchEntry = async (url: URL, client: string | undefined) => {
    try {
      const document = await options.fetch(url, options.mediaTypes, client);
      const value = parseDocument(document, url);
      const now = clock();
      const freshUntilMs = freshUntil(value, document, now);
      const entry = {
        kind: 'document' as const,
        value,
        fetchedAtMs: now,
        freshUntilMs,
        staleUntilMs: freshUntilMs + options.maxStaleMs,
        retryAfterMs: freshUntilMs,
        bytes: options.sizeOf(value, document),
      };
      cache.set(url.href, entry);
      return entry;
    } catch (error) {
      remember(url, error);
      throw error;
    }
  };

  const freshUntil = (value: T, document: FetchedDocument, now: number): number => {
    const cacheable = now + freshnessMs(document.cacheControl, options.cacheTtl);
    const lapses = options.lapsesAtMs?.(value);
    if (lapses === undefined) return cacheable;
    return Math.min(cacheable, Math.max(lapses, now + options.cacheTtl.minMs));
  };

  const parseDocument = (document: FetchedDocument, url: URL): T => {
    try {
      return options.parse(document, url);
    } catch (error) {
      counters.invalid += 1;
      throw error;
    }
  };

  /**
   * A stale document outlives a failed refresh; otherwise the failure itself is cached, for
   * `negativeTtl` or as long as the host's Retry-After asked (capped by the fetcher).
   */
  const remember = (url: URL, error: unknown): void => {
    const now = clock();
    const previous = cache.get(url.href);
    if (isTransientFailure(error)) return;
    const waitMs = Math.max(
      options.negativeTtlMs,
      error instanceof FetchFailure ? (error.retryAfterMs ?? 0) : 0,
    );
    if (previous?.kind === 'document' && (neverEvict || now < previous.staleUntilMs)) {
      previous.retryAfterMs = now + waitMs;
      return;
    }
    const failure =
      error instanceof AuthzError
        ? error
        : new AuthzError('key_unresolvable', 'the key document cannot be used', { cause: error });
    cache.set(url.href, { kind: 'failure', error: failure, untilMs: now + waitMs });
  };

  /** Past maxStale: a refetch first; if it fails and failures never evict, the old copy. */
  const revalidate = async (
    url: URL,
    client: string | undefined,
    entry: Entry<T> & { kind: 'document' },
    now: number,
  ) => {
    if (!neverEvict) return withinWait(load(url, client));
    if (now < entry.retryAfterMs) {
      counters.stale_hit += 1;
      return entry;
    }
    try {
      return await withinWait(load(url, client));
    } catch {
      counters.stale_hit += 1;
      return entry;
    }
  };

  const withinWait = <R>(promise: Promise<R>): Promise<R> =>
    waitForFetch(promise, options.maxWaitMs, 'the key document', () => {
      counters.wait_exceeded += 1;
    });

  return {
    get: async (url, client) => {
      const entry = cache.get(url.href);
      const now = clock();
      if (entry?.kind === 'document' && now < entry.staleUntilMs) {
        if (now < entry.freshUntilMs) counters.fresh_hit += 1;
        else {
          counters.stale_hit += 1;
          if (now >= entry.retryAfterMs) load(url, client).catch(() => {});
        }
        return entry;
      }
      if (entry?.kind === 'failure' && now < entry.untilMs) {
        counters.negative_hit += 1;
        throw entry.error;
      }
      if (entry?.kind === 'document') return revalidate(url, client, entry, now);
      return withinWait(load(url, client));
    },
    refresh: async (url, client) => {
      const entry = cache.get(url.href);
      const coolingDown =
        entry?.kind === 'document' && clock() < entry.fetchedAtMs + options.cacheTtl.minMs;
      return coolingDown ? entry : withinWait(load(url, client));
    },
    cachedBytes: () => cache.calculatedSize,
  };
}
