import { ECDH } from 'node:crypto';
import { base58btc } from 'multiformats/bases/base58';
import { AuthzError } from '../errors.js';

/** Multicodec prefixes (unsigned varints) of the public key types did:key supports here. */
const ED25519_PUB = [0xed, 0x01] as const;
const P256_PUB = [0x80, 0x24] as const;

/**
 * Decodes a base58btc multibase public key (`z6Mk…`, `zDn…`) into a public JWK.
 * Throws `key_unresolvable` for any other encoding or key type.
 */
export function multikeyToJwk(multibase: string): Record<string, string> {
  const bytes = decodeBase58btc(multibase);
  if (hasPrefix(bytes, ED25519_PUB) && bytes.length === 34) {
    return { kty: 'OKP', crv: 'Ed25519', x: b64url(bytes.subarray(2)) };
  }
  if (hasPrefix(bytes, P256_PUB) && bytes.length === 35) {
    return p256CompressedToJwk(bytes.subarray(2));
  }
  throw new AuthzError('key_unresolvable', 'the multibase key is not Ed25519 or P-256');
}

/** Encodes a public JWK as a base58btc multikey, the inverse of `multikeyToJwk`. */
export function jwkToMultikey(jwk: { kty?: string; crv?: string; x?: string; y?: string }): string {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && jwk.x) {
    return base58btc.encode(concat(ED25519_PUB, Buffer.from(jwk.x, 'base64url')));
  }
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && jwk.x && jwk.y) {
    const uncompressed = Buffer.concat([
      Buffer.of(0x04),
      Buffer.from(jwk.x, 'base64url'),
      Buffer.from(jwk.y, 'base64url'),
    ]);
    const compressed = ECDH.convertKey(
      uncompressed,
      'prime256v1',
      undefined,
      undefined,
      'compressed',
    );
    return base58btc.encode(concat(P256_PUB, compressed as Buffer));
  }
  throw new Error('only Ed25519 and P-256 public JWKs have a multikey form here');
}

function decodeBase58btc(multibase: string): Uint8Array {
  try {
    return base58btc.decode(multibase);
  } catch (error) {
    throw new AuthzError('key_unresolvable', 'the key is not base58btc multibase', {
      cause: error,
    });
  }
}

function p256CompressedToJwk(point: Uint8Array): Record<string, string> {
  let uncompressed: Buffer;
  try {
    uncompressed = ECDH.convertKey(
      point,
      'prime256v1',
      undefined,
      undefined,
      'uncompressed',
    ) as Buffer;
  } catch (error) {
    throw new AuthzError('key_unresolvable', 'the P-256 point is not on the curve', {
      cause: error,
    });
  }
  return {
    kty: 'EC',
    crv: 'P-256',
    x: b64url(uncompressed.subarray(1, 33)),
    y: b64url(uncompressed.subarray(33, 65)),
  };
}

function hasPrefix(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

function concat(prefix: readonly number[], key: Uint8Array): Uint8Array {
  return Uint8Array.from([...prefix, ...key]);
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
