import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** What an HttpConnectionManager does to `:path` before any filter runs. */
export interface EnvoyPathSettings {
  readonly normalizePath: boolean;
  readonly mergeSlashes: boolean;
  readonly escapedSlashes:
    | 'KEEP_UNCHANGED'
    | 'REJECT_REQUEST'
    | 'UNESCAPE_AND_REDIRECT'
    | 'UNESCAPE_AND_FORWARD';
}

/** What Envoy does with one request target. */
export type PathOutcome =
  | { readonly forward: string }
  | { readonly reject: 400 }
  | { readonly redirect: string };

/** The path settings of the one HttpConnectionManager in an Envoy bootstrap file. */
export function readEnvoyPathSettings(file: string): EnvoyPathSettings {
  const manager = findManager(parse(readFileSync(file, 'utf8')));
  if (manager === undefined) throw new Error(`${file} has no HttpConnectionManager`);
  return {
    normalizePath: manager.normalize_path === true,
    mergeSlashes: manager.merge_slashes === true,
    escapedSlashes: (manager.path_with_escaped_slashes_action ??
      'KEEP_UNCHANGED') as EnvoyPathSettings['escapedSlashes'],
  };
}

function findManager(node: unknown): Record<string, unknown> | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const record = node as Record<string, unknown>;
  if (String(record['@type']).endsWith('.HttpConnectionManager')) return record;
  for (const child of Object.values(record)) {
    const found = findManager(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Envoy's documented path handling, applied in its order to the path before `?`:
 * `path_with_escaped_slashes_action` on `%2F`/`%5C` (any case) first; then `normalize_path`,
 * RFC 3986 §6 without case normalisation — escapes of unreserved characters decoded, other
 * escapes kept as sent, `\` read as `/`, the characters its URL canonicaliser escapes
 * percent-encoded (upper-case hex, UTF-8 for non-ASCII), dot segments removed, a NUL refused
 * with 400; then `merge_slashes`. The query is left alone.
 */
export function applyEnvoyPathRules(target: string, settings: EnvoyPathSettings): PathOutcome {
  const mark = target.indexOf('?');
  let path = mark === -1 ? target : target.slice(0, mark);
  const query = mark === -1 ? '' : target.slice(mark);
  const escapedSlash = /%(2f|5c)/i.test(path);
  if (escapedSlash && settings.escapedSlashes === 'REJECT_REQUEST') return { reject: 400 };
  if (escapedSlash && settings.escapedSlashes.startsWith('UNESCAPE')) {
    path = path.replace(/%2f/gi, '/').replace(/%5c/gi, '\\');
  }
  if (settings.normalizePath) {
    const normal = canonicalPath(path);
    if (normal === undefined) return { reject: 400 };
    path = normal;
  }
  if (settings.mergeSlashes) path = path.replace(/\/{2,}/g, '/');
  if (escapedSlash && settings.escapedSlashes === 'UNESCAPE_AND_REDIRECT') {
    return { redirect: path + query };
  }
  return { forward: path + query };
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;
/** Printable ASCII Envoy's path canonicaliser writes as a %XX escape. */
const ESCAPED_ASCII = new Set([' ', '"', '#', '<', '>', '^', '`', '{', '|', '}']);

/** One pass over the path, a character (or one %XX escape) at a time, then dot segments. */
function canonicalPath(path: string): string | undefined {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i]!;
    const hex = path.slice(i + 1, i + 3);
    if (char === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      const decoded = String.fromCharCode(Number.parseInt(hex, 16));
      if (decoded === '\0') return undefined;
      out += UNRESERVED.test(decoded) ? decoded : `%${hex}`;
      i += 2;
    } else if (char === '\0') {
      return undefined;
    } else if (char === '\\') {
      out += '/';
    } else if (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) >= 0x7f || ESCAPED_ASCII.has(char)) {
      out += escapeUtf8(path.codePointAt(i)!);
      if (path.codePointAt(i)! > 0xffff) i++;
    } else {
      out += char;
    }
  }
  return withoutDotSegments(out);
}

function escapeUtf8(codePoint: number): string {
  const bytes = Buffer.from(String.fromCodePoint(codePoint), 'utf8');
  return [...bytes].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/** RFC 3986 §5.2.4 on an absolute path: `.` dropped, `..` drops the segment before it. */
function withoutDotSegments(path: string): string {
  const output: string[] = [];
  const segments = path.split('/').slice(1);
  for (const [index, segment] of segments.entries()) {
    if (segment === '..') output.splice(Math.max(output.length - 1, 0), 1);
    else if (segment !== '.') output.push(segment);
    if ((segment === '.' || segment === '..') && index === segments.length - 1) output.push('');
  }
  return `/${output.join('/')}`;
}
