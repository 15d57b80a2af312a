import { expect } from 'vitest';
import type { Decision } from '../../src/decision/decision.js';
import { REASON_CODES } from '../../src/errors.js';
import type { AuthzRequest } from '../../src/request/authz-request.js';

/**
 * Whether the request presents an agent credential, judged from the raw header names only:
 * signature headers, a DPoP proof, or `Authorization: DPoP|Bearer …` when token issuers are
 * configured. Deliberately broader than the engine's own reading, so a credential the engine
 * failed to see counts as presented.
 */
export function presentsCredential(request: AuthzRequest, tokens: boolean): boolean {
  const { headers } = request;
  if (headers.has('signature-input') || headers.has('signature')) return true;
  if (!tokens) return false;
  if (headers.has('dpop')) return true;
  return (headers.get('authorization') ?? []).some((line) =>
    /^(dpop|bearer)(\s|$)/i.test(withoutLeadingControls(line)),
  );
}

/** The line without leading whitespace or control characters (code points up to U+0020). */
function withoutLeadingControls(line: string): string {
  let start = 0;
  while (start < line.length && line.charCodeAt(start) <= 0x20) start++;
  return line.slice(start);
}

/**
 * The safety properties of one decision about a request carrying no genuine credential: the
 * engine answered (it was awaited), nothing failed inside it, a denial carries a known,
 * caller-facing reason code, and an allowed request is the unverified, credential-free kind.
 */
export function expectSafeDecision(
  decision: Decision,
  request: AuthzRequest,
  options: { tokens: boolean; errors: readonly string[] },
): void {
  expect(options.errors).toEqual([]);
  if (decision.allowed) {
    expect(decision.identity.verified).toBe(false);
    expect(decision.identity.profile).toBe('unsigned');
    expect(decision.identity.agentId).toBeUndefined();
    expect(presentsCredential(request, options.tokens)).toBe(false);
  } else {
    expect(REASON_CODES).toContain(decision.reason);
    expect(decision.reason).not.toBe('internal_error');
  }
}
