import { describe, expect, it } from 'vitest';
import { encodeGrpcMessage, statusTrailers } from './grpc-status.js';
import { MAX_GRPC_TIMEOUT_MS, parseGrpcTimeout } from './parse-grpc-timeout.js';

describe('grpc-message', () => {
  it('keeps printable ASCII and percent-encodes %, control characters and UTF-8 bytes', () => {
    expect(encodeGrpcMessage('deadline exceeded')).toBe('deadline exceeded');
    expect(encodeGrpcMessage('100% done\nnext')).toBe('100%25 done%0Anext');
    expect(encodeGrpcMessage('café')).toBe('caf%C3%A9');
  });

  it('is left out of the trailers of an OK status', () => {
    expect(statusTrailers(0, '')).toEqual({ 'grpc-status': '0' });
  });
});

describe('grpc-timeout', () => {
  it('reads each unit as milliseconds', () => {
    expect(parseGrpcTimeout('2H')).toBe(7_200_000);
    expect(parseGrpcTimeout('3M')).toBe(180_000);
    expect(parseGrpcTimeout('1S')).toBe(1000);
    expect(parseGrpcTimeout('200m')).toBe(200);
    expect(parseGrpcTimeout('1500u')).toBe(1.5);
    expect(parseGrpcTimeout('2000000n')).toBe(2);
    expect(parseGrpcTimeout(undefined)).toBeUndefined();
  });

  it('holds a timeout beyond the longest Node timer to that timer, instead of letting it fire at 1 ms', () => {
    expect(MAX_GRPC_TIMEOUT_MS).toBe(2 ** 31 - 1);
    expect(parseGrpcTimeout('99999999H')).toBe(MAX_GRPC_TIMEOUT_MS);
    expect(parseGrpcTimeout('597H')).toBe(MAX_GRPC_TIMEOUT_MS);
    expect(parseGrpcTimeout('596H')).toBe(2_145_600_000);
  });

  it('refuses more than eight digits, a missing unit and a fraction with INTERNAL', () => {
    for (const bad of ['123456789m', '100', '1.5S', '-1S', '']) {
      expect(() => parseGrpcTimeout(bad)).toThrow(expect.objectContaining({ code: 13 }));
    }
  });
});
