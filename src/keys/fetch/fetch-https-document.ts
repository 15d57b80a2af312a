import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { Clock } from '../../lib/clock.js';
import { type FetchCounters, FetchFailure } from './fetch-outcomes.js';
import { createFetchSlots, type FetchSlotLimits } from './limit-fetch-slots.js';
import {
  type HostLookup,
  type ResolvedAddress,
  resolvePublicAddress,
} from './resolve-public-address.js';

/** The body and caching headers of a 200 response. */
export interface FetchedDocument {
  readonly body: Buffer;
  readonly cacheControl: string | undefined;
  /** Every response header, for the directory checker (media type, caching, signature). */
  readonly headers?: Readonly<IncomingHttpHeaders>;
  /**
   * The response fields a key directory's response signature covers or carries (`signature`,
   * `signature-input`, `content-digest`), by lower-case name; absent when none was sent.
   */
  readonly signatureFields?: ReadonlyMap<string, readonly string[]>;
  /** `host[:port]` the document was requested from (`"@authority";req` of its signature). */
  readonly authority?: string;
}

/** Response fields kept for directory response signatures (draft-ietf-webbotauth §A.1). */
const SIGNATURE_FIELDS = ['signature', 'signature-input', 'content-digest'] as const;

/** Retry-After is honoured for at most this long (draft: negative caching ≤ 5 minutes). */
const MAX_RETRY_AFTER_MS = 300_000;

/**
 * GETs `url`, accepting a response whose media type is one of `mediaTypes`; `client` is who
 * the fetch is charged to (see fetch-requester.ts), undefined for the operator's own fetches.
 */
export type DocumentFetcher = (
  url: URL,
  mediaTypes: readonly string[],
  client?: string,
) => Promise<FetchedDocument>;

export interface HttpsFetcherOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly allowPrivateNetworks: boolean;
  /** Exact names or `*.example.com`; empty allows any host. */
  readonly allowedHosts: readonly string[];
  /** Fetches in flight in all, per origin and per client; the cool-down of a failed origin. */
  readonly slots: FetchSlotLimits;
  readonly clock: Clock;
  /** Extra trusted CAs (PEM), added to Node's bundled roots. */
  readonly extraCa?: string | undefined;
  readonly lookup: HostLookup;
  readonly counters: FetchCounters;
}

/**
 * The one HTTPS client for key material — did:web documents, Web Bot Auth key directories
 * (SPEC §2) and issuers' JWKS: HTTPS only, an allow-list, checked DNS answers, one deadline for
 * DNS + connect + TLS + body, a size cap, no redirects, only a 200 counts, and fetch slots
 * shared fairly between origins and between clients, with a cool-down for an origin that timed
 * out or could not be reached (limit-fetch-slots.ts).
 */
export function createHttpsFetcher(options: HttpsFetcherOptions): DocumentFetcher {
  const ca = options.extraCa ? [...rootCertificates, options.extraCa] : undefined;
  const slots = createFetchSlots(options.slots, options.clock);
  const fetchOnce = async (
    url: URL,
    mediaTypes: readonly string[],
    client: string | undefined,
    deadline: AbortSignal,
  ) => {
    checkTarget(url, options.allowedHosts);
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    // Keyed by origin: another port of the same name is another server, with its own fate.
    const leave = slots.enter(url.origin, client);
    try {
      const target = await abortable(resolvePublicAddress(hostname, options), deadline);
      const nowMs = options.clock();
      return await get(url, hostname, target, {
        ...options,
        ca,
        mediaTypes,
        deadline,
        authority: url.host,
        nowMs,
      });
    } catch (error) {
      // An origin that hangs or cannot be reached costs slots for the whole timeout: rest it.
      if (deadline.aborted || !(error instanceof FetchFailure)) slots.failed(url.origin);
      throw error;
    } finally {
      leave();
    }
  };
  return async (url, mediaTypes, client) => {
    const deadline = AbortSignal.timeout(options.timeoutMs);
    try {
      const document = await fetchOnce(url, mediaTypes, client, deadline);
      options.counters.fetched += 1;
      return document;
    } catch (error) {
      const failure = asFetchFailure(error, deadline, options.timeoutMs);
      options.counters[failure.outcome] += 1;
      throw failure;
    }
  };
}

function checkTarget(url: URL, allowedHosts: readonly string[]): void {
  if (url.protocol !== 'https:') {
    throw new FetchFailure('refused', 'key documents are only fetched over https');
  }
  if (url.username !== '' || url.password !== '') {
    throw new FetchFailure('refused', 'a key document URL may not carry credentials');
  }
  const host = url.hostname.toLowerCase();
  const allowed = (pattern: string) =>
    pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern;
  if (allowedHosts.length > 0 && !allowedHosts.some(allowed)) {
    throw new FetchFailure('refused', 'the host is not in resolver.allowedHosts');
  }
}

interface GetOptions {
  readonly ca: string[] | undefined;
  readonly authority: string;
  readonly nowMs: number;
  readonly mediaTypes: readonly string[];
  readonly deadline: AbortSignal;
  readonly maxBytes: number;
}

function get(
  url: URL,
  hostname: string,
  target: ResolvedAddress,
  options: GetOptions,
): Promise<FetchedDocument> {
  // The connection goes to the address already checked, never to a fresh DNS answer.
  const pinned: LookupFunction = (_host, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [target]);
    else callback(null, target.address, target.family);
  };
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method: 'GET',
      agent: false,
      lookup: pinned,
      ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      signal: options.deadline,
      headers: {
        accept: options.mediaTypes.join(', '),
        'accept-encoding': 'identity',
        'user-agent': 'agent-authz',
      },
    });
    outgoing.on('error', reject);
    outgoing.on('response', (response) => {
      readBody(response, options).then(resolve, (error: unknown) => {
        response.destroy();
        reject(error);
      });
    });
    outgoing.end();
  });
}

async function readBody(response: IncomingMessage, options: GetOptions): Promise<FetchedDocument> {
  const status = response.statusCode ?? 0;
  // SPEC §2: redirects are not followed, and only a 200 counts.
  if (status >= 300 && status < 400) {
    throw new FetchFailure('refused', 'the host answered with a redirect, which is not followed');
  }
  if (status !== 200) {
    throw new FetchFailure('failed', `the host answered HTTP ${status}`, {
      retryAfterMs: retryAfterMs(response.headers['retry-after'], options.nowMs),
    });
  }
  const encoding = response.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') {
    throw new FetchFailure('failed', 'the document is content-encoded');
  }
  const mediaType = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!options.mediaTypes.includes(mediaType)) {
    throw new FetchFailure('failed', 'the document has an unexpected media type');
  }
  const declared = Number(response.headers['content-length'] ?? 0);
  if (declared > options.maxBytes) throw tooLarge(options.maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > options.maxBytes) throw tooLarge(options.maxBytes);
    chunks.push(chunk);
  }
  return {
    body: Buffer.concat(chunks),
    cacheControl: response.headers['cache-control'],
    headers: response.headers,
    signatureFields: signatureFields(response),
    authority: options.authority,
  };
}

function signatureFields(response: IncomingMessage): Map<string, string[]> | undefined {
  let fields: Map<string, string[]> | undefined;
  for (const name of SIGNATURE_FIELDS) {
    const value = response.headers[name];
    if (value === undefined) continue;
    fields ??= new Map();
    fields.set(name, Array.isArray(value) ? value : [value]);
  }
  return fields;
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date; capped, and undefined when unreadable. */
function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const ms = /^\d{1,10}$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - nowMs;
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

function tooLarge(maxBytes: number): FetchFailure {
  return new FetchFailure('too_large', `the document is larger than ${maxBytes} bytes`);
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function asFetchFailure(error: unknown, deadline: AbortSignal, timeoutMs: number): FetchFailure {
  if (error instanceof FetchFailure) return error;
  if (deadline.aborted) {
    return new FetchFailure('timeout', `the host did not answer within ${timeoutMs} ms`, {
      cause: error,
    });
  }
  return new FetchFailure('failed', 'the host could not be reached over https', { cause: error });
}
