import { AuthzError } from '../errors.js';
import type { IssuerKeyResolver } from './resolve-jwks-key.js';
import type { KeyResolver } from './resolve-verification-key.js';

/**
 * The key of a DID issuer: the token's `kid` must be a DID URL of the issuer DID itself
 * (`did:…#key-1`, or `#key-1` relative to it), resolved through the same resolver as request
 * signatures — one built with `relationships: ['assertionMethod']`, since issuing a token is an
 * assertion.
 */
export function createDidIssuerKeyResolver(
  did: string,
  resolveKey: KeyResolver,
): IssuerKeyResolver {
  return async (header) => {
    const { kid } = header;
    if (typeof kid !== 'string' || kid === '') {
      throw new AuthzError('token_invalid', 'a DID-issued token needs a kid naming its key');
    }
    const keyId = kid.startsWith('#') ? `${did}${kid}` : kid;
    if (!keyId.startsWith(`${did}#`)) {
      throw new AuthzError('token_invalid', 'the token kid is not a key of the issuer DID');
    }
    return (await resolveKey(keyId)).key;
  };
}
