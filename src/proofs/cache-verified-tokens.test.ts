import { describe, expect, it } from 'vitest';
import { cacheVerifiedTokens } from './cache-verified-tokens.js';
import { tokenSha256 } from './token-sha256.js';
import type { TokenVerifier, VerifiedToken } from './verified-token.js';

const NOW_MS = Date.UTC(2027, 0, 15, 8, 0, 0);

function counting() {
  const verified: string[] = [];
  const verify: TokenVerifier = async (token) => {
    verified.push(token);
    return {
      issuer: 'https://issuer.example',
      subject: `agent-for-${token}`,
      subjectStateId: `agent-for-${token}`,
      expiresAtMs: NOW_MS + 60_000,
      confirmation: {},
    } satisfies VerifiedToken;
  };
  return { verify, verified };
}

describe('the verified-token cache', () => {
  it('finds a token by the hash its caller computed as by the hash it computes itself', async () => {
    const { verify, verified } = counting();
    const cached = cacheVerifiedTokens(verify, { max: 10, clock: () => NOW_MS, clockSkewMs: 0 });
    const first = await cached('token-a');
    expect(await cached('token-a', tokenSha256('token-a'))).toBe(first);
    expect(await cached('token-a')).toBe(first);
    expect(verified).toEqual(['token-a']);
  });

  it('verifies another token afresh, with or without its hash', async () => {
    const { verify, verified } = counting();
    const cached = cacheVerifiedTokens(verify, { max: 10, clock: () => NOW_MS, clockSkewMs: 0 });
    await cached('token-a', tokenSha256('token-a'));
    expect((await cached('token-b', tokenSha256('token-b'))).subject).toBe('agent-for-token-b');
    expect((await cached('token-c')).subject).toBe('agent-for-token-c');
    expect(verified).toEqual(['token-a', 'token-b', 'token-c']);
  });

  it('hashes a token as SHA-256 of its text, base64url, whichever way Node offers', () => {
    expect(tokenSha256('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});
