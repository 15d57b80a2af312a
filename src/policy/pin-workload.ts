import { createHash } from 'node:crypto';
import { AuthzError } from '../errors.js';
import type { AuthzRequest } from '../request/authz-request.js';
import type { AgentHistory } from '../store/store.js';
import type { PolicyInputs } from './evaluate-policy.js';
import type { AgentRule } from './policy.js';

type PinInputs = Pick<PolicyInputs, 'request' | 'store' | 'nowMs'>;

/**
 * `bindWorkload: first-use`: pins the request's workload if none is pinned yet; a different one
 * is a drift, recorded and handled by `onDrift`. Returns true when the drift is only flagged.
 */
export async function checkPinnedWorkload(
  inputs: PinInputs,
  rule: AgentRule,
  agentId: string,
): Promise<boolean> {
  const fingerprint = workloadFingerprint(inputs.request);
  if (fingerprint === undefined) {
    throw new AuthzError(
      'workload_mismatch',
      'the agent is bound to a workload but the request shows none',
    );
  }
  if (!(await recordDrift(inputs, rule, agentId, fingerprint))) return false;
  if (rule.onDrift === 'flag') return true;
  throw new AuthzError('workload_drift', 'the agent is pinned to another workload');
}

/**
 * Records a drift (quarantining the agent under `onDrift: quarantine`) when the request comes
 * from another workload than the pinned one; pins it when none is. True when it drifted.
 */
export async function recordDrift(
  inputs: PinInputs,
  rule: AgentRule,
  agentId: string,
  fingerprint = workloadFingerprint(inputs.request),
): Promise<boolean> {
  if (fingerprint === undefined) return false;
  const pinned = await inputs.store.history.pinWorkload(agentId, fingerprint);
  if (pinned === fingerprint) return false;
  const event = { atMs: inputs.nowMs, from: pinned, to: fingerprint };
  await inputs.store.history.recordDrift(agentId, event, rule.onDrift === 'quarantine');
  return true;
}

/** Read-only: the agent has a pinned workload and this request shows another one. */
export function leftPinnedWorkload(
  request: AuthzRequest,
  history: AgentHistory | undefined,
): boolean {
  const fingerprint = workloadFingerprint(request);
  const pinned = history?.pinnedWorkload;
  return pinned !== undefined && fingerprint !== undefined && fingerprint !== pinned;
}

/** The workload a request comes from: its SPIFFE id, else a digest of its client certificate. */
function workloadFingerprint(request: AuthzRequest): string | undefined {
  if (request.source.principal !== '') return request.source.principal;
  if (request.source.certificate === '') return undefined;
  return `cert:${createHash('sha256').update(request.source.certificate).digest('base64url')}`;
}
