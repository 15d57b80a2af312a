import * as crypto from 'node:crypto';

/** `crypto.hash` (Node 20.12+) hashes in one call; older Node 20 lines fall back to createHash. */
const oneShot = typeof crypto.hash === 'function' ? crypto.hash : undefined;

/**
 * base64url(SHA-256(token)): the verified-token cache's key, and a DPoP proof's `ath`
 * (RFC 9449 §4.2: the hash of the ASCII access token). Computed once per presented token.
 */
export function tokenSha256(token: string): string {
  if (oneShot !== undefined) return oneShot('sha256', token, 'base64url');
  return crypto.createHash('sha256').update(token).digest('base64url');
}
