import type { Decision } from '../decision/decision.js';

/** `allow`, `deny`, or `would_deny` (observe mode let a failing request through). */
export function decisionLabel(decision: Decision): 'allow' | 'deny' | 'would_deny' {
  if (!decision.allowed) return 'deny';
  return decision.wouldDeny === undefined ? 'allow' : 'would_deny';
}
