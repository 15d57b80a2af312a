import type { DIDDocument, DIDResolutionResult, DIDResolver } from 'did-resolver';
import { isAuthzError } from '../errors.js';
import { multikeyToJwk } from './multikey.js';

/**
 * did:key (W3C CCG did:key method) for Ed25519 (`z6Mk…`) and P-256 (`zDn…`): the document is
 * derived from the identifier alone, so resolution is offline.
 */
export const resolveDidKey: DIDResolver = async (did, parsed) => {
  const multibase = parsed.id;
  try {
    multikeyToJwk(multibase);
  } catch (error) {
    if (!isAuthzError(error)) throw error;
    return failure('invalidDid', error.message);
  }
  const methodId = `${did}#${multibase}`;
  const document: DIDDocument = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [
      { id: methodId, type: 'Multikey', controller: did, publicKeyMultibase: multibase },
    ],
    authentication: [methodId],
    assertionMethod: [methodId],
    capabilityInvocation: [methodId],
    capabilityDelegation: [methodId],
  };
  return { didResolutionMetadata: {}, didDocument: document, didDocumentMetadata: {} };
};

export function failure(error: string, message: string): DIDResolutionResult {
  return {
    didResolutionMetadata: { error, message },
    didDocument: null,
    didDocumentMetadata: {},
  };
}
