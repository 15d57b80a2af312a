import { createPrivateKey, type JsonWebKey, sign } from 'node:crypto';

/** The JWS algorithm of an agent key: Ed25519 → EdDSA, P-256 → ES256. */
export function jwsAlgorithm(privateJwk: JsonWebKey): 'EdDSA' | 'ES256' {
  if (privateJwk.kty === 'OKP' && privateJwk.crv === 'Ed25519') return 'EdDSA';
  if (privateJwk.kty === 'EC' && privateJwk.crv === 'P-256') return 'ES256';
  throw new Error('agent keys are Ed25519 or P-256');
}

/** RFC 7515 compact serialisation, signed with an Ed25519 or P-256 private JWK. */
export function signCompactJws(
  header: Readonly<Record<string, unknown>>,
  payload: Readonly<Record<string, unknown>>,
  privateJwk: JsonWebKey,
): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  const signature =
    jwsAlgorithm(privateJwk) === 'EdDSA'
      ? sign(null, Buffer.from(input), key)
      : sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** The public half of a private JWK (drops `d`). */
export function publicJwkOf(privateJwk: JsonWebKey): JsonWebKey {
  const { d: _private, ...publicJwk } = privateJwk;
  return publicJwk;
}
