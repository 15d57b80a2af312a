import {
  readSignatureAgent,
  type WebBotAuthGeneration,
} from '../credentials/read-signature-agent.js';
import type { SignatureCandidate } from '../credentials/signature-candidate.js';
import { AuthzError } from '../errors.js';
import type { KeyLocation } from '../keys/resolve-directory-key.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { checkNonceLength, type ProfiledSignature } from './check-signature-profile.js';
import { checkSignatureWindow, type SignatureWindow } from './check-signature-window.js';
import { requireComponents } from './require-components.js';

/** A base64url SHA-256 digest: what an RFC 7638 thumbprint keyid looks like. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/** Visa Trusted Agent Protocol tags: a nonce is required, `@authority` and `@path` covered. */
export const TAP_TAGS: ReadonlySet<string> = new Set(['agent-browser-auth', 'agent-payer-auth']);

/** `webBotAuth` of the config, compiled. */
export interface WebBotAuthSettings {
  readonly generations: ReadonlySet<WebBotAuthGeneration>;
  /** Longest accepted `expires − created`, in ms. */
  readonly maxValidityMs: number;
  /** Directories for signatures of a tag that cover no Signature-Agent member, by tag. */
  readonly tagDirectories: ReadonlyMap<string, KeyLocation>;
}

/**
 * The Web Bot Auth profile (`tag="web-bot-auth"`, draft-ietf-webbotauth-httpsig-protocol §4.1,
 * and the Visa TAP tags on the same signatures): `keyid` is the signer's JWK thumbprint,
 * `created` and `expires` are required and at most `maxValidity` apart (the draft: "It is
 * RECOMMENDED that `expires` be no more than 24 hours after `created`"), and the draft's minimum
 * coverage is accepted — `@authority` (or `@target-uri`), the Signature-Agent member that names
 * the key directory, and any header the policy marks as signed. The nonce is optional for
 * `web-bot-auth` (the draft defines no nonce requirement; without one the replay key is the
 * signature base, see verifySignedRequest) and required for the TAP tags, which also cover
 * `@path`. The key is looked up where the covered Signature-Agent member says, or, for a
 * signature that covers none, in the directory configured for its tag.
 */
export function checkWebBotAuthProfile(
  request: AuthzRequest,
  candidate: SignatureCandidate,
  signedHeaders: readonly string[],
  window: SignatureWindow,
  nowMs: number,
  settings: WebBotAuthSettings,
): ProfiledSignature {
  const { keyid, created, expires, nonce, tag } = candidate.params;
  if (keyid === undefined || !THUMBPRINT.test(keyid)) {
    throw new AuthzError(
      'credential_malformed',
      `the keyid of a signature tagged ${tag} must be a JWK thumbprint`,
    );
  }
  if (expires === undefined) {
    throw new AuthzError(
      'credential_malformed',
      tag === 'web-bot-auth'
        ? 'a web-bot-auth signature needs expires'
        : `a signature tagged ${tag} needs expires`,
    );
  }
  if (created !== undefined && (expires - created) * 1000 > settings.maxValidityMs) {
    throw new AuthzError(
      'credential_malformed',
      'expires is further after created than webBotAuth.maxValidity allows',
    );
  }
  const tap = tag !== undefined && TAP_TAGS.has(tag);
  if (tap && (nonce === undefined || nonce === '')) {
    throw new AuthzError('nonce_required', `a signature tagged ${tag} needs a nonce parameter`);
  }
  if (nonce !== undefined) checkNonceLength(nonce);
  const acceptableUntilMs = checkSignatureWindow(candidate.params, window, nowMs);
  requireComponents(candidate.components, [
    '@authority',
    ...(tap ? ['@path'] : []),
    ...signedHeaders.map((header) => header.toLowerCase()),
  ]);
  const location = keyLocation(request, candidate, settings);
  return { keyId: keyid, nonce: nonce || undefined, acceptableUntilMs, location };
}

function keyLocation(
  request: AuthzRequest,
  candidate: SignatureCandidate,
  settings: WebBotAuthSettings,
): KeyLocation {
  const coversAgent = candidate.components.some((c) => c.name === 'signature-agent');
  const configured = settings.tagDirectories.get(candidate.params.tag ?? '');
  if (!coversAgent && configured !== undefined) return configured;
  return readSignatureAgent(request, candidate, settings.generations);
}
