import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  hasCanonicalS,
  isAcceptableEd25519PublicKey,
  SMALL_ORDER_ENCODINGS,
} from './check-ed25519-encoding.js';
import { importPublicJwk } from './verification-key.js';

const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function encode(value: bigint): Buffer {
  return Buffer.from(
    Array.from({ length: 32 }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn)),
  );
}

function freshPublicKey(): Buffer {
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url');
}

/** R = identity (y = 1), S = 0. */
const CONSTANT_SIGNATURE = Buffer.concat([encode(1n), encode(0n)]);

/**
 * OpenSSL as an independent oracle: for a small-order A the constant signature verifies
 * whenever [k]A is the identity (k = H(R‖A‖M) mod L), which happens for about one message in
 * eight at worst; for a point of large order it never does.
 */
function constantSignatureVerifiesSomeMessage(publicKey: Uint8Array): boolean {
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
    format: 'jwk',
  });
  for (let i = 0; i < 200; i++) {
    if (verify(null, Buffer.from(`message ${i}`), key, CONSTANT_SIGNATURE)) return true;
  }
  return false;
}

describe('the small-order Ed25519 points', () => {
  it('are eight distinct encodings, including the identity and the point of order 2', () => {
    const hex = SMALL_ORDER_ENCODINGS.map((e) => Buffer.from(e).toString('hex'));
    expect(new Set(hex).size).toBe(8);
    expect(hex).toContain(encode(1n).toString('hex'));
    expect(hex).toContain(encode(P - 1n).toString('hex'));
  });

  it('each let a constant signature verify with OpenSSL, unlike a real key', () => {
    for (const encoding of SMALL_ORDER_ENCODINGS) {
      expect(constantSignatureVerifiesSomeMessage(encoding)).toBe(true);
    }
    expect(constantSignatureVerifiesSomeMessage(freshPublicKey())).toBe(false);
  });

  it('are all refused, with either sign bit', () => {
    for (const encoding of SMALL_ORDER_ENCODINGS) {
      const flipped = Uint8Array.from(encoding);
      flipped[31] = flipped[31]! ^ 0x80;
      expect(isAcceptableEd25519PublicKey(encoding)).toBe(false);
      expect(isAcceptableEd25519PublicKey(flipped)).toBe(false);
    }
  });
});

describe('an Ed25519 public key', () => {
  it('is accepted when freshly generated', () => {
    for (let i = 0; i < 20; i++) expect(isAcceptableEd25519PublicKey(freshPublicKey())).toBe(true);
  });

  it.each([
    ['y = p', encode(P)],
    ['y = p + 1 (the identity spelled above p)', encode(P + 1n)],
    ['y = 2^255 − 1', encode(2n ** 255n - 1n)],
    ['31 bytes', Buffer.alloc(31, 1)],
  ])('is refused when it is not canonical: %s', (_, encoding) => {
    expect(isAcceptableEd25519PublicKey(encoding)).toBe(false);
  });

  it('is refused key_unresolvable on import when it is a small-order point', () => {
    const x = Buffer.from(SMALL_ORDER_ENCODINGS[0]!).toString('base64url');
    expect(() => importPublicJwk({ kty: 'OKP', crv: 'Ed25519', x }, ['ed25519'])).toThrowError(
      expect.objectContaining({ code: 'key_unresolvable' }),
    );
  });
});

describe('the S half of an Ed25519 signature', () => {
  it('is canonical below L and not from L up', () => {
    const r = Buffer.alloc(32);
    expect(hasCanonicalS(Buffer.concat([r, encode(0n)]))).toBe(true);
    expect(hasCanonicalS(Buffer.concat([r, encode(L - 1n)]))).toBe(true);
    expect(hasCanonicalS(Buffer.concat([r, encode(L)]))).toBe(false);
    expect(hasCanonicalS(Buffer.concat([r, encode(2n ** 256n - 1n)]))).toBe(false);
    expect(hasCanonicalS(Buffer.alloc(63))).toBe(false);
  });

  it('is canonical in real signatures, and S + L (same value mod L) is not', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    for (let i = 0; i < 20; i++) {
      const signature = sign(null, Buffer.from(`m${i}`), privateKey);
      expect(hasCanonicalS(signature)).toBe(true);
      let s = 0n;
      for (let j = 63; j >= 32; j--) s = (s << 8n) | BigInt(signature[j]!);
      const malleated = Buffer.concat([signature.subarray(0, 32), encode(s + L)]);
      expect(hasCanonicalS(malleated)).toBe(false);
    }
  });
});
