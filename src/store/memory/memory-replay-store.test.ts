import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthzError } from '../../errors.js';
import { MemoryReplayStore } from './memory-replay-store.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('MemoryReplayStore', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('says fresh the first time a key is claimed and seen afterwards', async () => {
    const store = new MemoryReplayStore(10);
    expect(await store.claim('k', 60_000)).toBe('fresh');
    expect(await store.claim('k', 60_000)).toBe('seen');
    expect(store.size()).toBe(1);
  });

  it('forgets a key once its ttl has passed', async () => {
    const store = new MemoryReplayStore(10);
    await store.claim('k', 30);
    await sleep(60);
    expect(await store.claim('k', 30)).toBe('fresh');
  });

  it('refuses with store_unavailable at capacity instead of evicting a live entry', async () => {
    const store = new MemoryReplayStore(3);
    for (const key of ['a', 'b', 'c']) await store.claim(key, 60_000);
    let refusal: unknown;
    try {
      store.claim('d', 60_000);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(AuthzError);
    expect((refusal as AuthzError).code).toBe('store_unavailable');
    // Nothing was forgotten to make room.
    for (const key of ['a', 'b', 'c']) expect(await store.claim(key, 60_000)).toBe('seen');
  });

  it('makes room at capacity by dropping only expired entries', async () => {
    const store = new MemoryReplayStore(2);
    await store.claim('short', 20);
    await store.claim('long', 60_000);
    await sleep(50);
    expect(await store.claim('new', 60_000)).toBe('fresh');
    expect(await store.claim('long', 60_000)).toBe('seen');
  });

  it('holds a key for its ttl of steady time, whatever the wall clock does meanwhile', () => {
    const store = new MemoryReplayStore(10);
    store.claim('k', 60_000);
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 3_600_000);
    expect(store.claim('k', 60_000)).toBe('seen');
  });

  it('claims an expired key afresh without counting it twice', async () => {
    const store = new MemoryReplayStore(1);
    store.claim('k', 10);
    await sleep(30);
    expect(store.claim('k', 60_000)).toBe('fresh');
    expect(store.size()).toBe(1);
    expect(store.claim('k', 60_000)).toBe('seen');
  });

  it('holds a key claimed with a TTL that is not a number, rather than forgetting it', async () => {
    const store = new MemoryReplayStore(10);
    store.claim('k', Number.NaN);
    await sleep(20);
    expect(store.claim('k', 60_000)).toBe('seen');
  });
});
