import { decodeJwt, errors, type JWSHeaderParameters, type JWTPayload, jwtVerify } from 'jose';
import { AuthzError, isAuthzError } from '../errors.js';
import { canonicalAgentId } from '../keys/canonical-agent-id.js';
import type { IssuerKeyCheck, IssuerKeyResolver } from '../keys/resolve-jwks-key.js';
import type { Clock } from '../lib/clock.js';
import { isFieldValue } from '../lib/field-value.js';
import type { TokenVerifier, VerifiedToken } from './verified-token.js';

/** An issuer whose tokens are accepted, with where its keys come from. */
export interface TrustedIssuer {
  /** The exact `iss`: an issuer identifier or a DID. */
  readonly iss: string;
  readonly audiences: readonly string[];
  /** Asymmetric JWS algorithms only; jose also checks the key type fits the algorithm. */
  readonly algorithms: readonly string[];
  readonly getKey: IssuerKeyResolver;
  /** Whether a key `getKey` returned is still the issuer's; absent: its keys never change. */
  readonly holdsKey?: IssuerKeyCheck;
  /** The subjects this issuer may assert (`subjects:` of its config); absent: any. */
  readonly mayAssert?: (subject: string) => boolean;
}

export interface TokenVerifierOptions {
  readonly clockSkewMs: number;
  readonly clock: Clock;
  /** The claim whose value is the agent id; `sub` unless configured otherwise. */
  readonly agentIdClaim?: string;
}

/**
 * Verifies access tokens (RFC 9068 shape) with jose: the issuer must be configured, the
 * signature must verify with one of its keys under an allowed algorithm, and `aud`, `exp`,
 * `nbf` and `iat` must hold within the clock skew. `exp` and the agent id claim are required;
 * the agent id must be a valid header value and, for an issuer with `subjects`, one of those.
 */
export function createTokenVerifier(
  issuers: readonly TrustedIssuer[],
  options: TokenVerifierOptions,
): TokenVerifier {
  const byIss = new Map(issuers.map((issuer) => [issuer.iss, issuer]));
  const agentIdClaim = options.agentIdClaim ?? 'sub';
  return async (token) => {
    const issuer = byIss.get(String(unverifiedClaims(token).iss));
    if (issuer === undefined) throw invalid('the token issuer is not trusted here');
    const nowMs = options.clock();
    let payload: JWTPayload;
    let verifiedWith: VerifiedToken['verifiedWith'] | undefined;
    const getKey = async (header: JWSHeaderParameters) => {
      const key = await issuer.getKey(header);
      verifiedWith = { key, kid: header.kid };
      return key;
    };
    try {
      let protectedHeader: { typ?: string };
      ({ payload, protectedHeader } = await jwtVerify(token, getKey, {
        issuer: issuer.iss,
        audience: [...issuer.audiences],
        algorithms: [...issuer.algorithms],
        clockTolerance: options.clockSkewMs / 1000,
        currentDate: new Date(nowMs),
        requiredClaims: ['exp', agentIdClaim],
      }));
      // RFC 9449 §4.2: a proof is not an access token, even when its signer is an issuer.
      if (protectedHeader.typ?.toLowerCase() === 'dpop+jwt')
        throw invalid('a DPoP proof is not a token');
    } catch (error) {
      throw translate(error);
    }
    if (typeof payload.iat === 'number' && payload.iat * 1000 - nowMs > options.clockSkewMs) {
      throw new AuthzError('not_yet_valid', 'the token was issued in the future');
    }
    const verified = toVerifiedToken(payload, agentIdClaim, verifiedWith!);
    if (issuer.mayAssert !== undefined && !issuer.mayAssert(verified.subject)) {
      throw invalid(`the token ${agentIdClaim} is not a subject this issuer may assert`);
    }
    return verified;
  };
}

function unverifiedClaims(token: string): JWTPayload {
  try {
    return decodeJwt(token);
  } catch (error) {
    throw invalid('the token is not a JWT', error);
  }
}

/**
 * For the verified-token cache: whether the key that verified `token` is still one of its
 * issuer's keys. Synchronous for a JWKS issuer whose key set has not changed since.
 */
export function createKeyStillHeld(
  issuers: readonly TrustedIssuer[],
): (token: VerifiedToken) => boolean | Promise<boolean> {
  const byIss = new Map(issuers.map((issuer) => [issuer.iss, issuer]));
  return (token) => {
    const issuer = byIss.get(token.issuer);
    if (issuer === undefined) return false;
    return issuer.holdsKey?.(token.verifiedWith.key, token.verifiedWith.kid) ?? true;
  };
}

function toVerifiedToken(
  payload: JWTPayload,
  agentIdClaim: string,
  verifiedWith: VerifiedToken['verifiedWith'],
): VerifiedToken {
  // The claim becomes the agent id: revocation, history and policy entries match it as text.
  const agentId = payload[agentIdClaim];
  if (typeof agentId !== 'string' || agentId.trim() === '' || agentId.length > 2048) {
    throw invalid(`the token ${agentIdClaim} must be a non-empty string`);
  }
  // It is forwarded as x-agent-id: a CR, LF or other control character must never reach it.
  if (!isFieldValue(agentId)) {
    throw invalid(`the token ${agentIdClaim} is not a valid header value`);
  }
  const cnf = (typeof payload.cnf === 'object' && payload.cnf !== null ? payload.cnf : {}) as {
    jkt?: unknown;
    'x5t#S256'?: unknown;
  };
  const confirmation = {
    ...(typeof cnf.jkt === 'string' ? { jkt: cnf.jkt } : {}),
    ...(typeof cnf['x5t#S256'] === 'string' ? { x5tS256: cnf['x5t#S256'] } : {}),
  };
  if (Object.keys(cnf).length > 0 && Object.keys(confirmation).length === 0) {
    throw invalid('the token cnf claim names no jkt or x5t#S256 binding');
  }
  return {
    issuer: payload.iss!,
    subject: agentId,
    subjectStateId: canonicalAgentId(agentId),
    expiresAtMs: payload.exp! * 1000,
    verifiedWith,
    ...(typeof payload.jti === 'string' ? { tokenId: payload.jti } : {}),
    ...(typeof payload.scope === 'string'
      ? { scopes: payload.scope.split(' ').filter((scope) => scope !== '') }
      : {}),
    confirmation,
  };
}

/** jose's errors, translated at the stage boundary; messages name claims, never values. */
function translate(error: unknown): AuthzError {
  if (isAuthzError(error)) return error;
  if (error instanceof errors.JWTExpired) {
    return new AuthzError('expired', 'the token has expired', { cause: error });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') {
      return new AuthzError('not_yet_valid', 'the token is not valid yet', { cause: error });
    }
    if (error.claim === 'aud') return invalid('the token audience is not accepted here', error);
    return invalid(`the token ${error.claim} claim is missing or invalid`, error);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return invalid('the token algorithm is not accepted for this issuer', error);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return invalid('the token signature does not verify', error);
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return invalid('the token is not a valid JWS', error);
  }
  return invalid('the token algorithm does not fit the issuer key', error);
}

function invalid(message: string, cause?: unknown): AuthzError {
  return new AuthzError('token_invalid', message, { cause });
}
