import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { runCheckInSpan } from '../../telemetry/check-span.js';
import type { CheckEngine } from '../grpc/authorization-service.js';
import { type HttpTransportOptions, toAuthzRequest } from './to-authz-request.js';
import { type HttpCheckResponse, toHttpResponse } from './to-http-response.js';

export interface HttpServerOptions extends HttpTransportOptions {
  /** Largest forwarded body read; a larger one is answered 413 without a check. */
  readonly maxBodyBytes: number;
}

export interface HttpTransport {
  readonly port: number;
  /** Stop accepting, let in-flight checks finish up to `timeoutMs`, then close every socket. */
  close(timeoutMs: number): Promise<void>;
}

/**
 * The Envoy `http_service` ext_authz listener (Istio `envoyExtAuthzHttp`): every request is a
 * check of the client request it mirrors. The same engine as gRPC mode decides.
 */
export async function startHttpTransport(
  address: string,
  check: CheckEngine,
  options: HttpServerOptions,
): Promise<HttpTransport> {
  const server = createServer((request, response) => {
    handle(request, response, check, options).catch(() => {
      // The engine fails closed on its own; this is a transport failure (e.g. socket reset).
      if (!response.headersSent) send(response, problemResponse(500, 'check failed'));
    });
  });
  const port = await listen(server, address);
  return { port, close: (timeoutMs) => close(server, timeoutMs) };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  check: CheckEngine,
  options: HttpServerOptions,
): Promise<void> {
  const body = await readBody(request, options.maxBodyBytes);
  if (body === undefined) return send(response, problemResponse(413, 'body too large to check'));
  const authz = toAuthzRequest(
    {
      method: request.method ?? 'GET',
      target: request.url ?? '/',
      headers: request.headersDistinct,
      body,
      remoteAddress: request.socket.remoteAddress ?? '',
    },
    options,
  );
  if (authz === undefined) return send(response, problemResponse(404, 'path outside the prefix'));
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const { decision, traceId } = await runCheckInSpan(header, authz, check);
  send(response, toHttpResponse(decision, authz.headers, traceId));
}

/** The body, or undefined when it exceeds `maxBytes` (reading stops there). */
async function readBody(
  request: IncomingMessage,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A transport-level refusal (not a check decision): Envoy treats any non-200 as a denial. */
function problemResponse(status: number, detail: string): HttpCheckResponse {
  return {
    status,
    headers: [['content-type', 'application/problem+json']],
    body: JSON.stringify({ type: 'about:blank', status, detail }),
  };
}

function send(response: ServerResponse, answer: HttpCheckResponse): void {
  response.statusCode = answer.status;
  for (const [name, value] of answer.headers) response.setHeader(name, value);
  response.end(answer.body);
}

function listen(server: Server, address: string): Promise<number> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(address.slice(colon + 1)), host, () => {
      server.off('error', reject);
      const bound = server.address();
      resolve(typeof bound === 'object' && bound !== null ? bound.port : 0);
    });
  });
}

function close(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
