import { fc, test } from '@fast-check/vitest';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import type {
  CheckResponseMessage,
  HeaderValueOptionMessage,
  StructMessage,
  StructValue,
} from './check-messages.js';
import { encodeCheckResponseFrame, encodeCheckResponseMessage } from './encode-check-response.js';

const key = (field: number, wireType: 0 | 1 | 2): number => (field << 3) | wireType;

/** The encoder this one replaced, on protobufjs's Writer: the bytes to match. */
function protobufjsEncoding(message: CheckResponseMessage): Uint8Array {
  const writer = protobuf.Writer.create();
  writer.uint32(key(1, 2)).fork();
  writer.uint32(key(1, 0)).int32(message.status.code);
  if (message.status.message) writer.uint32(key(2, 2)).string(message.status.message);
  writer.ldelim();
  for (const [field, denied] of [
    [2, message.denied_response],
    [5, message.error_response],
  ] as const) {
    if (denied === undefined) continue;
    writer.uint32(key(field, 2)).fork();
    writer.uint32(key(1, 2)).fork().uint32(key(1, 0)).int32(denied.status.code).ldelim();
    for (const option of denied.headers) writeHeaderOption(writer, option);
    if (denied.body) writer.uint32(key(3, 2)).string(denied.body);
    writer.ldelim();
  }
  const ok = message.ok_response;
  if (ok !== undefined) {
    writer.uint32(key(3, 2)).fork();
    for (const option of ok.headers) writeHeaderOption(writer, option);
    for (const name of ok.headers_to_remove) writer.uint32(key(5, 2)).string(name);
    writer.ldelim();
  }
  writer.uint32(key(4, 2)).fork();
  writeStruct(writer, message.dynamic_metadata);
  writer.ldelim();
  return writer.finish();
}

function writeHeaderOption(writer: protobuf.Writer, option: HeaderValueOptionMessage): void {
  writer.uint32(key(2, 2)).fork();
  writer.uint32(key(1, 2)).fork();
  writer.uint32(key(1, 2)).string(option.header.key);
  writer.uint32(key(2, 2)).string(option.header.value);
  writer.ldelim();
  writer.uint32(key(3, 0)).int32(2);
  writer.ldelim();
}

function writeStruct(writer: protobuf.Writer, struct: StructMessage): void {
  for (const name in struct.fields) {
    writer.uint32(key(1, 2)).fork();
    writer.uint32(key(1, 2)).string(name);
    writer.uint32(key(2, 2)).fork();
    const value = struct.fields[name] as StructValue;
    if (value.stringValue !== undefined) writer.uint32(key(3, 2)).string(value.stringValue);
    else if (value.boolValue !== undefined) writer.uint32(key(4, 0)).bool(value.boolValue);
    else if (value.numberValue !== undefined) writer.uint32(key(2, 1)).double(value.numberValue);
    else if (value.structValue !== undefined) {
      writer.uint32(key(5, 2)).fork();
      writeStruct(writer, value.structValue);
      writer.ldelim();
    }
    writer.ldelim();
    writer.ldelim();
  }
}

// Well-formed text only: for lone surrogates protobufjs's own UTF-8 writer and Node's differ.
const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ minLength: 120, maxLength: 2_000 }),
);
const header = fc.tuple(text, text).map(
  ([k, v]): HeaderValueOptionMessage => ({
    header: { key: k, value: v },
    append_action: 'OVERWRITE_IF_EXISTS_OR_ADD',
  }),
);
const { struct } = fc.letrec<{ struct: StructMessage; value: StructValue }>((tie) => ({
  struct: fc
    .dictionary(text, tie('value'), { maxKeys: 4, depthIdentifier: 'struct' })
    .map((fields) => ({ fields })),
  value: fc.oneof(
    { depthSize: 'small', depthIdentifier: 'struct' },
    text.map((stringValue) => ({ stringValue })),
    fc.boolean().map((boolValue) => ({ boolValue })),
    fc.double().map((numberValue) => ({ numberValue })),
    tie('struct').map((structValue) => ({ structValue: structValue as StructMessage })),
  ),
}));
const denied = fc.record({
  status: fc.record({ code: fc.integer({ min: 0, max: 600 }) }),
  headers: fc.array(header, { maxLength: 4 }),
  body: text,
});
const response = fc.oneof(
  fc.record({
    status: fc.record({ code: fc.constant(0) }),
    ok_response: fc.record({
      headers: fc.array(header, { maxLength: 4 }),
      headers_to_remove: fc.array(text, { maxLength: 4 }),
    }),
    dynamic_metadata: struct,
  }),
  fc.record({
    status: fc.record({ code: fc.integer(), message: text }),
    denied_response: denied,
    dynamic_metadata: struct,
  }),
  // An authorizer failure: the same answer as denied_response and as error_response.
  fc
    .record({
      status: fc.record({ code: fc.constant(14), message: text }),
      denied_response: denied,
      dynamic_metadata: struct,
    })
    .map((message) => ({ ...message, error_response: message.denied_response })),
) as fc.Arbitrary<CheckResponseMessage>;

describe('encodeCheckResponse', () => {
  test.prop([response], { numRuns: 300 })(
    'writes the bytes protobufjs writes for the same response',
    (message) => {
      expect(encodeCheckResponseMessage(message)).toEqual(Buffer.from(protobufjsEncoding(message)));
    },
  );

  test.prop([response])('frames the message with flag 0 and its length', (message) => {
    const frame = encodeCheckResponseFrame(message);
    const bytes = Buffer.from(protobufjsEncoding(message));
    expect(frame[0]).toBe(0);
    expect(frame.readUInt32BE(1)).toBe(bytes.length);
    expect(frame.subarray(5)).toEqual(bytes);
  });

  it('hands out bytes of their own, untouched by the next encoding', () => {
    const first = encodeCheckResponseMessage({
      status: { code: 7, message: 'denied' },
      dynamic_metadata: { fields: {} },
    });
    const copy = Buffer.from(first);
    encodeCheckResponseMessage({
      status: { code: 0 },
      dynamic_metadata: { fields: { a: { boolValue: true } } },
    });
    expect(first).toEqual(copy);
  });
});
