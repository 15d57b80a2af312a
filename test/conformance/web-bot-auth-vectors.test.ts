import { describe, expect, it } from 'vitest';
import { parseSignatureHeaders } from '../../src/credentials/parse-signature-headers.js';
import { WEB_BOT_AUTH_GENERATIONS } from '../../src/credentials/read-signature-agent.js';
import { jwkThumbprint } from '../../src/keys/jwk-thumbprint.js';
import { importPublicJwk } from '../../src/keys/verification-key.js';
import { checkWebBotAuthProfile } from '../../src/proofs/check-web-bot-auth-profile.js';
import { verifyHttpSignature } from '../../src/proofs/verify-http-signature.js';
import type { AuthzRequest } from '../../src/request/authz-request.js';
import { TEST_KEY_ED25519_PUBLIC, TEST_KEY_RSA_PSS_PUBLIC } from '../fixtures/rfc9421-keys.js';

const LIMITS = { maxSignatures: 8, maxComponents: 32 };

/*
 * The test vectors of draft-meunier-webbotauth-httpsig-protocol (appendix "Test Vectors"),
 * which sign the RFC 9421 test-request to example.com with the RFC 9421 B.1.2 and B.1.4 keys.
 * Values the draft wraps per RFC 8792 are joined here.
 */
const CREATED_MS = 1735689600_000;
const WINDOW = { maxAgeMs: 300_000, clockSkewMs: 30_000 };
/** The dictionary-form vectors expire in 2124 ("far enough out that they do not age"). */
const SETTINGS = {
  generations: new Set(WEB_BOT_AUTH_GENERATIONS),
  maxValidityMs: 200 * 365 * 86_400_000,
  tagDirectories: new Map(),
};

interface Vector {
  readonly title: string;
  readonly jwk: Record<string, string>;
  readonly signatureAgent?: string;
  readonly signatureInput: string;
  readonly signature: string;
}

const ED25519_KEYID = 'poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U';
const RSA_KEYID = 'oD0HwocPBSfpNy5W3bpJeyFGY_IQ_YpqxSjQ3Yd-CLA';

const VECTORS: readonly Vector[] = [
  {
    title: 'Ed25519 with Signature-Agent as a dictionary member',
    jwk: TEST_KEY_ED25519_PUBLIC,
    signatureAgent: 'agent2="https://signature-agent.test"',
    signatureInput: `sig2=("@authority" "signature-agent";key="agent2");created=1735689600;keyid="${ED25519_KEYID}";alg="ed25519";expires=4889289600;nonce="n9p433xm+NJ3ph3upfBIGmsuwHw387YV7Q/F+6BSpGCVjYCqQw6rznNA8PVVLySrAWsv0hQtFioQb6E1YsauiA==";tag="web-bot-auth"`,
    signature:
      'sig2=:RdNFx5Bj6au3YgAMQL/RzmUlZE8QZLIaXGRpw985hWnwPfMxT228NMk6ehRS1PSl4e8PhbNZACSanGdhEwYCCg==:',
  },
  {
    title: 'Ed25519 with the legacy Signature-Agent string',
    jwk: TEST_KEY_ED25519_PUBLIC,
    signatureAgent: '"https://signature-agent.test"',
    signatureInput: `sig2=("@authority" "signature-agent");created=1735689600;keyid="${ED25519_KEYID}";alg="ed25519";expires=1735693200;nonce="e8N7S2MFd/qrd6T2R3tdfAuuANngKI7LFtKYI/vowzk4lAZYadIX6wW25MwG7DCT9RUKAJ0qVkU0mEeLElW1qg==";tag="web-bot-auth"`,
    signature:
      'sig2=:jdq0SqOwHdyHr9+r5jw3iYZH6aNGKijYp/EstF4RQTQdi5N5YYKrD+mCT1HA1nZDsi6nJKuHxUi/5Syp3rLWBA==:',
  },
  {
    title: 'RSASSA-PSS/SHA-512 with Signature-Agent as a dictionary member',
    jwk: TEST_KEY_RSA_PSS_PUBLIC,
    signatureAgent: 'agent2="https://signature-agent.test"',
    signatureInput: `sig2=("@authority" "signature-agent";key="agent2");created=1735689600;keyid="${RSA_KEYID}";alg="rsa-pss-sha512";expires=4889289600;nonce="wcfPQPh7SzkvrIVvhD00vNk9PkxJNY2NVbYl2PVBB4zmUoluSwE7W6bPtF60QA3k8g06FU7PPCD+J58YofY1zg==";tag="web-bot-auth"`,
    signature:
      'sig2=:gHzpLNeHaHIO19NaJH9YMW5dcVSi2s0wOMBr6p18vcofS106sfC4KBIS0/szPlBBd1vIcyQ88B6CTEWIhRAiVrb9zfX0mx1aG12CSGWcYkSirHeyTxhbuJvXd27ed6skWoy4PjXItq38936ivUQjfdIwXh1aX6HxkAC3vRnEdSNfntkLWeEuIQ5BLIOBGE39fSwg27Qjq6OVWYas/9/aFUr3HA34MXWYdp+//cvlEKDp3kRoLOw9ro0AOr6srHrTeEtxon2afcws1aZVSlPdd2fZSEIGmw9HAHLDCEkFTERu1gH2k/zIEqgy7CAYXI9E5slog0cLg/Vc6+f8gih33g==:',
  },
];

/** The RFC 9421 test-request to example.com, carrying the vector's headers. */
function testRequest(vector: Vector): AuthzRequest {
  const headers = new Map<string, string[]>([
    ['signature-input', [vector.signatureInput]],
    ['signature', [vector.signature]],
  ]);
  if (vector.signatureAgent) headers.set('signature-agent', [vector.signatureAgent]);
  return {
    method: 'POST',
    receivedMethod: 'POST',
    scheme: 'https',
    authority: 'example.com',
    path: '/foo',
    query: 'param=Value&Pet=dog',
    headers,
    body: null,
    source: { principal: '', certificate: '', address: '' },
    contextExtensions: {},
    requestId: 'vector',
  };
}

describe('the Web Bot Auth draft test vectors', () => {
  it.each([
    [TEST_KEY_ED25519_PUBLIC, ED25519_KEYID],
    [TEST_KEY_RSA_PSS_PUBLIC, RSA_KEYID],
  ])('give the RFC 9421 test key its RFC 7638 thumbprint %#', (jwk, keyid) => {
    expect(jwkThumbprint(jwk)).toBe(keyid);
  });

  it.each(VECTORS)('verify: $title', (vector) => {
    const request = testRequest(vector);
    const [candidate] = parseSignatureHeaders(vector.signatureInput, vector.signature, LIMITS);
    const profiled = checkWebBotAuthProfile(request, candidate!, [], WINDOW, CREATED_MS, SETTINGS);
    expect(profiled).toMatchObject({ keyId: jwkThumbprint(vector.jwk) });
    expect(profiled.location?.agentId).toBe('https://signature-agent.test');
    const imported = importPublicJwk(vector.jwk, ['ed25519', 'rsa-pss-sha512']);
    const key = { keyId: profiled.keyId, controller: profiled.location!.agentId, ...imported };
    expect(() => verifyHttpSignature(request, candidate!, key)).not.toThrow();
  });

  it('fails to verify when the Signature-Agent member names another directory', () => {
    const vector = { ...VECTORS[0]!, signatureAgent: 'agent2="https://impostor.test"' };
    const request = testRequest(vector);
    const [candidate] = parseSignatureHeaders(vector.signatureInput, vector.signature, LIMITS);
    const imported = importPublicJwk(vector.jwk, ['ed25519']);
    const key = { keyId: ED25519_KEYID, controller: 'https://impostor.test', ...imported };
    expect(() => verifyHttpSignature(request, candidate!, key)).toThrow(
      expect.objectContaining({ code: 'signature_invalid' }),
    );
  });
});
