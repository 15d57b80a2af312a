import { checkCertificateBinding, checkKeyBinding } from '../binding/check-token-binding.js';
import type { TokenCredential } from '../credentials/parse-token-headers.js';
import type { AgentIdentity } from '../decision/decision.js';
import { tokenSha256 } from '../proofs/token-sha256.js';
import type { VerifiedToken } from '../proofs/verified-token.js';
import { checkDpopProofHeader, verifyCheckedDpopProof } from '../proofs/verify-dpop-proof.js';
import { replayKey } from '../replay/check-replay.js';
import { type AuthzRequest, fieldValue } from '../request/authz-request.js';
import type { CheckDeps, TokenDeps } from './check-deps.js';
import type { VerifiedCredential } from './verified-credential.js';

/**
 * The token profiles: DPoP (RFC 9449) and certificate-bound Bearer (RFC 8705) — token →
 * `cnf.x5t#S256` against the client certificate.
 *
 * DPoP is checked cheapest first, because a proof carries its own key and so anyone chooses
 * what verifying it costs: the proof header (typ, alg, a public jwk within the RSA caps, its
 * thumbprint; no signature work, remembered per header) → the token (the verified-token cache,
 * else one verify with the configured issuer's key) → `cnf.jkt` against the header's thumbprint,
 * and `cnf.x5t#S256` too when the token also names a certificate → only then the proof's
 * signature and claims (htm, htu, ath, iat, jti; the `jti` is returned for the replay claim).
 * A forged proof with a garbage or someone else's token costs no proof verify at all. Every
 * step of RFC 9449 §4.3 still runs before a request is allowed; only their order differs.
 */
export async function verifyTokenRequest(
  request: AuthzRequest,
  credential: TokenCredential,
  tokens: TokenDeps,
  deps: CheckDeps,
): Promise<VerifiedCredential> {
  if (credential.profile === 'mtls') {
    const token = await tokens.verify(credential.token);
    const thumbprint = checkCertificateBinding(
      token,
      request.source.certificate,
      tokens.requireBinding,
    );
    return { identity: tokenIdentity(request, token, 'mtls', thumbprint) };
  }
  const nowMs = deps.clock();
  const proofHeader = checkDpopProofHeader(credential.proof, tokens.proofKeys);
  // The proof's ath and the verified-token cache's key are the same hash of the token.
  const accessTokenSha256 = tokenSha256(credential.token);
  const token = await tokens.verify(credential.token, accessTokenSha256);
  checkKeyBinding(token, proofHeader.thumbprint, request.source.certificate);
  const target = {
    // RFC 9449 §4.3: htm is the request's method, compared as sent (RFC 9110 §9.1: methods
    // are case-sensitive).
    method: request.receivedMethod,
    uri: requestUri(request, tokens),
    accessToken: credential.token,
    accessTokenSha256,
  };
  const proof = await verifyCheckedDpopProof(
    credential.proof,
    proofHeader,
    target,
    tokens.proofWindow,
    nowMs,
    tokens.proofKeys,
  );
  // One proof, one request: the jti is remembered for as long as the proof is acceptable.
  return {
    identity: tokenIdentity(request, token, 'dpop', proof.thumbprint),
    replay: {
      key: replayKey('dpop', proof.thumbprint, proof.jti),
      ttlMs: proof.acceptableUntilMs - nowMs,
    },
  };
}

/** The URI the client addressed, without the query (RFC 9449 §4.3 step 9 ignores it). */
function requestUri(request: AuthzRequest, tokens: TokenDeps): string {
  const forwarded =
    tokens.schemeHeader === undefined
      ? undefined
      : fieldValue(request.headers, tokens.schemeHeader);
  const scheme = forwarded?.split(',')[0]?.trim().toLowerCase() || request.scheme;
  return `${scheme}://${request.authority}${request.path}`;
}

function tokenIdentity(
  request: AuthzRequest,
  token: VerifiedToken,
  profile: 'dpop' | 'mtls',
  keyId: string | undefined,
): AgentIdentity {
  return {
    verified: true,
    profile,
    agentId: token.subject,
    stateId: token.subjectStateId,
    ...(keyId === undefined ? {} : { keyId }),
    workload: request.source.principal || undefined,
    ...(token.scopes === undefined ? {} : { scopes: token.scopes }),
    ...(token.tokenId === undefined ? {} : { tokenId: token.tokenId }),
  };
}
