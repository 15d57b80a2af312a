import { describe, expect, it } from 'vitest';
import { AuthzError } from '../errors.js';
import { parseTokenHeaders } from './parse-token-headers.js';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';
const PROOF = 'eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJqdGkiOiIxIn0.c2ln';

const headers = (fields: Record<string, string[]>) => new Map(Object.entries(fields));

function codeOf(fields: Record<string, string[]>): string | undefined {
  try {
    parseTokenHeaders(headers(fields));
    return undefined;
  } catch (error) {
    return error instanceof AuthzError ? error.code : 'not an AuthzError';
  }
}

describe('parseTokenHeaders', () => {
  it('reads Authorization: DPoP with one DPoP proof, whatever the scheme case', () => {
    for (const scheme of ['DPoP', 'dpop', 'DPOP']) {
      expect(
        parseTokenHeaders(headers({ authorization: [`${scheme} ${JWT}`], dpop: [PROOF] })),
      ).toEqual({
        profile: 'dpop',
        token: JWT,
        proof: PROOF,
      });
    }
  });

  it('reads Authorization: Bearer as the certificate-bound profile', () => {
    expect(parseTokenHeaders(headers({ authorization: [`Bearer  ${JWT} `] }))).toEqual({
      profile: 'mtls',
      token: JWT,
    });
  });

  it('leaves requests without a token, or with another scheme, alone', () => {
    expect(parseTokenHeaders(headers({}))).toBeUndefined();
    expect(parseTokenHeaders(headers({ authorization: ['Basic YTpi'] }))).toBeUndefined();
  });

  it.each([
    ['a DPoP proof without Authorization', { dpop: [PROOF] }],
    ['a DPoP proof with another scheme', { authorization: ['Basic YTpi'], dpop: [PROOF] }],
    ['a DPoP proof with Bearer', { authorization: [`Bearer ${JWT}`], dpop: [PROOF] }],
    ['DPoP without a proof', { authorization: [`DPoP ${JWT}`] }],
    ['DPoP with two proofs', { authorization: [`DPoP ${JWT}`], dpop: [PROOF, PROOF] }],
    ['two Authorization headers', { authorization: [`Bearer ${JWT}`, `Bearer ${JWT}`] }],
    ['Bearer with nothing after it', { authorization: ['Bearer'] }],
    ['an opaque token', { authorization: ['Bearer mF_9.B5f-4.1JqM'.replace(/\./g, '')] }],
    ['a token with a space in it', { authorization: [`Bearer ${JWT} ${JWT}`] }],
    ['an unsecured JWT (empty signature)', { authorization: ['Bearer eyJhbGciOiJub25lIn0.e30.'] }],
    ['a proof that is not a JWT', { authorization: [`DPoP ${JWT}`], dpop: ['proof'] }],
    ['Bearer and its token separated by a tab', { authorization: [`Bearer\t${JWT}`] }],
    ['Bearer and its token separated by U+00A0', { authorization: [`Bearer\u00a0${JWT}`] }],
    ['Bearer and its token separated by a comma', { authorization: [`Bearer,${JWT}`] }],
  ])('is credential_malformed for %s', (_name, fields) => {
    expect(codeOf(fields as Record<string, string[]>)).toBe('credential_malformed');
  });

  it('is headers_too_large for a token over 16 KiB (limits.maxTokenBytes)', () => {
    expect(codeOf({ authorization: [`Bearer ${JWT}${'A'.repeat(16_384)}`] })).toBe(
      'headers_too_large',
    );
  });
});
