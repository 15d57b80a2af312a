import { AuthzError } from '../errors.js';

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
 * Lowercased as RFC 3986 §6.2.2.1 says, in ASCII only: an authority is ASCII (RFC 3986 §3.2.2;
 * an internationalised name travels as its A-label), and Unicode case folding would read
 * U+212A KELVIN SIGN as `k`, so `ban\u212a.example` would verify as `bank.example`. An
 * authority with anything but printable ASCII has no `@authority` value and is refused.
 */
export function normaliseAuthority(authority: string, scheme: string): string {
  const lower = asciiLowerCase(authority, 'authority');
  const colon = lower.lastIndexOf(':');
  if (colon === -1 || lower.endsWith(']')) return lower;
  const port = lower.slice(colon + 1);
  return port === DEFAULT_PORTS[scheme] ? lower.slice(0, colon) : lower;
}

/**
 * `text` lowercased, when it is printable ASCII (U+0021–U+007E) throughout; otherwise the
 * signature cannot cover it and the request is refused `signature_invalid`.
 */
export function asciiLowerCase(text: string, what: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f) {
      throw new AuthzError(
        'signature_invalid',
        `the ${what} is not printable ASCII, so a signature cannot cover it (RFC 9421 §2.2)`,
      );
    }
  }
  return text.toLowerCase();
}

type PathReading = (path: string) => string;

/**
 * What lenient servers do to a path before routing it, in the order they do it: decode percent
 * escapes once (`%2e%2e`, `%2f`, `%5c`, `%70ayments`), read `\` as `/`, drop `;params` from
 * segments (Tomcat, Jetty), merge repeated slashes, and resolve `.`/`..` (RFC 3986 §5.2.4).
 */
const PATH_READINGS: readonly PathReading[] = [
  decodeEscapesOnce,
  (path) => path.replaceAll('\\', '/'),
  (path) => path.replace(/;[^/]*/g, ''),
  (path) => path.replace(/\/{2,}/g, '/'),
  removeDotSegments,
];

/** Characters without which every reading of a path is the path itself. */
const AMBIGUOUS = /[%\\;]|\/\/|(^|\/)\.\.?(\/|$)|^[^/]/;

/**
 * Every way an upstream may read `path`: the path as sent and each subset of the steps above
 * applied in order (at most 32 readings, far fewer in practice). An upstream that routes on any
 * one of them must not get a laxer zone than that reading selects.
 */
export function pathReadings(path: string): string[] {
  if (!AMBIGUOUS.test(path)) return [path];
  const readings = new Set([path]);
  for (const read of PATH_READINGS)
    for (const reading of [...readings]) readings.add(read(reading));
  return [...readings];
}

/** The most lenient reading: every step applied. */
export function leniestPath(path: string): string {
  return PATH_READINGS.reduce((reading, read) => read(reading), path);
}

function decodeEscapesOnce(path: string): string {
  return path.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** RFC 3986 §5.2.4 on a path, rooted at `/`; empty segments are kept (merging is its own step). */
function removeDotSegments(path: string): string {
  const segments = (path.startsWith('/') ? path : `/${path}`).split('/').slice(1);
  const output: string[] = [];
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '..') output.pop();
    else if (segment !== '.') output.push(segment);
    if (last && (segment === '.' || segment === '..')) output.push('');
  });
  return `/${output.join('/')}`;
}
