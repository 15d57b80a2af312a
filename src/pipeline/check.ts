import type { Credential } from '../credentials/credential.js';
import { extractCredential, presentedProfile } from '../credentials/extract-credential.js';
import type { AgentIdentity, Decision } from '../decision/decision.js';
import { type AuthzError, isAuthzError } from '../errors.js';
import { applyAgentLimits, evaluatePolicy } from '../policy/evaluate-policy.js';
import type { Policy } from '../policy/policy.js';
import { selectZone } from '../policy/select-zone.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { checkRequestSize } from '../request/check-request-size.js';
import { isPromise, type MaybePromise } from '../store/store.js';
import { type CheckDeps, DEFAULT_CHECK_LIMITS } from './check-deps.js';
import { claimReplay } from './claim-replay.js';
import { type CheckStore, storeForCheck } from './store-for-check.js';
import type { VerifiedCredential } from './verified-credential.js';
import { verifySignedRequest } from './verify-signed-request.js';
import { verifyTokenRequest } from './verify-token-request.js';

/**
 * The check, in the order of SPEC §3 — zone → credential → key → proof → binding → policy →
 * decision (→ observe mode) — with one refinement: the replay claim waits until the read-only
 * policy checks have admitted the agent, so callers the policy refuses cannot fill the replay
 * store; the steps that write (drift, pinning, rate limits) come after it, so they only ever
 * act on a fresh credential. Two cases claim the replay key of a refused request: a drift,
 * which is recorded whatever else refuses the request, and observe mode, which forwards it.
 * Observe mode forwards a verified identity only once its credential is fresh: anything that
 * fails before (signature, token, binding, replay) goes upstream as not verified. This is the
 * one place that turns failures into denials, and anything unexpected fails closed.
 */
export async function runCheck(request: AuthzRequest, deps: CheckDeps): Promise<Decision> {
  const policy = deps.policy();
  const nowMs = deps.clock();
  const limits = deps.limits ?? DEFAULT_CHECK_LIMITS;
  const options = {
    tokens: deps.tokens !== undefined,
    signatures: deps.signatureLimits,
    tokenLimits: limits,
  };
  let mode = policy.mode;
  let identity: AgentIdentity = {
    verified: false,
    profile: presentedProfile(request, options),
    workload: request.source.principal || undefined,
  };
  /** What observe mode may forward: never more than has been proved and found fresh. */
  let proven = identity;
  const checkStore = storeForCheck(deps);
  try {
    const zone = selectZone(policy, request);
    mode = zone?.mode ?? policy.mode;
    identity = proven = { ...identity, zone: zone?.name };
    checkRequestSize(request, limits);
    const credential = extractCredential(request, options);
    const signedHeaders = zone?.signedHeaders ?? policy.signedHeaders;
    const verifying = verifyCredential(request, credential, signedHeaders, deps, identity);
    const verified = isPromise(verifying) ? await verifying : verifying;
    identity = { ...verified.identity, zone: zone?.name };
    const inputs = { policy, zone, request, identity, store: checkStore.store, nowMs };
    const admitting = evaluatePolicy(inputs);
    const admission = isPromise(admitting) ? await admitting : admitting;
    identity = admission.identity;
    if (admission.refusal && !admission.drifted && mode !== 'observe') throw admission.refusal;
    if (verified.replay !== undefined) {
      const claimed = claimReplay(verified.replay, checkStore);
      if (isPromise(claimed)) await claimed;
    }
    proven = identity;
    const limiting = applyAgentLimits(inputs, admission);
    identity = isPromise(limiting) ? await limiting : limiting;
    const recorded = recordOutcome(deps, identity, true, nowMs);
    if (isPromise(recorded)) await recorded;
    return { allowed: true, identity: tagUnchecked(identity, checkStore) };
  } catch (error) {
    const recorded = recordOutcome(deps, identity, false, nowMs);
    if (isPromise(recorded)) await recorded;
    return observe(denial(error, identity, deps), mode, tagUnchecked(proven, checkStore));
  }
}

/**
 * A check refused before it ran (too many in flight) or before it finished (past its deadline):
 * denied with `error`'s reason — or, where the request's zone observes, passed as not verified.
 */
export function refuseCheck(request: AuthzRequest, deps: CheckDeps, error: AuthzError): Decision {
  const policy = deps.policy();
  const options = { tokens: deps.tokens !== undefined, signatures: deps.signatureLimits };
  const identity: AgentIdentity = {
    verified: false,
    profile: presentedProfile(request, options),
    workload: request.source.principal || undefined,
  };
  const mode = observesAnywhere(policy) ? modeFor(policy, request) : policy.mode;
  return observe(denial(error, identity, deps), mode, identity);
}

function observesAnywhere(policy: Policy): boolean {
  return policy.mode === 'observe' || policy.zones.some((zone) => zone.mode === 'observe');
}

function modeFor(policy: Policy, request: AuthzRequest): Policy['mode'] {
  try {
    return selectZone(policy, request)?.mode ?? policy.mode;
  } catch {
    return policy.mode;
  }
}

/** An allowed identity says which steps it passed without the store (SPEC §4 headers). */
function tagUnchecked(identity: AgentIdentity, checkStore: CheckStore): AgentIdentity {
  if (checkStore.unchecked.length === 0) return identity;
  return { ...identity, unchecked: [...checkStore.unchecked] };
}

/** The profile's own verification; each returns the verified identity or throws. */
function verifyCredential(
  request: AuthzRequest,
  credential: Credential,
  signedHeaders: readonly string[],
  deps: CheckDeps,
  unsigned: AgentIdentity,
): Promise<VerifiedCredential> | VerifiedCredential {
  switch (credential.profile) {
    case 'signed-request':
      return verifySignedRequest(request, credential.signature, signedHeaders, deps);
    case 'dpop':
    case 'mtls':
      // extractCredential only yields a token when token issuers are configured.
      return verifyTokenRequest(request, credential, deps.tokens!, deps);
    case 'unsigned':
      return { identity: unsigned };
  }
}

function denial(
  error: unknown,
  identity: AgentIdentity,
  deps: CheckDeps,
): Extract<Decision, { allowed: false }> {
  if (isAuthzError(error)) {
    const retry = error.retryAfterSeconds;
    return {
      allowed: false,
      identity,
      reason: error.code,
      message: error.message,
      ...(retry === undefined ? {} : { retryAfterSeconds: retry }),
    };
  }
  deps.onInternalError(error);
  return { allowed: false, identity, reason: 'internal_error', message: 'the authorizer failed' };
}

/**
 * SPEC §4 observe mode: the denial is reported and logged, and the request passes carrying only
 * the identity that was proved — a replay or a bad signature never passes as the agent it names.
 */
function observe(
  decision: Extract<Decision, { allowed: false }>,
  mode: Policy['mode'],
  proven: AgentIdentity,
): Decision {
  if (mode !== 'observe') return decision;
  return { allowed: true, identity: proven, wouldDeny: decision.reason };
}

/**
 * History feeds trust levels; it only counts agents whose identity was verified. A failure is
 * reported, never a denial. Synchronous with the memory store.
 */
function recordOutcome(
  deps: CheckDeps,
  identity: AgentIdentity,
  allowed: boolean,
  atMs: number,
): MaybePromise<void> {
  if (!identity.verified || identity.agentId === undefined) return;
  const outcome = { allowed, workload: identity.workload, atMs };
  try {
    const recorded = deps.store.history.recordOutcome(
      identity.stateId ?? identity.agentId,
      outcome,
    );
    if (isPromise(recorded)) return recorded.catch(deps.onHistoryError);
  } catch (error) {
    deps.onHistoryError(error);
  }
}
