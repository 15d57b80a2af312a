import { AuthzError } from '../errors.js';
import { foldAsciiCase } from '../lib/fold-ascii-case.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { pathReadings } from '../request/normalise-target.js';
import type { Policy, Zone } from './policy.js';
import { strictestZone } from './strictest-zone.js';

/**
 * SPEC §12: the route's `context_extensions.zone` when Envoy sends one, else the first zone
 * whose `match` fits, else none (the policy-level settings apply). A route naming a zone the
 * policy does not define fails closed. A path that upstreams may read in several ways
 * (`pathReadings`) gets the strictest zone its readings select.
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
  const host = hostOf(request.authority);
  const method = request.method;
  const candidates = pathReadings(request.path).map((path) =>
    policy.zones.find((zone) => zone.matches({ host, path, method })),
  );
  return strictestZone(policy, candidates);
}

/**
 * The host without port or a trailing dot (`API.example.com.:443` → `api.example.com`),
 * lowercased in ASCII only as Envoy matches virtual hosts: Unicode case folding would read
 * U+212A KELVIN SIGN as `k`.
 */
function hostOf(authority: string): string {
  const lower = foldAsciiCase(authority);
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.lastIndexOf(':');
  const host = colon === -1 ? lower : lower.slice(0, colon);
  return host.endsWith('.') ? host.slice(0, -1) : host;
}
