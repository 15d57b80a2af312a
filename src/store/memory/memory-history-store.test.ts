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
