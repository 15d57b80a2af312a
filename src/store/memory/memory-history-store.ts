import { LRUCache } from 'lru-cache';
import {
  type AgentHistory,
  type DriftEvent,
  type HistoryPage,
  type HistoryStore,
  MAX_HISTORY_PAGE,
  StoreCapacityError,
} from '../store.js';
import { SortedAgentIds } from './sorted-agent-ids.js';

const MAX_WORKLOADS = 10;
const MAX_DRIFT_EVENTS = 20;

/**
 * The arrays in Activity and Binding are replaced on every change, never changed in place, so
 * a history handed out may share them.
 */
interface Activity {
  firstSeenMs: number;
  lastSeenMs: number;
  allowed: number;
  denied: number;
  workloads: string[];
}

interface Binding {
  pinned: string | undefined;
  driftEvents: DriftEvent[];
  quarantined: boolean;
}

/**
 * Agent history in memory: activity in an LRU, bindings in a map that never evicts, and the
 * ids of both in a sorted index that follows every addition and eviction, for `list`.
 */
export class MemoryHistoryStore implements HistoryStore {
  readonly #activity: LRUCache<string, Activity>;
  readonly #bindings = new Map<string, Binding>();
  readonly #maxBindings: number;
  readonly #ids = new SortedAgentIds();

  constructor(maxAgents: number) {
    this.#activity = new LRUCache({
      max: maxAgents,
      // Replacing an agent's activity keeps the agent; any other removal may forget it.
      dispose: (_activity, agentId, reason) => {
        if (reason !== 'set' && !this.#bindings.has(agentId)) this.#ids.delete(agentId);
      },
    });
    this.#maxBindings = maxAgents;
  }

  get(agentId: string): AgentHistory | undefined {
    return this.#history(agentId, this.#activity.get(agentId));
  }

  #history(agentId: string, activity: Activity | undefined): AgentHistory | undefined {
    const binding = this.#bindings.get(agentId);
    if (activity === undefined && binding === undefined) return undefined;
    return {
      firstSeenMs: activity?.firstSeenMs ?? 0,
      lastSeenMs: activity?.lastSeenMs ?? 0,
      allowed: activity?.allowed ?? 0,
      denied: activity?.denied ?? 0,
      workloads: activity?.workloads ?? [],
      pinnedWorkload: binding?.pinned,
      driftEvents: binding?.driftEvents ?? [],
      quarantined: binding?.quarantined ?? false,
    };
  }

  recordOutcome(
    agentId: string,
    outcome: { allowed: boolean; workload: string | undefined; atMs: number },
  ): void {
    const activity = this.#activity.get(agentId) ?? this.#newActivity(agentId, outcome.atMs);
    activity.lastSeenMs = outcome.atMs;
    if (outcome.allowed) activity.allowed += 1;
    else activity.denied += 1;
    if (outcome.workload !== undefined) {
      activity.workloads = [
        ...activity.workloads.filter((w) => w !== outcome.workload),
        outcome.workload,
      ];
      activity.workloads = activity.workloads.slice(-MAX_WORKLOADS);
    }
    this.#activity.set(agentId, activity);
  }

  async pinWorkload(agentId: string, fingerprint: string): Promise<string> {
    const binding = this.#binding(agentId);
    binding.pinned ??= fingerprint;
    return binding.pinned;
  }

  async recordDrift(agentId: string, event: DriftEvent, quarantine: boolean): Promise<void> {
    const binding = this.#binding(agentId);
    binding.driftEvents = [...binding.driftEvents, event].slice(-MAX_DRIFT_EVENTS);
    if (quarantine) binding.quarantined = true;
  }

  async release(agentId: string): Promise<boolean> {
    const binding = this.#bindings.get(agentId);
    if (binding === undefined || !binding.quarantined) return false;
    binding.quarantined = false;
    return true;
  }

  async list(options: { after?: string; limit: number }): Promise<HistoryPage> {
    const limit = Math.min(options.limit, MAX_HISTORY_PAGE);
    const page = this.#ids.page({ ...options, limit });
    const agents: Array<{ id: string; history: AgentHistory }> = [];
    for (const id of page.ids) {
      // A peek: listing does not make an agent recently used, so it cannot change what is evicted.
      const history = this.#history(id, this.#activity.peek(id));
      if (history !== undefined) agents.push({ id, history });
    }
    return page.next === undefined ? { agents } : { agents, next: page.next };
  }

  #newActivity(agentId: string, atMs: number): Activity {
    this.#ids.add(agentId);
    return { firstSeenMs: atMs, lastSeenMs: atMs, allowed: 0, denied: 0, workloads: [] };
  }

  #binding(agentId: string): Binding {
    const existing = this.#bindings.get(agentId);
    if (existing !== undefined) return existing;
    if (this.#bindings.size >= this.#maxBindings) {
      throw new StoreCapacityError('the workload binding store is full');
    }
    const created: Binding = { pinned: undefined, driftEvents: [], quarantined: false };
    this.#bindings.set(agentId, created);
    this.#ids.add(agentId);
    return created;
  }
}
