import type { HeaderValueMessage } from './check-messages.js';
import { type DecodeBudget, within } from './decode-budget.js';
import { expectWireType, type WireReader, WireType } from './wire-reader.js';

/**
 * The repeated parts of a CheckRequest, each read in two steps: where its key and value lie is
 * found first, building nothing, then the line is admitted by the budget from their sizes and
 * only then built. A pseudo-header (`:path`, …) is not a header line for the limits, as in the
 * check; it is bounded by the field budget alone.
 */

/** HeaderMap {1: repeated HeaderValue}: past the first line the budget refuses, nothing more is read. */
export function readHeaderMap(
  reader: WireReader,
  budget: DecodeBudget,
): { headers: HeaderValueMessage[] } {
  const headers: HeaderValueMessage[] = [];
  while (reader.at < reader.end) {
    const tag = reader.tag();
    if (tag >>> 3 !== 1) {
      reader.skip(tag & 7);
      continue;
    }
    const line = within(reader, tag, budget, readHeaderValue);
    if (line === undefined) {
      reader.at = reader.end;
      break;
    }
    headers.push(line);
  }
  return { headers };
}

/** HeaderValue {1: key, 2: value, 3: raw_value}; only the value toAuthzRequest reads is built. */
function readHeaderValue(reader: WireReader, budget: DecodeBudget): HeaderValueMessage | undefined {
  const spans = scanSpans(reader, 3);
  const rawBytes = spans[7]! - spans[6]!;
  const valueBytes = rawBytes > 0 ? rawBytes : spans[5]! - spans[4]!;
  if (!admits(reader, budget, spans, valueBytes)) return undefined;
  const line: HeaderValueMessage = { key: reader.text(spans[2]!, spans[3]!) };
  if (rawBytes > 0) line.raw_value = reader.bytes.subarray(spans[6], spans[7]);
  else line.value = reader.text(spans[4]!, spans[5]!);
  return line;
}

/**
 * One entry of HttpRequest's `headers` map into `map`, unless the budget refuses it; once the
 * request is cut, the entries left are skipped unread.
 */
export function readHeaderEntry(
  reader: WireReader,
  tag: number,
  budget: DecodeBudget,
  map: Record<string, string>,
): void {
  if (budget.cut !== undefined) {
    expectWireType(tag, WireType.LEN);
    reader.at = reader.lengthDelimited();
    return;
  }
  const spans = within(reader, tag, budget, scanEntry);
  if (admits(reader, budget, spans, spans[5]! - spans[4]!)) assign(reader, spans, map);
}

/** One map<string, string> entry {1: key, 2: value} into `map` (context_extensions). */
export function readMapEntry(
  reader: WireReader,
  tag: number,
  budget: DecodeBudget,
  map: Record<string, string>,
): void {
  assign(reader, within(reader, tag, budget, scanEntry), map);
}

/**
 * Assigned as protobufjs (7.6) assigns, to a plain object: an absent key or value is "", and a
 * `__proto__` key is made an own property, never the object's prototype.
 */
function assign(reader: WireReader, spans: Int32Array, map: Record<string, string>): void {
  const key = reader.text(spans[2]!, spans[3]!);
  const value = reader.text(spans[4]!, spans[5]!);
  if (key === '__proto__') {
    Object.defineProperty(map, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else map[key] = value;
}

/** Whether the line whose key is field 1 of `spans` and whose value has `valueBytes` may be built. */
function admits(
  reader: WireReader,
  budget: DecodeBudget,
  spans: Int32Array,
  valueBytes: number,
): boolean {
  const keyAt = spans[2]!;
  const keyBytes = spans[3]! - keyAt;
  const pseudo = keyBytes > 0 && reader.bytes[keyAt] === 0x3a;
  return pseudo || budget.admitLine(keyBytes + valueBytes);
}

/** Where the key (1) and value (2) of a map entry lie. */
function scanEntry(reader: WireReader): Int32Array {
  return scanSpans(reader, 2);
}

/**
 * The spans scanSpans returns: one array for every line, since a line's spans are read before
 * the next line is scanned and decoding is synchronous. (An array per line, or clearing it with
 * `fill`, made decoding a typical request about a fifth more instructions.)
 */
const SPANS = new Int32Array(8);

/**
 * Where the last occurrence of each length-delimited field 1…count (at most 3) of the current
 * message lies, building nothing: field n spans bytes [spans[2n], spans[2n + 1]); both 0 when
 * absent (absent and empty read alike). Valid until the next call.
 */
function scanSpans(reader: WireReader, count: number): Int32Array {
  const spans = SPANS;
  for (let index = 2; index < 8; index++) spans[index] = 0;
  while (reader.at < reader.end) {
    const tag = reader.tag();
    const field = tag >>> 3;
    if (field < 1 || field > count) {
      reader.skip(tag & 7);
      continue;
    }
    expectWireType(tag, WireType.LEN);
    const end = reader.lengthDelimited();
    spans[2 * field] = reader.at;
    spans[2 * field + 1] = end;
    reader.at = end;
  }
  return spans;
}
