import {
  type CryptoKey,
  EmbeddedJWK,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
} from 'jose';
import { LRUCache } from 'lru-cache';

/** Finds the key a DPoP proof is verified with: its embedded `jwk`, imported. */
export type ProofKeyGetter = (
  header: JWSHeaderParameters,
  token: FlattenedJWSInput,
) => Promise<CryptoKey>;

export interface ProofKeyCacheOptions {
  /** Imported proof keys kept; the least recently used goes first. */
  readonly maxEntries: number;
  /** The cache's memory budget: the cache key is the caller's JWK, up to a header's length. */
  readonly maxBytes: number;
  /** Told whether each lookup found the key imported already (counted in the key metrics). */
  readonly onLookup?: (outcome: 'hit' | 'miss') => void;
  /** The import on a miss: jose's own embedded-key checks (use, alg, public), by default. */
  readonly importKey?: ProofKeyGetter;
}

/** An imported public key (WebCrypto's object, OpenSSL's key and Node's handles), about. */
const IMPORTED_KEY_BYTES = 2048;

/**
 * RFC 9449 §4.3 step 6 verifies every proof with the public key it embeds. An agent sends the
 * same key with every request, so the imported key (~140 µs of OpenSSL import per proof) is
 * kept by the exact header members the import reads — `alg` and the whole `jwk` as sent — and
 * a proof with any other key, or the same key under another `alg` or with another `use`, is
 * imported and checked afresh. A failed import is not kept. Concurrent proofs with a new key
 * share one import.
 */
export function cacheProofKeys(options: ProofKeyCacheOptions): ProofKeyGetter {
  const importKey = options.importKey ?? EmbeddedJWK;
  const cache = new LRUCache<string, Promise<CryptoKey>>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    sizeCalculation: (_, cacheKey) => IMPORTED_KEY_BYTES + 2 * cacheKey.length,
  });
  return (header, token) => {
    const cacheKey = proofKeyCacheKey(header, token);
    if (cacheKey === undefined) return importKey(header, token);
    const cached = cache.get(cacheKey);
    options.onLookup?.(cached === undefined ? 'miss' : 'hit');
    if (cached !== undefined) return cached;
    const imported = importKey(header, token);
    cache.set(cacheKey, imported);
    imported.catch(() => {
      if (cache.peek(cacheKey) === imported) cache.delete(cacheKey);
    });
    return imported;
  };
}

/**
 * What the import depends on, as one string: `alg`, then the JSON of `jwk` (whose own syntax
 * delimits it). Undefined when there is an unprotected header (never, for a compact JWS) or the
 * members are not what an import would accept anyway: those go to the import uncached.
 */
function proofKeyCacheKey(
  header: JWSHeaderParameters,
  token: FlattenedJWSInput,
): string | undefined {
  if (token.header !== undefined) return undefined;
  const { alg, jwk } = header;
  if (typeof alg !== 'string' || typeof jwk !== 'object' || jwk === null) return undefined;
  return `${alg} ${JSON.stringify(jwk)}`;
}
