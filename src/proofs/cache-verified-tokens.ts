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
}

/**
 * SPEC §2: verified tokens are cached by hash until `exp`, so a certificate-bound request after
 * the first costs one SHA-256 instead of a signature verification. The key is the token's
 * SHA-256, so the cache holds no usable token. Failures are not cached. Revocation runs after
 * this stage, on the token id and agent id, so it applies to cached tokens too.
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
      if (options.clock() <= cached.expiresAtMs + options.clockSkewMs) return cached;
      cache.delete(key);
    }
    const verified = await verify(token);
    cache.set(key, verified);
    return verified;
  };
}
