import type { SignatureCandidate } from '../credentials/signature-candidate.js';
import { AuthzError } from '../errors.js';
import type { VerificationKey } from '../keys/verification-key.js';
import { buildSignatureBase, type SignedMessage } from './signature-base.js';
import { verifySignatureBytes } from './verify-signature-bytes.js';

/**
 * RFC 9421 §3.2 steps 4–8 for one signature: the key's type decides the algorithm, an `alg`
 * parameter that says otherwise is refused, and the signature must verify over the base, which
 * is returned.
 */
export function verifyHttpSignature(
  message: SignedMessage,
  candidate: SignatureCandidate,
  key: VerificationKey,
): Buffer {
  const { alg } = candidate.params;
  if (alg !== undefined && alg !== key.algorithm) {
    throw new AuthzError(
      'alg_mismatch',
      `the alg parameter does not match the ${key.algorithm} key`,
    );
  }
  const base = Buffer.from(buildSignatureBase(message, candidate), 'utf8');
  if (!verifySignatureBytes(key, base, candidate.signature)) {
    throw new AuthzError('signature_invalid', 'the signature does not verify');
  }
  return base;
}
