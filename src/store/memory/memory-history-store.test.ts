import { describe, expect, it } from 'vitest';
import { MemoryHistoryStore } from './memory-history-store.js';

describe('MemoryHistoryStore.list', () => {
  it('pages through every agent by id, after the cursor, with activity or only a binding', async () => {
    const store = new MemoryHistoryStore(100);
    for (const id of ['did:key:c', 'did:key:a', 'did:key:b']) {
      await store.recordOutcome(id, { allowed: true, workload: undefined, atMs: 1 });
    }
    await store.recordDrift('did:key:d', { atMs: 2, from: 'x', to: 'y' }, true);

    const first = await store.list({ limit: 3 });
    expect(first.agents.map((agent) => agent.id)).toEqual(['did:key:a', 'did:key:b', 'did:key:c']);
    expect(first.next).toBe('did:key:c');
    const second = await store.list({ limit: 3, after: first.next! });
    expect(second.agents).toEqual([
      { id: 'did:key:d', history: expect.objectContaining({ quarantined: true }) },
    ]);
    expect(second.next).toBeUndefined();
  });
});

describe('MemoryHistoryStore.recordOutcome', () => {
  it('moves a workload seen again to the end, keeping each workload once', () => {
    const store = new MemoryHistoryStore(10);
    for (const workload of ['w1', 'w2', 'w2', 'w1', 'w3']) {
      store.recordOutcome('did:key:a', { allowed: true, workload, atMs: 1 });
    }
    expect(store.get('did:key:a')?.workloads).toEqual(['w2', 'w1', 'w3']);
  });

  it('leaves a history already read unchanged when it records the next outcome', () => {
    const store = new MemoryHistoryStore(10);
    store.recordOutcome('did:key:a', { allowed: true, workload: 'w1', atMs: 1 });
    const before = store.get('did:key:a');
    store.recordOutcome('did:key:a', { allowed: false, workload: 'w2', atMs: 2 });
    expect(before).toMatchObject({ allowed: 1, denied: 0, lastSeenMs: 1, workloads: ['w1'] });
    expect(store.get('did:key:a')).toMatchObject({ allowed: 1, denied: 1, lastSeenMs: 2 });
  });
});
