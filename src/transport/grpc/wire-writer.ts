const INITIAL_BYTES = 16 * 1024;

/** Bytes of a varint of `value` (an unsigned 32-bit number). */
function varintBytes(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/**
 * Writes one protobuf message into a scratch buffer shared by every call (the writes of one
 * message are synchronous, and `copy` hands out bytes of their own). A submessage's length is
 * not known before its fields are written, so `begin` reserves one byte for it and `end` moves
 * the fields right in the rare case the length needs more — one pass, no list of pending
 * writes, no allocation per field. Starts at `offset` bytes into the buffer, so the gRPC frame
 * prefix can go in front of the message in the same allocation.
 */
export class WireWriter {
  private static scratch = Buffer.allocUnsafe(INITIAL_BYTES);

  private bytes: Buffer;
  at: number;

  constructor(offset: number) {
    this.bytes = WireWriter.scratch;
    this.at = offset;
  }

  /** The bytes written, from `from`, in a Buffer of their own. */
  copy(from: number): Buffer {
    const out = Buffer.allocUnsafe(this.at - from);
    this.bytes.copy(out, 0, from, this.at);
    return out;
  }

  /** A field key: its number and wire type. */
  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** An unsigned 32-bit varint. */
  varint(value: number): void {
    this.ensure(5);
    const bytes = this.bytes;
    let rest = value >>> 0;
    while (rest >= 0x80) {
      bytes[this.at++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    bytes[this.at++] = rest;
  }

  /** An int32 field's value: negative numbers take ten bytes, sign-extended to 64 bits. */
  int32(value: number): void {
    if (value >= 0) {
      this.varint(value);
      return;
    }
    this.ensure(10);
    let low = value >>> 0;
    for (let i = 0; i < 4; i++) {
      this.bytes[this.at++] = (low & 0x7f) | 0x80;
      low >>>= 7;
    }
    // Bits 28–31 of the value, then the sign extension (all ones) up to bit 63.
    this.bytes[this.at++] = low | 0xf0;
    for (let i = 0; i < 4; i++) this.bytes[this.at++] = 0xff;
    this.bytes[this.at++] = 0x01;
  }

  /** A length-delimited UTF-8 string (the field's key written before). */
  string(value: string): void {
    this.ensure(3 * value.length + 5);
    const start = this.at + 1;
    const length = value.length === 0 ? 0 : this.bytes.write(value, start);
    this.at = start + length;
    this.endAt(start);
  }

  double(value: number): void {
    this.ensure(8);
    this.bytes.writeDoubleLE(value, this.at);
    this.at += 8;
  }

  /** Opens a submessage (its key written before); returns what `end` takes. */
  begin(): number {
    this.ensure(1);
    this.at += 1;
    return this.at;
  }

  /** Closes the submessage `begin` opened: writes its length in front of its fields. */
  end(start: number): void {
    this.endAt(start);
  }

  private endAt(start: number): void {
    const length = this.at - start;
    const extra = varintBytes(length) - 1;
    if (extra > 0) {
      this.ensure(extra);
      this.bytes.copyWithin(start + extra, start, this.at);
      this.at += extra;
    }
    let at = start - 1;
    let rest = length;
    while (rest >= 0x80) {
      this.bytes[at++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.bytes[at] = rest;
  }

  private ensure(count: number): void {
    if (this.at + count <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.at + count));
    this.bytes.copy(grown, 0, 0, this.at);
    WireWriter.scratch = grown;
    this.bytes = grown;
  }
}
