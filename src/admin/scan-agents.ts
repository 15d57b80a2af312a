import { setImmediate as yieldToChecks } from 'node:timers/promises';
import type { Clock } from '../lib/clock.js';
import type { Policy } from '../policy/policy.js';
import type { HistoryPage, HistoryStore } from '../store/store.js';
import { type AgentFilter, type AgentView, agentView, matchesFilter } from './agent-view.js';

/**
 * What one listing request may examine, whatever its filters and however many agents are in
 * history: at most this many agents, read in store pages of STORE_PAGE, and no new page once
 * SCAN_BUDGET_MS have passed. A filtered listing over a large history (or a slow store)
 * answers a short, even empty, page with `next`, and the client follows it.
 */
export const MAX_SCANNED_PER_REQUEST = 1000;
/**
 * Agents read from the store at a time: one sorted-set range and one batch of Redis reads (a
 * few round trips per request, which is what a busy Redis makes slow), and a slice of
 * synchronous work of a few milliseconds, between which checks run.
 */
export const STORE_PAGE = 250;
export const SCAN_BUDGET_MS = 25;

export interface AgentScan {
  readonly agents: AgentView[];
  /** Where the next request resumes (`after`); absent once every agent has been examined. */
  readonly next?: string;
}

/**
 * Up to `limit` agents after `after` that match `filter`, within the bounds above, yielding to
 * the event loop between store pages so that no listing holds checks back.
 */
export async function scanAgents(
  deps: { readonly history: HistoryStore; readonly policy: Policy; readonly clock: Clock },
  query: { readonly limit: number; readonly after?: string; readonly filter: AgentFilter },
): Promise<AgentScan> {
  const { policy } = deps;
  const startedMs = performance.now();
  const agents: AgentView[] = [];
  let cursor = query.after;
  for (let scanned = 0; scanned < MAX_SCANNED_PER_REQUEST; scanned += STORE_PAGE) {
    if (scanned > 0) {
      if (performance.now() - startedMs >= SCAN_BUDGET_MS) break;
      await yieldToChecks();
    }
    const page = await readPage(deps.history, cursor);
    const nowMs = deps.clock();
    for (const [index, { id, history }] of page.agents.entries()) {
      if (matchesFilter(policy, id, history, nowMs, query.filter)) {
        agents.push(agentView(policy, id, history, nowMs));
      }
      if (agents.length === query.limit) {
        const more = index < page.agents.length - 1 || page.next !== undefined;
        return more ? { agents, next: id } : { agents };
      }
    }
    if (page.next === undefined) return { agents };
    cursor = page.next;
  }
  return { agents, next: cursor! };
}

function readPage(history: HistoryStore, after: string | undefined): Promise<HistoryPage> {
  return history.list({ limit: STORE_PAGE, ...(after === undefined ? {} : { after }) });
}
