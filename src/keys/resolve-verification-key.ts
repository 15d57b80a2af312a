import { type DIDResolver, parse, Resolver } from 'did-resolver';
import { LRUCache } from 'lru-cache';
import { AuthzError, isAuthzError } from '../errors.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { canonicalAgentId } from './canonical-agent-id.js';
import { resolveDidJwk } from './did-jwk-method.js';
import { resolveDidKey } from './did-key-method.js';
import { multikeyToJwk } from './multikey.js';
import { type Relationship, selectVerificationMethod } from './select-verification-method.js';
import { DID_ALGORITHMS, importPublicJwk, type VerificationKey } from './verification-key.js';

/**
 * Turns a key id presented by a caller into a key to verify with; a document fetched for it is
 * charged to `client` (see fetch-requester.ts).
 */
export type KeyResolver = (keyId: string, client?: string) => Promise<VerificationKey>;

export interface KeyResolverOptions {
  /** Imported keys kept, by key id. Bounded: anyone can mint new did:key identifiers. */
  readonly cacheSize: number;
  /**
   * The cache's memory budget in bytes (default 16 MiB): key ids are the caller's choice, up to
   * a header's length, so the number of entries alone does not bound it.
   */
  readonly cacheBytes?: number;
  /** Extra DID methods (did:web, when network resolution is on). */
  readonly methods?: Readonly<Record<string, DIDResolver>>;
  readonly relationships?: readonly Relationship[];
  readonly clock?: Clock;
}

interface CachedKey {
  readonly key: VerificationKey;
  /** Offline methods: forever. Network methods: until their document's freshness ends. */
  readonly freshUntilMs: number;
}

/** Methods every deployment resolves, offline. */
export const OFFLINE_METHODS: Readonly<Record<string, DIDResolver>> = {
  key: resolveDidKey,
  jwk: resolveDidJwk,
};

/**
 * Resolves DID URL key ids through `did-resolver`. Resolved and imported keys are cached by key
 * id, so the hot path after the first request is one map lookup; failures are not cached here.
 * A key from a fetched document (did:web) is reused only while that document is fresh, so a
 * key removed from the document stops working once the cached copy expires.
 */
export function createKeyResolver(options: KeyResolverOptions): KeyResolver {
  const methods = { ...OFFLINE_METHODS, ...options.methods };
  const resolver = new Resolver(methods, { cache: false });
  const relationships = options.relationships ?? ['authentication', 'assertionMethod'];
  const clock = options.clock ?? systemClock;
  const cache = new LRUCache<string, CachedKey>({
    max: options.cacheSize,
    maxSize: options.cacheBytes ?? 16_777_216,
    sizeCalculation: (cached) => cachedKeyBytes(cached.key),
  });

  return async (keyId, client) => {
    const cached = cache.get(keyId);
    if (cached !== undefined && clock() < cached.freshUntilMs) return cached.key;
    const parsed = parse(keyId);
    if (parsed === null || parsed.fragment === undefined || parsed.path || parsed.query) {
      throw new AuthzError('key_unresolvable', 'keyid is not a DID URL with a fragment');
    }
    if (!(parsed.method in methods)) {
      throw new AuthzError('did_method_unsupported', `did:${parsed.method} is not enabled`);
    }
    const result = await resolver.resolve(parsed.did, client === undefined ? {} : { client });
    if (result.didDocument === null) {
      const error = String(result.didResolutionMetadata.error ?? 'notFound');
      throw new AuthzError('key_unresolvable', `the DID did not resolve (${error})`);
    }
    const method = selectVerificationMethod(result.didDocument, parsed.did, keyId, relationships);
    const key = {
      keyId,
      controller: parsed.did,
      stateId: canonicalAgentId(parsed.did),
      ...importMethodKey(method),
    };
    const freshUntil = result.didResolutionMetadata.freshUntilMs;
    cache.set(keyId, {
      key,
      freshUntilMs: typeof freshUntil === 'number' ? freshUntil : Number.POSITIVE_INFINITY,
    });
    return key;
  };
}

/** An imported public key (OpenSSL's object and Node's handle) weighs about this much. */
const KEY_OBJECT_BYTES = 1024;

/**
 * What one cached key weighs against `keys.cacheBytes`: its strings (two bytes a character at
 * worst) and its imported key.
 */
export function cachedKeyBytes(key: VerificationKey): number {
  const text = 2 * key.keyId.length + key.controller.length + (key.stateId?.length ?? 0);
  return KEY_OBJECT_BYTES + 2 * text;
}

function importMethodKey(method: {
  publicKeyJwk?: object;
  publicKeyMultibase?: string;
}): Pick<VerificationKey, 'algorithm' | 'key'> {
  try {
    if (method.publicKeyJwk !== undefined) {
      return importPublicJwk(method.publicKeyJwk as Record<string, unknown>, DID_ALGORITHMS);
    }
    if (method.publicKeyMultibase !== undefined) {
      return importPublicJwk(multikeyToJwk(method.publicKeyMultibase), DID_ALGORITHMS);
    }
  } catch (error) {
    if (isAuthzError(error)) throw error;
    throw new AuthzError('key_unresolvable', 'the verification method cannot be imported', {
      cause: error,
    });
  }
  throw new AuthzError('key_unresolvable', 'the verification method has no supported key format');
}
