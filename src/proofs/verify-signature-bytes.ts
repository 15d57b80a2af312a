import { constants, verify } from 'node:crypto';
import type { SignatureAlgorithm, VerificationKey } from '../keys/verification-key.js';
import { ed25519Verifier } from './verify-ed25519.js';

type Verifier = (key: VerificationKey, data: Buffer, signature: Uint8Array) => boolean;

/** RFC 9421 §3.3: how each algorithm's signature bytes are checked. */
const VERIFIERS: Record<SignatureAlgorithm, Verifier> = {
  // libsodium, or node:crypto when it cannot load; either way S ≥ L (RFC 8032 §5.1.7) and
  // small-order keys are refused here, whatever the library underneath does.
  ed25519: (key, data, signature) => ed25519Verifier.verify(key.key, data, signature),
  // §3.3.4: ECDSA signatures are the raw r‖s concatenation, not DER.
  'ecdsa-p256-sha256': (key, data, signature) =>
    signature.length === 64 &&
    verify('sha256', data, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature),
  // §3.3.1: RSASSA-PSS with SHA-512 and a 64-byte salt.
  'rsa-pss-sha512': (key, data, signature) =>
    verify(
      'sha512',
      data,
      { key: key.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 },
      signature,
    ),
};

/** True when `signature` over `data` verifies under `key`; never throws for bad input. */
export function verifySignatureBytes(
  key: VerificationKey,
  data: Buffer,
  signature: Uint8Array,
): boolean {
  try {
    return VERIFIERS[key.algorithm](key, data, signature);
  } catch {
    return false;
  }
}
