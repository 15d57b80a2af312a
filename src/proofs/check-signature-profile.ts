import type { ComponentId, SignatureCandidate } from '../credentials/signature-candidate.js';
import { AuthzError } from '../errors.js';
import { type AuthzRequest, declaresBody } from '../request/authz-request.js';

export interface SignatureWindow {
  /** Maximum age of `created`. */
  readonly maxAgeMs: number;
  /** How far ahead of our clock `created` may be, and how late `expires` is still honoured. */
  readonly clockSkewMs: number;
}

/** A signature that meets the profile, with the facts later stages need. */
export interface ProfiledSignature {
  readonly keyId: string;
  readonly nonce: string;
  /** Epoch ms after which this signature is refused anyway: replay entries may go then. */
  readonly acceptableUntilMs: number;
}

const MAX_KEYID_LENGTH = 2048;
const MAX_NONCE_LENGTH = 256;

/**
 * The agent-authz signed-request profile (SPEC §2.1) on top of RFC 9421: required parameters,
 * required covered components for this request, and the validity window.
 */
export function checkSignatureProfile(
  request: AuthzRequest,
  candidate: SignatureCandidate,
  signedHeaders: readonly string[],
  window: SignatureWindow,
  nowMs: number,
): ProfiledSignature {
  const { keyid, created, nonce } = candidate.params;
  if (keyid === undefined || keyid === '' || keyid.length > MAX_KEYID_LENGTH) {
    throw new AuthzError('credential_malformed', 'the signature needs a keyid (a DID URL)');
  }
  if (created === undefined) {
    throw new AuthzError('credential_malformed', 'the signature needs a created parameter');
  }
  if (nonce === undefined || nonce === '') {
    throw new AuthzError('nonce_required', 'the signature needs a nonce parameter');
  }
  if (nonce.length > MAX_NONCE_LENGTH) {
    throw new AuthzError(
      'credential_malformed',
      `the nonce is longer than ${MAX_NONCE_LENGTH} characters`,
    );
  }
  requireComponents(candidate.components, requiredComponents(request, signedHeaders));
  return { keyId: keyid, nonce, acceptableUntilMs: checkWindow(candidate, window, nowMs) };
}

/** What this request's signature must cover (SPEC §2.1). */
function requiredComponents(request: AuthzRequest, signedHeaders: readonly string[]): string[] {
  const required = ['@method', '@authority', '@path'];
  if (request.query !== null) required.push('@query');
  if (declaresBody(request)) required.push('content-digest');
  for (const header of signedHeaders) required.push(header.toLowerCase());
  return required;
}

/** `@target-uri` carries authority, path and query; `@request-target` path and query. */
const ALSO_COVERED_BY: Readonly<Record<string, readonly string[]>> = {
  '@authority': ['@target-uri'],
  '@path': ['@target-uri', '@request-target'],
  '@query': ['@target-uri', '@request-target'],
};

function requireComponents(components: readonly ComponentId[], required: readonly string[]): void {
  // A `key` parameter covers one dictionary member, not the whole field.
  const covered = new Set(components.filter((c) => !c.params.has('key')).map((c) => c.name));
  const missing = required.filter(
    (name) => !covered.has(name) && !(ALSO_COVERED_BY[name] ?? []).some((alt) => covered.has(alt)),
  );
  if (missing.length > 0) {
    throw new AuthzError('components_missing', `the signature must cover ${missing.join(', ')}`);
  }
}

function checkWindow(
  candidate: SignatureCandidate,
  window: SignatureWindow,
  nowMs: number,
): number {
  const createdMs = candidate.params.created! * 1000;
  const { expires } = candidate.params;
  if (createdMs - nowMs > window.clockSkewMs) {
    throw new AuthzError('not_yet_valid', 'the signature was created in the future');
  }
  if (nowMs - createdMs > window.maxAgeMs) {
    throw new AuthzError('expired', 'the signature is older than the accepted maximum age');
  }
  let untilMs = createdMs + window.maxAgeMs;
  if (expires !== undefined) {
    if (expires <= candidate.params.created!) {
      throw new AuthzError('credential_malformed', 'expires must be later than created');
    }
    const expiresMs = expires * 1000 + window.clockSkewMs;
    if (nowMs > expiresMs) throw new AuthzError('expired', 'the signature has expired');
    untilMs = Math.min(untilMs, expiresMs);
  }
  return untilMs;
}
