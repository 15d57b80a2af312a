import { Server, ServerCredentials } from '@grpc/grpc-js';
import { authorizationService, createCheckHandler } from './authorization-service.js';
import type { GrpcListener, GrpcListenerOptions } from './grpc-listener.js';

/** `grpc.server: grpc-js`: the same services on @grpc/grpc-js's Server. */
export async function startGrpcJsServer(
  address: string,
  options: GrpcListenerOptions,
): Promise<GrpcListener> {
  const server = new Server({ 'grpc.max_receive_message_length': options.maxMessageBytes });
  server.addService(authorizationService(options.decodeCheckRequest), {
    Check: createCheckHandler(options.check),
  });
  options.addLibraryServices(server);
  const port = await bind(server, address);
  return { port, stop: (timeoutMs) => shutdown(server, timeoutMs) };
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
