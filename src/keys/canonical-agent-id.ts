import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { jwkToMultikey } from './multikey.js';

/**
 * One id per key for the DIDs that are nothing but a key. A did:jwk can be written many ways
 * (member order, extra members, zero-padded coordinates) and names the same key as a did:key;
 * revocation, quarantine, workload pins, rate limits and exact policy entries must not be
 * escapable by re-encoding, so they are keyed by the did:key form. The key goes through an
 * import and export first, so every encoding Node accepts maps to the same id. Any other id is
 * returned unchanged.
 */
export function canonicalAgentId(id: string): string {
  if (!id.startsWith('did:jwk:')) return id;
  const multikey = didJwkMultikey(id.slice('did:jwk:'.length));
  return multikey === undefined ? id : `did:key:${multikey}`;
}

/** The same for a key id: `did:jwk:…#0` → `did:key:z…#z…`. */
export function canonicalKeyId(keyId: string): string {
  const hash = keyId.indexOf('#');
  if (!keyId.startsWith('did:jwk:') || hash === -1) return keyId;
  const multikey = didJwkMultikey(keyId.slice('did:jwk:'.length, hash));
  return multikey === undefined ? keyId : `did:key:${multikey}#${multikey}`;
}

function didJwkMultikey(encoded: string): string | undefined {
  try {
    const jwk = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as JsonWebKey;
    const normalised = createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'jwk' });
    return jwkToMultikey(normalised);
  } catch {
    return undefined;
  }
}
