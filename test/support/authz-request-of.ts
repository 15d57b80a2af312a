import { randomUUID } from 'node:crypto';
import type { AuthzRequest } from '../../src/request/authz-request.js';
import type { RequestShape } from './envoy-check-request.js';

/**
 * The AuthzRequest the transports build for `shape` as Envoy would send it with
 * `encode_raw_headers: true` (each header line kept), for tests that ask the engine directly.
 * `rawPath` is taken as sent; otherwise the URL's path and query.
 */
export function authzRequestOf(shape: RequestShape): AuthzRequest {
  const url = new URL(shape.url);
  const target = shape.rawPath ?? `${url.pathname}${url.search}`;
  const at = target.indexOf('?');
  const headers = new Map<string, string[]>();
  for (const [name, value] of Object.entries(shape.headers ?? {})) {
    const lines = Array.isArray(value) ? value : [value];
    headers.set(name.toLowerCase(), [...(headers.get(name.toLowerCase()) ?? []), ...lines]);
  }
  const body = shape.body === undefined ? undefined : Buffer.from(shape.body);
  if (body !== undefined && !headers.has('content-length')) {
    headers.set('content-length', [String(body.length)]);
  }
  return {
    method: shape.method.toUpperCase(),
    receivedMethod: shape.method,
    scheme: url.protocol.slice(0, -1),
    authority: url.host,
    path: (at === -1 ? target : target.slice(0, at)) || '/',
    query: at === -1 ? null : target.slice(at + 1),
    headers,
    body:
      body === undefined || shape.forwardBody === false ? null : { bytes: body, truncated: false },
    source: {
      principal: shape.principal ?? '',
      certificate: shape.certificate ?? '',
      address: '10.1.2.3:53122',
    },
    contextExtensions: shape.contextExtensions ?? {},
    requestId: randomUUID(),
  };
}
