import { createHash } from 'node:crypto';
import type { AgentIdentity } from '../decision/decision.js';
import { AuthzError } from '../errors.js';
import { canonicalAgentId, canonicalKeyId } from '../keys/canonical-agent-id.js';
import type { AuthzRequest } from '../request/authz-request.js';
import type { Store } from '../store/store.js';
import { findAgentRule } from './find-agent-rule.js';
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
}

/**
 * SPEC §3 policy, the part that only reads state, in order: unsigned → revocation → profile →
 * registration (entry, expiry, zones) → quarantine → allowed workloads → scopes → trust. Throws
 * an AuthzError to deny. Nothing is written, so a refused caller leaves no trace in the store.
 */
export async function evaluatePolicy(inputs: PolicyInputs): Promise<Admission> {
  const { policy, zone, identity } = inputs;
  const zoned: AgentIdentity = { ...identity, zone: zone?.name };
  if (!identity.verified || identity.agentId === undefined) {
    if ((zone?.unsigned ?? policy.unsigned) === 'deny') {
      throw new AuthzError(
        'credential_missing',
        'this route requires a signed agent request or a bound token',
      );
    }
    return { identity: zoned, rule: undefined };
  }
  const agentId = identity.agentId;
  const stateId = identity.stateId ?? canonicalAgentId(agentId);
  await checkRevoked(inputs, [agentId, stateId]);
  if (zone !== undefined && !zone.profiles.has(identity.profile)) {
    throw new AuthzError(
      'zone_denied',
      `zone ${zone.name} does not accept the ${identity.profile} profile`,
    );
  }
  const rule = checkRegistration(policy, zone, agentId, stateId, inputs.nowMs);
  const history = await inputs.store.history.get(stateId);
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
  const trust = trustLevel(policy, rule, history, inputs.nowMs);
  if (zone !== undefined && !atLeast(trust, zone.minTrust)) {
    throw new AuthzError(
      'trust_too_low',
      `zone ${zone.name} needs trust ${zone.minTrust}; the agent is ${trust}`,
    );
  }
  return { identity: { ...zoned, stateId, trust, owner: rule?.owner }, rule };
}

/**
 * The part of the policy that changes state, run once the request is known not to be a replay:
 * workload pinning (first use, drift) and the rate limit.
 */
export async function applyAgentLimits(
  inputs: PolicyInputs,
  admission: Admission,
): Promise<AgentIdentity> {
  const { rule, identity } = admission;
  if (rule === undefined || identity.agentId === undefined) return identity;
  const stateId = identity.stateId ?? identity.agentId;
  const drifted = rule.bindWorkload ? await checkPinnedWorkload(inputs, rule, stateId) : false;
  if (rule.rateLimit !== undefined) await checkRateLimit(inputs, rule, stateId);
  return drifted ? { ...identity, drifted } : identity;
}

async function checkRevoked(inputs: PolicyInputs, agentIds: readonly string[]): Promise<void> {
  const { keyId, tokenId } = inputs.identity;
  const keyIds = keyId === undefined ? [] : [keyId, canonicalKeyId(keyId)];
  const ids = [...agentIds, ...keyIds, tokenId].filter((id): id is string => id !== undefined);
  if (
    ids.some((id) => inputs.policy.revoked.has(id)) ||
    (await inputs.store.revocations.anyRevoked(ids))
  ) {
    throw new AuthzError('agent_revoked', 'the agent, its key or its token is revoked');
  }
}

function checkRegistration(
  policy: Policy,
  zone: Zone | undefined,
  agentId: string,
  stateId: string,
  nowMs: number,
): AgentRule | undefined {
  const rule = findAgentRule(policy, agentId, stateId);
  if (rule === undefined) {
    if (zone?.unknownAgents === 'deny') {
      throw new AuthzError('agent_unknown', `zone ${zone.name} admits registered agents only`);
    }
    return undefined;
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
  return rule;
}

/** The entry's zones admit the zone and every other zone the path also reads as. */
function admitsZone(zones: ReadonlySet<string>, zone: Zone | undefined): boolean {
  const names = zone === undefined ? [undefined] : [zone.name, ...(zone.alsoReadAs ?? [])];
  return names.every((name) => name !== undefined && zones.has(name));
}

/** Returns true when a drift was tolerated (`onDrift: flag`). */
async function checkPinnedWorkload(
  inputs: PolicyInputs,
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
  const pinned = await inputs.store.history.pinWorkload(agentId, fingerprint);
  if (pinned === fingerprint) return false;
  const event = { atMs: inputs.nowMs, from: pinned, to: fingerprint };
  await inputs.store.history.recordDrift(agentId, event, rule.onDrift === 'quarantine');
  if (rule.onDrift === 'flag') return true;
  throw new AuthzError('workload_drift', 'the agent is pinned to another workload');
}

/** The workload a request comes from: its SPIFFE id, else a digest of its client certificate. */
function workloadFingerprint(request: AuthzRequest): string | undefined {
  if (request.source.principal !== '') return request.source.principal;
  if (request.source.certificate === '') return undefined;
  return `cert:${createHash('sha256').update(request.source.certificate).digest('base64url')}`;
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
  const outcome = await inputs.store.rateLimiter.take(
    `agent:${agentId}`,
    rule.rateLimit!,
    inputs.nowMs,
  );
  if (!outcome.allowed) {
    throw new AuthzError('rate_limited', 'the agent exceeded its rate limit', {
      retryAfterSeconds: outcome.retryAfterMs / 1000,
    });
  }
}
