/** NIST SP 800-57 Part 1: RSA below 2048 bits is no longer acceptable for signatures. */
export const MIN_RSA_MODULUS_BITS = 2048;
/**
 * The largest modulus accepted. A verify costs about the square of the modulus length, and
 * OpenSSL verifies up to 16 384 bits (several ms each); no signer needs more than 4096.
 */
export const MAX_RSA_MODULUS_BITS = 4096;
/**
 * The largest public exponent accepted: a verify costs one modular squaring per exponent bit,
 * so a caller-chosen 3064-bit exponent costs over a hundred verifies with e = 65537. Every
 * signer uses 65537 (FIPS 186-5 §A.1.1 requires 2^16 < e < 2^256; RFC 8017 allows small e ≥ 3).
 */
export const MAX_RSA_EXPONENT_BITS = 32;

/**
 * Why the RSA public JWK members `n` and `e` (base64url, RFC 7518 §6.3.1) make a key this
 * service will not verify with, read from their bytes before anything imports the key; undefined
 * for a modulus of 2048–4096 bits and an odd exponent from 3 to 2^32 − 1.
 */
export function rsaKeySizeProblem(n: unknown, e: unknown): string | undefined {
  const modulusBits = bitLength(n);
  if (modulusBits < MIN_RSA_MODULUS_BITS || modulusBits > MAX_RSA_MODULUS_BITS) {
    return `an RSA modulus must have ${MIN_RSA_MODULUS_BITS} to ${MAX_RSA_MODULUS_BITS} bits`;
  }
  const exponent = typeof e === 'string' ? Buffer.from(e, 'base64url') : Buffer.alloc(0);
  const exponentBits = bitLength(e);
  const odd = exponent.length > 0 && (exponent[exponent.length - 1]! & 1) === 1;
  if (exponentBits < 2 || exponentBits > MAX_RSA_EXPONENT_BITS || !odd) {
    return `an RSA public exponent must be odd, at least 3 and at most ${MAX_RSA_EXPONENT_BITS} bits (65537 is usual)`;
  }
  return undefined;
}

/** Bits of the unsigned big-endian integer a base64url string encodes; 0 for anything else. */
function bitLength(encoded: unknown): number {
  if (typeof encoded !== 'string') return 0;
  const bytes = Buffer.from(encoded, 'base64url');
  let first = 0;
  while (first < bytes.length && bytes[first] === 0) first += 1;
  if (first === bytes.length) return 0;
  return 8 * (bytes.length - first - 1) + (32 - Math.clz32(bytes[first]!));
}
