import { createHash } from 'node:crypto';
import { DIRECTORY_TAGS } from '../credentials/extract-credential.js';
import type { SignatureCandidate } from '../credentials/signature-candidate.js';
import type { AgentIdentity } from '../decision/decision.js';
import { AuthzError } from '../errors.js';
import { fetchRequester } from '../keys/fetch/fetch-requester.js';
import { knownTestKeyOf } from '../keys/known-test-keys.js';
import type { DirectoryVerificationKey } from '../keys/resolve-directory-key.js';
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
import type { VerifiedCredential } from './verified-credential.js';

const PURPOSE_HEADER = 'agent-purpose';

/**
 * The signed-request profile: profile rules → key → signature → body digest → replay. Cheap
 * checks come first so a stale or incomplete signature never costs a key resolution. A
 * `web-bot-auth` signature (or one with a Visa TAP tag) follows the Web Bot Auth rules and its
 * key comes from the key directory its Signature-Agent names (or the one configured for its
 * tag); the agent is then that directory's identifier and the profile `web-bot-auth`. A
 * published test key is refused unless `signatures.allowTestKeys` is on.
 */
export async function verifySignedRequest(
  request: AuthzRequest,
  signature: SignatureCandidate,
  signedHeaders: readonly string[],
  deps: CheckDeps,
): Promise<VerifiedCredential> {
  const nowMs = deps.clock();
  const profiled = checkProfile(request, signature, signedHeaders, deps, nowMs);
  const { location } = profiled;
  // A key document fetched for this request counts against its client's share of the slots.
  const client = fetchRequester(request.source);
  const key: VerificationKey | DirectoryVerificationKey =
    location === undefined
      ? await deps.resolveKey(profiled.keyId, client)
      : await deps.resolveDirectoryKey(location, profiled.keyId, client);
  if (!deps.allowTestKeys) refuseTestKey(key);
  const base = verifyHttpSignature(request, signature, key);
  const digest = fieldValue(request.headers, 'content-digest');
  if (digest !== undefined && request.body !== null) {
    checkContentDigest(digest, request.body, deps.limits?.maxDigestBodyBytes);
  }
  const identity: AgentIdentity = {
    verified: true,
    profile: location === undefined ? 'signed-request' : 'web-bot-auth',
    agentId: key.controller,
    stateId: key.stateId ?? key.controller,
    keyId: key.keyId,
    workload: request.source.principal || undefined,
    purpose: signedPurpose(request, signature),
    ...(signature.params.tag === undefined ? {} : { tag: signature.params.tag }),
    ...(location === undefined
      ? {}
      : {
          generation: location.generation,
          directorySigned: (key as DirectoryVerificationKey).directorySigned,
        }),
  };
  const replay = {
    key: replayKeyOf(profiled, key, base),
    ttlMs: profiled.acceptableUntilMs - nowMs,
  };
  return { identity, replay };
}

/** SPEC §4: `x-agent-purpose` only carries an `agent-purpose` the signature covered. */
function signedPurpose(request: AuthzRequest, signature: SignatureCandidate): string | undefined {
  const covered = signature.components.some(
    (c) => c.name === PURPOSE_HEADER && c.params.size === 0,
  );
  return covered ? fieldValue(request.headers, PURPOSE_HEADER) : undefined;
}

/**
 * draft-ietf-webbotauth-httpsig-protocol, "Test and Demonstration Keys": "Verifiers SHOULD
 * reject known test keys". Their private halves are public, so they prove nothing.
 */
function refuseTestKey(key: VerificationKey): void {
  const known = knownTestKeyOf(key.key);
  if (known !== undefined) {
    throw new AuthzError(
      'key_unresolvable',
      `the key is a published test key (${known.source}); it is refused unless signatures.allowTestKeys is on`,
    );
  }
}

function checkProfile(
  request: AuthzRequest,
  signature: SignatureCandidate,
  signedHeaders: readonly string[],
  deps: CheckDeps,
  nowMs: number,
): ProfiledSignature {
  const { tag } = signature.params;
  return tag !== undefined && DIRECTORY_TAGS.has(tag)
    ? checkWebBotAuthProfile(request, signature, signedHeaders, deps.window, nowMs, deps.webBotAuth)
    : checkSignatureProfile(request, signature, signedHeaders, deps.window, nowMs);
}

/**
 * `(keyid, nonce)`, scoped by the agent. A Web Bot Auth signature without a nonce is replayed
 * when its signature base is: the base, not the signature bytes, because an ECDSA signature can
 * be re-encoded (s → n−s) into other bytes that still verify over the same base.
 */
function replayKeyOf(profiled: ProfiledSignature, key: VerificationKey, base: Buffer): string {
  if (profiled.location === undefined) return replayKey('sig', profiled.keyId, profiled.nonce!);
  const scopedKeyId = `${key.controller}#${key.keyId}`;
  if (profiled.nonce !== undefined) return replayKey('wba', scopedKeyId, profiled.nonce);
  const digest = createHash('sha256').update(base).digest('base64url');
  return replayKey('wba-base', scopedKeyId, digest);
}
