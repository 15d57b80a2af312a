import type { PeerIdentity } from '../../request/authz-request.js';

type Peer = Pick<PeerIdentity, 'principal' | 'certificate'>;

const NO_PEER: Peer = { principal: '', certificate: '' };
const KEY = /^[A-Za-z0-9_-]+$/;
/** An unquoted value: no quote, separator, whitespace or control character. */
const BARE_CHAR = /[^",;\s\p{Cc}]/u;

/**
 * Envoy's `x-forwarded-client-cert` (XFCC): comma-separated elements, one per proxy hop, each a
 * `;`-separated list of `Key=value` pairs; a value is bare or wholly double-quoted, with `\"`
 * escapes inside the quotes. Only trustworthy when Envoy controls the last element (see
 * docs/deploy.md, `forward_client_cert_details`), so the transport reads it only when the
 * operator says so (`http.forwardedClientCert: true`).
 *
 * The last element is the hop nearest to Envoy, the client it saw: its `URI` is the SPIFFE id
 * and its `Cert` the URL-encoded PEM — the same two facts gRPC mode gets as `principal` and
 * `certificate`. Under APPEND_FORWARD the elements before it are the client's own text, so the
 * whole header is read strictly: a quote opens only a whole value and must close before `;`,
 * `,` or the end. Anything else (an unterminated quote that would swallow the proxy's element,
 * text after a closing quote, a pair without `=`, an empty element) means no peer at all.
 */
export function readForwardedClientCert(value: string): Peer {
  const elements = parseElements(value.trim());
  const last = elements?.at(-1);
  if (last === undefined) return NO_PEER;
  // With several SANs Envoy repeats URI=; the first one is the peer's SPIFFE id.
  const first = (key: string) => last.find((pair) => pair.key === key)?.value ?? '';
  return { principal: first('uri'), certificate: first('cert') };
}

interface Pair {
  /** Lower case. */
  readonly key: string;
  readonly value: string;
}

/** The elements in order, or undefined when the header is malformed anywhere. */
function parseElements(text: string): Pair[][] | undefined {
  const elements: Pair[][] = [[]];
  let at = 0;
  while (at < text.length) {
    const pair = parsePair(text, at);
    if (pair === undefined) return undefined;
    elements.at(-1)!.push(pair);
    at = pair.end;
    if (at === text.length) break;
    if (text[at] === ';') at += 1;
    else {
      // RFC 9110 §5.6.1: optional whitespace around the list's commas.
      const comma = /^[ \t]*,[ \t]*/.exec(text.slice(at));
      if (comma === null) return undefined;
      at += comma[0].length;
      elements.push([]);
    }
    if (at === text.length) return undefined;
  }
  return elements;
}

function parsePair(text: string, start: number): (Pair & { end: number }) | undefined {
  const equals = text.indexOf('=', start);
  const key = equals === -1 ? '' : text.slice(start, equals);
  if (!KEY.test(key)) return undefined;
  const value = text[equals + 1] === '"' ? quoted(text, equals + 1) : bare(text, equals + 1);
  return value === undefined ? undefined : { key: key.toLowerCase(), ...value };
}

function quoted(text: string, open: number): { value: string; end: number } | undefined {
  let value = '';
  for (let at = open + 1; at < text.length; at++) {
    const char = text[at]!;
    if (char === '"') return { value, end: at + 1 };
    if (char === '\\') at += 1;
    if (at === text.length) return undefined;
    value += text[at];
  }
  return undefined;
}

function bare(text: string, start: number): { value: string; end: number } {
  let end = start;
  while (end < text.length && BARE_CHAR.test(text[end]!)) end += 1;
  return { value: text.slice(start, end), end };
}
