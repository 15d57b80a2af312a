import { canonicalAgentId } from '../keys/canonical-agent-id.js';
import type { AgentRule, Policy } from './policy.js';

/**
 * The entry for an agent: exact ids first (a map lookup, by the canonical id so a re-encoded
 * did:jwk finds its entry), then patterns against the id as presented, in file order.
 */
export function findAgentRule(
  policy: Policy,
  agentId: string,
  stateId: string = canonicalAgentId(agentId),
): AgentRule | undefined {
  const exact = policy.exactAgents.get(stateId) ?? policy.exactAgents.get(agentId);
  if (exact !== undefined) return exact;
  return policy.patternAgents.find(({ pattern }) => pattern.test(agentId))?.rule;
}
