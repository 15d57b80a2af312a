import { describe, expect, it } from 'vitest';
import { rsaKeySizeProblem } from './check-rsa-key-size.js';

/** base64url of an odd number of exactly `bits` bits, optionally with leading zero bytes. */
function oddOfBits(bits: number, zeroBytes = 0): string {
  const hex = ((1n << BigInt(bits - 1)) | 1n).toString(16);
  const bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  return Buffer.concat([Buffer.alloc(zeroBytes), bytes]).toString('base64url');
}

const E_65537 = 'AQAB';
const N_2048 = oddOfBits(2048);

describe('rsaKeySizeProblem', () => {
  it.each([2048, 3072, 4096])('accepts a %i-bit modulus with e = 65537', (bits) => {
    expect(rsaKeySizeProblem(oddOfBits(bits), E_65537)).toBeUndefined();
  });

  it.each([2047, 4097, 16_384])('refuses a %i-bit modulus', (bits) => {
    expect(rsaKeySizeProblem(oddOfBits(bits), E_65537)).toBe(
      'an RSA modulus must have 2048 to 4096 bits',
    );
  });

  it('counts bits, not bytes: leading zero bytes do not lengthen a modulus', () => {
    expect(rsaKeySizeProblem(oddOfBits(4096, 3), E_65537)).toBeUndefined();
    expect(rsaKeySizeProblem(oddOfBits(2047, 1), E_65537)).toBeDefined();
  });

  it.each([
    ['3', Buffer.from([3]).toString('base64url')],
    ['65537', E_65537],
    ['2^32 − 1', Buffer.from([0xff, 0xff, 0xff, 0xff]).toString('base64url')],
  ])('accepts the exponent %s', (_name, e) => {
    expect(rsaKeySizeProblem(N_2048, e)).toBeUndefined();
  });

  it.each([
    ['1', Buffer.from([1]).toString('base64url')],
    ['even (65536)', Buffer.from([1, 0, 0]).toString('base64url')],
    ['2^32 + 1', Buffer.from([1, 0, 0, 0, 1]).toString('base64url')],
    ['3064 bits long', oddOfBits(3064)],
    ['empty', ''],
    ['missing', undefined],
  ])('refuses the exponent %s', (_name, e) => {
    expect(rsaKeySizeProblem(N_2048, e)).toBe(
      'an RSA public exponent must be odd, at least 3 and at most 32 bits (65537 is usual)',
    );
  });

  it('refuses a modulus that is not a string', () => {
    expect(rsaKeySizeProblem(123, E_65537)).toBeDefined();
  });
});
