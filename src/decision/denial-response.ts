import { DPOP_ALGORITHMS } from '../proofs/verify-dpop-proof.js';
import type { Decision } from './decision.js';
import { REASON_RESPONSES } from './reason-table.js';
import type { HeaderList } from './upstream-headers.js';

type Denial = Extract<Decision, { allowed: false }>;

export interface DenialResponse {
  readonly httpStatus: number;
  readonly headers: HeaderList;
  /** RFC 9457 problem details, serialised. */
  readonly body: string;
}

/**
 * RFC 9421 §5.1: what a signature must cover to be accepted here, for `credential_missing`.
 */
const ACCEPT_SIGNATURE =
  'sig1=("@method" "@authority" "@path" "@query" "content-digest");created;keyid;nonce;tag="agent-authz"';
/** RFC 9449 §7.1: the DPoP challenge, naming the algorithms we accept. */
const DPOP_CHALLENGE = `DPoP algs="${DPOP_ALGORITHMS.join(' ')}"`;

/** The response Envoy sends the client for a denial. Nothing secret is echoed. */
export function denialResponse(decision: Denial, traceId: string): DenialResponse {
  const { httpStatus, title } = REASON_RESPONSES[decision.reason];
  const headers: Array<[string, string]> = [['content-type', 'application/problem+json']];
  if (decision.reason === 'credential_missing') {
    headers.push(['accept-signature', ACCEPT_SIGNATURE], ['www-authenticate', DPOP_CHALLENGE]);
  }
  if (decision.retryAfterSeconds !== undefined) {
    headers.push(['retry-after', String(Math.max(1, Math.ceil(decision.retryAfterSeconds)))]);
  }
  const body = JSON.stringify({
    type: `urn:agent-authz:problem:${decision.reason}`,
    title,
    status: httpStatus,
    detail: decision.message,
    reason: decision.reason,
    trace_id: traceId,
  });
  return { httpStatus, headers, body };
}
