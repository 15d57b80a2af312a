import type { Decision } from '../../decision/decision.js';
import { decisionMetadata, METADATA_NAMESPACE } from '../../decision/decision-metadata.js';
import { denialResponse } from '../../decision/denial-response.js';
import { GrpcCode, REASON_RESPONSES } from '../../decision/reason-table.js';
import {
  forgedHeaderNames,
  type HeaderList,
  identityHeaders,
} from '../../decision/upstream-headers.js';
import type { HeaderFields } from '../../request/authz-request.js';
import type {
  CheckResponseMessage,
  HeaderValueOptionMessage,
  StructMessage,
} from './check-messages.js';

/**
 * Decision → Envoy CheckResponse. Headers are set with OVERWRITE_IF_EXISTS_OR_ADD: with the
 * field left at its default Envoy would append, and a client-sent value would survive beside
 * ours.
 */
export function toCheckResponse(
  decision: Decision,
  inbound: HeaderFields,
  traceId: string,
): CheckResponseMessage {
  const dynamic_metadata = toStruct({ [METADATA_NAMESPACE]: decisionMetadata(decision) });
  if (decision.allowed) {
    const set = identityHeaders(decision);
    return {
      status: { code: GrpcCode.OK },
      ok_response: {
        headers: toHeaderOptions(set),
        headers_to_remove: forgedHeaderNames(inbound.keys(), set),
      },
      dynamic_metadata,
    };
  }
  const response = denialResponse(decision, traceId);
  const { grpcCode, authorizerFailure } = REASON_RESPONSES[decision.reason];
  const denied = {
    status: { code: response.httpStatus },
    headers: toHeaderOptions(response.headers),
    body: response.body,
  };
  return {
    status: { code: grpcCode, message: decision.reason },
    denied_response: denied,
    // The authorizer could not decide (store, overload, deadline, internal failure): Envoy 1.37+
    // counts it as ext_authz_error and applies failure_mode_allow to it, not as a denial.
    ...(authorizerFailure === true ? { error_response: denied } : {}),
    dynamic_metadata,
  };
}

function toHeaderOptions(headers: HeaderList): HeaderValueOptionMessage[] {
  return headers.map(([key, value]) => ({
    header: { key, value },
    append_action: 'OVERWRITE_IF_EXISTS_OR_ADD',
  }));
}

type Plain = string | boolean | number | { [key: string]: Plain };

/** A plain object as google.protobuf.Struct in proto-loader's object form. */
function toStruct(value: Record<string, Plain>): StructMessage {
  const fields: StructMessage['fields'] = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') fields[key] = { stringValue: item };
    else if (typeof item === 'boolean') fields[key] = { boolValue: item };
    else if (typeof item === 'number') fields[key] = { numberValue: item };
    else fields[key] = { structValue: toStruct(item) };
  }
  return { fields };
}
