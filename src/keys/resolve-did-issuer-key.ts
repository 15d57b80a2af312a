import { KeyObject } from 'node:crypto';
import { AuthzError } from '../errors.js';
import type { IssuerKeyCheck, IssuerKeyResolver } from './resolve-jwks-key.js';
import type { KeyResolver } from './resolve-verification-key.js';

/**
 * The key of a DID issuer: the token's `kid` must be a DID URL of the issuer DID itself
 * (`did:…#key-1`, or `#key-1` relative to it), resolved through the same resolver as request
 * signatures — one built with `relationships: ['assertionMethod']`, since issuing a token is an
 * assertion. For a DID with a fetched document (did:web), `holdsKey` resolves the kid again (a
 * cache lookup while the document is fresh) and compares the key material: a key the document
 * no longer lists, or lists with other material, is not held. A did:key or did:jwk is its key,
 * which no document can withdraw.
 */
export function createDidIssuerKeyResolver(
  did: string,
  resolveKey: KeyResolver,
): IssuerKeyResolver & { holdsKey?: IssuerKeyCheck } {
  const keyIdOf = (kid: unknown): string => {
    if (typeof kid !== 'string' || kid === '') {
      throw new AuthzError('token_invalid', 'a DID-issued token needs a kid naming its key');
    }
    const keyId = kid.startsWith('#') ? `${did}${kid}` : kid;
    if (!keyId.startsWith(`${did}#`)) {
      throw new AuthzError('token_invalid', 'the token kid is not a key of the issuer DID');
    }
    return keyId;
  };
  const resolve: IssuerKeyResolver = async (header) => (await resolveKey(keyIdOf(header.kid))).key;
  const holdsKey: IssuerKeyCheck = async (key, kid) => {
    try {
      const held = (await resolveKey(keyIdOf(kid))).key;
      return held === key || (key instanceof KeyObject && held.equals(key));
    } catch {
      return false;
    }
  };
  const immutable = did.startsWith('did:key:') || did.startsWith('did:jwk:');
  return immutable ? resolve : Object.assign(resolve, { holdsKey });
}
