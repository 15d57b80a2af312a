import type { Decision } from '../decision/decision.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { decisionLabel } from './decision-label.js';
import type { DecisionLog } from './decision-log.js';
import type { Metrics } from './metrics.js';

/** Records one finished check in the metrics and the decision log. */
export type CheckRecorder = (
  request: AuthzRequest,
  decision: Decision,
  traceId: string,
  elapsedMs: number,
) => void;

export function createCheckRecorder(metrics: Metrics, log: DecisionLog): CheckRecorder {
  const { checks, checkDuration } = metrics;
  const durations = {
    allow: checkDuration.cell('allow'),
    deny: checkDuration.cell('deny'),
    would_deny: checkDuration.cell('would_deny'),
  };
  return (request, decision, traceId, elapsedMs) => {
    const label = decisionLabel(decision);
    const reason = decision.allowed ? decision.wouldDeny : decision.reason;
    const { profile, zone, generation, tag } = decision.identity;
    checks.cell(label, reason ?? 'none', profile, zone ?? 'none').n += 1;
    // Set only once a directory key verified the signature: generation and tag are closed sets.
    if (generation !== undefined) {
      metrics.webBotAuthChecks.cell(label, generation, tag ?? 'none').n += 1;
    }
    checkDuration.observe(durations[label], elapsedMs / 1000);
    if (reason === 'rate_limited') metrics.rateLimited.inc();
    log.decision(request, decision, traceId, elapsedMs);
  };
}
