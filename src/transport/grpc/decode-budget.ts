import type { RequestCut } from '../../request/authz-request.js';
import { expectWireType, type WireReader, WireType } from './wire-reader.js';

/** The `limits` the CheckRequest decoder keeps to while it builds a request. */
export interface DecodeLimits {
  /** Header names and values together, in bytes; each of the peer principal and certificate too. */
  readonly maxHeaderBytes: number;
  /** Header lines, pseudo-headers aside. */
  readonly maxHeaderLines: number;
  /** A `body` longer than this is never hashed (body_too_large), so it is kept undecoded. */
  readonly maxDigestBodyBytes: number;
}

/**
 * Fields a CheckRequest may have, per header line it may carry (a line is its entry, key, value
 * and raw value), and besides: the other fields of a CheckRequest Envoy sends number a few
 * dozen, context extensions and pseudo-headers a few more.
 */
const FIELDS_PER_LINE = 4;
const OTHER_FIELDS = 256;

/**
 * What one CheckRequest may make the decoder build, checked before each thing is built, so no
 * message, however many small parts it is made of, costs more than the limits allow:
 * - header lines (pseudo-headers aside) and their name and value bytes, as on the wire: the
 *   first line that would pass `maxHeaderLines` or `maxHeaderBytes` is not built, nor is any
 *   header line after it, and the request is cut there;
 * - a peer principal or certificate longer than `maxHeaderBytes` is not built, and the request
 *   is cut;
 * - fields of any kind, counted by the reader (`maxFields`): past them the decode ends at once.
 */
export class DecodeBudget {
  readonly limits: DecodeLimits;
  readonly maxFields: number;
  /** Set at the first bound passed; no header line is built after it. */
  cut: RequestCut | undefined;
  private lines = 0;
  private bytes = 0;

  constructor(limits: DecodeLimits) {
    this.limits = limits;
    this.maxFields = FIELDS_PER_LINE * limits.maxHeaderLines + OTHER_FIELDS;
  }

  /**
   * Admits one header line of `bytes` name and value bytes, or cuts the request at it. False
   * once the request is cut: the line and every later one go unbuilt.
   */
  admitLine(bytes: number): boolean {
    if (this.cut !== undefined) return false;
    if (this.bytes + bytes > this.limits.maxHeaderBytes) {
      this.cut = { part: 'header-bytes', max: this.limits.maxHeaderBytes };
    } else if (this.lines + 1 > this.limits.maxHeaderLines) {
      this.cut = { part: 'header-lines', max: this.limits.maxHeaderLines };
    } else {
      this.bytes += bytes;
      this.lines += 1;
      return true;
    }
    return false;
  }

  /** Whether a peer principal or certificate of `bytes` may be built; cuts the request if not. */
  admitPeerField(bytes: number): boolean {
    if (bytes <= this.limits.maxHeaderBytes) return true;
    this.cut ??= { part: 'peer', max: this.limits.maxHeaderBytes };
    return false;
  }

  /** Where the decode ended when the reader ran out of fields: at the first bound passed. */
  fieldsExhausted(): RequestCut {
    return this.cut ?? { part: 'fields', max: this.maxFields };
  }
}

/** Reads one length-delimited submessage with `read`, bounded by its length. */
export function within<T>(
  reader: WireReader,
  tag: number,
  budget: DecodeBudget,
  read: (reader: WireReader, budget: DecodeBudget) => T,
): T {
  expectWireType(tag, WireType.LEN);
  const outer = reader.end;
  reader.end = reader.lengthDelimited();
  const value = read(reader, budget);
  reader.at = reader.end;
  reader.end = outer;
  return value;
}
