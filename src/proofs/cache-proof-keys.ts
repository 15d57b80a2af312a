import {
  type CryptoKey,
  EmbeddedJWK,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type ProtectedHeaderParameters,
} from 'jose';
import { LRUCache } from 'lru-cache';

/** Finds the key a DPoP proof is verified with: its embedded `jwk`, imported. */
export type ProofKeyGetter = (
  header: JWSHeaderParameters,
  token: FlattenedJWSInput,
) => Promise<CryptoKey>;

/** A proof's protected header that passed RFC 9449 §4.3 steps 2–5 and 7, frozen. */
export interface CheckedProofHeader {
  readonly header: Readonly<ProtectedHeaderParameters>;
  /** RFC 7638 thumbprint of the embedded jwk. */
  readonly thumbprint: string;
}

/**
 * What a DPoP proof's checks remember per encoded protected header (the first part of the
 * compact JWS, exactly as sent): the header's checks, and the key it embeds, imported.
 */
export interface ProofKeys {
  /** The checks' result for this encoded header, if it passed them before (and is still kept). */
  readonly checkedHeader: (encodedHeader: string) => CheckedProofHeader | undefined;
  /** Keeps a header that passed the checks, under the text it was decoded from. */
  readonly keepCheckedHeader: (encodedHeader: string, checked: CheckedProofHeader) => void;
  /** jose's key getter: the embedded key, imported once per encoded header. */
  readonly key: ProofKeyGetter;
}

export interface ProofKeyCacheOptions {
  /** Proof headers (with their imported keys) kept; the least recently used goes first. */
  readonly maxEntries: number;
  /** The cache's memory budget: the cache key is the encoded header, up to a header's length. */
  readonly maxBytes: number;
  /** Told whether each lookup found the key imported already (counted in the key metrics). */
  readonly onLookup?: (outcome: 'hit' | 'miss') => void;
  /** The import on a miss: jose's own embedded-key checks (use, alg, public), by default. */
  readonly importKey?: ProofKeyGetter;
}

/** An imported public key (WebCrypto's object, OpenSSL's key and Node's handles), about. */
const IMPORTED_KEY_BYTES = 2048;
/** Per character of the encoded header: the text itself and the decoded header kept with it. */
const BYTES_PER_HEADER_CHARACTER = 3;

interface Entry {
  checked?: CheckedProofHeader;
  key?: Promise<CryptoKey>;
}

/**
 * RFC 9449 §4.3 verifies every proof with the public key it embeds. An agent sends the same
 * header (typ, alg, jwk) with every request, so what depends only on that header is kept by the
 * header's encoded text: the checks it passed with its key's thumbprint, and the imported key
 * (~140 µs of OpenSSL import per proof). The text determines every member the checks and the
 * import read — `alg`, `use`, the whole `jwk` — so a proof with any other key, or the same key
 * under another `alg` or with another `use`, is decoded, checked and imported afresh. A header
 * that fails its checks, and a failed import, are not kept. Concurrent proofs with a new key
 * share one import.
 */
export function cacheProofKeys(options: ProofKeyCacheOptions): ProofKeys {
  const importKey = options.importKey ?? EmbeddedJWK;
  const cache = new LRUCache<string, Entry>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    sizeCalculation: (_, encodedHeader) =>
      IMPORTED_KEY_BYTES + BYTES_PER_HEADER_CHARACTER * encodedHeader.length,
  });
  const entryOf = (encodedHeader: string): Entry => {
    let entry = cache.get(encodedHeader);
    if (entry === undefined) {
      entry = {};
      cache.set(encodedHeader, entry);
    }
    return entry;
  };
  return {
    checkedHeader: (encodedHeader) => cache.get(encodedHeader)?.checked,
    keepCheckedHeader: (encodedHeader, checked) => {
      entryOf(encodedHeader).checked = checked;
    },
    key: (header, token) => {
      // A compact JWS has no unprotected header; anything else goes to the import uncached.
      if (token.header !== undefined || typeof token.protected !== 'string') {
        return importKey(header, token);
      }
      const entry = entryOf(token.protected);
      options.onLookup?.(entry.key === undefined ? 'miss' : 'hit');
      if (entry.key !== undefined) return entry.key;
      const imported = importKey(header, token);
      entry.key = imported;
      imported.catch(() => {
        if (entry.key === imported) entry.key = undefined;
      });
      return imported;
    },
  };
}
