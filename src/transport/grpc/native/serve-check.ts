import { answerCheck, type CheckEngine } from '../answer-check.js';
import { type CheckRequestDecoder, encodeCheckResponseFrame } from '../check-codec.js';
import { GrpcStatus } from './grpc-status.js';
import type { NativeCall } from './native-call.js';
import { type RequestBounds, readCallMessages } from './read-call-messages.js';

/**
 * Authorization/Check: exactly one CheckRequest, answered once the client half-closed. A second
 * message fails the call at once rather than being held until the half-close.
 */
export function serveCheck(
  call: NativeCall,
  check: CheckEngine,
  decodeCheckRequest: CheckRequestDecoder,
  bounds: Omit<RequestBounds, 'hold'>,
): void {
  let request: Buffer | undefined;
  call.on('data', (message: Buffer) => {
    if (request === undefined) request = message;
    else call.fail(GrpcStatus.UNIMPLEMENTED, 'Check takes exactly one request message');
  });
  call.on('end', () => {
    if (request === undefined) {
      call.fail(GrpcStatus.UNIMPLEMENTED, 'Check takes exactly one request message');
      return;
    }
    let message: ReturnType<CheckRequestDecoder>;
    try {
      message = decodeCheckRequest(request);
    } catch {
      call.fail(GrpcStatus.INTERNAL, 'request message is not a CheckRequest');
      return;
    }
    answerCheck(check, message, (name) => {
      const value = call.headers[name];
      return typeof value === 'string' ? value : undefined;
    })
      .then((response) => call.answerFrame(encodeCheckResponseFrame(response)))
      // The engine failing, or the response not encoding: INTERNAL, never an unhandled rejection.
      .catch((error: unknown) => call.failWith(error));
  });
  // The request stays counted until the call is answered: the check holds it until then.
  readCallMessages(call, { ...bounds, hold: 'call' });
}
