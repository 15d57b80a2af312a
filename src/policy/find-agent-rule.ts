import { canonicalAgentId } from '../keys/canonical-agent-id.js';
import type { AgentRule, Policy } from './policy.js';

/**
 * The entry for an agent: exact ids first (a map lookup), then patterns in file order — both by
 * the canonical id, so a key spelled as did:jwk is the did:key agent that `did:key:*` names
 * and cannot pick a laxer entry (or none, escaping a rate limit) by its spelling.
 */
export function findAgentRule(
  policy: Policy,
  agentId: string,
  stateId: string = canonicalAgentId(agentId),
): AgentRule | undefined {
  const exact = policy.exactAgents.get(stateId) ?? policy.exactAgents.get(agentId);
  if (exact !== undefined) return exact;
  return policy.patternAgents.find(({ pattern }) => pattern.test(stateId))?.rule;
}
