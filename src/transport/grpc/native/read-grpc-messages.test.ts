import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { GrpcCallError } from './grpc-status.js';
import { frameGrpcMessage, GrpcMessageReader } from './read-grpc-messages.js';

describe('GrpcMessageReader', () => {
  test.prop([
    fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }),
    fc.array(fc.nat(), { maxLength: 20 }),
  ])('yields the same messages however the bytes are cut into chunks', (messages, cuts) => {
    const wire = Buffer.concat(messages.map((message) => frameGrpcMessage(message)));
    const points = [...new Set(cuts.map((cut) => cut % (wire.length + 1)))].sort((a, b) => a - b);
    const reader = new GrpcMessageReader(1024);
    const read: Buffer[] = [];
    let start = 0;
    for (const point of [...points, wire.length]) {
      read.push(...reader.push(wire.subarray(start, point)));
      start = point;
    }
    expect(read.map((message) => [...message])).toEqual(messages.map((message) => [...message]));
    expect(reader.partial).toBe(false);
  });

  it('refuses a declared length above the limit with RESOURCE_EXHAUSTED, before the body', () => {
    const reader = new GrpcMessageReader(10);
    expect(() => reader.push(Buffer.from([0, 0, 0, 0, 11]))).toThrow(
      expect.objectContaining({ code: 8 }) as GrpcCallError,
    );
  });

  it('refuses a compressed flag and an unknown flag with INTERNAL', () => {
    expect(() => new GrpcMessageReader(10).push(Buffer.from([1, 0, 0, 0, 0]))).toThrow(
      expect.objectContaining({ code: 13 }) as GrpcCallError,
    );
    expect(() => new GrpcMessageReader(10).push(Buffer.from([2, 0, 0, 0, 0]))).toThrow(
      expect.objectContaining({ code: 13 }) as GrpcCallError,
    );
  });

  it('reports a message cut short as partial', () => {
    const reader = new GrpcMessageReader(10);
    expect(reader.push(Buffer.from([0, 0, 0, 0, 3, 1]))).toEqual([]);
    expect(reader.partial).toBe(true);
  });
});
