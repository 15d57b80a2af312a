import { checkReplay } from '../replay/check-replay.js';
import { isOutage } from '../store/fail-open-store.js';
import { isPromise, type MaybePromise } from '../store/store.js';
import type { CheckStore } from './store-for-check.js';
import type { ReplayClaim } from './verified-credential.js';

/**
 * Claims a replay key (a signature nonce or a DPoP proof `jti`) for its time to live. When the
 * store cannot be reached, `onStoreError: allow` lets the request through, recorded as an
 * unchecked `replay` step (so the decision never claims the nonce was checked); a store that is
 * full always denies, because failing open there would switch replay protection off for anyone
 * who can fill it.
 */
export function claimReplay(claim: ReplayClaim, checkStore: CheckStore): MaybePromise<void> {
  const unreachable = (error: unknown): void => {
    if (!isOutage(error) || !checkStore.failOpen) throw error;
    checkStore.skipped('replay');
  };
  try {
    const claimed = checkReplay(checkStore.store.replay, claim.key, Math.max(1, claim.ttlMs));
    if (isPromise(claimed)) return claimed.catch(unreachable);
  } catch (error) {
    unreachable(error);
  }
}
