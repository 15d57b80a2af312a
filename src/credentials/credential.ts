import type { TokenCredential } from './parse-token-headers.js';
import type { SignatureCandidate } from './signature-candidate.js';

export type Profile = 'signed-request' | 'dpop' | 'mtls' | 'unsigned';

/** What the caller presented, before anything about it is believed. */
export type Credential =
  | { readonly profile: 'signed-request'; readonly signature: SignatureCandidate }
  | TokenCredential
  | { readonly profile: 'unsigned' };
