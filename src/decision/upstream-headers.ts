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

/**
 * Inbound `x-agent-*` headers we do not set ourselves: Envoy removes them so a client cannot
 * forge identity upstream, signed or not.
 */
export function forgedHeaderNames(inboundNames: Iterable<string>, set: HeaderList): string[] {
  const ours = new Set(set.map(([name]) => name));
  const forged: string[] = [];
  for (const name of inboundNames) {
    if (name.startsWith(IDENTITY_HEADER_PREFIX) && !ours.has(name)) forged.push(name);
  }
  return forged;
}
