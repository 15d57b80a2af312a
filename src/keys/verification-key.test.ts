import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthzError } from '../errors.js';
import { DID_ALGORITHMS, importPublicJwk } from './verification-key.js';

const ALL = ['ed25519', 'ecdsa-p256-sha256', 'rsa-pss-sha512'] as const;
const jwkOf = (pair: { publicKey: { export(o: { format: 'jwk' }): object } }) =>
  pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof AuthzError ? error.code : 'not an AuthzError';
  }
}

describe('importPublicJwk', () => {
  it('takes the algorithm from the key type', () => {
    expect(importPublicJwk(jwkOf(generateKeyPairSync('ed25519')), ALL).algorithm).toBe('ed25519');
    expect(
      importPublicJwk(jwkOf(generateKeyPairSync('ec', { namedCurve: 'P-256' })), ALL).algorithm,
    ).toBe('ecdsa-p256-sha256');
  });

  it('refuses RSA for DID keys, which sign with Ed25519 or P-256 only', () => {
    const rsa = jwkOf(generateKeyPairSync('rsa', { modulusLength: 2048 }));
    expect(codeOf(() => importPublicJwk(rsa, DID_ALGORITHMS))).toBe('key_unresolvable');
    expect(importPublicJwk(rsa, ALL).algorithm).toBe('rsa-pss-sha512');
  });

  it('refuses RSA keys shorter than 2048 bits', () => {
    const weak = jwkOf(generateKeyPairSync('rsa', { modulusLength: 1536 }));
    expect(codeOf(() => importPublicJwk(weak, ALL))).toBe('key_unresolvable');
  });

  it('refuses an RSA key above 4096 bits or with a long exponent before importing it', () => {
    const odd = (bits: number) =>
      Buffer.from(
        ((1n << BigInt(bits - 1)) | 1n).toString(16).padStart(Math.ceil(bits / 8) * 2, '0'),
        'hex',
      ).toString('base64url');
    const huge = { kty: 'RSA', n: odd(16_384), e: 'AQAB' };
    const slow = { kty: 'RSA', n: odd(3072), e: odd(3064) };
    for (const jwk of [huge, slow]) {
      expect(() => importPublicJwk(jwk, ALL)).toThrow(
        expect.objectContaining({
          code: 'key_unresolvable',
          message: expect.stringMatching(/^an RSA /),
        }),
      );
    }
  });

  it('refuses a published key that carries private material', () => {
    const pair = generateKeyPairSync('ed25519');
    const withPrivate = pair.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
    expect(codeOf(() => importPublicJwk(withPrivate, ALL))).toBe('key_unresolvable');
  });

  it('refuses other curves and key types', () => {
    expect(
      codeOf(() => importPublicJwk(jwkOf(generateKeyPairSync('ec', { namedCurve: 'P-384' })), ALL)),
    ).toBe('key_unresolvable');
    expect(codeOf(() => importPublicJwk({ kty: 'oct', k: 'c2VjcmV0' }, ALL))).toBe(
      'key_unresolvable',
    );
    expect(codeOf(() => importPublicJwk({ kty: 'OKP', crv: 'Ed25519', x: '!!' }, ALL))).toBe(
      'key_unresolvable',
    );
  });
});
