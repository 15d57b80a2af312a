import type { JsonWebKey } from 'node:crypto';
import { jwkToMultikey } from '../keys/multikey.js';

export interface DidWebDocumentOptions {
  /** The verification method's fragment; default `key-1`. */
  readonly fragment?: string;
  /** `jwk` (JsonWebKey2020, default) or `multibase` (Multikey). */
  readonly format?: 'jwk' | 'multibase';
}

/**
 * The did.json to host for `did` (e.g. `did:web:agents.example.com:billing` at
 * `https://agents.example.com/billing/did.json`) naming one Ed25519 or P-256 public key under
 * `authentication` and `assertionMethod`. Sign with the returned `keyId`.
 */
export function didWebDocument(
  did: string,
  publicJwk: JsonWebKey,
  options: DidWebDocumentOptions = {},
): { document: Record<string, unknown>; keyId: string } {
  const { kty, crv, x, y } = publicJwk;
  const keyId = `${did}#${options.fragment ?? 'key-1'}`;
  const method =
    options.format === 'multibase'
      ? {
          id: keyId,
          type: 'Multikey',
          controller: did,
          publicKeyMultibase: jwkToMultikey(publicJwk),
        }
      : { id: keyId, type: 'JsonWebKey2020', controller: did, publicKeyJwk: { kty, crv, x, y } };
  const document = {
    '@context': [
      'https://www.w3.org/ns/did/v1',
      options.format === 'multibase'
        ? 'https://w3id.org/security/multikey/v1'
        : 'https://w3id.org/security/suites/jws-2020/v1',
    ],
    id: did,
    verificationMethod: [method],
    authentication: [keyId],
    assertionMethod: [keyId],
  };
  return { document, keyId };
}
