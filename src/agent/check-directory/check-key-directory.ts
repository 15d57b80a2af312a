import type { IncomingHttpHeaders } from 'node:http';
import type { ResolverSettings } from '../../keys/create-network-resolvers.js';
import { createHttpsFetcher, type FetchedDocument } from '../../keys/fetch/fetch-https-document.js';
import { createFetchCounters, FetchFailure } from '../../keys/fetch/fetch-outcomes.js';
import {
  type HostLookup,
  operatorLookup,
  systemLookup,
} from '../../keys/fetch/resolve-public-address.js';
import { DIRECTORY_MEDIA_TYPES } from '../../keys/resolve-directory-key.js';
import type { Clock } from '../../lib/clock.js';
import {
  type CheckedKey,
  type DirectoryCheckReport,
  type Finding,
  finding,
  shown,
} from './directory-report.js';
import { inspectCacheHeaders } from './inspect-cache-headers.js';
import { inspectDidDocument } from './inspect-did-document.js';
import { inspectDirectoryKeys, type KeysInspection } from './inspect-directory-keys.js';
import { inspectResponseSignature } from './inspect-response-signature.js';
import { type CheckTarget, resolveCheckTarget } from './resolve-check-target.js';

export interface CheckDirectoryOptions {
  /** The server's `resolver` settings: the fetch obeys the same limits and address rules. */
  readonly resolver: Pick<
    ResolverSettings,
    'network' | 'allowPrivateNetworks' | 'allowedHosts' | 'timeout' | 'maxBytes' | 'cacheTtl'
  >;
  /** Extra trusted CAs (PEM): the contents of `resolver.caFile`. */
  readonly extraCa?: string | undefined;
  readonly clock: Clock;
  /** DNS; default the server's (getaddrinfo with allowPrivateNetworks, else c-ares). */
  readonly lookup?: HostLookup;
  /** The server's `signatures.clockSkew`: tolerance for a response signature's `created`. */
  readonly clockSkewMs?: number;
}

/**
 * Fetches a key directory (or JWKS URI, or did:web document) with the server's HTTPS client and
 * limits, and reports every problem a verifier would have with it: the fetch itself (status,
 * redirect, media type, size, address), caching, each key (kid, type, strength, test keys,
 * validity) and the response signature. Throws a TypeError for a target that is none of those.
 */
export async function checkKeyDirectory(
  text: string,
  options: CheckDirectoryOptions,
): Promise<DirectoryCheckReport> {
  const target = resolveCheckTarget(text);
  if (target === null) {
    throw new TypeError(`"${text}" is not an https origin, directory URL, JWKS URI or did:web DID`);
  }
  const findings: Finding[] = [];
  if (!options.resolver.network) {
    findings.push(
      finding(
        'warning',
        'network_off',
        'resolver.network is false in this configuration: the server would not fetch this at all',
      ),
    );
  }
  const report = (fetched: boolean, keys: readonly CheckedKey[]): DirectoryCheckReport => ({
    target: text,
    kind: target.kind,
    url: target.url.href,
    fetched,
    keys,
    findings,
    clean: !findings.some((f) => f.severity !== 'note'),
  });
  let document: FetchedDocument;
  try {
    document = await fetchAsServer(target, options);
  } catch (error) {
    if (!(error instanceof FetchFailure)) throw error;
    findings.push(finding('error', `fetch_${error.outcome}`, `${error.message}${hint(error)}`));
    return report(false, []);
  }
  const headers = document.headers ?? {};
  findings.push(...inspectMediaType(target, headers));
  findings.push(
    ...inspectCacheHeaders(headers, {
      minMs: options.resolver.cacheTtl.min,
      maxMs: options.resolver.cacheTtl.max,
    }),
  );
  const nowMs = options.clock();
  const inspection: KeysInspection =
    target.kind === 'did-web'
      ? inspectDidDocument(document.body, text)
      : inspectDirectoryKeys(document.body, target.kind, nowMs);
  findings.push(...inspection.findings);
  const keys =
    target.kind === 'did-web'
      ? inspection.keys
      : inspectResponseSignature(
          target,
          document,
          inspection.keys,
          {
            nowMs,
            clockSkewMs: options.clockSkewMs ?? 0,
            cacheTtl: {
              minMs: options.resolver.cacheTtl.min,
              maxMs: options.resolver.cacheTtl.max,
            },
          },
          findings,
        );
  return report(true, keys);
}

function fetchAsServer(
  target: CheckTarget,
  options: CheckDirectoryOptions,
): Promise<FetchedDocument> {
  const { resolver } = options;
  const fetch = createHttpsFetcher({
    timeoutMs: resolver.timeout,
    maxBytes: resolver.maxBytes,
    allowPrivateNetworks: resolver.allowPrivateNetworks,
    allowedHosts: resolver.allowedHosts,
    slots: {
      maxConcurrent: 1,
      maxConcurrentPerOrigin: 1,
      maxConcurrentPerClient: 1,
      cooldownMs: 0,
    },
    clock: options.clock,
    extraCa: options.extraCa,
    lookup: options.lookup ?? (resolver.allowPrivateNetworks ? operatorLookup : systemLookup),
    counters: createFetchCounters(),
  });
  return fetch(target.url, target.mediaTypes);
}

/** What to do about a failed fetch, where the fetcher's sentence does not already say it. */
function hint(error: FetchFailure): string {
  const { message } = error;
  if (message.includes('redirect')) return ': serve the directory itself at this URL, with a 200';
  if (message.includes('media type')) return `: serve it as ${DIRECTORY_MEDIA_TYPES[0]}`;
  if (message.includes('private') || message.includes('loopback')) {
    return ' (a test host? set resolver.allowPrivateNetworks: true, as the server would need)';
  }
  if (message.includes('does not resolve')) {
    return ' (c-ares does not read /etc/hosts: localhost and hosts-file names resolve only with resolver.allowPrivateNetworks: true)';
  }
  if (error.outcome === 'failed' && message.includes('could not be reached')) {
    return ' (a private CA? give it as resolver.caFile / --resolver.ca-file, as the server would need)';
  }
  return '';
}

/** At the well-known URL the draft requires the directory media type; this server also takes JSON. */
function inspectMediaType(target: CheckTarget, headers: Readonly<IncomingHttpHeaders>): Finding[] {
  const mediaType = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (target.kind !== 'directory' || mediaType === DIRECTORY_MEDIA_TYPES[0]) return [];
  return [
    finding(
      'warning',
      'media_type',
      `served as ${shown(mediaType)}; the draft requires ${DIRECTORY_MEDIA_TYPES[0]} at the well-known URL (this server accepts it, others may not)`,
    ),
  ];
}
