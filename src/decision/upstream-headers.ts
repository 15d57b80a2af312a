import type { AgentIdentity, Decision } from './decision.js';

export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/** Every identity header we own starts with this; clients may never set one. */
export const IDENTITY_HEADER_PREFIX = 'x-agent-';

/** SPEC §4: the identity headers an allowed request carries upstream, set (never appended). */
export function identityHeaders(decision: Decision): HeaderList {
  const identity: AgentIdentity = decision.identity;
  const headers: Array<[string, string]> = [
    ['x-agent-verified', String(identity.verified)],
    ['x-agent-profile', identity.profile],
  ];
  const optional: Array<[string, string | undefined]> = [
    ['x-agent-id', identity.agentId],
    ['x-agent-key-id', identity.keyId],
    ['x-agent-workload', identity.workload],
    ['x-agent-zone', identity.zone],
    ['x-agent-trust', identity.trust],
    ['x-agent-purpose', identity.purpose],
    ['x-agent-owner', identity.owner],
  ];
  for (const [name, value] of optional) if (value !== undefined) headers.push([name, value]);
  if (decision.allowed && decision.wouldDeny !== undefined) {
    headers.push(['x-agent-decision', `would-deny; reason=${decision.wouldDeny}`]);
  }
  return headers;
}

/** Every identity header agent-authz may set (SPEC §4). */
export const OWNED_HEADERS = [
  'x-agent-id',
  'x-agent-verified',
  'x-agent-key-id',
  'x-agent-profile',
  'x-agent-workload',
  'x-agent-zone',
  'x-agent-trust',
  'x-agent-purpose',
  'x-agent-owner',
  'x-agent-decision',
] as const;

/**
 * The `x-agent-*` headers Envoy must remove: every one the client sent that we do not set, and
 * every one we own but do not set this time — the latter even when Envoy did not forward it to
 * us (`allowed_headers`), so a client can never forge identity upstream, signed or not —
 * including spellings with `_` that an upstream may read as `-`.
 */
export function forgedHeaderNames(inboundNames: Iterable<string>, set: HeaderList): string[] {
  const ours = new Set(set.map(([name]) => name));
  const remove = new Set<string>(OWNED_HEADERS.filter((name) => !ours.has(name)));
  for (const name of inboundNames) {
    // SPEC §4: `_` reads as `-` and case folds (`X_Agent_Id` is removed too): some upstreams
    // normalise header names that way.
    const folded = name.toLowerCase().replaceAll('_', '-');
    if (folded.startsWith(IDENTITY_HEADER_PREFIX) && !ours.has(name)) remove.add(name);
  }
  return [...remove];
}
