import { describe, expect, it } from 'vitest';
import { AuthzError } from '../errors.js';
import { MemoryReplayStore } from '../store/memory/memory-replay-store.js';
import { checkReplay, replayKey } from './check-replay.js';

describe('replayKey', () => {
  it('keeps pairs apart that plain concatenation would collide ("a"+"bc" vs "ab"+"c")', () => {
    expect(replayKey('sig', 'a', 'bc')).not.toBe(replayKey('sig', 'ab', 'c'));
    expect(replayKey('sig', 'a|1:', 'b')).not.toBe(replayKey('sig', 'a', '1:b'));
  });

  it('is the same for the same key id and nonce, and differs by namespace', () => {
    expect(replayKey('sig', 'did:key:z6Mk#z6Mk', 'n1')).toBe(
      replayKey('sig', 'did:key:z6Mk#z6Mk', 'n1'),
    );
    expect(replayKey('sig', 'k', 'n')).not.toBe(replayKey('dpop', 'k', 'n'));
  });

  it('has a bounded length whatever the key id', () => {
    expect(replayKey('sig', 'did:jwk:'.padEnd(5000, 'x'), 'n').length).toBe(
      replayKey('sig', 'k', 'n').length,
    );
  });
});

describe('checkReplay', () => {
  it('denies replayed on the second claim of a key, synchronously with the memory store', () => {
    const store = new MemoryReplayStore(10);
    expect(checkReplay(store, 'k', 1000)).toBeUndefined();
    expect(() => checkReplay(store, 'k', 1000)).toThrowError(
      expect.objectContaining({ code: 'replayed' }),
    );
  });

  it('denies replayed through the promise of a store that answers later', async () => {
    const memory = new MemoryReplayStore(10);
    const later = {
      claim: async (key: string, ttlMs: number) => memory.claim(key, ttlMs),
      size: () => 0,
    };
    await checkReplay(later, 'k', 1000);
    const error = await Promise.resolve(checkReplay(later, 'k', 1000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthzError);
    expect((error as AuthzError).code).toBe('replayed');
  });
});
