import type { Decision } from '../../decision/decision.js';
import { decisionMetadata } from '../../decision/decision-metadata.js';
import { denialResponse } from '../../decision/denial-response.js';
import {
  forgedHeaderNames,
  type HeaderList,
  identityHeaders,
} from '../../decision/upstream-headers.js';
import type { HeaderFields } from '../../request/authz-request.js';

export interface HttpCheckResponse {
  readonly status: number;
  readonly headers: HeaderList;
  readonly body: string;
}

/**
 * Envoy removes the headers this response header lists from the client's request before it goes
 * upstream (the HTTP-mode form of `OkHttpResponse.headers_to_remove`).
 */
export const HEADERS_TO_REMOVE = 'x-envoy-auth-headers-to-remove';

/**
 * Prefix of the response headers that carry the decision facts; Envoy's
 * `dynamic_metadata_from_headers` turns them into dynamic metadata (namespace
 * `envoy.filters.http.ext_authz`), the HTTP-mode counterpart of the `agent_authz` Struct.
 */
export const METADATA_HEADER_PREFIX = 'x-agent-authz-';

/**
 * Decision → the answer Envoy's `http_service` expects: 200 to allow, with the identity headers
 * (copied upstream, overwriting, by `allowed_upstream_headers`) and the forged or stale ones to
 * remove; the denial status with problem+json and its challenges to deny.
 */
export function toHttpResponse(
  decision: Decision,
  inbound: HeaderFields,
  traceId: string,
): HttpCheckResponse {
  const metadata = metadataHeaders(decision);
  if (decision.allowed) {
    const set = identityHeaders(decision);
    const remove = forgedHeaderNames(inbound.keys(), set);
    const removal: HeaderList = remove.length > 0 ? [[HEADERS_TO_REMOVE, remove.join(', ')]] : [];
    return { status: 200, headers: [...set, ...removal, ...metadata], body: '' };
  }
  const denial = denialResponse(decision, traceId);
  return {
    status: denial.httpStatus,
    headers: [...denial.headers, ...metadata],
    body: denial.body,
  };
}

function metadataHeaders(decision: Decision): HeaderList {
  return Object.entries(decisionMetadata(decision)).map(([key, value]) => [
    `${METADATA_HEADER_PREFIX}${key.replaceAll('_', '-')}`,
    String(value),
  ]);
}
