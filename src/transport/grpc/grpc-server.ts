import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type { CheckEngine } from './answer-check.js';
import { AUTHORIZATION_SERVICE } from './authorization-service.js';
import { createCheckRequestDecoder } from './check-codec.js';
import type { DecodeLimits } from './decode-budget.js';
import {
  DEFAULT_GRPC_BOUNDS,
  type GrpcBounds,
  type GrpcListener,
  type GrpcListenerOptions,
} from './grpc-listener.js';
import { loadExternalAuthProtos } from './load-protos.js';
import { startNativeGrpcServer } from './native/start-native-server.js';
import { startGrpcJsServer } from './start-grpc-js-server.js';

export { AUTHORIZATION_SERVICE } from './authorization-service.js';

/** Which gRPC server carries the port (config `grpc.server`). */
export type GrpcServerKind = 'native' | 'grpc-js';

export interface GrpcTransportOptions {
  readonly server?: GrpcServerKind;
  /** What one client may hold on the port; by default config `grpc`'s defaults. */
  readonly bounds?: GrpcBounds;
  /** Told of an exception a call's own code threw (a bug); by default nobody is. */
  readonly onInternalError?: (error: unknown) => void;
  /** What the Check decoder may build of one request (`limits`); the defaults when absent. */
  readonly requestLimits?: DecodeLimits;
}

export interface GrpcTransport {
  /** The port actually bound (useful with port 0 in tests). */
  readonly port: number;
  /**
   * Flip health to NOT_SERVING, keep answering for `delayMs` so health-checking clients (Envoy,
   * kubelet) move away, then stop accepting and wait for in-flight checks up to `timeoutMs`.
   */
  drain(options: { delayMs: number; timeoutMs: number }): Promise<void>;
}

const SERVERS: Record<
  GrpcServerKind,
  (address: string, options: GrpcListenerOptions) => Promise<GrpcListener>
> = { native: startNativeGrpcServer, 'grpc-js': startGrpcJsServer };

/**
 * The Envoy-facing gRPC listener: Authorization/Check, grpc.health.v1.Health and server
 * reflection on one port, on the hand-written `node:http2` server or on grpc-js. Health says
 * SERVING only once the listener is bound.
 */
export async function startGrpcTransport(
  address: string,
  check: CheckEngine,
  options: GrpcTransportOptions = {},
): Promise<GrpcTransport> {
  const health = new HealthImplementation({
    '': 'NOT_SERVING',
    [AUTHORIZATION_SERVICE]: 'NOT_SERVING',
  });
  // Reflection describes every service on the port, so `grpcurl list` shows Health too.
  const reflection = new ReflectionService({
    ...loadExternalAuthProtos(),
    ...loadSync(healthProtoPath),
  });
  const listener = await SERVERS[options.server ?? 'native'](address, {
    check,
    bounds: options.bounds ?? DEFAULT_GRPC_BOUNDS,
    onInternalError: options.onInternalError ?? (() => {}),
    decodeCheckRequest: createCheckRequestDecoder(options.requestLimits),
    addLibraryServices: (registry) => {
      health.addToServer(registry as Parameters<HealthImplementation['addToServer']>[0]);
      reflection.addToServer(registry as Parameters<ReflectionService['addToServer']>[0]);
    },
  });
  setServing(health, 'SERVING');
  return {
    port: listener.port,
    drain: async ({ delayMs, timeoutMs }) => {
      setServing(health, 'NOT_SERVING');
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      await listener.stop(timeoutMs);
    },
  };
}

function setServing(health: HealthImplementation, status: 'SERVING' | 'NOT_SERVING'): void {
  health.setStatus('', status);
  health.setStatus(AUTHORIZATION_SERVICE, status);
}
