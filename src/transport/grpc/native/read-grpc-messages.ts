import { GrpcCallError, GrpcStatus } from './grpc-status.js';

/** The flag byte and the 32-bit length in front of every message. */
export const PREFIX_BYTES = 5;

/**
 * The gRPC length-prefixed message reader of one stream: a compressed-flag byte, a big-endian
 * 32-bit length, the message. DATA frames may split a message anywhere or carry several; `push`
 * returns the messages completed by a chunk. Chunks are kept as they come and joined once per
 * message, so a large message in many frames is copied once. Bytes kept for a later push are
 * first copied out of the buffer they came in (see `detach`), so what the reader keeps is what it
 * counts. A declared length above `maxBytes`
 * is refused before its bytes are buffered (RESOURCE_EXHAUSTED); a set compressed flag is
 * refused (INTERNAL: this server announces only `identity`, so no client may compress), as is
 * any other flag value.
 */
export class GrpcMessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  private readonly maxBytes: number;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    while (this.buffered >= PREFIX_BYTES) {
      const prefix = this.peek(PREFIX_BYTES);
      const flag = prefix[0] as number;
      if (flag === 1) {
        throw new GrpcCallError(
          GrpcStatus.INTERNAL,
          'compressed message without a negotiated grpc-encoding',
        );
      }
      if (flag !== 0) throw new GrpcCallError(GrpcStatus.INTERNAL, 'invalid message flag');
      const length = prefix.readUInt32BE(1);
      if (length > this.maxBytes) {
        throw new GrpcCallError(
          GrpcStatus.RESOURCE_EXHAUSTED,
          `message larger than ${this.maxBytes} bytes`,
        );
      }
      if (this.buffered < PREFIX_BYTES + length) break;
      messages.push(this.take(PREFIX_BYTES + length).subarray(PREFIX_BYTES));
    }
    // Only the first chunk (a remainder) and the last (just pushed) can still be views.
    if (this.chunks.length > 0) {
      this.chunks[0] = detach(this.chunks[0] as Buffer);
      this.chunks[this.chunks.length - 1] = detach(this.chunks.at(-1) as Buffer);
    }
    return messages;
  }

  /** Whether the stream ended part-way through a message. */
  get partial(): boolean {
    return this.buffered > 0;
  }

  /** The first `count` buffered bytes, leaving them buffered. */
  private peek(count: number): Buffer {
    const first = this.chunks[0] as Buffer;
    if (first.length >= count) return first;
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined;
  }

  /** Removes and returns the first `count` buffered bytes (count ≤ buffered). */
  private take(count: number): Buffer {
    let first = this.chunks[0] as Buffer;
    if (first.length < count) {
      first = Buffer.concat(this.chunks);
      this.chunks = [first];
    }
    this.buffered -= count;
    if (first.length === count) this.chunks.shift();
    else this.chunks[0] = first.subarray(count);
    return first.subarray(0, count);
  }
}

/**
 * `bytes` in memory of their own. node:http2 hands over DATA as views into the buffer of a whole
 * socket read (32–64 KiB, shared by every stream in it), so keeping a 100-byte view keeps that
 * whole buffer alive; a copy keeps only its own bytes.
 */
export function detach(bytes: Buffer): Buffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes;
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(copy);
  return copy;
}

/** One message with its 5-byte prefix (flag 0: not compressed). */
export function frameGrpcMessage(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(PREFIX_BYTES + message.length);
  frame[0] = 0;
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, PREFIX_BYTES);
  return frame;
}
