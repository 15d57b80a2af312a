import { Server, ServerCredentials } from '@grpc/grpc-js';
import { authorizationService, createCheckHandler } from './authorization-service.js';
import { receiveDeadline } from './grpc-js-receive-deadline.js';
import type { GrpcBounds, GrpcListener, GrpcListenerOptions } from './grpc-listener.js';

/** A connection's HTTP/2 memory, in MB, as on the native server (grpc-js's own: unbounded). */
const MAX_SESSION_MEMORY_MB = 64;

/**
 * `grpc.server: grpc-js`: the same services on @grpc/grpc-js's Server, held to the bounds
 * grpc-js has options for (message size, streams per connection, idle connections, session
 * memory) and a receive deadline added by an interceptor. grpc-js has no hook for a
 * process-wide budget of buffered request bytes (docs/limits.md#the-grpc-port).
 */
export async function startGrpcJsServer(
  address: string,
  options: GrpcListenerOptions,
): Promise<GrpcListener> {
  const server = new Server({
    ...channelOptions(options.bounds),
    interceptors: [receiveDeadline(options.bounds.receiveTimeoutMs)],
  });
  server.addService(authorizationService(options.decodeCheckRequest), {
    Check: createCheckHandler(options.check),
  });
  options.addLibraryServices(server);
  const port = await bind(server, address);
  return { port, stop: (timeoutMs) => shutdown(server, timeoutMs) };
}

function channelOptions(bounds: GrpcBounds) {
  return {
    'grpc.max_receive_message_length': bounds.maxMessageBytes,
    'grpc.max_concurrent_streams': bounds.maxConcurrentStreams,
    'grpc-node.max_session_memory': MAX_SESSION_MEMORY_MB,
    // grpc-js counts a connection idle while it carries no call; 0 would close at once.
    ...(bounds.idleTimeoutMs > 0 ? { 'grpc.max_connection_idle_ms': bounds.idleTimeoutMs } : {}),
  };
}

function bind(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(new Error(describeBindError(address, error))) : resolve(port),
    );
  });
}

/**
 * One line an operator can act on (`listen 0.0.0.0:9191: address already in use`) instead of
 * grpc-js's "No address added out of total 1 resolved errors: [listen EADDRINUSE: …]".
 */
export function describeBindError(address: string, error: Error): string {
  const cause = /listen E[A-Z]+: ([^\]]+?) \S+\]/.exec(error.message)?.[1];
  return `listen ${address}: ${cause ?? error.message}`;
}

/** grpc-js tryShutdown stops accepting and lets in-flight calls finish; force after the bound. */
function shutdown(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, timeoutMs);
    force.unref();
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
