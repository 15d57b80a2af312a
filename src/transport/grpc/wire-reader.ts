/** Protobuf wire types (protobuf.dev/programming-guides/encoding). */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

/** protobufjs's own limit on nested groups (util.recursionLimit). */
const MAX_GROUP_DEPTH = 100;

/** The bytes are not a well-formed protobuf message of the type read. */
export class WireFormatError extends Error {
  constructor(detail: string) {
    super(`malformed protobuf: ${detail}`);
    this.name = 'WireFormatError';
  }
}

/** The message has more fields than its reader may read. */
export class FieldLimitExceeded extends Error {
  constructor(maxFields: number) {
    super(`the message has more than ${maxFields} fields`);
    this.name = 'FieldLimitExceeded';
  }
}

/**
 * A cursor over protobuf bytes, for the hand-written decoders: every read is bounded by `end`
 * (the end of the message being read), and anything out of bounds, an overlong varint or an
 * unknown wire type throws a WireFormatError instead of reading past it. Every field key read
 * (`tag`), at any depth, known or skipped, counts against `maxFields`: a decoder's work per
 * field is bounded, so a bound on the fields bounds the work, however small each field is.
 */
export class WireReader {
  readonly bytes: Buffer;
  readonly maxFields: number;
  at: number;
  end: number;
  private fields = 0;

  constructor(bytes: Buffer, maxFields = Number.POSITIVE_INFINITY) {
    this.bytes = bytes;
    this.maxFields = maxFields;
    this.at = 0;
    this.end = bytes.length;
  }

  /** A field key (its number and wire type); throws FieldLimitExceeded past `maxFields`. */
  tag(): number {
    this.fields += 1;
    if (this.fields > this.maxFields) throw new FieldLimitExceeded(this.maxFields);
    return this.uint32();
  }

  /**
   * A varint as an unsigned 32-bit number, read as protobufjs's `uint32` reads it: bits above 32
   * dropped, and after a fifth byte with its continuation bit set the next five bytes skipped
   * unread (the rest of a 64-bit varint), so both decoders see the same fields in any input.
   */
  uint32(): number {
    const bytes = this.bytes;
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.at >= this.end) throw new WireFormatError('varint runs past the message');
      const byte = bytes[this.at++] as number;
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) return value >>> 0;
    }
    this.advance(5);
    return value >>> 0;
  }

  /** The length prefix of a length-delimited field; returns where its bytes end. */
  lengthDelimited(): number {
    const length = this.uint32();
    const end = this.at + length;
    if (end > this.end) throw new WireFormatError('length runs past the message');
    return end;
  }

  string(): string {
    const end = this.lengthDelimited();
    const start = this.at;
    this.at = end;
    return this.text(start, end);
  }

  /** Bytes [start, end) of the message read as UTF-8 text. */
  text(start: number, end: number): string {
    return start === end ? '' : this.bytes.toString('utf8', start, end);
  }

  /** The bytes of a `bytes` field, as a view (no copy) of the message's buffer. */
  view(): Buffer {
    const end = this.lengthDelimited();
    const start = this.at;
    this.at = end;
    return this.bytes.subarray(start, end);
  }

  /** Skips a field of an unread wire type (a group up to its end tag, nested at most 100 deep). */
  skip(wireType: number, depth = 0): void {
    switch (wireType) {
      case WireType.VARINT:
        do {
          if (this.at >= this.end) throw new WireFormatError('varint runs past the message');
        } while ((this.bytes[this.at++] as number) >= 0x80);
        return;
      case WireType.I64:
        this.advance(8);
        return;
      case WireType.LEN:
        this.at = this.lengthDelimited();
        return;
      case WireType.I32:
        this.advance(4);
        return;
      case WireType.SGROUP:
        if (depth >= MAX_GROUP_DEPTH) throw new WireFormatError('groups nested too deep');
        for (let tag = this.tag(); (tag & 7) !== WireType.EGROUP; tag = this.tag()) {
          this.skip(tag & 7, depth + 1);
        }
        return;
      default:
        throw new WireFormatError(`invalid wire type ${wireType}`);
    }
  }

  private advance(count: number): void {
    if (this.at + count > this.end) throw new WireFormatError('field runs past the message');
    this.at += count;
  }
}

/** Throws unless a known field came with the wire type its declared type has. */
export function expectWireType(tag: number, wireType: number): void {
  if ((tag & 7) !== wireType) {
    throw new WireFormatError(`field ${tag >>> 3} has wire type ${tag & 7}, not ${wireType}`);
  }
}
