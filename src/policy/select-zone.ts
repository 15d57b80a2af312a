import { AuthzError } from '../errors.js';
import type { AuthzRequest } from '../request/authz-request.js';
import type { Policy, Zone } from './policy.js';

/**
 * SPEC §12: the route's `context_extensions.zone` when Envoy sends one, else the first zone
 * whose `match` fits, else none (the policy-level settings apply). A route naming a zone the
 * policy does not define fails closed.
 */
export function selectZone(policy: Policy, request: AuthzRequest): Zone | undefined {
  const named = request.contextExtensions.zone;
  if (named !== undefined && named !== '') {
    const zone = policy.zonesByName.get(named);
    if (zone === undefined) {
      throw new AuthzError('zone_denied', 'the route names a zone the policy does not define');
    }
    return zone;
  }
  if (policy.zones.length === 0) return undefined;
  const target = {
    host: hostOf(request.authority),
    path: matchingPath(request.path),
    method: request.method,
  };
  return policy.zones.find((zone) => zone.matches(target));
}

function hostOf(authority: string): string {
  const lower = authority.toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.lastIndexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}

/**
 * The path zones are matched against: dot segments resolved (also percent-encoded ones) and
 * repeated slashes merged, so `/public/../payments` cannot borrow the public zone's rules.
 */
export function matchingPath(path: string): string {
  try {
    return new URL(path.replace(/\/{2,}/g, '/'), 'http://zone.invalid').pathname.replace(
      /\/{2,}/g,
      '/',
    );
  } catch {
    return path;
  }
}
