import { createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  TEST_KEY_ECC_P256_PUBLIC,
  TEST_KEY_ED25519_PUBLIC,
  TEST_KEY_RSA_PSS_PUBLIC,
  TEST_KEY_RSA_PUBLIC,
} from '../../test/fixtures/rfc9421-keys.js';
import { jwkThumbprint } from './jwk-thumbprint.js';
import { findKnownTestKey, KNOWN_TEST_KEYS, knownTestKeyOf } from './known-test-keys.js';

const RFC9421_KEYS = [
  ['B.1.1', TEST_KEY_RSA_PUBLIC],
  ['B.1.2', TEST_KEY_RSA_PSS_PUBLIC],
  ['B.1.3', TEST_KEY_ECC_P256_PUBLIC],
  ['B.1.4', TEST_KEY_ED25519_PUBLIC],
] as const;

describe('the known test keys', () => {
  it.each(RFC9421_KEYS)('list the RFC 9421 Appendix %s key by its thumbprint', (section, jwk) => {
    const found = findKnownTestKey(jwkThumbprint(jwk)!);
    expect(found?.source).toContain(`Appendix ${section}`);
  });

  it.each(RFC9421_KEYS)('recognise the imported %s key object', (_section, jwk) => {
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    expect(knownTestKeyOf(key)).toBeDefined();
    expect(knownTestKeyOf(key)).toBe(knownTestKeyOf(key));
  });

  it('include the keyids the Web Bot Auth draft vectors sign with', () => {
    for (const keyid of [
      'poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U',
      'oD0HwocPBSfpNy5W3bpJeyFGY_IQ_YpqxSjQ3Yd-CLA',
    ]) {
      expect(findKnownTestKey(keyid)).toBeDefined();
    }
    expect(KNOWN_TEST_KEYS).toHaveLength(4);
  });

  it('do not include a freshly generated key', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    expect(knownTestKeyOf(publicKey)).toBeUndefined();
    expect(findKnownTestKey(jwkThumbprint(publicKey.export({ format: 'jwk' }))!)).toBeUndefined();
  });
});
