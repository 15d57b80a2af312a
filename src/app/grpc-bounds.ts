import type { Config } from '../config/config-schema.js';
import { maxGrpcMessageBytes } from '../config/grpc-schema.js';
import type { GrpcBounds } from '../transport/grpc/grpc-listener.js';

/** Config `grpc` (and the limits its message size derives from) as the gRPC listener takes it. */
export function grpcBounds(config: Pick<Config, 'grpc' | 'limits'>): GrpcBounds {
  return {
    maxMessageBytes: maxGrpcMessageBytes(config),
    maxBufferedBytes: config.grpc.maxBufferedBytes,
    maxConcurrentStreams: config.grpc.maxConcurrentStreams,
    receiveTimeoutMs: config.grpc.receiveTimeout,
    idleTimeoutMs: config.grpc.idleTimeout,
  };
}
