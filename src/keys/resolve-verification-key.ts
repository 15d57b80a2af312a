import { type DIDResolver, parse, Resolver } from 'did-resolver';
import { LRUCache } from 'lru-cache';
import { AuthzError, isAuthzError } from '../errors.js';
import { resolveDidJwk } from './did-jwk-method.js';
import { resolveDidKey } from './did-key-method.js';
import { multikeyToJwk } from './multikey.js';
import { type Relationship, selectVerificationMethod } from './select-verification-method.js';
import { DID_ALGORITHMS, importPublicJwk, type VerificationKey } from './verification-key.js';

/** Turns a key id presented by a caller into a key to verify with. */
export type KeyResolver = (keyId: string) => Promise<VerificationKey>;

export interface KeyResolverOptions {
  /** Imported keys kept, by key id. Bounded: anyone can mint new did:key identifiers. */
  readonly cacheSize: number;
  /** Extra DID methods (did:web arrives with network resolution). */
  readonly methods?: Readonly<Record<string, DIDResolver>>;
  readonly relationships?: readonly Relationship[];
}

/** Methods every deployment resolves, offline. */
export const OFFLINE_METHODS: Readonly<Record<string, DIDResolver>> = {
  key: resolveDidKey,
  jwk: resolveDidJwk,
};

/**
 * Resolves DID URL key ids through `did-resolver`. Resolved and imported keys are cached by key
 * id, so the hot path after the first request is one map lookup; failures are not cached.
 */
export function createKeyResolver(options: KeyResolverOptions): KeyResolver {
  const methods = { ...OFFLINE_METHODS, ...options.methods };
  const resolver = new Resolver(methods, { cache: false });
  const relationships = options.relationships ?? ['authentication', 'assertionMethod'];
  const cache = new LRUCache<string, VerificationKey>({ max: options.cacheSize });

  return async (keyId) => {
    const cached = cache.get(keyId);
    if (cached !== undefined) return cached;
    const parsed = parse(keyId);
    if (parsed === null || parsed.fragment === undefined || parsed.path || parsed.query) {
      throw new AuthzError('key_unresolvable', 'keyid is not a DID URL with a fragment');
    }
    if (!(parsed.method in methods)) {
      throw new AuthzError('did_method_unsupported', `did:${parsed.method} is not enabled`);
    }
    const result = await resolver.resolve(parsed.did);
    if (result.didDocument === null) {
      const error = String(result.didResolutionMetadata.error ?? 'notFound');
      throw new AuthzError('key_unresolvable', `the DID did not resolve (${error})`);
    }
    const method = selectVerificationMethod(result.didDocument, parsed.did, keyId, relationships);
    const key = { keyId, controller: parsed.did, ...importMethodKey(method) };
    cache.set(keyId, key);
    return key;
  };
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
