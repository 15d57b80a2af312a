import { describe, expect, it } from 'vitest';
import { MAX_HISTORY_PAGE } from '../store.js';
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

  it('lists only agents it still holds: an evicted agent drops out unless it has a binding', async () => {
    const store = new MemoryHistoryStore(2);
    const seen = (id: string) =>
      store.recordOutcome(id, { allowed: true, workload: undefined, atMs: 1 });
    seen('did:key:a');
    await store.pinWorkload('did:key:a', 'spiffe://a');
    seen('did:key:b');
    seen('did:key:b');
    seen('did:key:c');
    seen('did:key:d');
    const listed = await store.list({ limit: 10 });
    expect(listed.agents.map((agent) => agent.id)).toEqual(['did:key:a', 'did:key:c', 'did:key:d']);
    expect(listed.agents[0]!.history).toMatchObject({ allowed: 0, pinnedWorkload: 'spiffe://a' });
  });

  it('does not make listed agents recently used, so listing cannot change what is evicted', async () => {
    const store = new MemoryHistoryStore(2);
    const seen = (id: string) =>
      store.recordOutcome(id, { allowed: true, workload: undefined, atMs: 1 });
    seen('did:key:b');
    seen('did:key:a');
    // Listed a, then b: had listing counted as use, a would now be the least recently used.
    await store.list({ limit: 10 });
    seen('did:key:c');
    expect((await store.list({ limit: 10 })).agents.map((agent) => agent.id)).toEqual([
      'did:key:a',
      'did:key:c',
    ]);
  });

  it('returns at most MAX_HISTORY_PAGE agents however many are asked for', async () => {
    const store = new MemoryHistoryStore(MAX_HISTORY_PAGE + 10);
    for (let i = 0; i < MAX_HISTORY_PAGE + 10; i += 1) {
      store.recordOutcome(`did:key:z${String(i).padStart(5, '0')}`, {
        allowed: true,
        workload: undefined,
        atMs: 1,
      });
    }
    const page = await store.list({ limit: 5000 });
    expect(page.agents).toHaveLength(MAX_HISTORY_PAGE);
    expect(page.next).toBe(page.agents.at(-1)!.id);
  });
});
