import { createPublicKey, type KeyObject, type JsonWebKey as NodeJwk } from 'node:crypto';
import { AuthzError } from '../errors.js';

/** RFC 9421 §6.2 algorithm names this service verifies. */
export type SignatureAlgorithm = 'ed25519' | 'ecdsa-p256-sha256' | 'rsa-pss-sha512';

/** A public key ready to verify with, and the identity it speaks for. */
export interface VerificationKey {
  /** The full key id as presented (`did:key:z6Mk…#z6Mk…`). */
  readonly keyId: string;
  /** The agent the key belongs to: the DID without its fragment. */
  readonly controller: string;
  /** Decided by the key type, never by the request. */
  readonly algorithm: SignatureAlgorithm;
  readonly key: KeyObject;
}

/** Private JWK members (RFC 7518 §6): a document that publishes them is refused. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Imports a public JWK of a supported type; anything else is `key_unresolvable`. */
export function importPublicJwk(jwk: Record<string, unknown>): {
  algorithm: SignatureAlgorithm;
  key: KeyObject;
} {
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) {
    throw new AuthzError('key_unresolvable', 'the published key contains private key material');
  }
  const algorithm = algorithmForJwk(jwk);
  try {
    return { algorithm, key: createPublicKey({ key: jwk as NodeJwk, format: 'jwk' }) };
  } catch (error) {
    throw new AuthzError('key_unresolvable', 'the published key cannot be imported', {
      cause: error,
    });
  }
}

function algorithmForJwk(jwk: Record<string, unknown>): SignatureAlgorithm {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'ed25519';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ecdsa-p256-sha256';
  if (jwk.kty === 'RSA') return 'rsa-pss-sha512';
  throw new AuthzError('key_unresolvable', 'the published key type is not supported');
}
