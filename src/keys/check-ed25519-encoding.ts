/**
 * RFC 8032 encodings that a cofactorless verifier (OpenSSL, what `node:crypto` uses) accepts
 * but must not be believed: small-order and non-canonical public keys, and a non-canonical S.
 *
 * A small-order public key A makes [k]A fall in the eight-point torsion subgroup, so a
 * constant signature (R = identity, S = 0) satisfies [S]B = R + [k]A for many or all messages:
 * anyone "signs" for that key without a private key.
 */

/** The field prime p = 2^255 − 19. */
const P = 2n ** 255n - 19n;
/** The prime order of the base point, L = 2^252 + 27742317777372353535851937790883648493. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

const Y_MASK = (1n << 255n) - 1n;

/** True when `publicKey` is 32 bytes with y < p and is not one of the 8 small-order points. */
export function isAcceptableEd25519PublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32) return false;
  // RFC 8032 §5.1.3: the top bit is the sign of x; the rest is y, which must be below p.
  const y = littleEndian(publicKey) & Y_MASK;
  return y < P && !SMALL_ORDER_Y.has(y);
}

/** RFC 8032 §5.1.7 step 1: S, the second half of the signature, must be below L. */
export function hasCanonicalS(signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  // S < L ⇔ S compares below L from the most significant byte down.
  for (let i = 31; i >= 0; i--) {
    const s = signature[32 + i]!;
    const l = L_BYTES[i]!;
    if (s !== l) return s < l;
  }
  return false;
}

function littleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

function toLittleEndian(value: bigint): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn));
}

const L_BYTES = toLittleEndian(L);

/**
 * The y coordinates of the points of order dividing 8 on edwards25519 (−x² + y² = 1 + d·x²·y²).
 * A point and its negation share y, so this set covers every encoding of those 8 points,
 * whatever the sign bit says:
 * - order 1 and 2: x = 0, y = ±1;
 * - order 4: y = 0 (then x² = −1);
 * - order 8: doubling gives y(2P) = (x² + y²) / (2 + x² − y²), which is 0 (order 4) exactly
 *   when x² = −y²; on the curve that means d·y⁴ + 2y² − 1 = 0, so y² = (−1 ± √(1 + d)) / d.
 */
const SMALL_ORDER_Y: ReadonlySet<bigint> = (() => {
  const d = mod(-121665n * inverse(121666n));
  const ys = new Set([1n, P - 1n, 0n]);
  const root = sqrt(1n + d)!;
  for (const r of [root, P - root]) {
    const y = sqrt(mod((r - 1n) * inverse(d)));
    if (y !== undefined) ys.add(y).add(P - y);
  }
  return ys;
})();

function mod(a: bigint): bigint {
  const r = a % P;
  return r < 0n ? r + P : r;
}

function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}

function inverse(a: bigint): bigint {
  return power(a, P - 2n);
}

/** A square root mod p (p ≡ 5 mod 8, RFC 8032 §5.1.3), or undefined when there is none. */
function sqrt(a: bigint): bigint | undefined {
  const target = mod(a);
  const candidate = power(target, (P + 3n) / 8n);
  if (mod(candidate * candidate - target) === 0n) return candidate;
  const other = (candidate * power(2n, (P - 1n) / 4n)) % P;
  return mod(other * other - target) === 0n ? other : undefined;
}

/**
 * The canonical encodings of the 8 small-order points: each y with both signs of x, except
 * y = ±1 where x = 0 has only the positive sign.
 */
export const SMALL_ORDER_ENCODINGS: readonly Uint8Array[] = [...SMALL_ORDER_Y].flatMap((y) => {
  const encoding = toLittleEndian(y);
  if (y === 1n || y === P - 1n) return [encoding];
  const negative = Uint8Array.from(encoding);
  negative[31] = negative[31]! | 0x80;
  return [encoding, negative];
});
