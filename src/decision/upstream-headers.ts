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
  if (identity.unchecked !== undefined) {
    headers.push(['x-agent-unchecked', identity.unchecked.join(',')]);
  }
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
  'x-agent-unchecked',
] as const;

/**
 * The `x-agent-*` headers Envoy must remove: every one the client sent that we do not set, and
 * every one we own but do not set this time — the latter even when Envoy did not forward it to
 * us (`allowed_headers`), so a client can never forge identity upstream, signed or not. The
 * family is matched as CGI, WSGI and Rack upstreams read names (`_` as `-`, case folded), so
 * `x_agent_id` and `X-Agent_Verified` go too, even beside the `x-agent-id` we set.
 */
export function forgedHeaderNames(inboundNames: Iterable<string>, set: HeaderList): string[] {
  const ours = new Set(set.map(([name]) => name));
  const remove = new Set<string>(OWNED_HEADERS.filter((name) => !ours.has(name)));
  for (const name of inboundNames) {
    if (isIdentityHeaderName(name) && !ours.has(name)) remove.add(name);
  }
  return [...remove];
}

/** Whether a header name reads as one of the `x-agent-*` family to some upstream. */
export function isIdentityHeaderName(name: string): boolean {
  return name.toLowerCase().replaceAll('_', '-').startsWith(IDENTITY_HEADER_PREFIX);
}
