import { canonicalAgentId, canonicalKeyId } from '../keys/canonical-agent-id.js';
import type { RevocationStore } from '../store/store.js';

/**
 * The ids a revocation is recorded under: as written and in canonical form, so revoking a
 * did:jwk (or its key id) revokes that key under every encoding, including as a did:key.
 */
export function revocationIds(id: string): string[] {
  return [...new Set([id, canonicalAgentId(id), canonicalKeyId(id)])];
}

/** Revokes an agent id, key id or token id in the store (the admin API's entry point). */
export async function revoke(store: RevocationStore, id: string): Promise<void> {
  for (const each of revocationIds(id)) await store.revoke(each);
}

/** Lifts a revocation made with `revoke`; false when nothing was revoked under `id`. */
export async function unrevoke(store: RevocationStore, id: string): Promise<boolean> {
  let removed = false;
  for (const each of revocationIds(id)) removed = (await store.unrevoke(each)) || removed;
  return removed;
}
