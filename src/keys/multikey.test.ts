import { base58btc } from 'multiformats/bases/base58';
import { describe, expect, it } from 'vitest';
import { jwkToMultikey, multikeyToJwk } from './multikey.js';

/*
 * The public halves of RFC 9421 B.1.4 `test-key-ed25519` and B.1.3 `test-key-ecc-p256`, copied
 * here rather than imported from test/fixtures because tsconfig.build.json compiles src/ alone.
 */
const RFC_ED25519 = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs',
};
const RFC_P256 = {
  kty: 'EC',
  crv: 'P-256',
  x: 'qIVYZVLCrPZHGHjP17CTW0_-D9Lfw0EkjqF7xB4FivA',
  y: 'Mc4nN9LTDOBhfoUeg8Ye9WedFRhnZXZJA12Qp0zZ6F0',
};

/** A base58btc multikey of `prefix` (the multicodec varint) followed by `length` key bytes. */
function multikey(prefix: number[], length: number, fill = 0x02): string {
  return base58btc.encode(Uint8Array.from([...prefix, ...new Array<number>(length).fill(fill)]));
}

describe('encoding the RFC 9421 test keys as did:key', () => {
  it('gives test-key-ed25519 the did:key z6Mkh4LmfP1ev9MNPGr7JbEbtD6BD4fsu1duEj83PMCs3xHG', () => {
    expect(`did:key:${jwkToMultikey(RFC_ED25519)}`).toBe(
      'did:key:z6Mkh4LmfP1ev9MNPGr7JbEbtD6BD4fsu1duEj83PMCs3xHG',
    );
  });

  it('gives test-key-ecc-p256 the did:key zDnaeu17qkMASJ85C3awZDjW4u1HT48SN1QbKFJ6Yhr8LXdV9', () => {
    expect(`did:key:${jwkToMultikey(RFC_P256)}`).toBe(
      'did:key:zDnaeu17qkMASJ85C3awZDjW4u1HT48SN1QbKFJ6Yhr8LXdV9',
    );
  });

  it.each([
    ['Ed25519', RFC_ED25519],
    ['P-256', RFC_P256],
  ])('decodes the %s multikey back to the same public JWK', (_name, jwk) => {
    expect(multikeyToJwk(jwkToMultikey(jwk))).toEqual(jwk);
  });
});

describe('decoding a multikey that is not an Ed25519 or P-256 public key', () => {
  it.each([
    ['an X25519 key (0xec)', multikey([0xec, 0x01], 32)],
    ['a secp256k1 key (0xe7)', multikey([0xe7, 0x01], 33)],
    ['a P-384 key (0x1201)', multikey([0x81, 0x24], 49)],
    ['an Ed25519 prefix with 31 key bytes', multikey([0xed, 0x01], 31)],
    ['a P-256 prefix with an uncompressed 65-byte point', multikey([0x80, 0x24], 65, 0x04)],
  ])('is key_unresolvable for %s', (_name, encoded) => {
    expect(() => multikeyToJwk(encoded)).toThrow(
      expect.objectContaining({
        code: 'key_unresolvable',
        message: 'the multibase key is not Ed25519 or P-256',
      }),
    );
  });

  it('is key_unresolvable for a compressed P-256 point with an invalid tag byte', () => {
    const badTag = base58btc.encode(Uint8Array.from([0x80, 0x24, 0x05, ...new Array(32).fill(1)]));
    expect(() => multikeyToJwk(badTag)).toThrow(
      expect.objectContaining({
        code: 'key_unresolvable',
        message: 'the P-256 point is not on the curve',
      }),
    );
  });

  it.each([
    ['an empty string', ''],
    ['a DID instead of its multikey', 'did:key:z6Mkh4LmfP1ev9MNPGr7JbEbtD6BD4fsu1duEj83PMCs3xHG'],
    ['base58 with characters outside the alphabet', 'z0OIl'],
    ['base64url multibase', 'uJrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs'],
  ])('is key_unresolvable for %s', (_name, garbage) => {
    expect(() => multikeyToJwk(garbage)).toThrow(
      expect.objectContaining({
        code: 'key_unresolvable',
        message: 'the key is not base58btc multibase',
      }),
    );
  });

  it('is key_unresolvable for a bare "z" that decodes to no bytes at all', () => {
    expect(() => multikeyToJwk('z')).toThrow(expect.objectContaining({ code: 'key_unresolvable' }));
  });
});
