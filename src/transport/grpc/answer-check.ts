import type { Decision } from '../../decision/decision.js';
import type { AuthzRequest } from '../../request/authz-request.js';
import { type CallHeader, runCheckInSpan } from '../../telemetry/check-span.js';
import type { CheckRequestMessage, CheckResponseMessage } from './check-messages.js';
import { toAuthzRequest } from './to-authz-request.js';
import { toCheckResponse } from './to-check-response.js';

/** Runs one check; `traceId` is what the decision log records (the span's, when there is one). */
export type CheckEngine = (request: AuthzRequest, traceId?: string) => Promise<Decision>;

/**
 * One `Authorization/Check`, whichever gRPC server carried it: convert, run the engine inside
 * the check span (continuing the trace in the call's own headers), convert back. The engine
 * fails closed on its own, so this always resolves to a CheckResponse unless the engine throws.
 */
export async function answerCheck(
  check: CheckEngine,
  message: CheckRequestMessage,
  callHeader: CallHeader,
): Promise<CheckResponseMessage> {
  const request = toAuthzRequest(message);
  const { decision, traceId } = await runCheckInSpan(callHeader, request, check);
  return toCheckResponse(decision, request.headers, traceId);
}
