import { LRUCache } from 'lru-cache';
import { pageAgentIds } from '../page-agent-ids.js';
import {
  type AgentHistory,
  type DriftEvent,
  type HistoryPage,
  type HistoryStore,
  StoreCapacityError,
} from '../store.js';

const MAX_WORKLOADS = 10;
const MAX_DRIFT_EVENTS = 20;

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

/** Agent history in memory: activity in an LRU, bindings in a map that never evicts. */
export class MemoryHistoryStore implements HistoryStore {
  readonly #activity: LRUCache<string, Activity>;
  readonly #bindings = new Map<string, Binding>();
  readonly #maxBindings: number;

  constructor(maxAgents: number) {
    this.#activity = new LRUCache({ max: maxAgents });
    this.#maxBindings = maxAgents;
  }

  get(agentId: string): AgentHistory | undefined {
    const activity = this.#activity.get(agentId);
    const binding = this.#bindings.get(agentId);
    if (activity === undefined && binding === undefined) return undefined;
    return {
      firstSeenMs: activity?.firstSeenMs ?? 0,
      lastSeenMs: activity?.lastSeenMs ?? 0,
      allowed: activity?.allowed ?? 0,
      denied: activity?.denied ?? 0,
      workloads: [...(activity?.workloads ?? [])],
      pinnedWorkload: binding?.pinned,
      driftEvents: [...(binding?.driftEvents ?? [])],
      quarantined: binding?.quarantined ?? false,
    };
  }

  recordOutcome(
    agentId: string,
    outcome: { allowed: boolean; workload: string | undefined; atMs: number },
  ): void {
    const activity = this.#activity.get(agentId) ?? {
      firstSeenMs: outcome.atMs,
      lastSeenMs: outcome.atMs,
      allowed: 0,
      denied: 0,
      workloads: [],
    };
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
    const page = pageAgentIds([...this.#activity.keys(), ...this.#bindings.keys()], options);
    const agents: Array<{ id: string; history: AgentHistory }> = [];
    for (const id of page.ids) {
      const history = await this.get(id);
      if (history !== undefined) agents.push({ id, history });
    }
    return page.next === undefined ? { agents } : { agents, next: page.next };
  }

  #binding(agentId: string): Binding {
    const existing = this.#bindings.get(agentId);
    if (existing !== undefined) return existing;
    if (this.#bindings.size >= this.#maxBindings) {
      throw new StoreCapacityError('the workload binding store is full');
    }
    const created: Binding = { pinned: undefined, driftEvents: [], quarantined: false };
    this.#bindings.set(agentId, created);
    return created;
  }
}
