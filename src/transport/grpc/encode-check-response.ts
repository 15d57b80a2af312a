import type {
  CheckResponseMessage,
  DeniedHttpResponseMessage,
  HeaderValueOptionMessage,
  StructMessage,
  StructValue,
} from './check-messages.js';
import { WireType } from './wire-reader.js';
import { WireWriter } from './wire-writer.js';

/** envoy.config.core.v3.HeaderValueOption.HeaderAppendAction */
const APPEND_ACTION = { OVERWRITE_IF_EXISTS_OR_ADD: 2 } as const;

/** gRPC's length prefix: a compressed-flag byte and a big-endian 32-bit length. */
const PREFIX_BYTES = 5;

/**
 * CheckResponseMessage → the bytes of envoy.service.auth.v3.CheckResponse, framed as one gRPC
 * message (flag 0, length, message) in one allocation. Field numbers are those of proto/; the
 * bytes are those protobufjs's Writer gave for the same message (encode-check-response.test).
 */
export function encodeCheckResponseFrame(message: CheckResponseMessage): Buffer {
  const writer = new WireWriter(PREFIX_BYTES);
  writeCheckResponse(writer, message);
  const frame = writer.copy(0);
  frame[0] = 0;
  frame.writeUInt32BE(frame.length - PREFIX_BYTES, 1);
  return frame;
}

/** The same message unframed (for grpc-js, which frames it itself). */
export function encodeCheckResponseMessage(message: CheckResponseMessage): Buffer {
  const writer = new WireWriter(0);
  writeCheckResponse(writer, message);
  return writer.copy(0);
}

function writeCheckResponse(writer: WireWriter, message: CheckResponseMessage): void {
  // 1: google.rpc.Status {1: code, 2: message}; the code written even when 0 (OK), as
  // protobufjs writes a set field, so Envoy sees exactly what the grpc-js encoding gave it.
  writer.tag(1, WireType.LEN);
  const status = writer.begin();
  writer.tag(1, WireType.VARINT);
  writer.int32(message.status.code);
  if (message.status.message) {
    writer.tag(2, WireType.LEN);
    writer.string(message.status.message);
  }
  writer.end(status);
  if (message.denied_response !== undefined) writeDenied(writer, 2, message.denied_response);
  // 5: error_response, in the http_response oneof with 2. A protobuf parser keeps the last member
  // of a oneof it reads, so Envoy 1.37+ takes error_response while an older Envoy, which does not
  // know field 5, skips it and keeps denied_response.
  if (message.error_response !== undefined) writeDenied(writer, 5, message.error_response);
  const ok = message.ok_response;
  if (ok !== undefined) {
    // 3: OkHttpResponse {2: headers, 5: headers_to_remove}
    writer.tag(3, WireType.LEN);
    const response = writer.begin();
    for (const option of ok.headers) writeHeaderOption(writer, option);
    for (const name of ok.headers_to_remove) {
      writer.tag(5, WireType.LEN);
      writer.string(name);
    }
    writer.end(response);
  }
  // 4: google.protobuf.Struct
  writer.tag(4, WireType.LEN);
  const metadata = writer.begin();
  writeStructFields(writer, message.dynamic_metadata);
  writer.end(metadata);
}

/** DeniedHttpResponse {1: HttpStatus {1: code}, 2: headers, 3: body} as field `field`. */
function writeDenied(writer: WireWriter, field: number, denied: DeniedHttpResponseMessage): void {
  writer.tag(field, WireType.LEN);
  const response = writer.begin();
  writer.tag(1, WireType.LEN);
  const httpStatus = writer.begin();
  writer.tag(1, WireType.VARINT);
  writer.int32(denied.status.code);
  writer.end(httpStatus);
  for (const option of denied.headers) writeHeaderOption(writer, option);
  if (denied.body) {
    writer.tag(3, WireType.LEN);
    writer.string(denied.body);
  }
  writer.end(response);
}

/** Field 2, HeaderValueOption {1: HeaderValue {1: key, 2: value}, 3: append_action}. */
function writeHeaderOption(writer: WireWriter, option: HeaderValueOptionMessage): void {
  writer.tag(2, WireType.LEN);
  const start = writer.begin();
  writer.tag(1, WireType.LEN);
  const header = writer.begin();
  writer.tag(1, WireType.LEN);
  writer.string(option.header.key);
  writer.tag(2, WireType.LEN);
  writer.string(option.header.value);
  writer.end(header);
  writer.tag(3, WireType.VARINT);
  writer.int32(APPEND_ACTION[option.append_action]);
  writer.end(start);
}

/** Struct {1: map<string, Value>}: each entry a {1: key, 2: value} message. */
function writeStructFields(writer: WireWriter, struct: StructMessage): void {
  for (const name in struct.fields) {
    writer.tag(1, WireType.LEN);
    const entry = writer.begin();
    writer.tag(1, WireType.LEN);
    writer.string(name);
    writer.tag(2, WireType.LEN);
    const value = writer.begin();
    writeValue(writer, struct.fields[name] as StructValue);
    writer.end(value);
    writer.end(entry);
  }
}

/** Value {2: number_value, 3: string_value, 4: bool_value, 5: struct_value}. */
function writeValue(writer: WireWriter, value: StructValue): void {
  if (value.stringValue !== undefined) {
    writer.tag(3, WireType.LEN);
    writer.string(value.stringValue);
  } else if (value.boolValue !== undefined) {
    writer.tag(4, WireType.VARINT);
    writer.varint(value.boolValue ? 1 : 0);
  } else if (value.numberValue !== undefined) {
    writer.tag(2, WireType.I64);
    writer.double(value.numberValue);
  } else if (value.structValue !== undefined) {
    writer.tag(5, WireType.LEN);
    const struct = writer.begin();
    writeStructFields(writer, value.structValue);
    writer.end(struct);
  }
}
