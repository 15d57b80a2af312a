import type { AuthzRequest, HeaderFields, RequestCut } from '../../request/authz-request.js';
import { splitPathAndQuery } from '../../request/normalise-target.js';
import { readForwardedClientCert } from './read-forwarded-client-cert.js';

/** What the HTTP transport reads from one check request Envoy's `http_service` sends. */
export interface HttpCheckInput {
  readonly method: string;
  /** The request target as received: `path_prefix` + the original path and query. */
  readonly target: string;
  /** Each header line separately (`IncomingMessage.headersDistinct`). */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
  /** The client body Envoy buffered and forwarded (`with_request_body`); empty when none. */
  readonly body: Uint8Array;
  readonly remoteAddress: string;
  /** Set when Node stopped parsing the request's header lines at its bound. */
  readonly cut?: RequestCut;
}

export interface HttpTransportOptions {
  /** Envoy's `http_service.path_prefix`: removed before the path is checked. */
  readonly pathPrefix: string;
  /** Read the peer from `x-forwarded-client-cert` (only when Envoy sanitises it). */
  readonly forwardedClientCert: boolean;
}

/** Headers Envoy adds to the check request itself; they are not the client's. */
const TRANSPORT_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'expect']);

/**
 * Envoy's HTTP check request → AuthzRequest, or undefined when the path lacks the configured
 * prefix. Envoy copies the client's method, `:authority` (as Host), the prefixed path and the
 * headers allowed by `allowed_headers`; it sets Content-Length to the forwarded body's length,
 * so a body the client sent is visible only when `with_request_body` forwards it.
 */
export function toAuthzRequest(
  input: HttpCheckInput,
  options: HttpTransportOptions,
): AuthzRequest | undefined {
  if (!input.target.startsWith(options.pathPrefix)) return undefined;
  const headers = collectHeaders(input.headers);
  const { path, query } = splitPathAndQuery(input.target.slice(options.pathPrefix.length));
  const xfcc = headers.get('x-forwarded-client-cert');
  const peer =
    options.forwardedClientCert && xfcc !== undefined
      ? readForwardedClientCert(xfcc.join(','))
      : { principal: '', certificate: '' };
  return {
    method: input.method.toUpperCase(),
    receivedMethod: input.method,
    scheme: (headers.get('x-forwarded-proto')?.[0] ?? 'http').trim().toLowerCase(),
    authority: headers.get('host')?.[0] ?? '',
    path: path.startsWith('/') ? path : `/${path}`,
    query,
    headers,
    body:
      input.body.length > 0
        ? {
            bytes: input.body,
            truncated: headers.get('x-envoy-auth-partial-body')?.[0] === 'true',
          }
        : null,
    source: { ...peer, address: input.remoteAddress },
    contextExtensions: {},
    requestId: headers.get('x-request-id')?.[0] ?? '',
    cut: input.cut,
  };
}

function collectHeaders(raw: HttpCheckInput['headers']): HeaderFields {
  const headers = new Map<string, string[]>();
  for (const [name, lines] of Object.entries(raw)) {
    if (lines === undefined || TRANSPORT_HEADERS.has(name)) continue;
    headers.set(name, [...lines]);
  }
  return headers;
}
