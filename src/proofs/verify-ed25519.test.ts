import { createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SMALL_ORDER_ENCODINGS } from '../keys/check-ed25519-encoding.js';
import { importPublicJwk } from '../keys/verification-key.js';
import { createEd25519Verifier, ed25519Verifier, loadSodium } from './verify-ed25519.js';
import { verifySignatureBytes } from './verify-signature-bytes.js';

const sodium = createEd25519Verifier();
const openssl = createEd25519Verifier(() => {
  throw new Error('the native module cannot load');
});

/** RFC 8032 §7.1 TEST 1–3: public key, message, signature (hex). */
const RFC8032_VECTORS = [
  {
    name: 'TEST 1 (empty message)',
    key: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2 (one byte)',
    key: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3 (two bytes)',
    key: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
] as const;

/** L, the order of the base point, little-endian: adding it to S gives the same S mod L. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function keyOf(raw: Uint8Array): KeyObject {
  const x = Buffer.from(raw).toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

function verdicts(key: KeyObject, message: Buffer, signature: Uint8Array): [boolean, boolean] {
  return [sodium.verify(key, message, signature), openssl.verify(key, message, signature)];
}

/** S + L: the same scalar mod L, so a cofactorless check without the S < L rule accepts it. */
function withSPlusL(signature: Buffer): Buffer {
  let s = 0n;
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(signature[32 + i]!);
  const malleable = Buffer.from(signature);
  let value = s + L;
  for (let i = 0; i < 32; i++, value >>= 8n) malleable[32 + i] = Number(value & 0xffn);
  return malleable;
}

describe('the Ed25519 verifiers', () => {
  it('use libsodium here, and node:crypto when the native module cannot load', () => {
    expect(() => loadSodium()).not.toThrow();
    expect(sodium.backend).toBe('libsodium');
    expect(ed25519Verifier.backend).toBe('libsodium');
    expect(openssl.backend).toBe('node:crypto');
  });

  it('fall back to node:crypto when the native module fails the known-answer test', () => {
    const believesEverything = { crypto_sign_verify_detached: () => true };
    expect(createEd25519Verifier(() => believesEverything).backend).toBe('node:crypto');
  });

  it('both accept the RFC 8032 vectors and refuse them with a bit flipped', () => {
    for (const vector of RFC8032_VECTORS) {
      const key = keyOf(Buffer.from(vector.key, 'hex'));
      const message = Buffer.from(vector.message, 'hex');
      const signature = Buffer.from(vector.signature, 'hex');
      expect(verdicts(key, message, signature), vector.name).toEqual([true, true]);
      for (const bit of [0, 255, 256, 511]) {
        const flipped = Buffer.from(signature);
        flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
        expect(verdicts(key, message, flipped), `${vector.name} bit ${bit}`).toEqual([
          false,
          false,
        ]);
      }
      const longer = Buffer.concat([message, Buffer.of(0)]);
      expect(verdicts(key, longer, signature), vector.name).toEqual([false, false]);
    }
  });

  it('agree on fresh keys: the right key verifies, another key does not', () => {
    const message = Buffer.from('"@method": GET\n"@signature-params": ();created=1');
    for (let i = 0; i < 20; i++) {
      const signer = generateKeyPairSync('ed25519');
      const other = generateKeyPairSync('ed25519');
      const signature = sign(null, message, signer.privateKey);
      expect(verdicts(signer.publicKey, message, signature)).toEqual([true, true]);
      expect(verdicts(other.publicKey, message, signature)).toEqual([false, false]);
    }
  });

  it('both refuse a non-canonical S (S + L), which the same curve equation satisfies', () => {
    const signer = generateKeyPairSync('ed25519');
    const message = Buffer.from('message');
    const signature = sign(null, message, signer.privateKey);
    expect(verdicts(signer.publicKey, message, withSPlusL(signature))).toEqual([false, false]);
  });

  it('both refuse small-order public keys with the constant signature, for any message', () => {
    const constant = Buffer.alloc(64);
    constant[0] = 1; // R = identity (y = 1), S = 0
    for (const encoding of SMALL_ORDER_ENCODINGS) {
      const key = keyOf(encoding);
      for (let i = 0; i < 16; i++) {
        expect(verdicts(key, Buffer.from(`message ${i}`), constant)).toEqual([false, false]);
      }
    }
  });

  it('both refuse signatures of the wrong length and keys of another type', () => {
    const signer = generateKeyPairSync('ed25519');
    const message = Buffer.from('message');
    const signature = sign(null, message, signer.privateKey);
    for (const bad of [signature.subarray(0, 63), Buffer.concat([signature, Buffer.of(0)])]) {
      expect(verifySignatureBytes(ed25519KeyOf(signer.publicKey), message, bad)).toBe(false);
      expect(() => openssl.verify(signer.publicKey, message, bad)).not.toThrow();
      expect(openssl.verify(signer.publicKey, message, bad)).toBe(false);
    }
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(verdicts(p256, message, signature)).toEqual([false, false]);
  });

  it('verify through verifySignatureBytes for keys imported from a JWK', () => {
    const signer = generateKeyPairSync('ed25519');
    const message = Buffer.from('message');
    const key = ed25519KeyOf(signer.publicKey);
    expect(verifySignatureBytes(key, message, sign(null, message, signer.privateKey))).toBe(true);
    expect(
      verifySignatureBytes(key, Buffer.from('other'), sign(null, message, signer.privateKey)),
    ).toBe(false);
  });
});

function ed25519KeyOf(publicKey: KeyObject) {
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return {
    keyId: 'did:key:test#test',
    controller: 'did:key:test',
    ...importPublicJwk(jwk, ['ed25519']),
  };
}
