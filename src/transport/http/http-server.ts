import { createServer, type Server } from 'node:http';
import type { Limits } from '../../config/limits-schema.js';
import type { CheckEngine } from '../grpc/authorization-service.js';
import { createAdmission } from './admit-requests.js';
import {
  type CheckRequestServing,
  problemResponse,
  send,
  serveCheckRequest,
} from './serve-check-request.js';
import type { HttpTransportOptions } from './to-authz-request.js';

/** `http.*`: what one connection and one request may hold, and for how long (all times in ms). */
export interface HttpServerOptions extends HttpTransportOptions {
  /** Largest forwarded body read; a larger one is answered 413 without a check. */
  readonly maxBodyBytes: number;
  /** Body bytes held at once, in all; a request whose body does not fit is answered 503 unread. */
  readonly maxBufferedBodyBytes: number;
  /** Longest wait for a request's headers; then Node answers 408 and closes the connection. */
  readonly headersTimeout: number;
  /** Longest wait for a whole request, its body included; then the same. */
  readonly requestTimeout: number;
  /** How long an idle connection is kept open. */
  readonly keepAliveTimeout: number;
  /** Connections open at once; Node closes the ones beyond as they arrive. */
  readonly maxConnections: number;
}

/** The `limits` the transport applies before a request reaches the engine. */
export type HttpRequestLimits = Pick<Limits, 'maxInFlight' | 'maxHeaderBytes' | 'maxHeaderLines'>;

export interface HttpTransport {
  readonly port: number;
  /** Stop accepting, let in-flight checks finish up to `timeoutMs`, then close every socket. */
  close(timeoutMs: number): Promise<void>;
}

/**
 * Header lines Node parses besides those `limits.maxHeaderLines` allows, for the hop-by-hop
 * lines the check does not count. Node keeps no more than that (`maxHeadersCount`): a request
 * that reaches it has lost lines, and is denied without them.
 */
const SPARE_HEADER_LINES = 64;

/**
 * The Envoy `http_service` ext_authz listener (Istio `envoyExtAuthzHttp`): every request is a
 * check of the client request it mirrors. The same engine as gRPC mode decides. Node's parser
 * bounds each request's head (`maxHeaderSize`, `maxHeadersCount`), its timing
 * (`headersTimeout`, `requestTimeout`) and the connections (`maxConnections`); a request is
 * admitted (admit-requests.ts) before its body is read.
 */
export async function startHttpTransport(
  address: string,
  check: CheckEngine,
  options: HttpServerOptions,
  limits: HttpRequestLimits,
): Promise<HttpTransport> {
  const serving: CheckRequestServing = {
    check,
    options,
    admit: createAdmission({
      maxInFlight: limits.maxInFlight,
      maxBufferedBodyBytes: options.maxBufferedBodyBytes,
    }),
    maxHeadersCount: limits.maxHeaderLines + SPARE_HEADER_LINES,
    maxHeaderLines: limits.maxHeaderLines,
  };
  const server = createServer(
    {
      // Node counts the request target and every header name and value against it; the target
      // may be as long as the header fields together.
      maxHeaderSize: 2 * limits.maxHeaderBytes,
      headersTimeout: options.headersTimeout,
      requestTimeout: options.requestTimeout,
      keepAliveTimeout: options.keepAliveTimeout,
      // The two timeouts are enforced when Node looks over its connections (by default every
      // 30 s): look often enough that they hold to within a quarter of the shorter one.
      connectionsCheckingInterval: Math.max(25, Math.min(1000, options.headersTimeout / 4)),
    },
    (request, response) => {
      serveCheckRequest(request, response, serving).catch(() => {
        // The engine fails closed on its own; this is a transport failure (e.g. socket reset).
        if (!response.headersSent) send(response, problemResponse(500, 'check failed'));
      });
    },
  );
  server.maxHeadersCount = serving.maxHeadersCount;
  server.maxConnections = options.maxConnections;
  const port = await listen(server, address);
  return { port, close: (timeoutMs) => close(server, timeoutMs) };
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
