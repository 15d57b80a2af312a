import { join } from 'node:path';
import protobuf from 'protobufjs';
import type {
  CheckRequestMessage,
  CheckResponseMessage,
  HeaderValueOptionMessage,
  StructMessage,
  StructValue,
} from './check-messages.js';
import { EXTERNAL_AUTH_PROTO, PROTO_DIR } from './load-protos.js';

/**
 * The Check path's wire codec, shared by both gRPC servers. Requests are decoded with
 * protobufjs's generated `Type.decode` straight into the snake_case message to-authz-request
 * reads (no `toObject` copy); responses are written field by field with a protobufjs Writer from
 * the plain message to-check-response builds (no `fromObject` copy). Field numbers are those of
 * proto/ (checked against Envoy's own protos by test/wire-compat).
 */
const root = new protobuf.Root();
// Imports inside proto/ are relative to proto/; google/protobuf/* come bundled with protobufjs.
root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : join(PROTO_DIR, target));
root.loadSync(EXTERNAL_AUTH_PROTO, { keepCase: true });
root.resolveAll();

const CheckRequest = root.lookupType('envoy.service.auth.v3.CheckRequest');
const CheckResponse = root.lookupType('envoy.service.auth.v3.CheckResponse');

/**
 * Bytes → CheckRequestMessage. Unset fields read as proto3 defaults from the prototype ("" or an
 * empty buffer, or a frozen empty object for maps). Throws on bytes that are not a CheckRequest.
 */
export function decodeCheckRequest(bytes: Uint8Array): CheckRequestMessage {
  return CheckRequest.decode(bytes) as unknown as CheckRequestMessage;
}

/** The inverse of decodeCheckRequest, for clients (tests, the grpc-js request serializer). */
export function encodeCheckRequest(message: CheckRequestMessage): Uint8Array {
  return CheckRequest.encode(message as protobuf.Message).finish();
}

/** Bytes → a CheckResponse message as protobufjs decodes it (clients only). */
export function decodeCheckResponse(bytes: Uint8Array): protobuf.Message {
  return CheckResponse.decode(bytes);
}

/** envoy.config.core.v3.HeaderValueOption.HeaderAppendAction */
const APPEND_ACTION = { OVERWRITE_IF_EXISTS_OR_ADD: 2 } as const;

/** A field's key: its number and wire type (0 varint, 1 64-bit, 2 length-delimited). */
const key = (field: number, wireType: 0 | 1 | 2): number => (field << 3) | wireType;

/** CheckResponseMessage → bytes of envoy.service.auth.v3.CheckResponse. */
export function encodeCheckResponse(message: CheckResponseMessage): Uint8Array {
  const writer = protobuf.Writer.create();
  // 1: google.rpc.Status {1: code, 2: message}; the code written even when 0 (OK), as
  // protobufjs writes a set field, so Envoy sees exactly what the grpc-js encoding gave it.
  writer.uint32(key(1, 2)).fork();
  writer.uint32(key(1, 0)).int32(message.status.code);
  if (message.status.message) writer.uint32(key(2, 2)).string(message.status.message);
  writer.ldelim();
  const denied = message.denied_response;
  if (denied !== undefined) {
    // 2: DeniedHttpResponse {1: HttpStatus {1: code}, 2: headers, 3: body}
    writer.uint32(key(2, 2)).fork();
    writer.uint32(key(1, 2)).fork().uint32(key(1, 0)).int32(denied.status.code).ldelim();
    for (const option of denied.headers) writeHeaderOption(writer, 2, option);
    if (denied.body) writer.uint32(key(3, 2)).string(denied.body);
    writer.ldelim();
  }
  const ok = message.ok_response;
  if (ok !== undefined) {
    // 3: OkHttpResponse {2: headers, 5: headers_to_remove}
    writer.uint32(key(3, 2)).fork();
    for (const option of ok.headers) writeHeaderOption(writer, 2, option);
    for (const name of ok.headers_to_remove) writer.uint32(key(5, 2)).string(name);
    writer.ldelim();
  }
  // 4: google.protobuf.Struct
  writer.uint32(key(4, 2)).fork();
  writeStructFields(writer, message.dynamic_metadata);
  writer.ldelim();
  return writer.finish();
}

/** HeaderValueOption {1: HeaderValue {1: key, 2: value}, 3: append_action}. */
function writeHeaderOption(
  writer: protobuf.Writer,
  field: number,
  option: HeaderValueOptionMessage,
): void {
  writer.uint32(key(field, 2)).fork();
  writer.uint32(key(1, 2)).fork();
  writer.uint32(key(1, 2)).string(option.header.key);
  writer.uint32(key(2, 2)).string(option.header.value);
  writer.ldelim();
  writer.uint32(key(3, 0)).int32(APPEND_ACTION[option.append_action]);
  writer.ldelim();
}

/** Struct {1: map<string, Value>}: each entry a {1: key, 2: value} message. */
function writeStructFields(writer: protobuf.Writer, struct: StructMessage): void {
  for (const name in struct.fields) {
    writer.uint32(key(1, 2)).fork();
    writer.uint32(key(1, 2)).string(name);
    writer.uint32(key(2, 2)).fork();
    writeValue(writer, struct.fields[name] as StructValue);
    writer.ldelim();
    writer.ldelim();
  }
}

/** Value {2: number_value, 3: string_value, 4: bool_value, 5: struct_value}. */
function writeValue(writer: protobuf.Writer, value: StructValue): void {
  if (value.stringValue !== undefined) writer.uint32(key(3, 2)).string(value.stringValue);
  else if (value.boolValue !== undefined) writer.uint32(key(4, 0)).bool(value.boolValue);
  else if (value.numberValue !== undefined) writer.uint32(key(2, 1)).double(value.numberValue);
  else if (value.structValue !== undefined) {
    writer.uint32(key(5, 2)).fork();
    writeStructFields(writer, value.structValue);
    writer.ldelim();
  }
}
