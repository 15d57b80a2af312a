import {
  constants,
  createServer,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { CHECK_PATH } from '../authorization-service.js';
import type { GrpcListener, GrpcListenerOptions } from '../grpc-listener.js';
import { ByteBudget } from './byte-budget.js';
import { GrpcStatus } from './grpc-status.js';
import { reportSafely } from './guard.js';
import type { NativeCall } from './native-call.js';
import { openCall } from './open-call.js';
import { LibraryRoutes } from './route-library-services.js';
import { serveCheck } from './serve-check.js';
import { SessionTracker } from './track-sessions.js';

/**
 * Memory one connection's HTTP/2 state may use before Node refuses new streams on it, in MB:
 * its streams, header tables and response bytes queued for a client that does not read.
 * Node's default of 10 refuses streams on a busy multiplexed connection.
 */
const MAX_SESSION_MEMORY_MB = 64;

/**
 * The hand-written gRPC server over `node:http2`: `Authorization/Check` decoded and encoded by
 * the Check path's codec and run through `answerCheck`, health and reflection routed to their
 * libraries' handlers (LibraryRoutes), everything else UNIMPLEMENTED — all on one port. Node
 * answers PINGs (Envoy's keepalive) itself. What a client may hold is bounded by
 * `options.bounds` (docs/limits.md#the-grpc-port); no stream or connection event can throw out
 * of the server (an exception in a call's code resets that stream and is reported).
 */
export async function startNativeGrpcServer(
  address: string,
  options: GrpcListenerOptions,
): Promise<GrpcListener> {
  const { check, bounds, onInternalError, decodeCheckRequest } = options;
  const routes = new LibraryRoutes();
  options.addLibraryServices(routes);
  const budget = new ByteBudget(bounds.maxBufferedBytes);
  const request = { maxMessageBytes: bounds.maxMessageBytes };
  const shared = { budget, onInternalError };
  const sessions = new SessionTracker(bounds.idleTimeoutMs, onInternalError);
  const streaming = new Set<NativeCall>();
  let stopping = false;
  const route = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void => {
    stream.on('error', () => {});
    const call = openCall(stream, headers, bounds, shared);
    if (call === undefined) return;
    sessions.addCall(stream);
    const path = headers[':path'];
    if (stopping) call.fail(GrpcStatus.UNAVAILABLE, 'server shutting down');
    else if (path === CHECK_PATH) serveCheck(call, check, decodeCheckRequest, request);
    else if (path !== undefined && routes.has(path)) {
      streaming.add(call);
      stream.on('close', () => streaming.delete(call));
      routes.serve(call, path, request);
    } else call.fail(GrpcStatus.UNIMPLEMENTED, 'unknown method');
  };
  const server = createServer({
    maxSessionMemory: MAX_SESSION_MEMORY_MB,
    settings: { maxConcurrentStreams: bounds.maxConcurrentStreams },
  });
  server.on('session', (session) => sessions.add(session));
  server.on('stream', (stream, headers) => {
    try {
      route(stream, headers);
    } catch (error) {
      resetStream(stream);
      reportSafely(onInternalError, error);
    }
  });
  const port = await listen(server, address);
  return {
    port,
    stop: async (timeoutMs) => {
      stopping = true;
      server.close();
      sessions.closeAll();
      // Health Watch and reflection streams would otherwise hold their connection open.
      for (const call of streaming) call.fail(GrpcStatus.UNAVAILABLE, 'server shutting down');
      const closed = await waitUntil(() => sessions.size === 0, timeoutMs);
      if (!closed) sessions.destroyAll();
    },
  };
}

/** RST_STREAM INTERNAL_ERROR, whatever state the stream is in. */
function resetStream(stream: ServerHttp2Stream): void {
  try {
    if (!stream.destroyed) stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  } catch {
    stream.destroy();
  }
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
