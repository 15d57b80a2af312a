import { join } from 'node:path';
import protobuf from 'protobufjs';
import { DEFAULT_CHECK_LIMITS } from '../../pipeline/check-deps.js';
import type { CheckRequestMessage, CheckResponseMessage } from './check-messages.js';
import type { DecodeLimits } from './decode-budget.js';
import { decodeCheckRequestFields } from './decode-check-request.js';
import { encodeCheckResponseMessage } from './encode-check-response.js';
import { EXTERNAL_AUTH_PROTO, PROTO_DIR } from './load-protos.js';

/**
 * The Check path's wire codec, shared by both gRPC servers. Requests are decoded by hand
 * (decode-check-request.ts) into the snake_case message to-authz-request reads, only the fields
 * it reads; responses are written by hand (encode-check-response.ts) from the plain message
 * to-check-response builds. protobufjs, loaded from proto/, is kept for the client side (tests,
 * the bench, grpc-js's request serializer). Field numbers are those of proto/ (checked against
 * Envoy's own protos by test/wire-compat).
 */
const root = new protobuf.Root();
// Imports inside proto/ are relative to proto/; google/protobuf/* come bundled with protobufjs.
root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : join(PROTO_DIR, target));
root.loadSync(EXTERNAL_AUTH_PROTO, { keepCase: true });
root.resolveAll();

const CheckRequest = root.lookupType('envoy.service.auth.v3.CheckRequest');
const CheckResponse = root.lookupType('envoy.service.auth.v3.CheckResponse');

/**
 * Bytes → CheckRequestMessage, the fields toAuthzRequest reads; unset fields are absent.
 * Throws on bytes that are not a CheckRequest. What it builds is bounded by the limits it was
 * created with; past them the message is cut (see decodeCheckRequestFields).
 */
export type CheckRequestDecoder = (bytes: Uint8Array) => CheckRequestMessage;

/** The decoder a server runs, bounded by the configured `limits`. */
export function createCheckRequestDecoder(
  limits: DecodeLimits = DEFAULT_CHECK_LIMITS,
): CheckRequestDecoder {
  return (bytes) =>
    decodeCheckRequestFields(
      Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
      limits,
    );
}

/** The decoder with the default limits, for clients, tests and measurements. */
export const decodeCheckRequest: CheckRequestDecoder = createCheckRequestDecoder();

/** The inverse of decodeCheckRequest, for clients (tests, the grpc-js request serializer). */
export function encodeCheckRequest(message: CheckRequestMessage): Uint8Array {
  return CheckRequest.encode(message as protobuf.Message).finish();
}

/** Bytes → a CheckResponse message as protobufjs decodes it (clients only). */
export function decodeCheckResponse(bytes: Uint8Array): protobuf.Message {
  return CheckResponse.decode(bytes);
}

/** CheckResponseMessage → bytes of envoy.service.auth.v3.CheckResponse. */
export function encodeCheckResponse(message: CheckResponseMessage): Uint8Array {
  return encodeCheckResponseMessage(message);
}

export { encodeCheckResponseFrame } from './encode-check-response.js';
