import type { Decision } from '../decision/decision.js';
import type { ReasonCode } from '../errors.js';

/** `allow`, `deny`, or `would_deny` (observe mode let a failing request through). */
export function decisionLabel(decision: Decision): 'allow' | 'deny' | 'would_deny' {
  if (!decision.allowed) return 'deny';
  return decision.wouldDeny === undefined ? 'allow' : 'would_deny';
}

/** The reason of a denial or an observe-mode would-deny; undefined for a plain allow. */
export function decisionReason(decision: Decision): ReasonCode | undefined {
  return decision.allowed ? decision.wouldDeny : decision.reason;
}
