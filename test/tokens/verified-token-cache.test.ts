import { describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { webBotAuthSettings } from '../../src/app/web-bot-auth-settings.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createDidIssuerKeyResolver } from '../../src/keys/resolve-did-issuer-key.js';
import { networkDisabled } from '../../src/keys/resolve-directory-key.js';
import { createKeyResolver, type KeyResolver } from '../../src/keys/resolve-verification-key.js';
import { runCheck } from '../../src/pipeline/check.js';
import type { CheckDeps } from '../../src/pipeline/check-deps.js';
import { DEFAULT_POLICY } from '../../src/policy/load-policy.js';
import { cacheProofKeys } from '../../src/proofs/cache-proof-keys.js';
import { cacheVerifiedTokens } from '../../src/proofs/cache-verified-tokens.js';
import { createKeyStillHeld, createTokenVerifier } from '../../src/proofs/verify-access-token.js';
import type { AuthzRequest } from '../../src/request/authz-request.js';
import { createMemoryStore } from '../../src/store/memory/create-memory-store.js';
import { createTestCa } from '../support/test-pki.js';
import { AUDIENCE, issuedToken } from '../support/token-check.js';

const NOW_MS = Date.UTC(2027, 0, 15, 8, 0, 0);
const ISSUER = generateAgentKey();

/** The engine's token stage as createEngine wires it, with a key resolver that counts calls. */
function engine() {
  const clock = { now: NOW_MS };
  const keyLookups: string[] = [];
  const real = createKeyResolver({ cacheSize: 10, relationships: ['assertionMethod'] });
  const counting: KeyResolver = (keyId) => {
    keyLookups.push(keyId);
    return real(keyId);
  };
  const issuers = [
    {
      iss: ISSUER.didKey,
      audiences: [AUDIENCE],
      algorithms: ['EdDSA', 'ES256'],
      getKey: createDidIssuerKeyResolver(ISSUER.didKey, counting),
    },
  ];
  const verify = createTokenVerifier(issuers, { clockSkewMs: 30_000, clock: () => clock.now });
  const deps: CheckDeps = {
    resolveKey: createKeyResolver({ cacheSize: 10 }),
    resolveDirectoryKey: networkDisabled,
    store: createMemoryStore({ maxEntries: 100, maxAgents: 100 }),
    policy: () => DEFAULT_POLICY,
    window: { maxAgeMs: 300_000, clockSkewMs: 30_000 },
    signatureLimits: { maxSignatures: 8, maxComponents: 32 },
    allowTestKeys: false,
    webBotAuth: webBotAuthSettings(loadConfig({ env: {}, flags: [] }).webBotAuth),
    tokens: {
      verify: cacheVerifiedTokens(verify, {
        max: 100,
        clock: () => clock.now,
        clockSkewMs: 30_000,
        keyStillHeld: createKeyStillHeld(issuers),
      }),
      requireBinding: true,
      proofWindow: { maxAgeMs: 300_000, clockSkewMs: 30_000 },
      proofKeys: cacheProofKeys({ maxEntries: 10, maxBytes: 1_048_576 }),
      schemeHeader: undefined,
    },
    onStoreError: 'deny',
    onStoreDegraded: () => {},
    clock: () => clock.now,
    onHistoryError: (error) => {
      throw error;
    },
    onInternalError: (error) => {
      throw error;
    },
  };
  return { deps, clock, keyLookups };
}

function bearerRequest(token: string, certificate: string): AuthzRequest {
  return {
    method: 'GET',
    receivedMethod: 'GET',
    scheme: 'https',
    authority: 'api.example.com',
    path: '/invoices',
    query: null,
    headers: new Map([['authorization', [`Bearer ${token}`]]]),
    body: null,
    source: { principal: '', certificate, address: '10.0.0.1:5000' },
    contextExtensions: {},
    requestId: 'r1',
  };
}

describe('the verified-token cache', () => {
  it('verifies a certificate-bound token once: later requests cost no key lookup or signature check', async () => {
    const certificate = await (await createTestCa()).issue({ commonName: 'agent' });
    const token = issuedToken(ISSUER, NOW_MS / 1000, { bindCertificatePem: certificate.pem });
    const { deps, keyLookups } = engine();
    for (let i = 0; i < 5; i++) {
      const decision = await runCheck(bearerRequest(token, certificate.envoyCertificate), deps);
      expect(decision.allowed).toBe(true);
    }
    expect(keyLookups).toEqual([`${ISSUER.keyId}`]);
  });

  it('still checks the binding on a cached token, and forgets it after exp', async () => {
    const ca = await createTestCa();
    const [mine, theirs] = [
      await ca.issue({ commonName: 'a' }),
      await ca.issue({ commonName: 'b' }),
    ];
    const token = issuedToken(ISSUER, NOW_MS / 1000, {
      bindCertificatePem: mine.pem,
      expiresIn: 60,
    });
    const { deps, clock, keyLookups } = engine();
    expect((await runCheck(bearerRequest(token, mine.envoyCertificate), deps)).allowed).toBe(true);
    const stolen = await runCheck(bearerRequest(token, theirs.envoyCertificate), deps);
    expect(stolen).toMatchObject({ allowed: false, reason: 'binding_mismatch' });
    clock.now += 91_000;
    const late = await runCheck(bearerRequest(token, mine.envoyCertificate), deps);
    expect(late).toMatchObject({ allowed: false, reason: 'expired' });
    expect(keyLookups).toHaveLength(2);
  });

  it('does not cache a token that failed verification', async () => {
    const { deps, keyLookups } = engine();
    const other = generateAgentKey();
    const forged = issuedToken({ ...other, keyId: ISSUER.keyId }, NOW_MS / 1000);
    for (let i = 0; i < 2; i++) {
      const decision = await runCheck(bearerRequest(forged, ''), deps);
      expect(decision).toMatchObject({ allowed: false, reason: 'token_invalid' });
    }
    expect(keyLookups).toHaveLength(2);
  });
});
