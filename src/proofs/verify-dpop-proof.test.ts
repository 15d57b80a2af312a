import { describe, expect, it } from 'vitest';
import { generateAgentKey } from '../agent/index.js';
import { jwsAlgorithm, publicJwkOf, signCompactJws } from '../agent/sign-compact-jws.js';
import { isAuthzError } from '../errors.js';
import { cacheProofKeys } from './cache-proof-keys.js';
import { tokenSha256 } from './token-sha256.js';
import { type ProofTarget, verifyDpopProof } from './verify-dpop-proof.js';

const NOW_S = 1_800_000_000;
const URI = 'https://api.example.com/invoices';
const TOKEN = 'token-for-the-test';
const WINDOW = { maxAgeMs: 300_000, clockSkewMs: 30_000 };
const AGENT = generateAgentKey();

function proofFor(htu: string): string {
  const header = {
    typ: 'dpop+jwt',
    alg: jwsAlgorithm(AGENT.privateJwk),
    jwk: publicJwkOf(AGENT.privateJwk),
  };
  const payload = {
    jti: `jti-${Math.random()}`,
    htm: 'GET',
    htu,
    iat: NOW_S,
    ath: tokenSha256(TOKEN),
  };
  return signCompactJws(header, payload, AGENT.privateJwk);
}

async function reasonOf(proof: string, target: Partial<ProofTarget> = {}): Promise<string> {
  const proofKeys = cacheProofKeys({ maxEntries: 10, maxBytes: 1_048_576 });
  const full = { method: 'GET', uri: URI, accessToken: TOKEN, ...target };
  try {
    await verifyDpopProof(proof, full, WINDOW, NOW_S * 1000, proofKeys);
    return 'accepted';
  } catch (error) {
    return isAuthzError(error) ? error.code : 'crashed';
  }
}

describe('the DPoP proof checks of htu and ath', () => {
  it('accepts an htu written as the request URI or written otherwise for the same URI', async () => {
    expect(await reasonOf(proofFor(URI))).toBe('accepted');
    expect(await reasonOf(proofFor('HTTPS://API.example.com:443/invoices?page=2'))).toBe(
      'accepted',
    );
  });

  it('refuses an htu for another URI, and a request URI that is not http(s) even when equal', async () => {
    expect(await reasonOf(proofFor('https://api.example.com/other'))).toBe('binding_mismatch');
    expect(
      await reasonOf(proofFor('ftp://api.example.com/invoices'), {
        uri: 'ftp://api.example.com/invoices',
      }),
    ).toBe('binding_mismatch');
    expect(await reasonOf(proofFor('not a uri'), { uri: 'not a uri' })).toBe('binding_mismatch');
  });

  it('compares ath with the token hash the caller computed, or computes it', async () => {
    const proof = proofFor(URI);
    expect(await reasonOf(proof, { accessTokenSha256: tokenSha256(TOKEN) })).toBe('accepted');
    expect(await reasonOf(proof, { accessToken: 'another-token' })).toBe('binding_mismatch');
    const another = tokenSha256('another-token');
    expect(
      await reasonOf(proof, { accessToken: 'another-token', accessTokenSha256: another }),
    ).toBe('binding_mismatch');
  });
});
