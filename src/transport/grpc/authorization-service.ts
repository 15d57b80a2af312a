import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { Decision } from '../../decision/decision.js';
import type { AuthzRequest } from '../../request/authz-request.js';
import { runCheckInSpan } from '../../telemetry/check-span.js';
import type { CheckRequestMessage, CheckResponseMessage } from './check-messages.js';
import { toAuthzRequest } from './to-authz-request.js';
import { toCheckResponse } from './to-check-response.js';

/** Runs one check; `traceId` is what the decision log records (the span's, when there is one). */
export type CheckEngine = (request: AuthzRequest, traceId?: string) => Promise<Decision>;

/**
 * `envoy.service.auth.v3.Authorization/Check`: convert, run the engine inside the check span,
 * convert back. Always answers with a CheckResponse; the engine fails closed on its own.
 */
export function createCheckHandler(check: CheckEngine) {
  return async (
    call: ServerUnaryCall<CheckRequestMessage, CheckResponseMessage>,
    callback: sendUnaryData<CheckResponseMessage>,
  ): Promise<void> => {
    try {
      const request = toAuthzRequest(call.request);
      const metadata = (name: string) => {
        const value = call.metadata.get(name)[0];
        return typeof value === 'string' ? value : undefined;
      };
      const { decision, traceId } = await runCheckInSpan(metadata, request, check);
      callback(null, toCheckResponse(decision, request.headers, traceId));
    } catch (error) {
      callback(error as Error);
    }
  };
}
