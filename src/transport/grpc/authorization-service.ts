import type {
  MethodDefinition,
  ServerUnaryCall,
  ServiceDefinition,
  sendUnaryData,
} from '@grpc/grpc-js';
import { answerCheck, type CheckEngine } from './answer-check.js';
import {
  type CheckRequestDecoder,
  decodeCheckRequest,
  decodeCheckResponse,
  encodeCheckRequest,
  encodeCheckResponse,
} from './check-codec.js';
import type { CheckRequestMessage, CheckResponseMessage } from './check-messages.js';

export type { CheckEngine } from './answer-check.js';

export const AUTHORIZATION_SERVICE = 'envoy.service.auth.v3.Authorization';
export const CHECK_PATH = `/${AUTHORIZATION_SERVICE}/Check`;

/**
 * `Authorization/Check` for grpc-js with the Check path's own codec as (de)serializers, so grpc-js
 * does no `fromObject`/`toObject` round trip either; requests are read with `decode`.
 */
export function authorizationService(
  decode: CheckRequestDecoder = decodeCheckRequest,
): ServiceDefinition<{
  Check: MethodDefinition<CheckRequestMessage, CheckResponseMessage>;
}> {
  return {
    Check: {
      path: CHECK_PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: (message) => asBuffer(encodeCheckRequest(message)),
      requestDeserialize: (bytes) => decode(bytes),
      responseSerialize: (message) => asBuffer(encodeCheckResponse(message)),
      responseDeserialize: (bytes) => decodeCheckResponse(bytes) as unknown as CheckResponseMessage,
    },
  };
}

/** The grpc-js handler of Check: the call metadata carries Envoy's trace context. */
export function createCheckHandler(check: CheckEngine) {
  return (
    call: ServerUnaryCall<CheckRequestMessage, CheckResponseMessage>,
    callback: sendUnaryData<CheckResponseMessage>,
  ): void => {
    answerCheck(check, call.request, (name) => {
      const value = call.metadata.get(name)[0];
      return typeof value === 'string' ? value : undefined;
    }).then(
      (response) => callback(null, response),
      (error: unknown) => callback(error as Error),
    );
  };
}

/** The same bytes as a Buffer, without a copy (protobufjs already returns one on Node). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
