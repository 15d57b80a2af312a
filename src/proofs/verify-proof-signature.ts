import { KeyObject, verify } from 'node:crypto';
import { type CryptoKey, compactVerify, type ProtectedHeaderParameters } from 'jose';
import type { ProofKeyGetter } from './cache-proof-keys.js';
import { ed25519Verifier } from './verify-ed25519.js';

/** Exactly what a compact JWS part may contain (RFC 7515 §2: base64url without padding). */
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** An ES256 signature: R and S, 32 bytes each (RFC 7518 §3.4). */
const ES256_SIGNATURE_BYTES = 64;

/** The node:crypto handle of each imported proof key; the key cache keeps the CryptoKey alive. */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

/**
 * RFC 9449 §4.3 step 6: the compact JWS `proof` is signed by the key `proofKey` finds for its
 * protected `header` (already decoded and checked by the caller: typ, alg, public jwk). Returns
 * the payload bytes; throws when the signature does not verify.
 *
 * ES256 with a P-256 key and EdDSA/Ed25519 with an Ed25519 key are verified with node:crypto
 * against the key's KeyObject (the Ed25519 verifier refuses a non-canonical S and small-order
 * keys); WebCrypto, through jose, cost about 60 µs more per proof. Any other algorithm or key
 * type, and a header with `crit` or `b64` (whose rules jose implements), goes to jose's
 * `compactVerify` as before.
 */
export async function verifyProofSignature(
  proof: string,
  header: ProtectedHeaderParameters,
  proofKey: ProofKeyGetter,
  algorithms: readonly string[],
): Promise<Uint8Array> {
  const parts = proof.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) {
    throw new Error('the proof is not a compact JWS');
  }
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  if ('crit' in header || 'b64' in header || !algorithms.includes(header.alg ?? '')) {
    return viaJose(proof, proofKey, algorithms);
  }
  const cryptoKey = await proofKey(header, {
    protected: encodedHeader,
    payload: encodedPayload,
    signature: encodedSignature,
  });
  const key = keyObjectOf(cryptoKey);
  const signature = Buffer.from(encodedSignature, 'base64url');
  const signed = Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii');
  let valid: boolean;
  if (header.alg === 'ES256' && isCurve(key, 'prime256v1') && canVerify(cryptoKey)) {
    valid =
      signature.length === ES256_SIGNATURE_BYTES &&
      verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } else if (
    (header.alg === 'EdDSA' || header.alg === 'Ed25519') &&
    key.asymmetricKeyType === 'ed25519' &&
    canVerify(cryptoKey)
  ) {
    valid = ed25519Verifier.verify(key, signed, signature);
  } else {
    return viaJose(proof, proofKey, algorithms);
  }
  if (!valid) throw new Error('signature verification failed');
  return Buffer.from(encodedPayload, 'base64url');
}

async function viaJose(
  proof: string,
  proofKey: ProofKeyGetter,
  algorithms: readonly string[],
): Promise<Uint8Array> {
  const { payload } = await compactVerify(proof, proofKey, { algorithms: [...algorithms] });
  return payload;
}

function keyObjectOf(cryptoKey: CryptoKey): KeyObject {
  let key = keyObjects.get(cryptoKey);
  if (key === undefined) {
    key = KeyObject.from(cryptoKey);
    keyObjects.set(cryptoKey, key);
  }
  return key;
}

function isCurve(key: KeyObject, namedCurve: string): boolean {
  return (
    key.type === 'public' &&
    key.asymmetricKeyType === 'ec' &&
    key.asymmetricKeyDetails?.namedCurve === namedCurve
  );
}

/** jose refuses a key not imported for verification; so do we. */
function canVerify(cryptoKey: CryptoKey): boolean {
  return cryptoKey.usages.includes('verify');
}
