import { AuthzError } from '../errors.js';
import type { Policy, Zone } from './policy.js';
import { atLeast } from './trust-level.js';

/** What a zone asks of a request; the policy-level settings ask the same of zone-less routes. */
type Requirements = Pick<
  Zone,
  'mode' | 'unsigned' | 'profiles' | 'minTrust' | 'signedHeaders' | 'scopes' | 'unknownAgents'
>;

/**
 * Of the zones the readings of one path select (`undefined`: no zone, the policy-level settings),
 * the one at least as strict as every other in each requirement: enforce over observe, unsigned
 * denied over allowed, fewer accepted profiles, a higher `minTrust`, more signed headers, more
 * scopes, unknown agents denied. The others' names are kept on it (`alsoReadAs`) so an agent
 * entry's `zones` must admit all of them. When no zone is the strictest — say one needs trust
 * and the other DPoP — the request is denied `zone_denied`, naming the zones.
 */
export function strictestZone(
  policy: Policy,
  candidates: ReadonlyArray<Zone | undefined>,
): Zone | undefined {
  const distinct = [...new Set(candidates)];
  if (distinct.length === 1) return distinct[0];
  const requirements = (zone: Zone | undefined) => zone ?? policyLevel(policy);
  const index = distinct.findIndex((zone) =>
    distinct.every((other) => atLeastAsStrict(requirements(zone), requirements(other))),
  );
  if (index === -1) {
    const names = distinct.map((zone) => zone?.name ?? '(no zone)');
    throw new AuthzError(
      'zone_denied',
      `the path reads as zones ${names.join(', ')} to different upstreams and none of them ` +
        'is the strictest; normalise paths in Envoy or name the zone per route',
    );
  }
  const strictest = distinct[index];
  // The policy-level settings are the strictest: a zone-less route, which no agent's zones admit.
  if (strictest === undefined) return undefined;
  const alsoReadAs = distinct.filter((zone) => zone !== strictest).map((zone) => zone?.name);
  return { ...strictest, alsoReadAs };
}

function policyLevel(policy: Policy): Requirements {
  return {
    mode: policy.mode,
    unsigned: policy.unsigned,
    profiles: new Set(['signed-request', 'dpop', 'mtls']),
    minTrust: 'new',
    signedHeaders: policy.signedHeaders,
    scopes: [],
    unknownAgents: 'allow',
  };
}

function atLeastAsStrict(zone: Requirements, other: Requirements): boolean {
  return (
    (zone.mode === 'enforce' || other.mode === 'observe') &&
    (zone.unsigned === 'deny' || other.unsigned === 'allow') &&
    [...zone.profiles].every((profile) => other.profiles.has(profile)) &&
    atLeast(zone.minTrust, other.minTrust) &&
    other.signedHeaders.every((header) => zone.signedHeaders.includes(header)) &&
    other.scopes.every((scope) => zone.scopes.includes(scope)) &&
    (zone.unknownAgents === 'deny' || other.unknownAgents === 'allow')
  );
}
