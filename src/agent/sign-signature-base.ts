import { constants, type KeyObject, sign } from 'node:crypto';
import type { SignatureAlgorithm } from '../keys/verification-key.js';

/** The RFC 9421 §3.3 algorithm a private key signs with: the key type decides, nothing else. */
export function algorithmOfKey(key: KeyObject): SignatureAlgorithm {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return 'ed25519';
    case 'ec':
      if (key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa-p256-sha256';
      break;
    case 'rsa':
    case 'rsa-pss':
      return 'rsa-pss-sha512';
  }
  throw new TypeError('signing keys are Ed25519, P-256 or RSA (RSA-PSS-SHA512)');
}

/**
 * Signs a signature base with `key`: Ed25519 (RFC 9421 §3.3.6), ECDSA P-256 SHA-256 as raw
 * r‖s (§3.3.4), or RSASSA-PSS SHA-512 with a 64-byte salt (§3.3.1).
 */
export function signSignatureBase(key: KeyObject, base: string): Buffer {
  const data = Buffer.from(base);
  switch (algorithmOfKey(key)) {
    case 'ed25519':
      return sign(null, data, key);
    case 'ecdsa-p256-sha256':
      return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
    case 'rsa-pss-sha512':
      return sign('sha512', data, {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 64,
      });
  }
}
