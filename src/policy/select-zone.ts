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

/** The host without port or a trailing dot (`API.example.com.:443` → `api.example.com`). */
function hostOf(authority: string): string {
  const lower = authority.toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.lastIndexOf(':');
  const host = colon === -1 ? lower : lower.slice(0, colon);
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/**
 * The path zones are matched against, read the way lenient upstreams may read it: percent
 * escapes decoded (so `%2e%2e`, `%2f`, `%5c` and `%70ayments` count as what they spell), `\` as
 * `/`, `;params` dropped from segments (Tomcat, Jetty), repeated slashes merged, and `.`/`..`
 * removed as in RFC 3986 §5.2.4. So `/public/../payments`, `/\payments` or `/public/..;/payments`
 * cannot borrow the public zone's rules. Prefer `context_extensions.zone` where you can.
 */
export function matchingPath(path: string): string {
  const decoded = path.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
  const slashed = decoded.replace(/\\/g, '/');
  const segments = (slashed.startsWith('/') ? slashed : `/${slashed}`)
    .split('/')
    .map((segment) => segment.split(';')[0]!);
  const output: string[] = [];
  for (const segment of segments.slice(1)) {
    if (segment === '..') output.pop();
    else if (segment !== '.' && segment !== '') output.push(segment);
  }
  const last = segments.at(-1);
  const trailing = segments.length > 1 && (last === '' || last === '.' || last === '..');
  return `/${output.join('/')}${trailing && output.length > 0 ? '/' : ''}`;
}
