import { join } from 'node:path';
import protobuf from 'protobufjs';
import { PROTO_DIR } from './paths.js';

const root = new protobuf.Root();
// Imports inside proto/ are relative to proto/; google/protobuf/* come bundled with protobufjs.
root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : join(PROTO_DIR, target));
root.loadSync(join(PROTO_DIR, 'envoy/service/auth/v3/external_auth.proto'), { keepCase: true });

const CheckRequest = root.lookupType('envoy.service.auth.v3.CheckRequest');
const CheckResponse = root.lookupType('envoy.service.auth.v3.CheckResponse');

export const CHECK_PATH = '/envoy.service.auth.v3.Authorization/Check';

/** A CheckRequest (Envoy's snake_case shape) as one gRPC length-prefixed message. */
export function encodeCheckFrame(request: object): Buffer {
  const message = CheckRequest.encode(CheckRequest.fromObject(request)).finish();
  return grpcFrame(message);
}

/** gRPC framing: a zero compression flag, a big-endian 32-bit length, the message. */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame.writeUInt8(0, 0);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

export interface CheckOutcome {
  readonly allowed: boolean;
  /** The problem+json reason of a denial. */
  readonly reason?: string;
}

/** Decodes a framed CheckResponse: allowed when it carries ok_response. */
export function decodeCheckFrame(frame: Buffer): CheckOutcome {
  const length = frame.readUInt32BE(1);
  const response = CheckResponse.toObject(CheckResponse.decode(frame.subarray(5, 5 + length)), {
    oneofs: true,
  }) as { http_response?: string; denied_response?: { body?: string } };
  if (response.http_response === 'ok_response') return { allowed: true };
  const body = response.denied_response?.body;
  const reason = body ? (JSON.parse(body) as { reason?: string }).reason : undefined;
  return { allowed: false, reason: reason ?? 'no ok_response' };
}

/** The constant "allow, nothing to add" response the no-op servers send. */
export function okResponseMessage(): Uint8Array {
  return CheckResponse.encode(
    CheckResponse.fromObject({ status: { code: 0 }, ok_response: {} }),
  ).finish();
}
