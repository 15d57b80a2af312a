import { AuthzError } from '../errors.js';
import type { HeaderFields } from '../request/authz-request.js';
import { measureJsonDepth } from './measure-json-depth.js';

/** A sender-constrained token as presented, before anything about it is believed. */
export type TokenCredential =
  | { readonly profile: 'dpop'; readonly token: string; readonly proof: string }
  | { readonly profile: 'mtls'; readonly token: string };

/** A compact JWS: three base64url parts. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Bounds on a presented JWT, checked before anything decodes it (`limits` in the config). */
export interface TokenLimits {
  /** Characters of one access token or DPoP proof. */
  readonly maxTokenBytes: number;
  /** Nesting of objects and arrays in its header and in its payload. */
  readonly maxJsonDepth: number;
}

export const DEFAULT_TOKEN_LIMITS: TokenLimits = { maxTokenBytes: 16_384, maxJsonDepth: 16 };
/** RFC 9110 §11.4: `credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`. */
const CREDENTIALS = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?: +(.*))?$/;
/**
 * The auth-scheme alone: the token characters a line starts with, whatever follows. A DPoP or
 * Bearer line spaced otherwise than by SP (`Bearer<HTAB>…`, U+00A0) is still that credential —
 * upstreams that split on any whitespace read the token — so it is malformed, never unsigned.
 */
const SCHEME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/** The Authorization scheme, lower-cased (auth-scheme is case-insensitive), if any. */
export function authorizationScheme(headers: HeaderFields): string | undefined {
  const line = headers.get('authorization')?.[0];
  return line === undefined ? undefined : SCHEME.exec(line.trim())?.[0].toLowerCase();
}

/**
 * `Authorization: DPoP <jwt>` with one `DPoP: <proof>` (RFC 9449 §7.1), or
 * `Authorization: Bearer <jwt>` (RFC 6750 §2.1) for a certificate-bound token. Undefined when
 * neither is presented; other schemes (Basic, …) are the upstream's business. Anything
 * ambiguous — repeated headers, a proof with Bearer, a value that is not a JWT — is
 * `credential_malformed`.
 */
export function parseTokenHeaders(
  headers: HeaderFields,
  limits: TokenLimits = DEFAULT_TOKEN_LIMITS,
): TokenCredential | undefined {
  const authorization = headers.get('authorization') ?? [];
  const proofs = headers.get('dpop') ?? [];
  if (authorization.length === 0) {
    if (proofs.length > 0) throw malformed('a DPoP proof needs an Authorization: DPoP token');
    return undefined;
  }
  if (authorization.length > 1)
    throw malformed('the request has more than one Authorization header');
  const match = CREDENTIALS.exec(authorization[0]!.trim());
  const scheme = SCHEME.exec(authorization[0]!.trim())?.[0].toLowerCase();
  if (scheme !== 'dpop' && scheme !== 'bearer') {
    if (proofs.length > 0) throw malformed('a DPoP proof needs an Authorization: DPoP token');
    return undefined;
  }
  const token = compactJws(match?.[2]?.trim(), 'the access token', limits);
  if (scheme === 'bearer') {
    // RFC 9449 §7.2: a DPoP-bound token must not be downgraded to Bearer.
    if (proofs.length > 0) throw malformed('a DPoP proof goes with the DPoP scheme, not Bearer');
    return { profile: 'mtls', token };
  }
  // RFC 9449 §4.3 step 1: exactly one DPoP header field.
  if (proofs.length !== 1) throw malformed('the DPoP scheme needs exactly one DPoP proof header');
  return { profile: 'dpop', token, proof: compactJws(proofs[0]!.trim(), 'the DPoP proof', limits) };
}

function compactJws(value: string | undefined, what: string, limits: TokenLimits): string {
  if (value !== undefined && value.length > limits.maxTokenBytes) {
    throw new AuthzError(
      'headers_too_large',
      `${what} is larger than limits.maxTokenBytes (${limits.maxTokenBytes})`,
    );
  }
  if (value === undefined || !COMPACT_JWS.test(value)) {
    throw malformed(`${what} is not a compact JWT`);
  }
  const [header, payload] = value.split('.', 2);
  for (const part of [header!, payload!]) {
    if (measureJsonDepth(Buffer.from(part, 'base64url').toString('latin1')) > limits.maxJsonDepth) {
      throw malformed(`${what} nests deeper than limits.maxJsonDepth (${limits.maxJsonDepth})`);
    }
  }
  return value;
}

function malformed(message: string): AuthzError {
  return new AuthzError('credential_malformed', message);
}
