import type { Decision } from '../decision/decision.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { decisionLabel, decisionReason } from './decision-label.js';
import type { DecisionLog } from './decision-log.js';
import type { CounterCell, HotCounter } from './hot-metrics.js';
import type { Metrics } from './metrics.js';

/** Records one finished check in the metrics and the decision log. */
export type CheckRecorder = (
  request: AuthzRequest,
  decision: Decision,
  traceId: string,
  elapsedMs: number,
) => void;

/** With `metrics` undefined (`telemetry.metrics: false`) only the decision log is written. */
export function createCheckRecorder(metrics: Metrics | undefined, log: DecisionLog): CheckRecorder {
  if (metrics === undefined)
    return (request, decision, traceId, elapsedMs) =>
      log.decision(request, decision, traceId, elapsedMs);
  const { checkDuration } = metrics;
  const durations = {
    allow: checkDuration.cell('allow'),
    deny: checkDuration.cell('deny'),
    would_deny: checkDuration.cell('would_deny'),
  };
  const checkCell = cachedCheckCells(metrics.checks);
  return (request, decision, traceId, elapsedMs) => {
    const label = decisionLabel(decision);
    const reason = decisionReason(decision);
    const { profile, zone, generation, tag } = decision.identity;
    checkCell(label, reason ?? 'none', profile, zone ?? 'none').n += 1;
    // Set only once a directory key verified the signature: generation and tag are closed sets.
    if (generation !== undefined) {
      metrics.webBotAuthChecks.cell(label, generation, tag ?? 'none').n += 1;
    }
    checkDuration.observe(durations[label], elapsedMs / 1000);
    if (reason === 'rate_limited') metrics.rateLimited.inc();
    log.decision(request, decision, traceId, elapsedMs);
  };
}

/**
 * `checks.cell(...)` without joining four label strings per check: the cells are kept in a
 * tree of maps, one level per label, filled on first use. The label values come from closed
 * sets (decision, reason code, profile, the policy's zones), so the tree stays small.
 */
function cachedCheckCells(
  checks: HotCounter,
): (label: string, reason: string, profile: string, zone: string) => CounterCell {
  const tree: Tree = new Map();
  return (label, reason, profile, zone) => {
    const byProfile = branch(tree, zone);
    const byReason = branch(byProfile, profile);
    const byLabel = branch(byReason, reason);
    let cell = byLabel.get(label) as CounterCell | undefined;
    if (cell === undefined) {
      cell = checks.cell(label, reason, profile, zone);
      byLabel.set(label, cell);
    }
    return cell;
  };
}

type Tree = Map<string, Tree | CounterCell>;

function branch(tree: Tree, key: string): Tree {
  let next = tree.get(key) as Tree | undefined;
  if (next === undefined) {
    next = new Map();
    tree.set(key, next);
  }
  return next;
}
