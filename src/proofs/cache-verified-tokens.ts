import { LRUCache } from 'lru-cache';
import type { Clock } from '../lib/clock.js';
import { tokenSha256 } from './token-sha256.js';
import type { TokenVerifier, VerifiedToken } from './verified-token.js';

export interface TokenCacheOptions {
  /** Tokens kept; the least recently used goes first. */
  readonly max: number;
  readonly clock: Clock;
  /** A cached token is used until `exp` plus this, as verification would accept it. */
  readonly clockSkewMs: number;
  /**
   * Whether the issuer still holds the key that verified a token (see createKeyStillHeld): a
   * cached verification is dropped, and the token verified afresh, once its key is gone.
   */
  readonly keyStillHeld: (token: VerifiedToken) => boolean | Promise<boolean>;
}

/**
 * SPEC §2: verified tokens are cached by hash until `exp`, so a certificate-bound request after
 * the first costs one SHA-256 instead of a signature verification. The key is the token's
 * SHA-256, so the cache holds no usable token. Failures are not cached. A cached verification
 * is tied to the issuer key that made it (issuer, kid, key material): when a refreshed key set
 * no longer holds that key, the token is verified again — and refused, as a new token signed
 * with that key would be. Revocation runs after this stage, on the token id and agent id, so
 * it applies to cached tokens too.
 */
export function cacheVerifiedTokens(
  verify: TokenVerifier,
  options: TokenCacheOptions,
): TokenVerifier {
  const cache = new LRUCache<string, VerifiedToken>({ max: options.max });
  return async (token, sha256) => {
    const key = sha256 ?? tokenSha256(token);
    const cached = cache.get(key);
    if (cached !== undefined) {
      if (options.clock() <= cached.expiresAtMs + options.clockSkewMs) {
        const held = options.keyStillHeld(cached);
        if (held === true || (held !== false && (await held))) return cached;
      }
      cache.delete(key);
    }
    const verified = await verify(token);
    cache.set(key, verified);
    return verified;
  };
}
