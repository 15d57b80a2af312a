import type { ReasonCode } from '../errors.js';

/** gRPC status codes used in `CheckResponse.status` (google.rpc.Code). */
export const GrpcCode = {
  OK: 0,
  RESOURCE_EXHAUSTED: 8,
  PERMISSION_DENIED: 7,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

export interface ReasonResponse {
  readonly httpStatus: 401 | 403 | 413 | 429 | 431 | 503;
  readonly grpcCode: GrpcCode;
  /** Problem title (RFC 9457 §3.1.3): short, stable per reason. */
  readonly title: string;
  /**
   * The authorizer itself could not decide (its store, its capacity, its deadline, a bug):
   * answered to Envoy 1.37+ as `error_response` too, so Envoy's `failure_mode_allow` and
   * `status_on_error` apply. Never set for an answer about the caller's credential, however
   * transient: a caller must not be able to choose a fail-open path.
   */
  readonly authorizerFailure?: true;
}

const unauthenticated = (title: string): ReasonResponse => ({
  httpStatus: 401,
  grpcCode: GrpcCode.UNAUTHENTICATED,
  title,
});
const forbidden = (title: string): ReasonResponse => ({
  httpStatus: 403,
  grpcCode: GrpcCode.PERMISSION_DENIED,
  title,
});

/** SPEC §3: every reason code's HTTP status and gRPC code. */
export const REASON_RESPONSES: Readonly<Record<ReasonCode, ReasonResponse>> = {
  credential_malformed: unauthenticated('Malformed agent credential'),
  credential_missing: unauthenticated('Agent credential required'),
  signature_invalid: unauthenticated('Invalid signature'),
  key_unresolvable: unauthenticated('Signing key cannot be resolved'),
  // Still fetching, not refused: the same request succeeds once the document is cached.
  key_pending: {
    httpStatus: 503,
    grpcCode: GrpcCode.UNAVAILABLE,
    title: 'Signing key still being fetched',
  },
  did_method_unsupported: unauthenticated('DID method not supported'),
  alg_mismatch: unauthenticated('Algorithm does not match the key'),
  expired: unauthenticated('Credential expired'),
  not_yet_valid: unauthenticated('Credential not yet valid'),
  components_missing: unauthenticated('Required components not signed'),
  digest_mismatch: unauthenticated('Body does not match its digest'),
  nonce_required: unauthenticated('Nonce required'),
  token_invalid: unauthenticated('Invalid token'),
  binding_mismatch: unauthenticated('Token not bound to this caller'),
  replayed: unauthenticated('Request replayed'),
  agent_revoked: forbidden('Agent revoked'),
  agent_unknown: forbidden('Agent unknown'),
  zone_denied: forbidden('Zone not allowed for this agent'),
  workload_mismatch: forbidden('Workload not allowed for this agent'),
  workload_drift: forbidden('Agent moved to another workload'),
  trust_too_low: forbidden('Agent trust too low'),
  scope_insufficient: forbidden('Insufficient scope'),
  rate_limited: { httpStatus: 429, grpcCode: GrpcCode.RESOURCE_EXHAUSTED, title: 'Rate limited' },
  store_unavailable: {
    httpStatus: 503,
    grpcCode: GrpcCode.UNAVAILABLE,
    title: 'State store unavailable',
    authorizerFailure: true,
  },
  // RFC 6585 §5 and RFC 9110 §15.5.14: the request is refused for its size, not its credential.
  headers_too_large: {
    httpStatus: 431,
    grpcCode: GrpcCode.RESOURCE_EXHAUSTED,
    title: 'Request header fields too large',
  },
  body_too_large: {
    httpStatus: 413,
    grpcCode: GrpcCode.RESOURCE_EXHAUSTED,
    title: 'Request body too large to check',
  },
  overloaded: {
    httpStatus: 503,
    grpcCode: GrpcCode.UNAVAILABLE,
    title: 'Authorizer overloaded',
    authorizerFailure: true,
  },
  deadline_exceeded: {
    httpStatus: 503,
    grpcCode: GrpcCode.UNAVAILABLE,
    title: 'Check did not finish in time',
    authorizerFailure: true,
  },
  internal_error: {
    httpStatus: 503,
    grpcCode: GrpcCode.UNAVAILABLE,
    title: 'Authorizer error',
    authorizerFailure: true,
  },
};
