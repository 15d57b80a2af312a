import type { AgentIdentity, Decision } from './decision.js';

export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/** Every identity header we own starts with this; clients may never set one. */
export const IDENTITY_HEADER_PREFIX = 'x-agent-';

/**
 * SPEC §4: the identity headers an allowed request carries upstream, set (never appended), in
 * this order. Written out field by field: the list is built for every allowed check.
 */
export function identityHeaders(decision: Decision): HeaderList {
  const identity: AgentIdentity = decision.identity;
  const headers: Array<[string, string]> = [
    ['x-agent-verified', String(identity.verified)],
    ['x-agent-profile', identity.profile],
  ];
  if (identity.agentId !== undefined) headers.push(['x-agent-id', identity.agentId]);
  if (identity.keyId !== undefined) headers.push(['x-agent-key-id', identity.keyId]);
  if (identity.workload !== undefined) headers.push(['x-agent-workload', identity.workload]);
  if (identity.zone !== undefined) headers.push(['x-agent-zone', identity.zone]);
  if (identity.trust !== undefined) headers.push(['x-agent-trust', identity.trust]);
  if (identity.purpose !== undefined) headers.push(['x-agent-purpose', identity.purpose]);
  if (identity.owner !== undefined) headers.push(['x-agent-owner', identity.owner]);
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
  const remove: string[] = [];
  for (const name of OWNED_HEADERS) if (!isSetHere(set, name)) remove.push(name);
  for (const name of inboundNames) {
    if (isIdentityHeaderName(name) && !isSetHere(set, name) && !remove.includes(name)) {
      remove.push(name);
    }
  }
  return remove;
}

/** A dozen names at most: a scan beats building a Set per check. */
function isSetHere(set: HeaderList, name: string): boolean {
  for (const [setName] of set) if (setName === name) return true;
  return false;
}

const UNDERSCORE = 0x5f;
const HYPHEN = 0x2d;

/**
 * Whether a header name reads as one of the `x-agent-*` family to some upstream: lower-cased,
 * with `_` read as `-`, it starts with the prefix. Compared a character at a time, allocating
 * nothing: no character outside ASCII lower-cases to one of the prefix's, so only ASCII can match.
 */
export function isIdentityHeaderName(name: string): boolean {
  if (name.length < IDENTITY_HEADER_PREFIX.length) return false;
  for (let i = 0; i < IDENTITY_HEADER_PREFIX.length; i += 1) {
    const code = name.charCodeAt(i);
    const read = code === UNDERSCORE ? HYPHEN : code >= 0x41 && code <= 0x5a ? code | 0x20 : code;
    if (read !== IDENTITY_HEADER_PREFIX.charCodeAt(i)) return false;
  }
  return true;
}
