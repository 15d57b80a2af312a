import type { TokenCredential } from './parse-token-headers.js';
import type { SignatureCandidate } from './signature-candidate.js';

/** `web-bot-auth`: a signature whose key came from a key directory (tags web-bot-auth, TAP). */
export type Profile = 'signed-request' | 'web-bot-auth' | 'dpop' | 'mtls' | 'unsigned';

/** What the caller presented, before anything about it is believed. */
export type Credential =
  | { readonly profile: 'signed-request'; readonly signature: SignatureCandidate }
  | TokenCredential
  | { readonly profile: 'unsigned' };
