import { createPublicKey, type KeyObject, type JsonWebKey as NodeJwk } from 'node:crypto';
import { AuthzError } from '../errors.js';
import { isAcceptableEd25519PublicKey } from './check-ed25519-encoding.js';
import { rsaKeySizeProblem } from './check-rsa-key-size.js';

/** RFC 9421 §6.2 algorithm names this service verifies. */
export type SignatureAlgorithm = 'ed25519' | 'ecdsa-p256-sha256' | 'rsa-pss-sha512';

/** A public key ready to verify with, and the identity it speaks for. */
export interface VerificationKey {
  /** The full key id as presented (`did:key:z6Mk…#z6Mk…`). */
  readonly keyId: string;
  /** The agent the key belongs to: the DID without its fragment. */
  readonly controller: string;
  /** The id the agent's state is kept under (see canonical-agent-id.ts); the controller else. */
  readonly stateId?: string;
  /** Decided by the key type, never by the request. */
  readonly algorithm: SignatureAlgorithm;
  readonly key: KeyObject;
}

/** Private (RFC 7518 §6) and symmetric members: a published key carrying any is refused. */
const SECRET_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

export function hasSecretMembers(jwk: object): boolean {
  return SECRET_MEMBERS.some((member) => member in jwk);
}

/** SPEC §2.1: DID keys sign with Ed25519 or P-256; RSA-PSS is for Web Bot Auth directories. */
export const DID_ALGORITHMS: readonly SignatureAlgorithm[] = ['ed25519', 'ecdsa-p256-sha256'];

/**
 * Imports a public JWK whose type maps to one of `allowed`; anything else is
 * `key_unresolvable`. An RSA key's modulus and exponent are bounded before the import (see
 * check-rsa-key-size.ts): a directory named by the caller could otherwise serve a key whose
 * every verify costs milliseconds.
 */
export function importPublicJwk(
  jwk: Record<string, unknown>,
  allowed: readonly SignatureAlgorithm[],
): { algorithm: SignatureAlgorithm; key: KeyObject } {
  if (hasSecretMembers(jwk)) {
    throw new AuthzError('key_unresolvable', 'the published key contains private key material');
  }
  const algorithm = algorithmForJwk(jwk);
  if (!allowed.includes(algorithm)) {
    throw new AuthzError('key_unresolvable', `${algorithm} keys are not accepted here`);
  }
  if (algorithm === 'ed25519' && !isAcceptableEd25519PublicKey(okpBytes(jwk.x))) {
    throw new AuthzError(
      'key_unresolvable',
      'the Ed25519 public key is a small-order point or not canonically encoded',
    );
  }
  const rsaProblem = algorithm === 'rsa-pss-sha512' ? rsaKeySizeProblem(jwk.n, jwk.e) : undefined;
  if (rsaProblem !== undefined) throw new AuthzError('key_unresolvable', rsaProblem);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as NodeJwk, format: 'jwk' });
  } catch (error) {
    throw new AuthzError('key_unresolvable', 'the published key cannot be imported', {
      cause: error,
    });
  }
  return { algorithm, key };
}

function okpBytes(x: unknown): Uint8Array {
  return typeof x === 'string' ? Buffer.from(x, 'base64url') : new Uint8Array();
}

function algorithmForJwk(jwk: Record<string, unknown>): SignatureAlgorithm {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'ed25519';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ecdsa-p256-sha256';
  if (jwk.kty === 'RSA') return 'rsa-pss-sha512';
  throw new AuthzError('key_unresolvable', 'the published key type is not supported');
}
