import type { ServiceDefinition } from '@grpc/grpc-js';
import type { CheckEngine } from './answer-check.js';
import type { CheckRequestDecoder } from './check-codec.js';

/** The one grpc-js Server method health and reflection call to register themselves. */
export interface ServiceRegistry {
  // biome-ignore lint/suspicious/noExplicitAny: the libraries pass grpc-js handler maps
  addService(service: ServiceDefinition, implementation: any): void;
}

/** What one client may hold on the gRPC port (config `grpc`, docs/limits.md#the-grpc-port). */
export interface GrpcBounds {
  /** Largest request message accepted; a larger declared length is RESOURCE_EXHAUSTED. */
  readonly maxMessageBytes: number;
  /** Request bytes all calls of the process may hold until answered (native server only). */
  readonly maxBufferedBytes: number;
  /** Calls open at once on one connection (SETTINGS_MAX_CONCURRENT_STREAMS). */
  readonly maxConcurrentStreams: number;
  /** How long a call may take to send its whole request, half-close included. */
  readonly receiveTimeoutMs: number;
  /** A connection with no open call for this long is closed; 0: never. */
  readonly idleTimeoutMs: number;
}

/**
 * The defaults of config `grpc` with the default limits (src/config/grpc-schema.ts; a test keeps
 * the two equal), for servers started without a config.
 */
export const DEFAULT_GRPC_BOUNDS: GrpcBounds = {
  maxMessageBytes: 65_536 + 1_048_576 + 65_536,
  maxBufferedBytes: 67_108_864,
  maxConcurrentStreams: 256,
  receiveTimeoutMs: 5000,
  idleTimeoutMs: 300_000,
};

/** What either gRPC server (config `grpc.server`) is started with. */
export interface GrpcListenerOptions {
  readonly check: CheckEngine;
  /** Registers health and reflection on the server. */
  readonly addLibraryServices: (registry: ServiceRegistry) => void;
  readonly bounds: GrpcBounds;
  /**
   * Told of an exception a call's own code threw, after the call's stream was reset: a bug in
   * the server, never the client's input, which is answered with a gRPC status instead.
   */
  readonly onInternalError: (error: unknown) => void;
  /** Check's request decoder, bounded by the configured limits. */
  readonly decodeCheckRequest: CheckRequestDecoder;
}

/** A bound gRPC server. */
export interface GrpcListener {
  readonly port: number;
  /** Stop accepting, let calls in flight finish for up to `timeoutMs`, then close the rest. */
  stop(timeoutMs: number): Promise<void>;
}
