import type { AgentIdentity } from '../decision/decision.js';
import { AuthzError } from '../errors.js';
import type { Policy } from './policy.js';

/**
 * Decides whether an established identity may proceed. Throws an `AuthzError` to deny; returns
 * the identity (possibly enriched) to allow.
 */
export function evaluatePolicy(policy: Policy, identity: AgentIdentity): AgentIdentity {
  if (!identity.verified && policy.unsigned === 'deny') {
    throw new AuthzError('credential_missing', 'this route requires a signed agent request');
  }
  return identity;
}
