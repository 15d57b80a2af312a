import { jwkToMultikey } from './multikey.js';

/**
 * One id per key for the DIDs that are nothing but a key. A did:jwk can be written many ways
 * (member order, extra members) and names the same key as a did:key; revocation, quarantine,
 * workload pins, rate limits and exact policy entries must not be escapable by re-encoding, so
 * they are keyed by the did:key form. Any other id is returned unchanged.
 */
export function canonicalAgentId(id: string): string {
  if (!id.startsWith('did:jwk:')) return id;
  try {
    const jwk = JSON.parse(Buffer.from(id.slice('did:jwk:'.length), 'base64url').toString('utf8'));
    return `did:key:${jwkToMultikey(jwk)}`;
  } catch {
    return id;
  }
}
