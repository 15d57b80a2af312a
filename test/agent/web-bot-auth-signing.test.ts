import { createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { agentFetch, signRequest } from '../../src/agent/index.js';
import { parseSignatureHeaders } from '../../src/credentials/parse-signature-headers.js';
import { jwkThumbprint } from '../../src/keys/jwk-thumbprint.js';
import { importPublicJwk } from '../../src/keys/verification-key.js';
import { verifyHttpSignature } from '../../src/proofs/verify-http-signature.js';
import { TEST_KEY_ED25519_PRIVATE, TEST_KEY_ED25519_PUBLIC } from '../fixtures/rfc9421-keys.js';

/*
 * The SDK signs Web Bot Auth requests of each generation. The draft's own test vectors
 * (draft-meunier-webbotauth-httpsig-protocol, "Test Vectors", Ed25519 key of RFC 9421 B.1.4)
 * are reproduced byte for byte: Ed25519 is deterministic, so the same base gives the same
 * signature.
 */
const TEST_KEY = { privateJwk: TEST_KEY_ED25519_PRIVATE, keyId: 'ignored-for-web-bot-auth' };
const KEYID = 'poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U';
const TEST_REQUEST = { method: 'POST', url: 'https://example.com/foo?param=Value&Pet=dog' };
const CREATED = 1735689600;
const LIMITS = { maxSignatures: 8, maxComponents: 32 };

function verifies(
  request: { method: string; url: string },
  headers: Record<string, string>,
  publicJwk: JsonWebKey,
) {
  const url = new URL(request.url);
  const [candidate] = parseSignatureHeaders(
    headers['signature-input']!,
    headers.signature!,
    LIMITS,
  );
  const imported = importPublicJwk(publicJwk as Record<string, unknown>, [
    'ed25519',
    'ecdsa-p256-sha256',
    'rsa-pss-sha512',
  ]);
  const message = {
    method: request.method,
    scheme: 'https',
    authority: url.host,
    path: url.pathname,
    query: url.search === '' ? null : url.search.slice(1),
    headers: new Map(Object.entries(headers).map(([name, value]) => [name, [value]])),
  };
  verifyHttpSignature(message, candidate!, { keyId: 'k', controller: 'c', ...imported });
  return candidate!;
}

describe('signRequest with a Web Bot Auth agent', () => {
  it('reproduces the draft vector of generation g2 (label sig2 over member agent2)', () => {
    const headers = signRequest({
      ...TEST_REQUEST,
      key: TEST_KEY,
      webBotAuth: { generation: 'g2', url: 'https://signature-agent.test', member: 'agent2' },
      label: 'sig2',
      created: CREATED,
      expiresIn: 4889289600 - CREATED,
      nonce:
        'n9p433xm+NJ3ph3upfBIGmsuwHw387YV7Q/F+6BSpGCVjYCqQw6rznNA8PVVLySrAWsv0hQtFioQb6E1YsauiA==',
      includeAlg: true,
    });
    expect(headers).toEqual({
      'signature-agent': 'agent2="https://signature-agent.test"',
      'signature-input': `sig2=("@authority" "signature-agent";key="agent2");created=1735689600;keyid="${KEYID}";alg="ed25519";expires=4889289600;nonce="n9p433xm+NJ3ph3upfBIGmsuwHw387YV7Q/F+6BSpGCVjYCqQw6rznNA8PVVLySrAWsv0hQtFioQb6E1YsauiA==";tag="web-bot-auth"`,
      signature:
        'sig2=:RdNFx5Bj6au3YgAMQL/RzmUlZE8QZLIaXGRpw985hWnwPfMxT228NMk6ehRS1PSl4e8PhbNZACSanGdhEwYCCg==:',
    });
  });

  it('reproduces the draft vector of generation g1 (the legacy sf-String)', () => {
    const headers = signRequest({
      ...TEST_REQUEST,
      key: TEST_KEY,
      webBotAuth: { generation: 'g1', url: 'https://signature-agent.test' },
      label: 'sig2',
      created: CREATED,
      expiresIn: 3600,
      nonce:
        'e8N7S2MFd/qrd6T2R3tdfAuuANngKI7LFtKYI/vowzk4lAZYadIX6wW25MwG7DCT9RUKAJ0qVkU0mEeLElW1qg==',
      includeAlg: true,
    });
    expect(headers['signature-agent']).toBe('"https://signature-agent.test"');
    expect(headers['signature-input']).toBe(
      `sig2=("@authority" "signature-agent");created=1735689600;keyid="${KEYID}";alg="ed25519";expires=1735693200;nonce="e8N7S2MFd/qrd6T2R3tdfAuuANngKI7LFtKYI/vowzk4lAZYadIX6wW25MwG7DCT9RUKAJ0qVkU0mEeLElW1qg==";tag="web-bot-auth"`,
    );
    expect(headers.signature).toBe(
      'sig2=:jdq0SqOwHdyHr9+r5jw3iYZH6aNGKijYp/EstF4RQTQdi5N5YYKrD+mCT1HA1nZDsi6nJKuHxUi/5Syp3rLWBA==:',
    );
  });

  it('keys the g2 member by the signature label when no member is named, and sends type when given', () => {
    const headers = signRequest({
      ...TEST_REQUEST,
      key: TEST_KEY,
      webBotAuth: { url: 'https://agent.example/jwks.json?v=2', type: 'jwks_uri' },
    });
    expect(headers['signature-agent']).toBe(
      'sig1="https://agent.example/jwks.json?v=2";type=jwks_uri',
    );
    const candidate = verifies(TEST_REQUEST, headers, TEST_KEY_ED25519_PUBLIC);
    expect(candidate.components.map((c) => c.serialized)).toEqual([
      '"@authority"',
      '"signature-agent";key="sig1"',
    ]);
    expect(candidate.params).toMatchObject({ keyid: KEYID, tag: 'web-bot-auth' });
    expect(candidate.params.expires! - candidate.params.created!).toBe(60);
  });

  it('sends a g3 member as a bare JWKS URI, with no parameters', () => {
    const headers = signRequest({
      ...TEST_REQUEST,
      key: TEST_KEY,
      webBotAuth: { generation: 'g3', url: 'https://keys.agent.example/bot/jwks.json' },
    });
    expect(headers['signature-agent']).toBe('sig1="https://keys.agent.example/bot/jwks.json"');
    expect(verifies(TEST_REQUEST, headers, TEST_KEY_ED25519_PUBLIC).label).toBe('sig1');
  });

  it.each([
    [{ generation: 'g1', url: 'https://agent.example/keys' }, /must be an origin/],
    [{ generation: 'g2', url: 'https://agent.example/keys' }, /must be an origin/],
    [{ generation: 'g2', url: 'http://agent.example' }, /must be an https URL/],
    [
      { generation: 'g3', url: 'https://agent.example/jwks', type: 'jwks_uri' },
      /only sent in generation g2/,
    ],
    [{ generation: 'g1', url: 'agent.example' }, /not an absolute URL/],
  ] as const)('refuses an agent its generation cannot carry: %j', (agent, message) => {
    expect(() => signRequest({ ...TEST_REQUEST, key: TEST_KEY, webBotAuth: agent })).toThrow(
      message,
    );
  });

  it('signs a Visa-TAP-shaped payer request: label sig2, @authority and @path, tag agent-payer-auth, a nonce', () => {
    const request = { method: 'GET', url: 'https://merchant.example/checkout/cart' };
    const headers = signRequest({
      ...request,
      key: TEST_KEY,
      webBotAuth: { url: 'https://agent.example' },
      label: 'sig2',
      components: ['@authority', '@path'],
      tag: 'agent-payer-auth',
    });
    const candidate = verifies(request, headers, TEST_KEY_ED25519_PUBLIC);
    expect(headers['signature-agent']).toBe('sig2="https://agent.example"');
    expect(candidate.components.map((c) => c.serialized)).toEqual([
      '"@authority"',
      '"@path"',
      '"signature-agent";key="sig2"',
    ]);
    expect(candidate.params.tag).toBe('agent-payer-auth');
    expect(Buffer.from(candidate.params.nonce!, 'base64')).toHaveLength(64);
  });

  it.each([
    ['an RSA key with rsa-pss-sha512', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    [
      'a P-256 key with ecdsa-p256-sha256',
      () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    ],
  ])('signs with %s, keyid its thumbprint', (_name, generate) => {
    const pair = generate();
    const privateJwk = pair.privateKey.export({ format: 'jwk' });
    const publicJwk = createPublicKey(pair.privateKey).export({ format: 'jwk' });
    const headers = signRequest({
      ...TEST_REQUEST,
      key: { privateJwk, keyId: 'unused' },
      webBotAuth: { url: 'https://agent.example' },
      includeAlg: true,
    });
    const candidate = verifies(TEST_REQUEST, headers, publicJwk);
    expect(candidate.params.keyid).toBe(jwkThumbprint(publicJwk as Record<string, unknown>));
    expect(candidate.params.alg).toBe(
      pair.publicKey.asymmetricKeyType === 'rsa' ? 'rsa-pss-sha512' : 'ecdsa-p256-sha256',
    );
  });
});

describe('agentFetch with a Web Bot Auth agent', () => {
  it('signs every request it sends in the agent generation, with a fresh nonce each time', async () => {
    const sent: Request[] = [];
    const send = agentFetch({
      key: TEST_KEY,
      webBotAuth: { generation: 'g3', url: 'https://keys.agent.example/jwks.json' },
      fetch: async (url, init) => {
        sent.push(new Request(url, init));
        return new Response('ok');
      },
    });
    await send('https://example.com/foo?param=Value&Pet=dog', { method: 'POST', body: 'hello' });
    await send('https://example.com/foo?param=Value&Pet=dog', { method: 'POST', body: 'hello' });
    const candidates = sent.map((request) => {
      const headers = Object.fromEntries(request.headers);
      expect(headers['signature-agent']).toBe('sig1="https://keys.agent.example/jwks.json"');
      return verifies(TEST_REQUEST, headers, TEST_KEY_ED25519_PUBLIC);
    });
    expect(candidates[0]!.components.map((c) => c.name)).toEqual([
      '@authority',
      'content-digest',
      'signature-agent',
    ]);
    expect(candidates[0]!.params.nonce).not.toBe(candidates[1]!.params.nonce);
  });
});
