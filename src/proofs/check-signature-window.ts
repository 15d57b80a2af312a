import type { SignatureParams } from '../credentials/signature-candidate.js';
import { AuthzError } from '../errors.js';

export interface SignatureWindow {
  /** Maximum age of `created`. */
  readonly maxAgeMs: number;
  /** How far ahead of our clock `created` may be, and how late `expires` is still honoured. */
  readonly clockSkewMs: number;
}

/**
 * RFC 9421 §3.2.1: `created` within the window, `expires` (when present) not passed. Returns the
 * epoch ms after which the signature is refused anyway, so replay entries may go then.
 */
export function checkSignatureWindow(
  params: Pick<SignatureParams, 'created' | 'expires'>,
  window: SignatureWindow,
  nowMs: number,
): number {
  const { created, expires } = params;
  if (created === undefined) {
    throw new AuthzError('credential_malformed', 'the signature needs a created parameter');
  }
  const createdMs = created * 1000;
  if (createdMs - nowMs > window.clockSkewMs) {
    throw new AuthzError('not_yet_valid', 'the signature was created in the future');
  }
  if (nowMs - createdMs > window.maxAgeMs) {
    throw new AuthzError('expired', 'the signature is older than the accepted maximum age');
  }
  let untilMs = createdMs + window.maxAgeMs;
  if (expires !== undefined) {
    if (expires <= created) {
      throw new AuthzError('credential_malformed', 'expires must be later than created');
    }
    const expiresMs = expires * 1000 + window.clockSkewMs;
    if (nowMs > expiresMs) throw new AuthzError('expired', 'the signature has expired');
    untilMs = Math.min(untilMs, expiresMs);
  }
  return untilMs;
}
