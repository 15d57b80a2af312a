import { AuthzError } from '../errors.js';
import { type AuthzRequest, fieldValue } from '../request/authz-request.js';
import type { Credential, Profile } from './credential.js';
import { parseSignatureHeaders, type SignatureLimits } from './parse-signature-headers.js';
import { authorizationScheme, parseTokenHeaders } from './parse-token-headers.js';
import type { SignatureCandidate } from './signature-candidate.js';

/** Signature tags verified here; an untagged signature is verified too. */
export const AGENT_AUTHZ_TAG = 'agent-authz';
export const WEB_BOT_AUTH_TAG = 'web-bot-auth';

/**
 * Tags whose keys come from a key directory (the Web Bot Auth profile): Web Bot Auth itself and
 * the Visa Trusted Agent Protocol tags, which are the same signatures with their own tags.
 */
export const DIRECTORY_TAGS: ReadonlySet<string> = new Set([
  WEB_BOT_AUTH_TAG,
  'agent-browser-auth',
  'agent-payer-auth',
]);

const VERIFIED_TAGS_TEXT = `"${AGENT_AUTHZ_TAG}", "${WEB_BOT_AUTH_TAG}", "agent-browser-auth", "agent-payer-auth"`;

export interface CredentialOptions {
  /** Token issuers are configured: `Authorization: DPoP` / `Bearer` are agent credentials. */
  readonly tokens: boolean;
  readonly signatures: SignatureLimits;
}

/** The profile a request claims by the headers it carries, before any of them is parsed. */
export function presentedProfile(request: AuthzRequest, options: CredentialOptions): Profile {
  if (hasSignatureHeaders(request)) return 'signed-request';
  if (!options.tokens) return 'unsigned';
  const scheme = authorizationScheme(request.headers);
  return scheme === 'dpop' ? 'dpop' : scheme === 'bearer' ? 'mtls' : 'unsigned';
}

/**
 * Finds the one agent credential a request presents. A request that presents half a credential,
 * two credentials, or one we cannot read, is denied — it is never treated as unsigned.
 */
export function extractCredential(request: AuthzRequest, options: CredentialOptions): Credential {
  const token = options.tokens ? parseTokenHeaders(request.headers) : undefined;
  if (token !== undefined) {
    if (hasSignatureHeaders(request)) {
      throw new AuthzError(
        'credential_malformed',
        'a request carries one agent credential: a signature or a token, not both',
      );
    }
    return token;
  }
  const signatureInput = fieldValue(request.headers, 'signature-input');
  const signature = fieldValue(request.headers, 'signature');
  if (signatureInput === undefined && signature === undefined) return { profile: 'unsigned' };
  if (signatureInput === undefined || signature === undefined) {
    throw new AuthzError(
      'credential_malformed',
      'Signature-Input and Signature must be sent together',
    );
  }
  const candidates = parseSignatureHeaders(signatureInput, signature, options.signatures);
  return { profile: 'signed-request', signature: selectSignature(candidates) };
}

function hasSignatureHeaders(request: AuthzRequest): boolean {
  return request.headers.has('signature-input') || request.headers.has('signature');
}

/**
 * The one signature this server verifies: tagged `agent-authz`, `web-bot-auth`,
 * `agent-browser-auth` or `agent-payer-auth`, or untagged. Signatures with other tags belong to
 * other verifiers (RFC 9421 §2.3 `tag`) and are left alone. A request with two signatures this
 * server would verify is refused: verifying one and claiming its replay key would leave the
 * other free to be replayed alone later (a Web Bot Auth signature covers only `@authority`, so
 * on any method and path). Refusing keeps the check at one signature verification and makes
 * "no accepted signature is accepted twice" exact, across every tag verified here.
 */
function selectSignature(candidates: readonly SignatureCandidate[]): SignatureCandidate {
  const ours = candidates.filter((c) => isVerifiedHere(c.params.tag));
  if (ours.length > 1) {
    throw new AuthzError(
      'credential_malformed',
      `the request carries more than one signature this server verifies (tagged ${VERIFIED_TAGS_TEXT} or untagged); send one`,
    );
  }
  const [chosen] = ours;
  if (chosen === undefined) {
    throw new AuthzError(
      'credential_malformed',
      `no signature is tagged ${VERIFIED_TAGS_TEXT} or untagged`,
    );
  }
  return chosen;
}

function isVerifiedHere(tag: string | undefined): boolean {
  return tag === undefined || tag === AGENT_AUTHZ_TAG || DIRECTORY_TAGS.has(tag);
}
