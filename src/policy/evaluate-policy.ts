import type { AgentIdentity, TrustLevel } from '../decision/decision.js';
import { AuthzError, isAuthzError } from '../errors.js';
import { canonicalAgentId, canonicalKeyId } from '../keys/canonical-agent-id.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { type AgentHistory, isPromise, type MaybePromise, type Store } from '../store/store.js';
import { findAgentRule } from './find-agent-rule.js';
import { checkPinnedWorkload, leftPinnedWorkload, recordDrift } from './pin-workload.js';
import type { AgentRule, Policy, Zone } from './policy.js';
import { atLeast, trustLevel } from './trust-level.js';

export interface PolicyInputs {
  readonly policy: Policy;
  readonly zone: Zone | undefined;
  readonly request: AuthzRequest;
  /** What verification established; unverified for unsigned requests. */
  readonly identity: AgentIdentity;
  readonly store: Pick<Store, 'history' | 'revocations' | 'rateLimiter'>;
  readonly nowMs: number;
}

/** What admission decided: the identity as it goes upstream, and the entry that applied. */
export interface Admission {
  readonly identity: AgentIdentity;
  readonly rule: AgentRule | undefined;
  /**
   * Why the read-only checks refuse a verified agent, if they do. Returned, not thrown: a drift
   * is still recorded for a refused request, and observe mode still forwards it.
   */
  readonly refusal?: AuthzError;
  /** The agent is pinned to a workload and this request comes from another one. */
  readonly drifted: boolean;
}

/**
 * SPEC §3 policy, the part that only reads state, in order: unsigned → revocation → profile →
 * registration (entry, expiry, zones) → quarantine → allowed workloads → scopes → trust.
 * Nothing is written, so a refused caller leaves no trace in the store. An unsigned request
 * that may not pass, and a revoked agent, are thrown; other refusals come back in `refusal`.
 * Synchronous when the store answers synchronously (the memory store): a promise is made only
 * for what is pending.
 */
export function evaluatePolicy(inputs: PolicyInputs): MaybePromise<Admission> {
  const { policy, zone, identity } = inputs;
  const zoned: AgentIdentity = { ...identity, zone: zone?.name };
  if (!identity.verified || identity.agentId === undefined) {
    if ((zone?.unsigned ?? policy.unsigned) === 'deny') {
      throw new AuthzError(
        'credential_missing',
        'this route requires a signed agent request or a bound token',
      );
    }
    return { identity: zoned, rule: undefined, drifted: false };
  }
  const stateId = identity.stateId ?? canonicalAgentId(identity.agentId);
  const revoked = checkRevoked(inputs, [identity.agentId, stateId]);
  if (isPromise(revoked)) return revoked.then(() => admitUnrevoked(inputs, zoned, stateId));
  return admitUnrevoked(inputs, zoned, stateId);
}

/** The agent's entry and history, then the checks that read them. */
function admitUnrevoked(
  inputs: PolicyInputs,
  zoned: AgentIdentity,
  stateId: string,
): MaybePromise<Admission> {
  const rule = findAgentRule(inputs.policy, inputs.identity.agentId!, stateId);
  const pending = inputs.store.history.get(stateId);
  if (isPromise(pending)) {
    return pending.then((history) => admitWithHistory(inputs, zoned, stateId, rule, history));
  }
  return admitWithHistory(inputs, zoned, stateId, rule, pending);
}

function admitWithHistory(
  inputs: PolicyInputs,
  zoned: AgentIdentity,
  stateId: string,
  rule: AgentRule | undefined,
  history: AgentHistory | undefined,
): Admission {
  const trust = trustLevel(inputs.policy, rule, history, inputs.nowMs);
  const admission: Admission = {
    identity: { ...zoned, stateId, trust, owner: rule?.owner },
    rule,
    drifted: rule?.bindWorkload === true && leftPinnedWorkload(inputs.request, history),
  };
  try {
    admitAgent(inputs, rule, history, trust);
    return admission;
  } catch (error) {
    if (!isAuthzError(error)) throw error;
    return { ...admission, refusal: error };
  }
}

function admitAgent(
  inputs: PolicyInputs,
  rule: AgentRule | undefined,
  history: AgentHistory | undefined,
  trust: TrustLevel,
): void {
  const { zone, identity } = inputs;
  if (zone !== undefined && !zone.profiles.has(identity.profile)) {
    throw new AuthzError(
      'zone_denied',
      `zone ${zone.name} does not accept the ${identity.profile} profile`,
    );
  }
  checkTags(zone, rule, identity);
  checkRegistration(zone, rule, inputs.nowMs);
  if (history?.quarantined) {
    throw new AuthzError('workload_drift', 'the agent is quarantined after a workload drift');
  }
  if (
    rule?.workloads !== undefined &&
    !rule.workloads.some((p) => p.test(inputs.request.source.principal))
  ) {
    throw new AuthzError(
      'workload_mismatch',
      'the request comes from a workload this agent may not use',
    );
  }
  checkScopes(zone, rule, identity);
  if (zone !== undefined && !atLeast(trust, zone.minTrust)) {
    throw new AuthzError(
      'trust_too_low',
      `zone ${zone.name} needs trust ${zone.minTrust}; the agent is ${trust}`,
    );
  }
}

/** What `tags` lists stand for a signature without a tag. */
const UNTAGGED = 'untagged';

/**
 * Profiles and signature tags as policy inputs: an agent entry that lists `profiles` admits only
 * those; a zone or an agent entry that lists tags admits only signed requests whose verified
 * signature carries one of them (tokens are governed by `profiles`).
 * An agent that must prove its directory signs for its key (`requireSignedDirectory`) is
 * refused with a key the directory serves without such a signature.
 */
function checkTags(zone: Zone | undefined, rule: AgentRule | undefined, identity: AgentIdentity) {
  const signed = identity.profile === 'signed-request' || identity.profile === 'web-bot-auth';
  const tag = identity.tag ?? UNTAGGED;
  if (signed && zone?.tags !== undefined && !zone.tags.has(tag)) {
    throw new AuthzError(
      'zone_denied',
      `zone ${zone.name} accepts signatures tagged ${[...zone.tags].join(', ')}; this one is ${tag}`,
    );
  }
  if (rule?.profiles !== undefined && !rule.profiles.has(identity.profile)) {
    throw new AuthzError(
      'zone_denied',
      `this agent may not authenticate with the ${identity.profile} profile`,
    );
  }
  if (signed && rule?.tags !== undefined && !rule.tags.has(tag)) {
    throw new AuthzError('zone_denied', `this agent may not sign with tag ${tag}`);
  }
  if (rule?.requireSignedDirectory && identity.directorySigned !== true) {
    throw new AuthzError(
      'key_unresolvable',
      "this agent's policy requires a key its directory signs for (requireSignedDirectory), and the directory response carries no valid signature by this key",
    );
  }
}

/**
 * The part of the policy that changes state, run once the credential is known to be fresh (its
 * replay key claimed): a drift is recorded (and `onDrift` applied) even when the read-only
 * checks refused the request — a service account used from another workload is what drift
 * detection is for — and the refusal then stands; otherwise the workload is pinned on first use
 * and the rate limit is spent. An agent with no entry, or an entry that neither pins nor
 * limits, has nothing to apply: answered at once, without a promise.
 */
export function applyAgentLimits(
  inputs: PolicyInputs,
  admission: Admission,
): MaybePromise<AgentIdentity> {
  const { rule, identity, refusal } = admission;
  if (refusal !== undefined) return applyAgentLimitsInStore(inputs, admission);
  if (rule === undefined || identity.agentId === undefined) return identity;
  if (!rule.bindWorkload && rule.rateLimit === undefined) return identity;
  return applyAgentLimitsInStore(inputs, admission);
}

async function applyAgentLimitsInStore(
  inputs: PolicyInputs,
  admission: Admission,
): Promise<AgentIdentity> {
  const { rule, identity, refusal } = admission;
  if (rule !== undefined && admission.drifted && refusal !== undefined) {
    await recordDrift(inputs, rule, identity.stateId ?? identity.agentId!);
  }
  if (refusal !== undefined) throw refusal;
  if (rule === undefined || identity.agentId === undefined) return identity;
  const stateId = identity.stateId ?? identity.agentId;
  const drifted = rule.bindWorkload ? await checkPinnedWorkload(inputs, rule, stateId) : false;
  if (rule.rateLimit !== undefined) await checkRateLimit(inputs, rule, stateId);
  return drifted ? { ...identity, drifted } : identity;
}

function checkRevoked(inputs: PolicyInputs, agentIds: readonly string[]): MaybePromise<void> {
  const { keyId, tokenId } = inputs.identity;
  const keyIds = keyId === undefined ? [] : [keyId, canonicalKeyId(keyId)];
  const ids = [...agentIds, ...keyIds, tokenId].filter((id): id is string => id !== undefined);
  if (ids.some((id) => inputs.policy.revoked.has(id))) throw revokedError();
  const inStore = inputs.store.revocations.anyRevoked(ids);
  if (isPromise(inStore)) {
    return inStore.then((revoked) => {
      if (revoked) throw revokedError();
    });
  }
  if (inStore) throw revokedError();
}

function revokedError(): AuthzError {
  return new AuthzError('agent_revoked', 'the agent, its key or its token is revoked');
}

function checkRegistration(
  zone: Zone | undefined,
  rule: AgentRule | undefined,
  nowMs: number,
): void {
  if (rule === undefined) {
    if (zone?.unknownAgents === 'deny') {
      throw new AuthzError('agent_unknown', `zone ${zone.name} admits registered agents only`);
    }
    return;
  }
  if (rule.expiresAtMs !== undefined && nowMs >= rule.expiresAtMs) {
    throw new AuthzError('agent_unknown', "the agent's registration has expired");
  }
  if (rule.zones !== undefined && !admitsZone(rule.zones, zone)) {
    throw new AuthzError(
      'zone_denied',
      `the agent may not enter ${zone ? `zone ${zone.name}` : 'routes outside its zones'}`,
    );
  }
}

/** The entry's zones admit the zone and every other zone the path also reads as. */
function admitsZone(zones: ReadonlySet<string>, zone: Zone | undefined): boolean {
  const names = zone === undefined ? [undefined] : [zone.name, ...(zone.alsoReadAs ?? [])];
  return names.every((name) => name !== undefined && zones.has(name));
}

/**
 * A zone's scopes are granted by the agent's entry; a token must also carry each of them in its
 * `scope` claim. A claim alone never grants one, so the signed and token profiles agree.
 */
function checkScopes(
  zone: Zone | undefined,
  rule: AgentRule | undefined,
  identity: AgentIdentity,
): void {
  if (zone === undefined || zone.scopes.length === 0) return;
  const token = identity.profile === 'dpop' || identity.profile === 'mtls';
  const missing = zone.scopes.filter(
    (scope) =>
      !rule?.scopes?.includes(scope) || (token && !(identity.scopes ?? []).includes(scope)),
  );
  if (missing.length > 0) {
    throw new AuthzError(
      'scope_insufficient',
      `zone ${zone.name} needs scope ${missing.join(' ')}`,
    );
  }
}

async function checkRateLimit(
  inputs: PolicyInputs,
  rule: AgentRule,
  agentId: string,
): Promise<void> {
  const taken = inputs.store.rateLimiter.take(`agent:${agentId}`, rule.rateLimit!, inputs.nowMs);
  const outcome = isPromise(taken) ? await taken : taken;
  if (!outcome.allowed) {
    throw new AuthzError('rate_limited', 'the agent exceeded its rate limit', {
      retryAfterSeconds: outcome.retryAfterMs / 1000,
    });
  }
}
