import { z } from 'zod';
import { durationSchema } from './duration.js';
import type { Limits } from './limits-schema.js';

/** Room in a CheckRequest beside the headers and body: addresses, certificates, metadata. */
export const MESSAGE_SLACK_BYTES = 65_536;

/**
 * `grpc`: which server carries `listen.grpc`, and what one client may hold on it
 * (docs/limits.md#the-grpc-port). Every bound is enforced by the native server; the grpc-js
 * server enforces those grpc-js has options for.
 */
export function grpcSchema() {
  return z
    .strictObject({
      server: z
        .enum(['native', 'grpc-js'])
        .prefault('native')
        .describe(
          'the gRPC server on listen.grpc: native (hand-written over node:http2) or grpc-js; docs/performance.md compares them',
        ),
      maxMessageBytes: z
        .int()
        .positive()
        .max(2_147_483_647)
        .optional()
        .describe(
          'largest request message, in bytes; a larger declared length is refused RESOURCE_EXHAUSTED before its bytes are read. Default: limits.maxHeaderBytes + limits.maxDigestBodyBytes + 65536',
        ),
      maxBufferedBytes: z
        .int()
        .positive()
        .max(17_179_869_184)
        .prefault(67_108_864)
        .describe(
          'request bytes all calls of the process may hold at once (unfinished messages, and each Check request until it is answered); a call whose next bytes would go past it is refused RESOURCE_EXHAUSTED (native server)',
        ),
      maxConcurrentStreams: z
        .int()
        .positive()
        .max(4096)
        .prefault(256)
        .describe(
          'calls one connection may have open at once (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS); Envoy opens another connection when it needs more',
        ),
      receiveTimeout: durationSchema
        .refine((ms) => ms >= 10, 'at least 10ms')
        .prefault('5s')
        .describe(
          'how long a call may take to send its whole request, half-close included, whatever its grpc-timeout; then it ends DEADLINE_EXCEEDED',
        ),
      idleTimeout: durationSchema
        .prefault('5m')
        .describe(
          'a connection with no open call for this long is closed with GOAWAY, whatever else it sends (PINGs); 0s: never',
        ),
    })
    .prefault({});
}

export type GrpcConfig = z.output<ReturnType<typeof grpcSchema>>;

/** `grpc.maxMessageBytes`, or the default derived from the limits a check is held to. */
export function maxGrpcMessageBytes(config: {
  readonly grpc: GrpcConfig;
  readonly limits: Pick<Limits, 'maxHeaderBytes' | 'maxDigestBodyBytes'>;
}): number {
  const { maxHeaderBytes, maxDigestBodyBytes } = config.limits;
  return config.grpc.maxMessageBytes ?? maxHeaderBytes + maxDigestBodyBytes + MESSAGE_SLACK_BYTES;
}

/** The buffered-bytes budget must admit at least one message of the largest size accepted. */
export function checkGrpcBounds(
  config: Parameters<typeof maxGrpcMessageBytes>[0],
  context: z.RefinementCtx,
): void {
  const largest = maxGrpcMessageBytes(config);
  if (config.grpc.maxBufferedBytes >= largest) return;
  const source =
    config.grpc.maxMessageBytes === undefined
      ? 'limits.maxHeaderBytes + limits.maxDigestBodyBytes + 65536'
      : 'grpc.maxMessageBytes';
  context.addIssue({
    code: 'custom',
    path: ['grpc', 'maxBufferedBytes'],
    message: `must be at least the largest request message (${source} = ${largest})`,
  });
}
