import { AuthzError } from '../errors.js';
import { type AuthzRequest, fieldValue } from '../request/authz-request.js';
import type { Credential, Profile } from './credential.js';
import { parseSignatureHeaders, type SignatureLimits } from './parse-signature-headers.js';
import { authorizationScheme, parseTokenHeaders } from './parse-token-headers.js';
import type { SignatureCandidate } from './signature-candidate.js';

/** Signature tags verified here, in order of preference; an untagged signature comes last. */
export const AGENT_AUTHZ_TAG = 'agent-authz';
export const WEB_BOT_AUTH_TAG = 'web-bot-auth';

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
 * The first signature tagged `agent-authz`, else the first tagged `web-bot-auth`, else the first
 * untagged one: an explicit tag wins over none. Signatures with other tags belong to other
 * verifiers (RFC 9421 §2.3 `tag`) and are left alone.
 */
function selectSignature(candidates: readonly SignatureCandidate[]): SignatureCandidate {
  const chosen =
    candidates.find((c) => c.params.tag === AGENT_AUTHZ_TAG) ??
    candidates.find((c) => c.params.tag === WEB_BOT_AUTH_TAG) ??
    candidates.find((c) => c.params.tag === undefined);
  if (chosen === undefined) {
    throw new AuthzError(
      'credential_malformed',
      `no signature is tagged "${AGENT_AUTHZ_TAG}", "${WEB_BOT_AUTH_TAG}" or untagged`,
    );
  }
  return chosen;
}
