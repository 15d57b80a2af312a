import { describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../policy/load-policy.js';
import { MemoryHistoryStore } from '../store/memory/memory-history-store.js';
import type { HistoryStore } from '../store/store.js';
import { MAX_SCANNED_PER_REQUEST, SCAN_BUDGET_MS, STORE_PAGE, scanAgents } from './scan-agents.js';

const T0 = Date.UTC(2027, 0, 15, 8, 0, 0);
const policy = parsePolicy(
  'agents:\n  - { id: "did:key:z00001", owner: team-billing }\n  - { id: "did:key:*" }\n',
  'policy.yaml',
  T0,
);
const agentId = (i: number) => `did:key:z${String(i).padStart(5, '0')}`;

function historyOf(count: number): MemoryHistoryStore {
  const history = new MemoryHistoryStore(count);
  for (let i = 0; i < count; i += 1) {
    history.recordOutcome(agentId(i), { allowed: true, workload: undefined, atMs: T0 });
  }
  return history;
}

const scan = (history: HistoryStore, query: Parameters<typeof scanAgents>[1]) =>
  scanAgents({ history, policy, clock: () => T0 }, query);

describe('scanAgents', () => {
  it('examines at most a bounded number of agents per call, and says where to resume', async () => {
    const history = historyOf(2500);
    const reads = vi.spyOn(history, 'list');
    const first = await scan(history, { limit: 1, filter: { owner: 'nobody' } });
    expect(first.agents).toEqual([]);
    const examined = (await Promise.all(reads.mock.results.map((r) => r.value))).reduce(
      (sum, page) => sum + page.agents.length,
      0,
    );
    expect(examined).toBeGreaterThanOrEqual(STORE_PAGE);
    expect(examined).toBeLessThanOrEqual(MAX_SCANNED_PER_REQUEST);
    expect(first.next).toBe(agentId(examined - 1));
  });

  it('finds every match across the whole history by following next, and ends without next', async () => {
    const history = historyOf(2500);
    const found: string[] = [];
    let after: string | undefined;
    let calls = 0;
    do {
      const page = await scan(history, {
        limit: 10,
        ...(after === undefined ? {} : { after }),
        filter: { owner: 'team-billing' },
      });
      found.push(...page.agents.map((agent) => agent.id));
      after = page.next;
      calls += 1;
    } while (after !== undefined);
    expect(found).toEqual([agentId(1)]);
    expect(calls).toBeGreaterThanOrEqual(Math.ceil(2500 / MAX_SCANNED_PER_REQUEST));
  });

  it('stops at limit with next when more agents follow, and without next at the end', async () => {
    const history = historyOf(5);
    const first = await scan(history, { limit: 3, filter: {} });
    expect(first.agents.map((agent) => agent.id)).toEqual([0, 1, 2].map(agentId));
    expect(first.next).toBe(agentId(2));
    const rest = await scan(history, { limit: 2, after: first.next!, filter: {} });
    expect(rest.agents.map((agent) => agent.id)).toEqual([3, 4].map(agentId));
    expect(rest.next).toBeUndefined();
  });

  it('reads no further store page once its time budget has passed (a slow store)', async () => {
    const history = historyOf(500);
    const list = history.list.bind(history);
    const slow: HistoryStore = Object.assign(Object.create(history) as HistoryStore, {
      list: async (options: Parameters<HistoryStore['list']>[0]) => {
        await new Promise((resolve) => setTimeout(resolve, SCAN_BUDGET_MS + 5));
        return list(options);
      },
    });
    const page = await scan(slow, { limit: 1000, filter: {} });
    expect(page.agents).toHaveLength(STORE_PAGE);
    expect(page.next).toBe(agentId(STORE_PAGE - 1));
  });
});
