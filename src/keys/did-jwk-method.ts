import type { DIDDocument, DIDResolver, JsonWebKey } from 'did-resolver';
import { failure } from './did-key-method.js';

/**
 * did:jwk (did-jwk method specification): the identifier is the base64url of a public JWK, and
 * the document has one verification method `#0`. A key marked `use: enc` only serves key
 * agreement, so it cannot authenticate.
 */
export const resolveDidJwk: DIDResolver = async (did, parsed) => {
  const jwk = decodeJwk(parsed.id);
  if (jwk === null)
    return failure('invalidDid', 'did:jwk identifier is not a base64url JSON object');
  const methodId = `${did}#0`;
  const document: DIDDocument = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: [
      { id: methodId, type: 'JsonWebKey2020', controller: did, publicKeyJwk: jwk as JsonWebKey },
    ],
  };
  if (jwk.use !== 'sig') document.keyAgreement = [methodId];
  if (jwk.use !== 'enc') {
    document.authentication = [methodId];
    document.assertionMethod = [methodId];
    document.capabilityInvocation = [methodId];
    document.capabilityDelegation = [methodId];
  }
  return { didResolutionMetadata: {}, didDocument: document, didDocumentMetadata: {} };
};

function decodeJwk(id: string): Record<string, unknown> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
