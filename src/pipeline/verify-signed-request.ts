import type { SignatureCandidate } from '../credentials/signature-candidate.js';
import type { AgentIdentity } from '../decision/decision.js';
import { checkContentDigest } from '../proofs/check-content-digest.js';
import { checkSignatureProfile } from '../proofs/check-signature-profile.js';
import { verifyHttpSignature } from '../proofs/verify-http-signature.js';
import { replayKey } from '../replay/check-replay.js';
import { type AuthzRequest, fieldValue } from '../request/authz-request.js';
import type { CheckDeps } from './check-deps.js';
import { claimReplay } from './claim-replay.js';

/**
 * The signed-request profile: profile rules → key → signature → body digest → replay. Cheap
 * checks come first so a stale or incomplete signature never costs a key resolution.
 */
export async function verifySignedRequest(
  request: AuthzRequest,
  signature: SignatureCandidate,
  deps: CheckDeps,
): Promise<AgentIdentity> {
  const nowMs = deps.clock();
  const policy = deps.policy();
  const profiled = checkSignatureProfile(
    request,
    signature,
    policy.signedHeaders,
    deps.window,
    nowMs,
  );
  const key = await deps.resolveKey(profiled.keyId);
  verifyHttpSignature(request, signature, key);
  const digest = fieldValue(request.headers, 'content-digest');
  if (digest !== undefined && request.body !== null) checkContentDigest(digest, request.body);
  await claimReplay(
    replayKey('sig', profiled.keyId, profiled.nonce),
    profiled.acceptableUntilMs - nowMs,
    deps,
  );
  return {
    verified: true,
    profile: 'signed-request',
    agentId: key.controller,
    keyId: key.keyId,
    workload: request.source.principal || undefined,
  };
}
