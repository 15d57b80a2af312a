import { createHash } from 'node:crypto';
import { WEB_BOT_AUTH_TAG } from '../credentials/extract-credential.js';
import type { SignatureCandidate } from '../credentials/signature-candidate.js';
import type { AgentIdentity } from '../decision/decision.js';
import type { VerificationKey } from '../keys/verification-key.js';
import { checkContentDigest } from '../proofs/check-content-digest.js';
import {
  checkSignatureProfile,
  type ProfiledSignature,
} from '../proofs/check-signature-profile.js';
import { checkWebBotAuthProfile } from '../proofs/check-web-bot-auth-profile.js';
import { verifyHttpSignature } from '../proofs/verify-http-signature.js';
import { replayKey } from '../replay/check-replay.js';
import { type AuthzRequest, fieldValue } from '../request/authz-request.js';
import type { CheckDeps } from './check-deps.js';
import { claimReplay } from './claim-replay.js';

const PURPOSE_HEADER = 'agent-purpose';

/**
 * The signed-request profile: profile rules → key → signature → body digest → replay. Cheap
 * checks come first so a stale or incomplete signature never costs a key resolution. A
 * `web-bot-auth` signature follows the Web Bot Auth rules and its key comes from the key
 * directory its Signature-Agent names; the agent is then that directory's origin.
 */
export async function verifySignedRequest(
  request: AuthzRequest,
  signature: SignatureCandidate,
  signedHeaders: readonly string[],
  deps: CheckDeps,
): Promise<AgentIdentity> {
  const nowMs = deps.clock();
  const profiled = checkProfile(request, signature, signedHeaders, deps, nowMs);
  const key =
    profiled.directory === undefined
      ? await deps.resolveKey(profiled.keyId)
      : await deps.resolveDirectoryKey(profiled.directory, profiled.keyId);
  verifyHttpSignature(request, signature, key);
  const digest = fieldValue(request.headers, 'content-digest');
  if (digest !== undefined && request.body !== null) checkContentDigest(digest, request.body);
  await claimReplay(
    replayKeyOf(profiled, key, signature),
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

function checkProfile(
  request: AuthzRequest,
  signature: SignatureCandidate,
  signedHeaders: readonly string[],
  deps: CheckDeps,
  nowMs: number,
): ProfiledSignature {
  return signature.params.tag === WEB_BOT_AUTH_TAG
    ? checkWebBotAuthProfile(request, signature, signedHeaders, deps.window, nowMs)
    : checkSignatureProfile(request, signature, signedHeaders, deps.window, nowMs);
}

/**
 * `(keyid, nonce)`, scoped by the agent. A Web Bot Auth signature without a nonce is its own
 * replay key: the identical signature seen again within its window is a replay, while every
 * fresh signature (a new `created`, other covered values) is a new request.
 */
function replayKeyOf(
  profiled: ProfiledSignature,
  key: VerificationKey,
  signature: SignatureCandidate,
): string {
  if (profiled.directory === undefined) return replayKey('sig', profiled.keyId, profiled.nonce!);
  const scopedKeyId = `${key.controller}#${key.keyId}`;
  if (profiled.nonce !== undefined) return replayKey('wba', scopedKeyId, profiled.nonce);
  const digest = createHash('sha256').update(signature.signature).digest('base64url');
  return replayKey('wba-signature', scopedKeyId, digest);
}
