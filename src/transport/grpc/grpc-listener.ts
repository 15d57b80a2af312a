import type { ServiceDefinition } from '@grpc/grpc-js';
import type { CheckEngine } from './answer-check.js';
import type { CheckRequestDecoder } from './check-codec.js';

/** The one grpc-js Server method health and reflection call to register themselves. */
export interface ServiceRegistry {
  // biome-ignore lint/suspicious/noExplicitAny: the libraries pass grpc-js handler maps
  addService(service: ServiceDefinition, implementation: any): void;
}

/** What either gRPC server (config `grpc.server`) is started with. */
export interface GrpcListenerOptions {
  readonly check: CheckEngine;
  /** Registers health and reflection on the server. */
  readonly addLibraryServices: (registry: ServiceRegistry) => void;
  /** Largest request message accepted; larger is RESOURCE_EXHAUSTED. */
  readonly maxMessageBytes: number;
  /** Check's request decoder, bounded by the configured limits. */
  readonly decodeCheckRequest: CheckRequestDecoder;
}

/** A bound gRPC server. */
export interface GrpcListener {
  readonly port: number;
  /** Stop accepting, let calls in flight finish for up to `timeoutMs`, then close the rest. */
  stop(timeoutMs: number): Promise<void>;
}
