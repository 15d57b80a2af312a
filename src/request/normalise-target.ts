/** Splits Envoy's `path` (which includes the query string) into path and query. */
export function splitPathAndQuery(rawPath: string): { path: string; query: string | null } {
  const hash = rawPath.indexOf('#');
  const withoutFragment = hash === -1 ? rawPath : rawPath.slice(0, hash);
  const mark = withoutFragment.indexOf('?');
  const path = mark === -1 ? withoutFragment : withoutFragment.slice(0, mark);
  const query = mark === -1 ? null : withoutFragment.slice(mark + 1);
  return { path: path === '' ? '/' : path, query };
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };

/**
 * RFC 9421 §2.2.3: `@authority` is the host lowercased, with the scheme's default port removed.
 */
export function normaliseAuthority(authority: string, scheme: string): string {
  const lower = authority.toLowerCase();
  const colon = lower.lastIndexOf(':');
  if (colon === -1 || lower.endsWith(']')) return lower;
  const port = lower.slice(colon + 1);
  return port === DEFAULT_PORTS[scheme] ? lower.slice(0, colon) : lower;
}
