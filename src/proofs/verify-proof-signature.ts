import { KeyObject, verify } from 'node:crypto';
import { type CryptoKey, compactVerify, type ProtectedHeaderParameters } from 'jose';
import type { ProofKeyGetter } from './cache-proof-keys.js';
import { ed25519Verifier } from './verify-ed25519.js';

/** Exactly what a compact JWS part may contain (RFC 7515 §2: base64url without padding). */
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** Two such parts joined by a dot: the protected header and the payload. */
const SIGNING_INPUT = /^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/** An ES256 signature: R and S, 32 bytes each (RFC 7518 §3.4). */
const ES256_SIGNATURE_BYTES = 64;

/** The three parts of a compact JWS, as sent, and the text its signature covers. */
export interface CompactParts {
  readonly protected: string;
  readonly payload: string;
  readonly signature: string;
  /** `protected.payload`: the JWS Signing Input (RFC 7515 §5.1 step 8). */
  readonly signingInput: string;
}

/** What node:crypto verifies with, per imported key: its KeyObject and what kind of key it is. */
interface NativeKey {
  readonly key: KeyObject;
  /** A public P-256 key imported for `verify`: ES256 is checked with node:crypto. */
  readonly es256: boolean;
  /** A public Ed25519 key imported for `verify`: EdDSA/Ed25519 is checked with the verifier. */
  readonly ed25519: boolean;
}

/** Each imported proof key's node:crypto handle; the key cache keeps the CryptoKey alive. */
const nativeKeys = new WeakMap<CryptoKey, NativeKey>();

/**
 * The parts of a compact JWS: exactly three, each strict base64url. Undefined for anything else,
 * which no proof signature verification accepts.
 */
export function compactParts(jws: string): CompactParts | undefined {
  const first = jws.indexOf('.');
  const second = jws.indexOf('.', first + 1);
  if (first === -1 || second === -1 || jws.indexOf('.', second + 1) !== -1) return undefined;
  const signingInput = jws.slice(0, second);
  const signature = jws.slice(second + 1);
  if (!SIGNING_INPUT.test(signingInput) || !BASE64URL.test(signature)) {
    return undefined;
  }
  return {
    protected: jws.slice(0, first),
    payload: jws.slice(first + 1, second),
    signature,
    signingInput,
  };
}

/**
 * RFC 9449 §4.3 step 6: the compact JWS `proof` is signed by the key `proofKey` finds for its
 * protected `header` (already decoded and checked by the caller: typ, alg, public jwk). `parts`
 * is what compactParts made of `proof`. Returns the payload bytes; throws when the signature
 * does not verify.
 *
 * ES256 with a P-256 key and EdDSA/Ed25519 with an Ed25519 key are verified with node:crypto
 * against the key's KeyObject (the Ed25519 verifier refuses a non-canonical S and small-order
 * keys); WebCrypto, through jose, cost about 60 µs more per proof. Any other algorithm or key
 * type, and a header with `crit` or `b64` (whose rules jose implements), goes to jose's
 * `compactVerify` as before.
 */
export async function verifyProofSignature(
  proof: string,
  parts: CompactParts | undefined,
  header: ProtectedHeaderParameters,
  proofKey: ProofKeyGetter,
  algorithms: readonly string[],
): Promise<Uint8Array> {
  if (parts === undefined) throw new Error('the proof is not a compact JWS');
  if ('crit' in header || 'b64' in header || !algorithms.includes(header.alg ?? '')) {
    return viaJose(proof, proofKey, algorithms);
  }
  const cryptoKey = await proofKey(header, {
    protected: parts.protected,
    payload: parts.payload,
    signature: parts.signature,
  });
  const native = nativeKeyOf(cryptoKey);
  const signature = Buffer.from(parts.signature, 'base64url');
  const signed = Buffer.from(parts.signingInput, 'latin1');
  let valid: boolean;
  if (header.alg === 'ES256' && native.es256) {
    valid =
      signature.length === ES256_SIGNATURE_BYTES &&
      verify('sha256', signed, { key: native.key, dsaEncoding: 'ieee-p1363' }, signature);
  } else if ((header.alg === 'EdDSA' || header.alg === 'Ed25519') && native.ed25519) {
    valid = ed25519Verifier.verify(native.key, signed, signature);
  } else {
    // The key is looked up once per proof: jose gets the one already imported.
    return viaJose(proof, async () => cryptoKey, algorithms);
  }
  if (!valid) throw new Error('signature verification failed');
  return Buffer.from(parts.payload, 'base64url');
}

async function viaJose(
  proof: string,
  proofKey: ProofKeyGetter,
  algorithms: readonly string[],
): Promise<Uint8Array> {
  const { payload } = await compactVerify(proof, proofKey, { algorithms: [...algorithms] });
  return payload;
}

function nativeKeyOf(cryptoKey: CryptoKey): NativeKey {
  let native = nativeKeys.get(cryptoKey);
  if (native === undefined) {
    const key = KeyObject.from(cryptoKey);
    // jose refuses a key not imported for verification; so do we.
    const canVerify = cryptoKey.usages.includes('verify');
    native = {
      key,
      es256: canVerify && isCurve(key, 'prime256v1'),
      ed25519: canVerify && key.type === 'public' && key.asymmetricKeyType === 'ed25519',
    };
    nativeKeys.set(cryptoKey, native);
  }
  return native;
}

function isCurve(key: KeyObject, namedCurve: string): boolean {
  return (
    key.type === 'public' &&
    key.asymmetricKeyType === 'ec' &&
    key.asymmetricKeyDetails?.namedCurve === namedCurve
  );
}
