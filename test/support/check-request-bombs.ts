/**
 * CheckRequests built of the cheapest parts that each cost a decoder a string, an object or a
 * map entry: a few bytes on the wire apiece, repeated until the message reaches `bytes`. Each is
 * a valid protobuf encoding of envoy.service.auth.v3.CheckRequest (a repeated singular field is
 * legal: the last occurrence wins), around an ordinary unsigned GET.
 */

/** An unsigned 32-bit varint. */
function varint(value: number): Buffer {
  const out: number[] = [];
  let rest = value >>> 0;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
  return Buffer.from(out);
}

/** One length-delimited field. */
function field(number: number, payload: Buffer | string): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
}

/**
 * Parts repeated until they together reach `bytes`, written into one buffer as they are made:
 * `unit` is a part to copy, or writes part `index` at `at` and returns where it ends. Building a
 * bomb leaves next to no garbage behind, whose collection would be counted as the server's
 * stall (they share the process).
 */
function repeat(
  bytes: number,
  unit: Buffer | ((out: Buffer, at: number, index: number) => number),
): Buffer {
  const out = Buffer.allocUnsafe(bytes + 64);
  let size = 0;
  for (let index = 0; size < bytes; index++) {
    size = typeof unit === 'function' ? unit(out, size, index) : size + unit.copy(out, size);
  }
  return out.subarray(0, size);
}

/** A context_extensions entry {1: key} with key `index` in base 36, written at `at`. */
function contextExtension(out: Buffer, at: number, index: number): number {
  const key = index.toString(36);
  out[at] = (10 << 3) | 2;
  out[at + 1] = key.length + 2;
  out[at + 2] = (1 << 3) | 2;
  out[at + 3] = key.length;
  return at + 4 + out.write(key, at + 4, 'latin1');
}

/** HttpRequest {method 2, path 4, host 5, scheme 6} of `GET https://api.example.com/`, then `extra`. */
function http(extra: Buffer): Buffer {
  return Buffer.concat([
    field(2, 'GET'),
    field(4, '/'),
    field(5, 'api.example.com'),
    field(6, 'https'),
    extra,
  ]);
}

/** CheckRequest {attributes 1 {request 4 {http 2}}, then `attributes` fields}. */
function checkRequest(httpFields: Buffer, attributes: Buffer = Buffer.alloc(0)): Buffer {
  return field(1, Buffer.concat([field(4, field(2, http(httpFields))), attributes]));
}

/** One HeaderValue {key 1, value 2}, empty fields left out. */
function headerValue(key: string, value = ''): Buffer {
  return Buffer.concat([field(1, key), value === '' ? Buffer.alloc(0) : field(2, value)]);
}

/** One map<string, string> entry {key 1} (the value left out: ""). */
function mapEntry(key: string): Buffer {
  return field(1, key);
}

export type BombBuilder = (bytes: number) => Buffer;

/** Each kind of bomb, by what it repeats. */
export const CHECK_REQUEST_BOMBS: ReadonlyArray<readonly [string, BombBuilder]> = [
  [
    'one-letter header_map lines',
    (bytes) => checkRequest(field(13, repeat(bytes, field(1, headerValue('a'))))),
  ],
  [
    'pseudo-header header_map lines',
    (bytes) => checkRequest(field(13, repeat(bytes, field(1, headerValue(':a'))))),
  ],
  [
    'one-letter headers map entries',
    (bytes) => checkRequest(repeat(bytes, field(3, mapEntry('a')))),
  ],
  [
    'distinct context_extensions entries',
    (bytes) => checkRequest(Buffer.alloc(0), repeat(bytes, contextExtension)),
  ],
  ['a repeated one-letter method field', (bytes) => checkRequest(repeat(bytes, field(2, 'G')))],
  [
    'a repeated empty source peer',
    (bytes) => checkRequest(Buffer.alloc(0), repeat(bytes, field(1, Buffer.alloc(0)))),
  ],
  [
    'one header line whose key field repeats',
    (bytes) => checkRequest(field(13, field(1, repeat(bytes, field(1, 'a'))))),
  ],
];
