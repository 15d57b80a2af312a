import { describe, expect, it } from 'vitest';
import { generateAgentKey } from '../agent/index.js';
import { jwsAlgorithm, publicJwkOf, signCompactJws } from '../agent/sign-compact-jws.js';
import { isAuthzError } from '../errors.js';
import { cacheProofKeys, type ProofKeyGetter } from './cache-proof-keys.js';
import { tokenSha256 } from './token-sha256.js';
import { checkDpopProofHeader, type ProofTarget, verifyDpopProof } from './verify-dpop-proof.js';

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

describe('an RSA proof key', () => {
  const odd = (bits: number) =>
    Buffer.from(
      ((1n << BigInt(bits - 1)) | 1n).toString(16).padStart(Math.ceil(bits / 8) * 2, '0'),
      'hex',
    ).toString('base64url');
  /** A proof under an RSA jwk; its signature is never looked at by the header checks. */
  const rsaProof = (n: string, e: string) =>
    [
      Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'PS256', jwk: { kty: 'RSA', n, e } })),
      Buffer.from('{}'),
      Buffer.alloc(256, 1),
    ]
      .map((part) => part.toString('base64url'))
      .join('.');

  it.each([
    ['a 4097-bit modulus', odd(4097), 'AQAB'],
    ['a 3064-bit exponent', odd(3072), odd(3064)],
    ['an even exponent', odd(2048), Buffer.from([1, 0, 0]).toString('base64url')],
  ])('with %s is refused token_invalid by the header checks, never imported', (_name, n, e) => {
    let imports = 0;
    const importKey: ProofKeyGetter = async () => {
      imports += 1;
      throw new Error('not imported in this test');
    };
    const proofKeys = cacheProofKeys({ maxEntries: 10, maxBytes: 1_048_576, importKey });
    expect(() => checkDpopProofHeader(rsaProof(n, e), proofKeys)).toThrow(
      expect.objectContaining({ code: 'token_invalid' }),
    );
    expect(imports).toBe(0);
  });

  it('of 2048–4096 bits with e = 65537 passes the header checks with its thumbprint', () => {
    const proofKeys = cacheProofKeys({ maxEntries: 10, maxBytes: 1_048_576 });
    for (const bits of [2048, 4096]) {
      expect(checkDpopProofHeader(rsaProof(odd(bits), 'AQAB'), proofKeys).thumbprint).toMatch(
        /^[A-Za-z0-9_-]{43}$/,
      );
    }
  });
});
