import {
  readSignatureAgent,
  type WebBotAuthGeneration,
} from '../credentials/read-signature-agent.js';
import type { SignatureCandidate } from '../credentials/signature-candidate.js';
import { AuthzError } from '../errors.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { checkNonceLength, type ProfiledSignature } from './check-signature-profile.js';
import { checkSignatureWindow, type SignatureWindow } from './check-signature-window.js';
import { requireComponents } from './require-components.js';

/** The generations whose key directory sits at an origin's well-known path. */
const ORIGIN_DIRECTORIES: ReadonlySet<WebBotAuthGeneration> = new Set(['g1', 'g2-directory']);

/** A base64url SHA-256 digest: what an RFC 7638 thumbprint keyid looks like. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/**
 * The Web Bot Auth profile (`tag="web-bot-auth"`, draft-meunier-webbotauth-httpsig-protocol
 * §4.1): `keyid` is the signer's JWK thumbprint, `created` and `expires` are required, and the
 * draft's minimum coverage is accepted — `@authority` (or `@target-uri`), the Signature-Agent
 * member that names the key directory when the header is present, and any header the policy
 * marks as signed. The nonce is optional here (the draft says SHOULD); without one the replay
 * key is the signature base (see verifySignedRequest).
 */
export function checkWebBotAuthProfile(
  request: AuthzRequest,
  candidate: SignatureCandidate,
  signedHeaders: readonly string[],
  window: SignatureWindow,
  nowMs: number,
): ProfiledSignature {
  const { keyid, expires, nonce } = candidate.params;
  if (keyid === undefined || !THUMBPRINT.test(keyid)) {
    throw new AuthzError('credential_malformed', 'a web-bot-auth keyid must be a JWK thumbprint');
  }
  if (expires === undefined) {
    throw new AuthzError('credential_malformed', 'a web-bot-auth signature needs expires');
  }
  if (nonce !== undefined) checkNonceLength(nonce);
  const acceptableUntilMs = checkSignatureWindow(candidate.params, window, nowMs);
  requireComponents(candidate.components, [
    '@authority',
    ...signedHeaders.map((header) => header.toLowerCase()),
  ]);
  const directory = readSignatureAgent(request, candidate, ORIGIN_DIRECTORIES).agentId;
  return { keyId: keyid, nonce: nonce || undefined, acceptableUntilMs, directory };
}
