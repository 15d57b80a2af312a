import { AuthzError } from '../errors.js';
import { checkReplay } from '../replay/check-replay.js';
import type { CheckDeps } from './check-deps.js';

/**
 * Claims a replay key (a signature nonce or a DPoP proof `jti`) for `ttlMs`. When the store
 * cannot answer, `onStoreError: allow` lets the request through; anything else denies.
 */
export async function claimReplay(key: string, ttlMs: number, deps: CheckDeps): Promise<void> {
  try {
    await checkReplay(deps.store.replay, key, Math.max(1, ttlMs));
  } catch (error) {
    const storeDown = error instanceof AuthzError && error.code === 'store_unavailable';
    if (!storeDown || deps.onStoreError === 'deny') throw error;
  }
}
