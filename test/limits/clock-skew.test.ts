import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateAgentKey, signRequest } from '../../src/agent/index.js';
import { AuthzError } from '../../src/errors.js';
import { runCheck } from '../../src/pipeline/check.js';
import { createTokenVerifier } from '../../src/proofs/verify-access-token.js';
import type { AuthzRequest } from '../../src/request/authz-request.js';
import { testCheckDeps } from '../support/test-check-deps.js';

/*
 * The clock skew is one tolerance applied the same on both sides: a credential made by a clock
 * up to `clockSkew` ahead (created, iat, nbf in the future) and one judged by a clock up to
 * `clockSkew` behind (expires, exp in the past) are accepted; one second more either way is not.
 * The frozen clock is injected.
 */
const NOW_MS = Date.UTC(2027, 0, 15, 8, 0, 0);
const NOW = NOW_MS / 1000;
const SKEW_S = 30;

describe('signatures.clockSkew (30 s)', () => {
  const deps = testCheckDeps(NOW_MS, { window: { maxAgeMs: 300_000, clockSkewMs: SKEW_S * 1000 } });

  async function reason(created: number, expires?: number): Promise<string> {
    const headers = signRequest({
      method: 'GET',
      url: 'https://api.example.com/orders',
      created,
      ...(expires === undefined ? {} : { expiresIn: expires - created }),
      key: generateAgentKey(),
    });
    const request: AuthzRequest = {
      method: 'GET',
      receivedMethod: 'GET',
      scheme: 'https',
      authority: 'api.example.com',
      path: '/orders',
      query: null,
      headers: new Map(Object.entries(headers).map(([name, value]) => [name, [value]])),
      body: null,
      source: { principal: '', certificate: '', address: '' },
      contextExtensions: {},
      requestId: 'skew-test',
    };
    const decision = await runCheck(request, deps);
    return decision.allowed ? 'allowed' : decision.reason;
  }

  it('accepts created up to the skew in the future, and not one second more', async () => {
    expect(await reason(NOW + SKEW_S)).toBe('allowed');
    expect(await reason(NOW + SKEW_S + 1)).toBe('not_yet_valid');
  });

  it('accepts expires up to the skew in the past, and not one second more', async () => {
    expect(await reason(NOW - 60, NOW - SKEW_S)).toBe('allowed');
    expect(await reason(NOW - 60, NOW - SKEW_S - 1)).toBe('expired');
  });
});

describe('tokens.clockSkew (30 s)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const verify = createTokenVerifier(
    [
      {
        iss: 'https://issuer.example',
        audiences: ['https://api.example.com'],
        algorithms: ['EdDSA'],
        getKey: async () => publicKey,
      },
    ],
    { clockSkewMs: SKEW_S * 1000, clock: () => NOW_MS },
  );

  async function reason(claims: { exp: number; nbf?: number; iat?: number }): Promise<string> {
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
      .setIssuer('https://issuer.example')
      .setAudience('https://api.example.com')
      .setSubject('did:web:agent.example')
      .sign(privateKey);
    try {
      await verify(token);
      return 'allowed';
    } catch (error) {
      if (error instanceof AuthzError) return error.code;
      throw error;
    }
  }

  it('accepts nbf and iat up to the skew in the future, and not one second more', async () => {
    expect(await reason({ exp: NOW + 600, nbf: NOW + SKEW_S })).toBe('allowed');
    expect(await reason({ exp: NOW + 600, nbf: NOW + SKEW_S + 1 })).toBe('not_yet_valid');
    expect(await reason({ exp: NOW + 600, iat: NOW + SKEW_S })).toBe('allowed');
    expect(await reason({ exp: NOW + 600, iat: NOW + SKEW_S + 1 })).toBe('not_yet_valid');
  });

  it('accepts exp up to the skew in the past, and not one second more (RFC 7519: valid before exp)', async () => {
    expect(await reason({ exp: NOW - SKEW_S + 1 })).toBe('allowed');
    expect(await reason({ exp: NOW - SKEW_S })).toBe('expired');
  });
});
