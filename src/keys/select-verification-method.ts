import type { DIDDocument, VerificationMethod } from 'did-resolver';
import { AuthzError } from '../errors.js';

export type Relationship = 'authentication' | 'assertionMethod';

/**
 * Finds the verification method `keyId` names in `document` and checks the document lists it
 * under one of `relationships` (by reference or embedded). The document must be the DID's own.
 */
export function selectVerificationMethod(
  document: DIDDocument,
  did: string,
  keyId: string,
  relationships: readonly Relationship[],
): VerificationMethod {
  if (document.id !== did) {
    throw new AuthzError('key_unresolvable', 'the DID document id does not match the DID');
  }
  const matches = (entry: string | VerificationMethod): boolean =>
    absolute(typeof entry === 'string' ? entry : entry.id, did) === keyId;
  const listed = relationships
    .flatMap((relationship) => document[relationship] ?? [])
    .find(matches);
  if (listed === undefined) {
    throw new AuthzError(
      'key_unresolvable',
      `the key is not listed under ${relationships.join(' or ')} in the DID document`,
    );
  }
  const method =
    typeof listed === 'string' ? (document.verificationMethod ?? []).find(matches) : listed;
  if (method === undefined) {
    throw new AuthzError('key_unresolvable', 'the DID document does not define the key');
  }
  return method;
}

/** DID Core §5.2: a relative reference `#frag` is resolved against the document's DID. */
function absolute(reference: string, did: string): string {
  return reference.startsWith('#') ? `${did}${reference}` : reference;
}
