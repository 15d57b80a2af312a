import { randomUUID } from 'node:crypto';

export interface RequestShape {
  method: string;
  url: string;
  headers?: Record<string, string | string[]>;
  body?: string | Uint8Array;
  /** Send the body as Envoy does with `with_request_body` (default true when there is one). */
  forwardBody?: boolean;
  /** `header_map` with `raw_value`s (Envoy `encode_raw_headers: true`) instead of `headers`. */
  rawHeaders?: boolean;
  principal?: string;
  certificate?: string;
  /** The downstream client's IP address as Envoy reports it (`10.1.2.3` unless given). */
  sourceAddress?: string;
  contextExtensions?: Record<string, string>;
  /** `:path` exactly as a client sent it (URL parsing would resolve `..` and `\\`). */
  rawPath?: string;
}

/**
 * A CheckRequest as Envoy's ext_authz filter builds it: pseudo-headers among the headers,
 * `path` including the query, `x-request-id`, peer addresses, request time, and either the
 * joined `headers` map or the raw `header_map`.
 */
export function envoyCheckRequest(shape: RequestShape): object {
  const url = new URL(shape.url);
  const target = shape.rawPath ?? `${url.pathname}${url.search}`;
  const requestId = randomUUID();
  const body = shape.body === undefined ? undefined : Buffer.from(shape.body);
  const lines: Array<[string, string]> = [
    [':authority', url.host],
    [':path', target],
    [':method', shape.method],
    [':scheme', url.protocol.slice(0, -1)],
    ['user-agent', 'agent-authz-test/1.0'],
    ['x-forwarded-proto', url.protocol.slice(0, -1)],
    ['x-request-id', requestId],
  ];
  for (const [name, value] of Object.entries(shape.headers ?? {})) {
    for (const line of Array.isArray(value) ? value : [value])
      lines.push([name.toLowerCase(), line]);
  }
  if (body !== undefined && !lines.some(([name]) => name === 'content-length')) {
    lines.push(['content-length', String(body.length)]);
  }
  const http: Record<string, unknown> = {
    id: requestId,
    method: shape.method,
    path: target,
    host: url.host,
    scheme: url.protocol.slice(0, -1),
    protocol: 'HTTP/1.1',
    size: String(body?.length ?? 0),
  };
  if (shape.rawHeaders) {
    http.header_map = {
      headers: lines.map(([key, value]) => ({ key, raw_value: Buffer.from(value) })),
    };
  } else {
    const joined: Record<string, string> = {};
    // Without encode_raw_headers Envoy joins repeated lines with "," (no space).
    for (const [name, value] of lines)
      joined[name] = name in joined ? `${joined[name]},${value}` : value;
    http.headers = joined;
  }
  if (body !== undefined && shape.forwardBody !== false) http.raw_body = body;
  return {
    attributes: {
      source: {
        address: {
          socket_address: { address: shape.sourceAddress ?? '10.1.2.3', port_value: 53122 },
        },
        principal: shape.principal ?? '',
        certificate: shape.certificate ?? '',
      },
      destination: {
        address: { socket_address: { address: '10.1.9.9', port_value: 8080 } },
        principal: 'spiffe://cluster.local/ns/api/sa/gateway',
      },
      request: { time: { seconds: String(Math.floor(Date.now() / 1000)), nanos: 0 }, http },
      context_extensions: shape.contextExtensions ?? {},
    },
  };
}
