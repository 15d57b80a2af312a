import type { AgentRule, Policy } from './policy.js';

/** The entry for an agent id: exact ids first (a map lookup), then patterns in file order. */
export function findAgentRule(policy: Policy, agentId: string): AgentRule | undefined {
  const exact = policy.exactAgents.get(agentId);
  if (exact !== undefined) return exact;
  return policy.patternAgents.find(({ pattern }) => pattern.test(agentId))?.rule;
}
