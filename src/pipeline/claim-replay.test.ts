import { describe, expect, it } from 'vitest';
import { AuthzError } from '../errors.js';
import { type ReplayStore, type Store, StoreCapacityError } from '../store/store.js';
import type { CheckDeps } from './check-deps.js';
import { claimReplay } from './claim-replay.js';
import { storeForCheck } from './store-for-check.js';

/** The per-check store around a replay store whose every claim fails with `failure`. */
function checkStoreWith(failure: Error, onStoreError: 'deny' | 'allow') {
  const replay: ReplayStore = {
    claim: async () => {
      throw failure;
    },
    size: () => 0,
  };
  const degraded: string[] = [];
  const deps = {
    store: { replay, history: {}, rateLimiter: {} } as unknown as Store,
    onStoreError,
    onStoreDegraded: (step: string) => degraded.push(step),
  } as unknown as CheckDeps;
  return { checkStore: storeForCheck(deps), degraded };
}

const claim = { key: 'sig:abc', ttlMs: 1000 };
const unreachable = new AuthzError('store_unavailable', 'the store did not answer');
const full = new StoreCapacityError('the replay store is full');

describe('claimReplay when the store fails', () => {
  it('denies store_unavailable by default (fail closed)', async () => {
    const { checkStore } = checkStoreWith(unreachable, 'deny');
    await expect(claimReplay(claim, checkStore)).rejects.toBe(unreachable);
  });

  it('lets the request through when the store is unreachable and onStoreError is allow, recording the replay step as unchecked and counting it', async () => {
    const { checkStore, degraded } = checkStoreWith(unreachable, 'allow');
    await expect(claimReplay(claim, checkStore)).resolves.toBeUndefined();
    expect(checkStore.unchecked).toEqual(['replay']);
    expect(degraded).toEqual(['replay']);
  });

  it('denies when the store is full, even with onStoreError: allow', async () => {
    const { checkStore } = checkStoreWith(full, 'allow');
    await expect(claimReplay(claim, checkStore)).rejects.toBe(full);
    expect(checkStore.unchecked).toEqual([]);
  });

  it('passes a replay through whatever onStoreError says', async () => {
    const replayed = new AuthzError('replayed', 'seen');
    const { checkStore } = checkStoreWith(replayed, 'allow');
    await expect(claimReplay(claim, checkStore)).rejects.toBe(replayed);
  });
});
