import type { AuthzRequest, HeaderFields, RequestBody } from '../../request/authz-request.js';
import { decodeFieldBytes } from '../../request/field-bytes.js';
import { splitPathAndQuery } from '../../request/normalise-target.js';
import type { CheckRequestMessage, HttpRequestMessage, PeerMessage } from './check-messages.js';

/**
 * Envoy's CheckRequest → AuthzRequest. Prefers `header_map` (each header line separately, with
 * `encode_raw_headers: true`) over the `headers` map, in which Envoy has already joined repeated
 * lines with "," and RFC 9421 field combination can no longer be exact. `raw_value` bytes are
 * kept exactly, even when they are not UTF-8 (see decodeFieldBytes); the `headers` map holds
 * protobuf strings, which cannot carry such bytes intact.
 */
export function toAuthzRequest(message: CheckRequestMessage): AuthzRequest {
  const attributes = message.attributes ?? {};
  const http: HttpRequestMessage = attributes.request?.http ?? {};
  const { headers, pseudo } = collectHeaders(http);
  const scheme = (http.scheme || pseudo.get(':scheme') || 'http').toLowerCase();
  const { path, query } = splitPathAndQuery(http.path || pseudo.get(':path') || '/');
  const method = http.method || pseudo.get(':method') || 'GET';
  return {
    method: method.toUpperCase(),
    receivedMethod: method,
    scheme,
    authority: http.host || pseudo.get(':authority') || headers.get('host')?.[0] || '',
    path,
    query: query ?? (http.query ? http.query : null),
    headers,
    body: collectBody(http, headers),
    source: toPeer(attributes.source),
    contextExtensions: attributes.context_extensions ?? {},
    requestId: http.id ?? '',
    cut: message.cut,
  };
}

function collectHeaders(http: HttpRequestMessage): {
  headers: HeaderFields;
  pseudo: Map<string, string>;
} {
  const headers = new Map<string, string[]>();
  const pseudo = new Map<string, string>();
  const add = (rawName: string, value: string): void => {
    const name = rawName.toLowerCase();
    if (name.startsWith(':')) {
      pseudo.set(name, value);
      return;
    }
    const existing = headers.get(name);
    if (existing === undefined) headers.set(name, [value]);
    else existing.push(value);
  };
  const lines = http.header_map?.headers;
  if (lines !== undefined && lines.length > 0) {
    for (const line of lines) {
      const raw = line.raw_value;
      add(
        line.key ?? '',
        raw !== undefined && raw.length > 0 ? decodeFieldBytes(raw) : (line.value ?? ''),
      );
    }
  } else {
    for (const [name, value] of Object.entries(http.headers ?? {})) add(name, value);
  }
  return { headers, pseudo };
}

function collectBody(http: HttpRequestMessage, headers: HeaderFields): RequestBody | null {
  const raw =
    http.raw_body !== undefined && http.raw_body.length > 0 ? http.raw_body : http.long_body;
  const bytes =
    raw !== undefined
      ? new Uint8Array(raw.buffer, raw.byteOffset, raw.length)
      : http.body
        ? Buffer.from(http.body, 'utf8')
        : null;
  if (bytes === null) return null;
  // Envoy marks a body cut at max_request_bytes; a shorter body than declared is cut too.
  const declared = Number(headers.get('content-length')?.[0] ?? Number.NaN);
  const truncated =
    headers.get('x-envoy-auth-partial-body')?.[0] === 'true' ||
    (Number.isFinite(declared) && bytes.length < declared);
  return { bytes, truncated };
}

function toPeer(peer: PeerMessage | undefined): AuthzRequest['source'] {
  const socket = peer?.address?.socket_address;
  return {
    principal: peer?.principal ?? '',
    certificate: peer?.certificate ?? '',
    address: socket?.address ? hostPort(socket.address, socket.port_value ?? 0) : '',
  };
}

/** `ip:port`, bracketing IPv6 addresses (RFC 3986 §3.2.2). */
function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
