import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestCut } from '../../request/authz-request.js';
import { runCheckInSpan } from '../../telemetry/check-span.js';
import type { CheckEngine } from '../grpc/authorization-service.js';
import type { AdmitRequest } from './admit-requests.js';
import { type HttpTransportOptions, toAuthzRequest } from './to-authz-request.js';
import { type HttpCheckResponse, toHttpResponse } from './to-http-response.js';

/** What serving one check request needs. */
export interface CheckRequestServing {
  readonly check: CheckEngine;
  readonly options: HttpTransportOptions & { readonly maxBodyBytes: number };
  readonly admit: AdmitRequest;
  /** Node's `maxHeadersCount`: a request with that many lines may have lost some. */
  readonly maxHeadersCount: number;
  /** `limits.maxHeaderLines`, named when such a request is denied. */
  readonly maxHeaderLines: number;
}

/**
 * One check request: refused at once when its declared body is too large or is not admitted
 * (its body never read), else its body read, the request checked and the decision sent. The
 * admission is given back once the answer is sent.
 */
export async function serveCheckRequest(
  request: IncomingMessage,
  response: ServerResponse,
  serving: CheckRequestServing,
): Promise<void> {
  const { options } = serving;
  const bodyBytes = declaredBodyBytes(request, options.maxBodyBytes);
  if (bodyBytes > options.maxBodyBytes) return refuse(response, TOO_LARGE);
  const release = serving.admit(bodyBytes);
  if (release === undefined) return refuse(response, OVERLOADED);
  try {
    const body = await readBody(request, options.maxBodyBytes);
    if (body === undefined) return send(response, TOO_LARGE);
    const cut: RequestCut | undefined =
      request.rawHeaders.length / 2 >= serving.maxHeadersCount
        ? { part: 'header-lines', max: serving.maxHeaderLines }
        : undefined;
    const authz = toAuthzRequest(
      {
        method: request.method ?? 'GET',
        target: request.url ?? '/',
        headers: request.headersDistinct,
        body,
        remoteAddress: request.socket.remoteAddress ?? '',
        cut,
      },
      options,
    );
    if (authz === undefined) return send(response, problemResponse(404, 'path outside the prefix'));
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const { decision, traceId } = await runCheckInSpan(header, authz, serving.check);
    send(response, toHttpResponse(decision, authz.headers, traceId));
  } finally {
    release();
  }
}

/**
 * The bytes the body will take: its Content-Length (digits, checked by Node's parser), the most
 * any body may take when it is chunked, 0 when there is none (RFC 9112 §6.3).
 */
function declaredBodyBytes(request: IncomingMessage, maxBodyBytes: number): number {
  const length = request.headers['content-length'];
  if (length !== undefined) return Number(length);
  return request.headers['transfer-encoding'] === undefined ? 0 : maxBodyBytes;
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
export function problemResponse(
  status: number,
  detail: string,
  extra: { reason?: string; retryAfterSeconds?: number } = {},
): HttpCheckResponse {
  const retry: HttpCheckResponse['headers'] =
    extra.retryAfterSeconds === undefined ? [] : [['retry-after', String(extra.retryAfterSeconds)]];
  return {
    status,
    headers: [['content-type', 'application/problem+json'], ...retry],
    body: JSON.stringify({ type: 'about:blank', status, detail, reason: extra.reason }),
  };
}

const TOO_LARGE = problemResponse(413, 'body too large to check');

/** As the engine sheds a check beyond `limits.maxInFlight`: retry shortly, maybe elsewhere. */
const OVERLOADED = problemResponse(
  503,
  'the authorizer is reading as many requests and bodies as it may; retry shortly',
  { reason: 'overloaded', retryAfterSeconds: 1 },
);

export function send(response: ServerResponse, answer: HttpCheckResponse): void {
  response.statusCode = answer.status;
  for (const [name, value] of answer.headers) response.setHeader(name, value);
  response.end(answer.body);
}

/** An answer sent before the body is read: the connection closes rather than read it. */
function refuse(response: ServerResponse, answer: HttpCheckResponse): void {
  response.setHeader('connection', 'close');
  send(response, answer);
}
