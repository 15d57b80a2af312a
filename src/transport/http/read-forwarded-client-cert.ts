import type { PeerIdentity } from '../../request/authz-request.js';

/**
 * Envoy's `x-forwarded-client-cert` (XFCC): comma-separated elements, one per proxy hop, each a
 * `;`-separated list of `Key=value` pairs whose values may be double-quoted with `\"` escapes.
 * Only trustworthy when Envoy sanitises it (`forward_client_cert_details: SANITIZE_SET`), so the
 * transport reads it only when the operator says so (`http.forwardedClientCert: true`).
 *
 * The last element is the hop nearest to Envoy, the client it saw: its `URI` is the SPIFFE id
 * and its `Cert` the URL-encoded PEM — the same two facts gRPC mode gets as `principal` and
 * `certificate`.
 */
export function readForwardedClientCert(
  value: string,
): Pick<PeerIdentity, 'principal' | 'certificate'> {
  const elements = splitOutsideQuotes(value, ',');
  const last = elements[elements.length - 1] ?? '';
  const pairs = new Map<string, string>();
  for (const pair of splitOutsideQuotes(last, ';')) {
    const equals = pair.indexOf('=');
    if (equals === -1) continue;
    const key = pair.slice(0, equals).trim().toLowerCase();
    // With several SANs Envoy repeats URI=; the first one is the peer's SPIFFE id.
    if (!pairs.has(key)) pairs.set(key, unquote(pair.slice(equals + 1).trim()));
  }
  return { principal: pairs.get('uri') ?? '', certificate: pairs.get('cert') ?? '' };
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted && char === '\\' && i + 1 < text.length) {
      current += char + text[++i];
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value.slice(1, -1).replace(/\\(.)/g, '$1');
}
