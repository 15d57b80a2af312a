import type { SignatureCandidate } from '../credentials/signature-candidate.js';
import type { AgentIdentity } from '../decision/decision.js';
import { checkContentDigest } from '../proofs/check-content-digest.js';
import { checkSignatureProfile } from '../proofs/check-signature-profile.js';
import { verifyHttpSignature } from '../proofs/verify-http-signature.js';
import { replayKey } from '../replay/check-replay.js';
import { type AuthzRequest, fieldValue } from '../request/authz-request.js';
import type { CheckDeps } from './check-deps.js';
import { claimReplay } from './claim-replay.js';

const PURPOSE_HEADER = 'agent-purpose';

/**
 * The signed-request profile: profile rules → key → signature → body digest → replay. Cheap
 * checks come first so a stale or incomplete signature never costs a key resolution.
 */
export async function verifySignedRequest(
  request: AuthzRequest,
  signature: SignatureCandidate,
  signedHeaders: readonly string[],
  deps: CheckDeps,
): Promise<AgentIdentity> {
  const nowMs = deps.clock();
  const profiled = checkSignatureProfile(request, signature, signedHeaders, deps.window, nowMs);
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
    purpose: signedPurpose(request, signature),
  };
}

/** SPEC §4: `x-agent-purpose` only carries an `agent-purpose` the signature covered. */
function signedPurpose(request: AuthzRequest, signature: SignatureCandidate): string | undefined {
  const covered = signature.components.some(
    (c) => c.name === PURPOSE_HEADER && c.params.size === 0,
  );
  return covered ? fieldValue(request.headers, PURPOSE_HEADER) : undefined;
}
