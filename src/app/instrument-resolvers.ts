import type { DirectoryKeyResolver } from '../keys/resolve-directory-key.js';
import type { KeyResolver } from '../keys/resolve-verification-key.js';
import type { VerificationKey } from '../keys/verification-key.js';
import type { TokenVerifier } from '../proofs/verified-token.js';
import { inChildSpan } from '../telemetry/child-span.js';
import type { Metrics } from '../telemetry/metrics.js';

const CACHE_ATTRIBUTE = 'agent_authz.cache';

/** DID methods reported as themselves; anything else is `other` (labels stay a closed set). */
const KNOWN_METHODS = new Set(['key', 'jwk', 'web']);

/**
 * Counts and traces DID key resolution by method and cache outcome. The resolver caches imported
 * keys and returns the same object on a hit, so an object seen before is a hit — no change to the
 * resolver, and exact under concurrency.
 */
export function instrumentKeyResolver(resolve: KeyResolver, metrics: Metrics): KeyResolver {
  const seen = new WeakSet<object>();
  return (keyId) => {
    const method = didMethod(keyId);
    return observed('agent_authz.resolve_key', method, metrics, seen, async () => {
      const key = await resolve(keyId);
      return { result: key, identity: key };
    });
  };
}

/** The same for Web Bot Auth directories: a key object from a cached directory is a hit. */
export function instrumentDirectoryResolver(
  resolve: DirectoryKeyResolver,
  metrics: Metrics,
): DirectoryKeyResolver {
  const seen = new WeakSet<object>();
  return (origin, thumbprint) =>
    observed('agent_authz.resolve_key', 'web_bot_auth', metrics, seen, async () => {
      const key: VerificationKey = await resolve(origin, thumbprint);
      return { result: key, identity: key.key };
    });
}

/** Token verification, whose cache returns the same verified object on a hit. */
export function instrumentTokenVerifier(verify: TokenVerifier, metrics: Metrics): TokenVerifier {
  const seen = new WeakSet<object>();
  return (token) =>
    inChildSpan('agent_authz.verify_token', async (span) => {
      try {
        const verified = await verify(token);
        const cache = cacheOutcome(seen, verified);
        metrics.tokenVerifications.labels(cache).inc();
        span?.setAttribute(CACHE_ATTRIBUTE, cache);
        return verified;
      } catch (error) {
        metrics.tokenVerifications.labels('error').inc();
        span?.setAttribute(CACHE_ATTRIBUTE, 'error');
        throw error;
      }
    });
}

async function observed<T>(
  name: string,
  method: string,
  metrics: Metrics,
  seen: WeakSet<object>,
  work: () => Promise<{ result: T; identity: object }>,
): Promise<T> {
  return inChildSpan(name, async (span) => {
    span?.setAttribute('agent_authz.key.method', method);
    try {
      const { result, identity } = await work();
      const cache = cacheOutcome(seen, identity);
      metrics.keyResolutions.labels(method, cache).inc();
      span?.setAttribute(CACHE_ATTRIBUTE, cache);
      return result;
    } catch (error) {
      metrics.keyResolutions.labels(method, 'error').inc();
      span?.setAttribute(CACHE_ATTRIBUTE, 'error');
      throw error;
    }
  });
}

function cacheOutcome(seen: WeakSet<object>, identity: object): 'hit' | 'miss' {
  const hit = seen.has(identity);
  seen.add(identity);
  return hit ? 'hit' : 'miss';
}

function didMethod(keyId: string): string {
  const end = keyId.indexOf(':', 4);
  const method = keyId.startsWith('did:') && end > 4 ? keyId.slice(4, end) : '';
  return KNOWN_METHODS.has(method) ? method : 'other';
}
