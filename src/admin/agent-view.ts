import type { TrustLevel } from '../decision/decision.js';
import { findAgentRule } from '../policy/find-agent-rule.js';
import type { Policy } from '../policy/policy.js';
import { trustLevel } from '../policy/trust-level.js';
import type { AgentHistory } from '../store/store.js';

/** One agent as the admin API shows it: its history with what the policy says about it. */
export interface AgentView {
  readonly id: string;
  readonly registered: boolean;
  readonly owner: string | null;
  /** Zones the policy allows it in; null when its rule (or the default) does not restrict. */
  readonly zones: string[] | null;
  readonly trust: TrustLevel;
  readonly quarantined: boolean;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly allowed: number;
  readonly denied: number;
  readonly workloads: readonly string[];
  readonly pinnedWorkload: string | null;
  readonly driftEvents: Array<{ at: string; from: string; to: string }>;
}

export interface AgentFilter {
  readonly trust?: TrustLevel;
  readonly owner?: string;
  readonly zone?: string;
  readonly quarantined?: boolean;
}

/** `id` is the id history is kept under (canonical for did:key and did:jwk). */
export function agentView(
  policy: Policy,
  id: string,
  history: AgentHistory | undefined,
  nowMs: number,
): AgentView {
  const rule = findAgentRule(policy, id, id);
  const at = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);
  return {
    id,
    registered: rule !== undefined,
    owner: rule?.owner ?? null,
    zones: rule?.zones === undefined ? null : [...rule.zones],
    trust: trustLevel(policy, rule, history, nowMs),
    quarantined: history?.quarantined ?? false,
    firstSeen: at(history?.firstSeenMs),
    lastSeen: at(history?.lastSeenMs),
    allowed: history?.allowed ?? 0,
    denied: history?.denied ?? 0,
    workloads: history?.workloads ?? [],
    pinnedWorkload: history?.pinnedWorkload ?? null,
    driftEvents: (history?.driftEvents ?? []).map((event) => ({
      at: new Date(event.atMs).toISOString(),
      from: event.from,
      to: event.to,
    })),
  };
}

/**
 * Whether the agent passes every given filter; a zone matches agents whose rule allows it (or
 * any zone). Decided from the rule and history alone, so a listing builds a view only for the
 * agents it returns.
 */
export function matchesFilter(
  policy: Policy,
  id: string,
  history: AgentHistory | undefined,
  nowMs: number,
  filter: AgentFilter,
): boolean {
  if (filter.quarantined !== undefined && (history?.quarantined ?? false) !== filter.quarantined) {
    return false;
  }
  const rule = findAgentRule(policy, id, id);
  if (filter.owner !== undefined && (rule?.owner ?? null) !== filter.owner) return false;
  if (filter.zone !== undefined && rule?.zones !== undefined && !rule.zones.has(filter.zone)) {
    return false;
  }
  return filter.trust === undefined || trustLevel(policy, rule, history, nowMs) === filter.trust;
}
