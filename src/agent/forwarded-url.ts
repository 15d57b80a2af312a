export interface PathOptions {
  /**
   * Sign and send the path as the URL gives it (WHATWG-parsed), for a proxy that forwards paths
   * unchanged. By default the path is brought into the form Envoy forwards.
   */
  readonly pathAsIs?: boolean;
}

/**
 * `url` with its path in the normal form Envoy forwards when its HttpConnectionManager sets
 * `normalize_path`, `merge_slashes` and `path_with_escaped_slashes_action` (as envoy/*.yaml
 * do), which rewrite `:path` before ext_authz sees it, so agent-authz verifies `@path` against
 * the rewritten path:
 * - escapes of RFC 3986 unreserved characters decoded (§6.2.2.2: `%7Euser` → `~user`), other
 *   escapes kept as written;
 * - `\` read as `/`, and the characters Envoy's path canonicaliser escapes percent-encoded,
 *   upper-case hex: controls, space, `"`, `#`, `<`, `>`, `^`, `` ` ``, `{`, `|`, `}`, DEL and
 *   non-ASCII (as UTF-8);
 * - dot segments removed (§6.2.2.3, §5.2.4) and repeated slashes merged.
 * The result is a fixed point of those rules: Envoy forwards it unchanged. A path Envoy would
 * refuse or redirect has no such form and throws: an escaped slash (`%2F`, `%5C`), which
 * `REJECT_REQUEST` answers 400 and `UNESCAPE_AND_REDIRECT` redirects (the redirected request
 * carries a signature over the old path, so it never verifies); `%00`, which Envoy refuses; a
 * `%` not starting an escape, which proxies read differently. The query is left as it is.
 */
export function forwardedUrl(url: string | URL, options: PathOptions = {}): URL {
  const forwarded = new URL(url);
  if (options.pathAsIs === true) return forwarded;
  const path = envoyNormalPath(forwarded.pathname);
  forwarded.pathname = path;
  if (forwarded.pathname !== path) {
    throw new TypeError(`the path ${path} does not survive URL parsing unchanged`);
  }
  return forwarded;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/**
 * Anything but what Envoy's path canonicaliser passes through (unreserved, sub-delims, `:`,
 * `@`, `/`, `[`, `]` and `%`) is percent-encoded: controls, space, `"`, `#`, `<`, `>`, `?`,
 * `^`, `` ` ``, `{`, `|`, `}`, DEL and non-ASCII.
 */
const ESCAPED = /[^!$%&'()*+,\-./0-9:;=@A-Z[\]_a-z~]/gu;

function envoyNormalPath(path: string): string {
  refuseUnforwardable(path);
  const decoded = path.replace(/%([0-9A-Fa-f]{2})/g, (sequence, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : sequence;
  });
  const escaped = decoded.replaceAll('\\', '/').replace(ESCAPED, percentEncode);
  return removeDotSegments(escaped).replace(/\/{2,}/g, '/');
}

function refuseUnforwardable(path: string): void {
  if (/%(2f|5c)/i.test(path)) {
    throw new TypeError(
      `the path ${path} holds an escaped slash (%2F or %5C): Envoy's path_with_escaped_slashes_action refuses it or redirects to another path, where the signature cannot verify. Send the slash unescaped, or set pathAsIs (--path-as-is) for a proxy that forwards the path unchanged`,
    );
  }
  if (/%00/.test(path)) throw new TypeError(`the path ${path} holds %00, which Envoy refuses`);
  if (/%(?![0-9A-Fa-f]{2})/.test(path)) {
    throw new TypeError(
      `the path ${path} holds a % that starts no escape, which proxies read differently; write it as %25`,
    );
  }
}

function percentEncode(char: string): string {
  let out = '';
  for (const byte of Buffer.from(char, 'utf8')) {
    out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** RFC 3986 §5.2.4 on an absolute path: `.` removed, `..` removes the segment before it. */
function removeDotSegments(path: string): string {
  if (!/(^|\/)\.\.?(\/|$)/.test(path)) return path;
  const output: string[] = [];
  const segments = path.split('/').slice(1);
  segments.forEach((segment, index) => {
    if (segment === '..') output.pop();
    else if (segment !== '.') output.push(segment);
    if ((segment === '.' || segment === '..') && index === segments.length - 1) output.push('');
  });
  return `/${output.join('/')}`;
}
