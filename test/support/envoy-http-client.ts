import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { OWNED_HEADERS } from '../../src/decision/upstream-headers.js';
import { HEADERS_TO_REMOVE } from '../../src/transport/http/to-http-response.js';
import type { RequestShape } from './envoy-check-request.js';

export interface HttpCheckAnswer {
  readonly status: number;
  /** Response headers, lower-case names, repeated ones joined with ", ". */
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface HttpCheckOptions {
  /** Envoy `http_service.path_prefix`. */
  readonly pathPrefix?: string;
  /** `x-forwarded-client-cert` as Envoy sets it with SANITIZE_SET. */
  readonly forwardedClientCert?: string;
}

/**
 * Asks the HTTP transport about `shape` the way Envoy's `http_service` does: the client's
 * method, `path_prefix` + path and query, Host = `:authority`, every allowed header line
 * separately (`encode_raw_headers: true`), `x-forwarded-proto` and `x-request-id`, and the
 * buffered body (`with_request_body`) with Content-Length set to its size.
 */
export function httpCheck(
  port: number,
  shape: RequestShape,
  options: HttpCheckOptions = {},
): Promise<HttpCheckAnswer> {
  const url = new URL(shape.url);
  const body =
    shape.body === undefined || shape.forwardBody === false ? undefined : Buffer.from(shape.body);
  const headers: Record<string, string | string[]> = {
    host: url.host,
    'x-forwarded-proto': url.protocol.slice(0, -1),
    'x-request-id': randomUUID(),
    'content-length': String(body?.length ?? 0),
  };
  for (const [name, value] of Object.entries(shape.headers ?? {})) {
    if (name.toLowerCase() !== 'content-length') headers[name.toLowerCase()] = value;
  }
  if (options.forwardedClientCert !== undefined) {
    headers['x-forwarded-client-cert'] = options.forwardedClientCert;
  }
  const target = shape.rawPath ?? `${url.pathname}${url.search}`;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        method: shape.method,
        path: `${options.pathPrefix ?? ''}${target}`,
        headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: Object.fromEntries(
              Object.entries(response.headersDistinct).map(([name, lines]) => [
                name,
                (lines ?? []).join(', '),
              ]),
            ),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * The identity headers Envoy copies upstream from a 200 answer — with
 * `allowed_upstream_headers` listing exactly the headers agent-authz owns.
 */
export function upstreamHeaders(answer: HttpCheckAnswer): Record<string, string> {
  const owned = new Set<string>(OWNED_HEADERS);
  return Object.fromEntries(Object.entries(answer.headers).filter(([name]) => owned.has(name)));
}

/** The client headers Envoy removes before forwarding (`x-envoy-auth-headers-to-remove`). */
export function removedHeaders(answer: HttpCheckAnswer): string[] {
  const list = answer.headers[HEADERS_TO_REMOVE] ?? '';
  return list === ''
    ? []
    : list
        .split(',')
        .map((name) => name.trim())
        .sort();
}

/** The parsed problem+json body of a denial. */
export function httpProblem(answer: HttpCheckAnswer): Record<string, unknown> {
  return JSON.parse(answer.body) as Record<string, unknown>;
}
