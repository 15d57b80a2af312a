import { describe, expect, it } from 'vitest';
import { SortedAgentIds } from './sorted-agent-ids.js';

describe('SortedAgentIds', () => {
  it('pages through ids in code-unit order, the cursor exclusive, next only when more follow', () => {
    const ids = new SortedAgentIds();
    for (const id of ['did:key:c', 'did:web:a', 'did:key:a', 'did:key:B', 'did:key:b']) ids.add(id);
    ids.add('did:key:a');
    expect(ids.size).toBe(5);
    expect(ids.page({ limit: 2 })).toEqual({ ids: ['did:key:B', 'did:key:a'], next: 'did:key:a' });
    expect(ids.page({ after: 'did:key:a', limit: 2 })).toEqual({
      ids: ['did:key:b', 'did:key:c'],
      next: 'did:key:c',
    });
    expect(ids.page({ after: 'did:key:c', limit: 2 })).toEqual({ ids: ['did:web:a'] });
    expect(ids.page({ after: 'did:key:bb', limit: 1 })).toEqual({
      ids: ['did:key:c'],
      next: 'did:key:c',
    });
    expect(ids.page({ after: 'did:web:a', limit: 2 })).toEqual({ ids: [] });
  });

  it('answers an empty page for a limit of zero or less, and forgets deleted ids', () => {
    const ids = new SortedAgentIds();
    for (const id of ['a', 'b', 'c']) ids.add(id);
    expect(ids.page({ limit: 0 })).toEqual({ ids: [] });
    expect(ids.page({ limit: -1 })).toEqual({ ids: [] });
    ids.delete('b');
    ids.delete('absent');
    expect(ids.page({ limit: 5 })).toEqual({ ids: ['a', 'c'] });
  });
});
