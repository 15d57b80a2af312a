import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cacheVerifiedTokens, type TokenCacheOptions } from './cache-verified-tokens.js';
import { tokenSha256 } from './token-sha256.js';
import type { TokenVerifier, VerifiedToken } from './verified-token.js';

const NOW_MS = Date.UTC(2027, 0, 15, 8, 0, 0);
const ISSUER_KEY = generateKeyPairSync('ed25519').publicKey;

function counting() {
  const verified: string[] = [];
  const verify: TokenVerifier = async (token) => {
    verified.push(token);
    return {
      issuer: 'https://issuer.example',
      subject: `agent-for-${token}`,
      subjectStateId: `agent-for-${token}`,
      expiresAtMs: NOW_MS + 60_000,
      verifiedWith: { key: ISSUER_KEY, kid: 'k1' },
      confirmation: {},
    } satisfies VerifiedToken;
  };
  return { verify, verified };
}

const options = (keyStillHeld: TokenCacheOptions['keyStillHeld'] = () => true) => ({
  max: 10,
  clock: () => NOW_MS,
  clockSkewMs: 0,
  keyStillHeld,
});

describe('the verified-token cache', () => {
  it('finds a token by the hash its caller computed as by the hash it computes itself', async () => {
    const { verify, verified } = counting();
    const cached = cacheVerifiedTokens(verify, options());
    const first = await cached('token-a');
    expect(await cached('token-a', tokenSha256('token-a'))).toBe(first);
    expect(await cached('token-a')).toBe(first);
    expect(verified).toEqual(['token-a']);
  });

  it('verifies another token afresh, with or without its hash', async () => {
    const { verify, verified } = counting();
    const cached = cacheVerifiedTokens(verify, options());
    await cached('token-a', tokenSha256('token-a'));
    expect((await cached('token-b', tokenSha256('token-b'))).subject).toBe('agent-for-token-b');
    expect((await cached('token-c')).subject).toBe('agent-for-token-c');
    expect(verified).toEqual(['token-a', 'token-b', 'token-c']);
  });

  it('verifies a cached token afresh once its issuer no longer holds the key that verified it', async () => {
    const { verify, verified } = counting();
    const held = { now: true };
    const asked: VerifiedToken['verifiedWith'][] = [];
    const cached = cacheVerifiedTokens(
      verify,
      options(async (token) => {
        asked.push(token.verifiedWith);
        return held.now;
      }),
    );
    await cached('token-a');
    await cached('token-a');
    held.now = false;
    await cached('token-a');
    expect(verified).toEqual(['token-a', 'token-a']);
    expect(asked).toEqual([
      { key: ISSUER_KEY, kid: 'k1' },
      { key: ISSUER_KEY, kid: 'k1' },
    ]);
  });

  it('hashes a token as SHA-256 of its text, base64url, whichever way Node offers', () => {
    expect(tokenSha256('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});
