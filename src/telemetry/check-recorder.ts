import type { Decision } from '../decision/decision.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { type DecisionLog, decisionLabel } from './decision-log.js';
import type { Metrics } from './metrics.js';

/** Records one finished check in the metrics and the decision log. */
export type CheckRecorder = (
  request: AuthzRequest,
  decision: Decision,
  traceId: string,
  elapsedMs: number,
) => void;

export function createCheckRecorder(metrics: Metrics, log: DecisionLog): CheckRecorder {
  const durations = {
    allow: metrics.checkDuration.labels('allow'),
    deny: metrics.checkDuration.labels('deny'),
    would_deny: metrics.checkDuration.labels('would_deny'),
  };
  return (request, decision, traceId, elapsedMs) => {
    const label = decisionLabel(decision);
    const reason = decision.allowed ? decision.wouldDeny : decision.reason;
    const { profile, zone } = decision.identity;
    metrics.checks.labels(label, reason ?? 'none', profile, zone ?? 'none').inc();
    durations[label].observe(elapsedMs / 1000);
    if (reason === 'rate_limited') metrics.rateLimited.inc();
    log.decision(request, decision, traceId, elapsedMs);
  };
}
