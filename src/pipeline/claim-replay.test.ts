import { describe, expect, it } from 'vitest';
import { AuthzError } from '../errors.js';
import { type ReplayStore, type Store, StoreCapacityError } from '../store/store.js';
import type { CheckDeps } from './check-deps.js';
import { claimReplay } from './claim-replay.js';

/** Deps around a replay store whose every claim fails with `failure`. */
function depsWith(failure: Error, onStoreError: 'deny' | 'allow'): CheckDeps {
  const replay: ReplayStore = {
    claim: async () => {
      throw failure;
    },
    size: () => 0,
  };
  return { store: { replay } as unknown as Store, onStoreError } as CheckDeps;
}

const claim = { key: 'sig:abc', ttlMs: 1000 };
const unreachable = new AuthzError('store_unavailable', 'the store did not answer');
const full = new StoreCapacityError('the replay store is full');

describe('claimReplay when the store fails', () => {
  it('denies store_unavailable by default (fail closed)', async () => {
    await expect(claimReplay(claim, depsWith(unreachable, 'deny'))).rejects.toBe(unreachable);
  });

  it('lets the request through when the store is unreachable and onStoreError is allow', async () => {
    await expect(claimReplay(claim, depsWith(unreachable, 'allow'))).resolves.toBeUndefined();
  });

  it('denies when the store is full, even with onStoreError: allow', async () => {
    await expect(claimReplay(claim, depsWith(full, 'allow'))).rejects.toBe(full);
  });

  it('passes a replay through whatever onStoreError says', async () => {
    const replayed = new AuthzError('replayed', 'seen');
    await expect(claimReplay(claim, depsWith(replayed, 'allow'))).rejects.toBe(replayed);
  });
});
