import { readFileSync } from 'node:fs';
import type { DIDDocument, DIDResolver } from 'did-resolver';
import { ConfigError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { createDidWebMethod, DID_DOCUMENT_MEDIA_TYPES } from './did-web-method.js';
import { checkKeyCount } from './fetch/check-key-count.js';
import { createDocumentSource } from './fetch/create-document-source.js';
import {
  createHttpsFetcher,
  type DocumentFetcher,
  type FetchedDocument,
} from './fetch/fetch-https-document.js';
import { createFetchCounters, type FetchCounters } from './fetch/fetch-outcomes.js';
import { type HostLookup, operatorLookup, systemLookup } from './fetch/resolve-public-address.js';
import { type ClientMetadataKeys, parseClientMetadata } from './parse-client-metadata.js';
import { parseDidDocument } from './parse-did-document.js';
import { type KeyDirectory, parseKeyDirectory } from './parse-key-directory.js';
import {
  CLIENT_METADATA_MEDIA_TYPES,
  createDirectoryKeyResolver,
  DIRECTORY_MEDIA_TYPES,
  type DirectoryKeyResolver,
  networkDisabled,
} from './resolve-directory-key.js';

/** `resolver` of the config (SPEC §12), durations in ms. */
export interface ResolverSettings {
  readonly network: boolean;
  readonly allowPrivateNetworks: boolean;
  readonly allowedHosts: readonly string[];
  readonly timeout: number;
  readonly maxWait: number;
  readonly maxBytes: number;
  /** Keys one document may list (`resolver.maxKeys`), counted before it is parsed. */
  readonly maxKeys: number;
  readonly cacheTtl: { readonly min: number; readonly max: number };
  readonly maxStale: number;
  readonly negativeTtl: number;
  readonly cacheBytes: number;
  readonly maxConcurrentFetches: number;
  readonly maxConcurrentFetchesPerHost: number;
  readonly maxConcurrentFetchesPerClient: number;
  readonly hostCooldown: number;
  readonly caFile: string;
}

export interface NetworkResolvers {
  /** DID methods that fetch: `web` when network resolution is on, else none. */
  readonly methods: Readonly<Record<string, DIDResolver>>;
  readonly resolveDirectoryKey: DirectoryKeyResolver;
  /** Live per-outcome counters of every network document request (for /metrics). */
  readonly counters: Readonly<FetchCounters>;
  /** What the document caches hold now, in bytes of their accounting, each ≤ `cacheBytes`. */
  cachedBytes(): { readonly didDocuments: number; readonly directories: number };
}

export interface NetworkResolverOptions {
  readonly clock: Clock;
  readonly maxEntries: number;
  readonly lookup?: HostLookup;
  /** Tolerance for a directory response signature's `created` (signatures.clockSkew). */
  readonly clockSkewMs?: number;
}

const NOTHING_CACHED = { didDocuments: 0, directories: 0 } as const;

/**
 * did:web and Web Bot Auth directories over one HTTPS fetcher (one concurrency limit, one set
 * of counters), each with its own document cache. Nothing is fetched unless `network` is on.
 */
export function createNetworkResolvers(
  settings: ResolverSettings,
  options: NetworkResolverOptions,
): NetworkResolvers {
  const counters = createFetchCounters();
  if (!settings.network) {
    return {
      methods: {},
      resolveDirectoryKey: networkDisabled,
      counters,
      cachedBytes: () => NOTHING_CACHED,
    };
  }
  const fetch = createHttpsFetcher({
    timeoutMs: settings.timeout,
    maxBytes: settings.maxBytes,
    allowPrivateNetworks: settings.allowPrivateNetworks,
    allowedHosts: settings.allowedHosts,
    slots: {
      maxConcurrent: settings.maxConcurrentFetches,
      maxConcurrentPerOrigin: settings.maxConcurrentFetchesPerHost,
      maxConcurrentPerClient: settings.maxConcurrentFetchesPerClient,
      cooldownMs: settings.hostCooldown,
    },
    clock: options.clock,
    extraCa: readCaFile(settings.caFile),
    lookup: options.lookup ?? (settings.allowPrivateNetworks ? operatorLookup : systemLookup),
    counters,
  });
  const sourceOf = <T>(
    mediaTypes: readonly string[],
    parse: (document: FetchedDocument, url: URL) => T,
    sizeOf: (value: T, body: Buffer) => number,
    failuresNeverEvict = false,
    lapsesAtMs?: (value: T) => number | undefined,
  ) =>
    createDocumentSource<T>({
      ...(lapsesAtMs === undefined ? {} : { lapsesAtMs }),
      fetch: fetch satisfies DocumentFetcher,
      mediaTypes,
      parse: (document, url) => {
        checkKeyCount(document.body, settings.maxKeys);
        return parse(document, url);
      },
      failuresNeverEvict,
      clock: options.clock,
      counters,
      cacheTtl: { minMs: settings.cacheTtl.min, maxMs: settings.cacheTtl.max },
      maxStaleMs: settings.maxStale,
      negativeTtlMs: settings.negativeTtl,
      maxWaitMs: settings.maxWait,
      maxEntries: options.maxEntries,
      cacheBytes: settings.cacheBytes,
      sizeOf: (value, document) => sizeOf(value, document.body),
    });
  // A DID document is kept as what key selection reads (parse-did-document.ts): it weighs what
  // that is as JSON, twice over for the objects and strings holding it. A directory is kept as
  // imported keys, which weigh about what their JWKs did, so its body counts twice.
  const didDocuments = sourceOf<DIDDocument>(
    DID_DOCUMENT_MEDIA_TYPES,
    (document) => parseDidDocument(document.body),
    (document) => 2 * JSON.stringify(document).length,
  );
  // Web Bot Auth: a failed fetch never evicts cached keys (see create-document-source.ts), and
  // a signed directory is fetched again when its response signatures expire.
  const directoryOptions = { clockSkewMs: options.clockSkewMs ?? 0 };
  const directories = sourceOf<KeyDirectory>(
    DIRECTORY_MEDIA_TYPES,
    (document, url) =>
      parseKeyDirectory(document, url, { ...directoryOptions, nowMs: options.clock() }),
    (_directory, body) => 2 * body.length,
    true,
    (directory) => directory.signedUntilMs,
  );
  const clientMetadata = sourceOf<ClientMetadataKeys>(
    CLIENT_METADATA_MEDIA_TYPES,
    parseClientMetadata,
    (_metadata, body) => 2 * body.length,
    true,
  );
  return {
    methods: { web: createDidWebMethod(didDocuments) },
    resolveDirectoryKey: createDirectoryKeyResolver({ directories, clientMetadata }, options.clock),
    counters,
    cachedBytes: () => ({
      didDocuments: didDocuments.cachedBytes(),
      directories: directories.cachedBytes(),
    }),
  };
}

function readCaFile(path: string): string | undefined {
  if (path === '') return undefined;
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(`resolver.caFile: cannot read ${path}: ${code}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(`resolver.caFile: ${path} holds no PEM certificate`);
  }
  return pem;
}
