import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { GrpcBounds } from '../grpc-listener.js';
import type { ByteBudget } from './byte-budget.js';
import { GrpcStatus } from './grpc-status.js';
import { NativeCall } from './native-call.js';
import { parseGrpcTimeout } from './parse-grpc-timeout.js';

/**
 * Checks a new stream's request headers and starts its call, with its deadlines; undefined
 * when the stream was already answered. PROTOCOL-HTTP2.md: a content-type other than
 * application/grpc[+proto…] is HTTP 415, a method other than POST 405; a `grpc-encoding` other
 * than identity UNIMPLEMENTED (with `grpc-accept-encoding: identity`); `grpc-timeout` bounds
 * the call. Whatever `grpc-timeout` says, the request must arrive within the receive timeout.
 */
export function openCall(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  bounds: GrpcBounds,
  shared: { readonly budget: ByteBudget; readonly onInternalError: (error: unknown) => void },
): NativeCall | undefined {
  const contentType = headers['content-type'];
  if (contentType === undefined || !/^application\/grpc(?:$|[+;])/.test(contentType)) {
    respondPlainly(stream, { ':status': 415, 'content-type': 'text/plain' });
    return undefined;
  }
  if (headers[':method'] !== 'POST') {
    respondPlainly(stream, { ':status': 405, allow: 'POST' });
    return undefined;
  }
  const call = new NativeCall(stream, headers, shared.budget, shared.onInternalError);
  const encoding = headers['grpc-encoding'];
  if (encoding !== undefined && encoding !== 'identity') {
    call.fail(GrpcStatus.UNIMPLEMENTED, `unsupported grpc-encoding; this server accepts identity`);
    return undefined;
  }
  try {
    const timeoutMs = parseGrpcTimeout(headers['grpc-timeout']);
    if (timeoutMs !== undefined) call.setDeadline(timeoutMs);
  } catch (error) {
    call.failWith(error);
    return undefined;
  }
  call.expectRequestWithin(bounds.receiveTimeoutMs);
  return call;
}

/** An HTTP answer without a gRPC status, unless the stream has already closed. */
function respondPlainly(stream: ServerHttp2Stream, headers: Record<string, string | number>): void {
  if (stream.closed || stream.destroyed) return;
  stream.respond(headers, { endStream: true });
}
