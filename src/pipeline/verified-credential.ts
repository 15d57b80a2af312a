import type { AgentIdentity } from '../decision/decision.js';

/** A replay key to claim once the policy has admitted the caller, and for how long. */
export interface ReplayClaim {
  readonly key: string;
  readonly ttlMs: number;
}

/**
 * What a profile's verification proved. The replay claim is deferred: it is made only after
 * the policy admits the agent, so identities the policy refuses never take replay-store space.
 */
export interface VerifiedCredential {
  readonly identity: AgentIdentity;
  readonly replay?: ReplayClaim;
}
