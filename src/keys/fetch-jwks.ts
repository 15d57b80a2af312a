import type { JSONWebKeySet } from 'jose';
import { systemClock } from '../lib/clock.js';
import { createHttpsFetcher } from './fetch/fetch-https-document.js';
import { createFetchCounters, FetchFailure } from './fetch/fetch-outcomes.js';
import { operatorLookup } from './fetch/resolve-public-address.js';

export interface FetchJwksOptions {
  /** The whole fetch — DNS, connect, TLS, response — must finish within this. */
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** Extra trusted CA certificates (PEM), added to Node's bundled roots. */
  readonly ca?: string | undefined;
}

const JWKS_MEDIA_TYPES = ['application/jwk-set+json', 'application/json'];

/**
 * Fetches an issuer's JSON Web Key Set through the same HTTPS client as DID documents and key
 * directories: only a 200 counts, no redirects, the size capped, one deadline, TLS always
 * verified. The URL is the operator's, so private addresses and the hosts file are allowed.
 */
export function createJwksFetcher(
  options: FetchJwksOptions,
): (uri: string) => Promise<JSONWebKeySet> {
  const fetcher = createHttpsFetcher({
    timeoutMs: options.timeoutMs,
    maxBytes: options.maxBytes,
    allowPrivateNetworks: true,
    allowedHosts: [],
    // The operator's own issuer: its key set has its own retry pacing (resolve-jwks-key.ts),
    // and its fetches are charged to no client.
    slots: {
      maxConcurrent: 2,
      maxConcurrentPerOrigin: 2,
      maxConcurrentPerClient: 2,
      cooldownMs: 0,
    },
    clock: systemClock,
    extraCa: options.ca,
    lookup: operatorLookup,
    counters: createFetchCounters(),
  });
  return async (uri) => asKeySet((await fetcher(new URL(uri), JWKS_MEDIA_TYPES)).body);
}

function asKeySet(body: Buffer): JSONWebKeySet {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new FetchFailure('invalid', 'the JWKS is not JSON', { cause: error });
  }
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new FetchFailure('invalid', 'not a JWKS (no "keys" array)');
  return { keys: keys.filter((key) => typeof key === 'object' && key !== null) };
}
