import {
  type GrpcObject,
  loadPackageDefinition,
  Server,
  ServerCredentials,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { type CheckEngine, createCheckHandler } from './authorization-service.js';
import { loadExternalAuthProtos } from './load-protos.js';

export const AUTHORIZATION_SERVICE = 'envoy.service.auth.v3.Authorization';

export interface GrpcTransport {
  /** The port actually bound (useful with port 0 in tests). */
  readonly port: number;
  /**
   * Flip health to NOT_SERVING, keep answering for `delayMs` so health-checking clients (Envoy,
   * kubelet) move away, then stop accepting and wait for in-flight checks up to `timeoutMs`.
   */
  drain(options: { delayMs: number; timeoutMs: number }): Promise<void>;
}

/**
 * The Envoy-facing gRPC listener: Authorization/Check, grpc.health.v1.Health and server
 * reflection on one port. Health says SERVING only once the listener is bound.
 */
export async function startGrpcTransport(
  address: string,
  check: CheckEngine,
): Promise<GrpcTransport> {
  const definition = loadExternalAuthProtos();
  const grpcObject = loadPackageDefinition(definition) as GrpcObject;
  const authorization = lookupService(grpcObject, AUTHORIZATION_SERVICE);
  const health = new HealthImplementation({
    '': 'NOT_SERVING',
    [AUTHORIZATION_SERVICE]: 'NOT_SERVING',
  });
  const server = new Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
  server.addService(authorization.service, { Check: createCheckHandler(check) });
  health.addToServer(server);
  // Reflection describes every service on the port, so `grpcurl list` shows Health too.
  new ReflectionService({ ...definition, ...loadSync(healthProtoPath) }).addToServer(server);
  const port = await bind(server, address);
  setServing(health, 'SERVING');
  return {
    port,
    drain: async ({ delayMs, timeoutMs }) => {
      setServing(health, 'NOT_SERVING');
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      await shutdown(server, timeoutMs);
    },
  };
}

function setServing(health: HealthImplementation, status: 'SERVING' | 'NOT_SERVING'): void {
  health.setStatus('', status);
  health.setStatus(AUTHORIZATION_SERVICE, status);
}

function lookupService(grpcObject: GrpcObject, name: string): ServiceClientConstructor {
  let node: unknown = grpcObject;
  for (const part of name.split('.')) node = (node as Record<string, unknown>)[part];
  return node as ServiceClientConstructor;
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
