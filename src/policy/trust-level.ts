import type { TrustLevel } from '../decision/decision.js';
import type { AgentHistory } from '../store/store.js';
import type { AgentRule, Policy } from './policy.js';

const RANK: Readonly<Record<TrustLevel, number>> = { new: 0, known: 1, trusted: 2 };

export function atLeast(level: TrustLevel, minimum: TrustLevel): boolean {
  return RANK[level] >= RANK[minimum];
}

/**
 * SPEC §5: `trusted` when registered in the policy by its exact id and clean (never drifted,
 * not quarantined); `known` once its history shows `trust.knownAfter` allowed requests over at
 * least `trust.knownAfter.age`; `new` before that. History is read before this request counts.
 */
export function trustLevel(
  policy: Policy,
  rule: AgentRule | undefined,
  history: AgentHistory | undefined,
  nowMs: number,
): TrustLevel {
  const clean = history === undefined || (history.driftEvents.length === 0 && !history.quarantined);
  if (rule?.exact && clean) return 'trusted';
  if (history === undefined || history.firstSeenMs === 0) return 'new';
  const { knownAfterRequests, knownAfterAgeMs } = policy.trust;
  const seasoned =
    history.allowed >= knownAfterRequests && nowMs - history.firstSeenMs >= knownAfterAgeMs;
  return seasoned ? 'known' : 'new';
}
