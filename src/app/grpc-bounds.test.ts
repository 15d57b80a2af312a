import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import type { ConfigError } from '../errors.js';
import { DEFAULT_GRPC_BOUNDS } from '../transport/grpc/grpc-listener.js';
import { grpcBounds } from './grpc-bounds.js';

const load = (...flags: string[]) => loadConfig({ env: {}, flags });

describe('the gRPC port bounds taken from config grpc', () => {
  it('are by default what a gRPC server started without a config uses', () => {
    expect(grpcBounds(load())).toEqual(DEFAULT_GRPC_BOUNDS);
  });

  it('take the largest message from the limits by default: headers, digested body and 64 KiB', () => {
    expect(grpcBounds(load()).maxMessageBytes).toBe(65_536 + 1_048_576 + 65_536);
    const raised = load(
      '--limits.max-header-bytes=131072',
      '--limits.max-digest-body-bytes=2097152',
    );
    expect(grpcBounds(raised).maxMessageBytes).toBe(131_072 + 2_097_152 + 65_536);
    expect(grpcBounds(load('--grpc.max-message-bytes=4096')).maxMessageBytes).toBe(4096);
  });

  it('read every field with its unit', () => {
    const bounds = grpcBounds(
      load(
        '--grpc.max-buffered-bytes=8388608',
        '--grpc.max-concurrent-streams=100',
        '--grpc.receive-timeout=2s',
        '--grpc.idle-timeout=0s',
      ),
    );
    expect(bounds).toMatchObject({
      maxBufferedBytes: 8_388_608,
      maxConcurrentStreams: 100,
      receiveTimeoutMs: 2000,
      idleTimeoutMs: 0,
    });
  });

  it('refuse a buffered-bytes budget that one message of the largest size would not fit', () => {
    expect(() => load('--grpc.max-buffered-bytes=1000000')).toThrow(
      expect.objectContaining({
        message: expect.stringContaining(
          'grpc.maxBufferedBytes: must be at least the largest request message (limits.maxHeaderBytes + limits.maxDigestBodyBytes + 65536 = 1179648)',
        ),
      }) as ConfigError,
    );
    expect(() =>
      load('--grpc.max-buffered-bytes=1000000', '--grpc.max-message-bytes=1000001'),
    ).toThrow(
      /grpc\.maxBufferedBytes: must be at least the largest request message \(grpc\.maxMessageBytes = 1000001\)/,
    );
    expect(() => load('--grpc.max-concurrent-streams=0')).toThrow(/grpc\.maxConcurrentStreams/);
    expect(() => load('--grpc.receive-timeout=5ms')).toThrow(/grpc\.receiveTimeout: at least 10ms/);
  });
});
