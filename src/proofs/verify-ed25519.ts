import { type KeyObject, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import { hasCanonicalS, isAcceptableEd25519PublicKey } from '../keys/check-ed25519-encoding.js';

/** True when `signature` over `data` verifies under the Ed25519 public `key`. */
export type Ed25519Verify = (key: KeyObject, data: Buffer, signature: Uint8Array) => boolean;

export interface Ed25519Verifier {
  /** Which implementation verifies: libsodium when its native module loads, else OpenSSL. */
  readonly backend: 'libsodium' | 'node:crypto';
  readonly verify: Ed25519Verify;
}

/** The one function of `sodium-native` used here (its own wrapper checks the buffer sizes). */
interface SodiumVerify {
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, key: Uint8Array): boolean;
}

/** Loads `sodium-native`; throws when the package or its prebuilt binary cannot load. */
export function loadSodium(): SodiumVerify {
  return createRequire(import.meta.url)('sodium-native') as SodiumVerify;
}

/**
 * Ed25519 verification through libsodium (about half the CPU of OpenSSL's), or `node:crypto`
 * when `loadNative` throws or the loaded module fails a known-answer test.
 *
 * Both refuse, before any curve arithmetic, what a cofactorless verifier would believe: a
 * non-canonical S (RFC 8032 §5.1.7) and a small-order or non-canonical public key, whatever
 * imported the key. Each key's raw bytes (and that verdict) are prepared once per KeyObject,
 * which the key caches keep for as long as the key is in use.
 */
export function createEd25519Verifier(
  loadNative: () => SodiumVerify = loadSodium,
): Ed25519Verifier {
  const sodium = loadedSodium(loadNative);
  const prepared = new WeakMap<KeyObject, Buffer | null>();
  const rawKey = (key: KeyObject): Buffer | null => {
    let raw = prepared.get(key);
    if (raw === undefined) {
      raw = acceptableRawKey(key);
      prepared.set(key, raw);
    }
    return raw;
  };
  if (sodium === undefined) {
    return {
      backend: 'node:crypto',
      verify: (key, data, signature) =>
        hasCanonicalS(signature) && rawKey(key) !== null && verify(null, data, key, signature),
    };
  }
  return {
    backend: 'libsodium',
    verify: (key, data, signature) => {
      const raw = rawKey(key);
      return (
        hasCanonicalS(signature) &&
        raw !== null &&
        sodium.crypto_sign_verify_detached(signature, data, raw)
      );
    },
  };
}

/** The 32 public key bytes, or null for anything but an acceptable Ed25519 public key. */
function acceptableRawKey(key: KeyObject): Buffer | null {
  if (key.type !== 'public' || key.asymmetricKeyType !== 'ed25519') return null;
  const { x } = key.export({ format: 'jwk' });
  const raw = Buffer.from(x ?? '', 'base64url');
  return isAcceptableEd25519PublicKey(raw) ? raw : null;
}

/** RFC 8032 §7.1 TEST 1: the empty message. */
const KNOWN_ANSWER = {
  key: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  signature:
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
} as const;

/** The module, if it loads and accepts the RFC vector and refuses it with one bit flipped. */
function loadedSodium(loadNative: () => SodiumVerify): SodiumVerify | undefined {
  try {
    const sodium = loadNative();
    const key = Buffer.from(KNOWN_ANSWER.key, 'hex');
    const signature = Buffer.from(KNOWN_ANSWER.signature, 'hex');
    const good = sodium.crypto_sign_verify_detached(signature, Buffer.alloc(0), key);
    signature[0] = signature[0]! ^ 1;
    const tampered = sodium.crypto_sign_verify_detached(signature, Buffer.alloc(0), key);
    return good === true && tampered === false ? sodium : undefined;
  } catch {
    return undefined;
  }
}

/** The process-wide verifier, chosen once when this module loads. */
export const ed25519Verifier: Ed25519Verifier = createEd25519Verifier();
