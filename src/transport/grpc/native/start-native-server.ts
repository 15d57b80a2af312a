import {
  createServer,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { answerCheck, type CheckEngine } from '../answer-check.js';
import { CHECK_PATH } from '../authorization-service.js';
import { type CheckRequestDecoder, encodeCheckResponseFrame } from '../check-codec.js';
import type { GrpcListener, GrpcListenerOptions } from '../grpc-listener.js';
import { GrpcStatus } from './grpc-status.js';
import { NativeCall } from './native-call.js';
import { parseGrpcTimeout } from './parse-grpc-timeout.js';
import { LibraryRoutes } from './route-library-services.js';

/**
 * HTTP/2 settings. Node answers PINGs (Envoy's keepalive) itself. `maxSessionMemory` (MB) bounds
 * what one connection may buffer before Node refuses new streams on it; Envoy multiplexes every
 * check of a proxy over few connections, so it is larger than Node's default of 10.
 */
const SERVER_OPTIONS = {
  maxSessionMemory: 64,
  settings: { maxConcurrentStreams: 4096 },
};

/**
 * The hand-written gRPC server over `node:http2`: `Authorization/Check` decoded and encoded by
 * the Check path's codec and run through `answerCheck`, health and reflection routed to their
 * libraries' handlers (LibraryRoutes), everything else UNIMPLEMENTED — all on one port.
 * PROTOCOL-HTTP2.md: a content-type other than application/grpc[+proto…] is HTTP 415, a method
 * other than POST 405; a `grpc-encoding` other than identity UNIMPLEMENTED (with
 * `grpc-accept-encoding: identity`); `grpc-timeout` bounds the call.
 */
export async function startNativeGrpcServer(
  address: string,
  options: GrpcListenerOptions,
): Promise<GrpcListener> {
  const { check, maxMessageBytes, decodeCheckRequest } = options;
  const routes = new LibraryRoutes();
  options.addLibraryServices(routes);
  const sessions = new Set<Http2Session>();
  const streaming = new Set<NativeCall>();
  let stopping = false;
  const server = createServer(SERVER_OPTIONS);
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    // A broken connection ends its own streams; it never ends the process.
    session.on('error', () => {});
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    const call = openCall(stream, headers);
    if (call === undefined) return;
    if (stopping) {
      call.fail(GrpcStatus.UNAVAILABLE, 'server shutting down');
      return;
    }
    const path = headers[':path'];
    if (path === CHECK_PATH) serveCheck(call, check, decodeCheckRequest, maxMessageBytes);
    else if (path !== undefined && routes.has(path)) {
      streaming.add(call);
      call.stream.on('close', () => streaming.delete(call));
      routes.serve(call, path, maxMessageBytes);
    } else call.fail(GrpcStatus.UNIMPLEMENTED, 'unknown method');
  });
  const port = await listen(server, address);
  return {
    port,
    stop: async (timeoutMs) => {
      stopping = true;
      server.close();
      // GOAWAY on every connection: calls already started finish, no new stream is accepted.
      for (const session of sessions) session.close();
      // Health Watch and reflection streams would otherwise hold their connection open.
      for (const call of streaming) call.fail(GrpcStatus.UNAVAILABLE, 'server shutting down');
      const closed = await waitUntil(() => sessions.size === 0, timeoutMs);
      if (!closed) for (const session of sessions) session.destroy();
    },
  };
}

/** Checks the request headers; undefined when the stream was already answered (415, 405, …). */
function openCall(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): NativeCall | undefined {
  const contentType = headers['content-type'];
  if (contentType === undefined || !/^application\/grpc(?:$|[+;])/.test(contentType)) {
    stream.respond({ ':status': 415, 'content-type': 'text/plain' }, { endStream: true });
    return undefined;
  }
  if (headers[':method'] !== 'POST') {
    stream.respond({ ':status': 405, allow: 'POST' }, { endStream: true });
    return undefined;
  }
  const call = new NativeCall(stream, headers);
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
  return call;
}

/** Authorization/Check: exactly one CheckRequest, answered once the client half-closed. */
function serveCheck(
  call: NativeCall,
  check: CheckEngine,
  decodeCheckRequest: CheckRequestDecoder,
  maxMessageBytes: number,
): void {
  let request: Buffer | undefined;
  let count = 0;
  call.on('data', (message: Buffer) => {
    request = message;
    count++;
  });
  call.on('end', () => {
    if (count !== 1) {
      call.fail(GrpcStatus.UNIMPLEMENTED, 'Check takes exactly one request message');
      return;
    }
    let message: ReturnType<CheckRequestDecoder>;
    try {
      message = decodeCheckRequest(request as Buffer);
    } catch {
      call.fail(GrpcStatus.INTERNAL, 'request message is not a CheckRequest');
      return;
    }
    answerCheck(check, message, (name) => {
      const value = call.headers[name];
      return typeof value === 'string' ? value : undefined;
    }).then(
      (response) => call.answerFrame(encodeCheckResponseFrame(response)),
      (error: unknown) => call.failWith(error),
    );
  });
  call.readMessages(maxMessageBytes);
}

function listen(server: ReturnType<typeof createServer>, address: string): Promise<number> {
  const split = address.lastIndexOf(':');
  const host = address.slice(0, split).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(split + 1));
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      const cause = /^listen E[A-Z]+: (.+?) \S+$/.exec(error.message)?.[1] ?? error.message;
      reject(new Error(`listen ${address}: ${cause}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Resolves true once `done()` holds (checked every 20 ms), false after `timeoutMs`. */
async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
