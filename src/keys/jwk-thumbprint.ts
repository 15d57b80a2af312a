import { createHash } from 'node:crypto';

/** RFC 7638 §3.2 (and RFC 8037 §2 for OKP): the required members of each key type, sorted. */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
};

/**
 * The RFC 7638 JWK SHA-256 thumbprint, base64url: SHA-256 over the JSON object of the required
 * members in lexicographic order with no whitespace. Null for a key type without a thumbprint
 * definition here or with a required member missing.
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string | null {
  const members = REQUIRED_MEMBERS[String(jwk.kty)];
  if (members === undefined) return null;
  const values = members.map((name) => jwk[name]);
  if (values.some((value) => typeof value !== 'string')) return null;
  // JSON.stringify of strings gives RFC 7638's escaping; the keys are fixed ASCII names.
  const canonical = `{${members.map((name, i) => `"${name}":${JSON.stringify(values[i])}`).join(',')}}`;
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}
