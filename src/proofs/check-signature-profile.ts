import type { SignatureCandidate } from '../credentials/signature-candidate.js';
import { AuthzError } from '../errors.js';
import type { KeyLocation } from '../keys/resolve-directory-key.js';
import { type AuthzRequest, declaresBody } from '../request/authz-request.js';
import { checkSignatureWindow, type SignatureWindow } from './check-signature-window.js';
import { requireComponents } from './require-components.js';

export type { SignatureWindow };

/** A signature that meets its profile, with the facts later stages need. */
export interface ProfiledSignature {
  readonly keyId: string;
  /** Absent only for Web Bot Auth, whose replay key is then the signature base. */
  readonly nonce: string | undefined;
  /** Epoch ms after which this signature is refused anyway: replay entries may go then. */
  readonly acceptableUntilMs: number;
  /** Web Bot Auth: where `keyId` is looked up, and who the request is then attributed to. */
  readonly location?: KeyLocation;
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
  checkNonceLength(nonce);
  requireComponents(candidate.components, requiredComponents(request, signedHeaders));
  return {
    keyId: keyid,
    nonce,
    acceptableUntilMs: checkSignatureWindow(candidate.params, window, nowMs),
  };
}

export function checkNonceLength(nonce: string): void {
  if (nonce.length > MAX_NONCE_LENGTH) {
    throw new AuthzError(
      'credential_malformed',
      `the nonce is longer than ${MAX_NONCE_LENGTH} characters`,
    );
  }
}

/** What this request's signature must cover (SPEC §2.1). */
function requiredComponents(request: AuthzRequest, signedHeaders: readonly string[]): string[] {
  const required = ['@method', '@authority', '@path'];
  if (request.query !== null) required.push('@query');
  if (declaresBody(request)) required.push('content-digest');
  for (const header of signedHeaders) required.push(header.toLowerCase());
  return required;
}
