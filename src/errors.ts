/**
 * Every way a check can deny, as a closed union. The codes are the product's public contract:
 * they appear in problem+json bodies, dynamic metadata, metrics labels and the decision log.
 * docs/reason-codes.md is kept in sync with this list by a test.
 */
export const REASON_CODES = [
  'credential_malformed',
  'credential_missing',
  'signature_invalid',
  'key_unresolvable',
  'key_pending',
  'did_method_unsupported',
  'alg_mismatch',
  'expired',
  'not_yet_valid',
  'components_missing',
  'digest_mismatch',
  'nonce_required',
  'token_invalid',
  'binding_mismatch',
  'replayed',
  'agent_revoked',
  'agent_unknown',
  'zone_denied',
  'workload_mismatch',
  'workload_drift',
  'trust_too_low',
  'scope_insufficient',
  'rate_limited',
  'store_unavailable',
  'headers_too_large',
  'body_too_large',
  'overloaded',
  'deadline_exceeded',
  'internal_error',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

/**
 * The one error type a check stage throws. `message` must be safe to show the caller: it never
 * contains a token, signature or key (callers pass descriptions, not values). `cause` may hold
 * a third-party error for operators; it is never serialised into a response.
 */
export class AuthzError extends Error {
  override readonly name = 'AuthzError';
  readonly code: ReasonCode;
  /** Seconds after which a retry may succeed (rate limits, shed checks). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ReasonCode,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isAuthzError(value: unknown): value is AuthzError {
  return value instanceof AuthzError;
}

/** A configuration or policy file that cannot be used; the message names the field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
