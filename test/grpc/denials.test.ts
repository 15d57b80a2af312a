import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateAgentKey, signRequest } from '../../src/agent/index.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { agentMetadata, problem, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { signedCheck } from '../support/signed-check.js';
import { useTestApp } from '../support/start-test-app.js';

const server = useTestApp();

const nowSeconds = () => Math.floor(server.now / 1000);
const GET = { method: 'GET', url: 'https://api.example.com/orders?limit=10' };
const POST = {
  method: 'POST',
  url: 'https://api.example.com/orders',
  body: '{"sku":"A-1","qty":1}',
};

function expectDenied(response: UpstreamCheckResponse, reason: string, status = 401): void {
  expect(response.ok_response).toBeUndefined();
  expect(problem(response)).toMatchObject({ reason, status });
  expect(agentMetadata(response)).toMatchObject({ decision: 'deny', reason, verified: false });
}

describe('a request altered after signing', () => {
  it('is denied signature_invalid when the method changed', async () => {
    const check = signedCheck(GET, nowSeconds());
    expectDenied(
      await server.client.check(check.request({ method: 'DELETE' })),
      'signature_invalid',
    );
  });

  it('is denied signature_invalid when the path changed', async () => {
    const check = signedCheck(GET, nowSeconds());
    const sent = { url: 'https://api.example.com/admin?limit=10' };
    expectDenied(await server.client.check(check.request(sent)), 'signature_invalid');
  });

  it('is denied signature_invalid when the query changed', async () => {
    const check = signedCheck(GET, nowSeconds());
    const sent = { url: 'https://api.example.com/orders?limit=10000' };
    expectDenied(await server.client.check(check.request(sent)), 'signature_invalid');
  });

  it('is denied signature_invalid when the authority changed', async () => {
    const check = signedCheck(GET, nowSeconds());
    const sent = { url: 'https://evil.example.net/orders?limit=10' };
    expectDenied(await server.client.check(check.request(sent)), 'signature_invalid');
  });

  it('is denied digest_mismatch when the body Envoy forwards is not the signed one', async () => {
    const check = signedCheck(POST, nowSeconds());
    const sent = { body: '{"sku":"A-1","qty":1000}' };
    expectDenied(await server.client.check(check.request(sent)), 'digest_mismatch');
  });

  it('is denied digest_mismatch when Envoy forwarded only part of the body', async () => {
    const check = signedCheck(POST, nowSeconds());
    const sent = { headers: { 'x-envoy-auth-partial-body': 'true' } };
    expectDenied(await server.client.check(check.request(sent)), 'digest_mismatch');
  });

  it('is denied when a repeated header reaches us joined with "," (no encode_raw_headers)', async () => {
    const check = signedCheck({ ...GET, headers: { 'agent-purpose': ['a', 'b'] } }, nowSeconds(), {
      coverHeaders: ['agent-purpose'],
    });
    expectDenied(await server.client.check(check.request()), 'signature_invalid');
  });
});

describe('the signature validity window', () => {
  it('denies expired when created is older than signatures.maxAge', async () => {
    const check = signedCheck(GET, nowSeconds() - 301);
    expectDenied(await server.client.check(check.request()), 'expired');
  });

  it('allows created within the maximum age', async () => {
    const check = signedCheck(GET, nowSeconds() - 299);
    expect((await server.client.check(check.request())).ok_response).toBeDefined();
  });

  it('denies not_yet_valid when created is beyond the clock skew in the future', async () => {
    const check = signedCheck(GET, nowSeconds() + 31);
    expectDenied(await server.client.check(check.request()), 'not_yet_valid');
  });

  it('allows created a little in the future, within the clock skew', async () => {
    const check = signedCheck(GET, nowSeconds() + 20);
    expect((await server.client.check(check.request())).ok_response).toBeDefined();
  });

  it('denies expired once expires (plus skew) has passed', async () => {
    const check = signedCheck(GET, nowSeconds() - 100, { expiresIn: 60 });
    expectDenied(await server.client.check(check.request()), 'expired');
  });
});

describe('a signature missing what the profile requires', () => {
  it('denies nonce_required without a nonce', async () => {
    const check = signedCheck(GET, nowSeconds());
    const withoutNonce = {
      ...check.signature,
      'signature-input': check.signature['signature-input']!.replace(/;nonce="[^"]*"/, ''),
    };
    const request = envoyCheckRequest({ ...GET, headers: withoutNonce });
    expectDenied(await server.client.check(request), 'nonce_required');
  });

  it('denies components_missing when @query is not covered on a request with a query', async () => {
    const key = generateAgentKey();
    const signature = signRequest({
      method: 'GET',
      url: 'https://api.example.com/orders',
      key,
      created: nowSeconds(),
    });
    const request = envoyCheckRequest({ ...GET, headers: signature });
    const response = await server.client.check(request);
    expectDenied(response, 'components_missing');
    expect(problem(response).detail).toContain('@query');
  });

  it('denies components_missing when a body is sent without a covered content-digest', async () => {
    const check = signedCheck(
      { method: 'POST', url: 'https://api.example.com/orders' },
      nowSeconds(),
    );
    const response = await server.client.check(check.request({ body: 'unsigned body' }));
    expectDenied(response, 'components_missing');
    expect(problem(response).detail).toContain('content-digest');
  });
});

describe('the key and algorithm', () => {
  it('denies alg_mismatch when alg names another algorithm than the key type', async () => {
    const check = signedCheck(GET, nowSeconds(), {
      key: generateAgentKey({ type: 'ed25519' }),
      includeAlg: true,
    });
    const lying = {
      ...check.signature,
      'signature-input': check.signature['signature-input']!.replace(
        'alg="ed25519"',
        'alg="ecdsa-p256-sha256"',
      ),
    };
    expectDenied(
      await server.client.check(envoyCheckRequest({ ...GET, headers: lying })),
      'alg_mismatch',
    );
  });

  it('allows an alg parameter that matches the key type', async () => {
    const check = signedCheck(GET, nowSeconds(), {
      key: generateAgentKey({ type: 'p256' }),
      includeAlg: true,
    });
    expect(check.signature['signature-input']).toContain('alg="ecdsa-p256-sha256"');
    expect((await server.client.check(check.request())).ok_response).toBeDefined();
  });

  it('denies did_method_unsupported for a DID method that is not enabled', async () => {
    const key = generateAgentKey();
    const check = signedCheck(GET, nowSeconds(), {
      key: { ...key, keyId: 'did:example:123456789abcdefghi#key-1' },
    });
    expectDenied(await server.client.check(check.request()), 'did_method_unsupported');
  });

  it('denies did_method_unsupported for did:web while network resolution is off', async () => {
    const check = signedCheck(GET, nowSeconds(), {
      key: { ...generateAgentKey(), keyId: 'did:web:agents.example.com#key-1' },
    });
    expectDenied(await server.client.check(check.request()), 'did_method_unsupported');
  });

  it('denies key_unresolvable when the keyid is not a DID URL', async () => {
    const check = signedCheck(GET, nowSeconds(), {
      key: { ...generateAgentKey(), keyId: 'test-key-ed25519' },
    });
    expectDenied(await server.client.check(check.request()), 'key_unresolvable');
  });

  it('denies key_unresolvable when the fragment names no key of the DID', async () => {
    const key = generateAgentKey();
    const check = signedCheck(GET, nowSeconds(), { key: { ...key, keyId: `${key.didKey}#other` } });
    expectDenied(await server.client.check(check.request()), 'key_unresolvable');
  });

  it.each([
    ['an RSA key (DID keys are Ed25519 or P-256)', () => rsaJwk()],
    [
      'a key marked for encryption only',
      () => ({ ...(generateAgentKey().publicJwk as object), use: 'enc' }),
    ],
  ])('denies key_unresolvable for a did:jwk naming %s', async (_name, makeJwk) => {
    const didJwk = `did:jwk:${Buffer.from(JSON.stringify(makeJwk())).toString('base64url')}`;
    const check = signedCheck(GET, nowSeconds(), {
      key: { ...generateAgentKey(), keyId: `${didJwk}#0` },
    });
    expectDenied(await server.client.check(check.request()), 'key_unresolvable');
  });

  it('denies signature_invalid when another key signed than the keyid names', async () => {
    const victim = generateAgentKey();
    const attacker = generateAgentKey();
    const check = signedCheck(GET, nowSeconds(), { key: { ...attacker, keyId: victim.keyId } });
    expectDenied(await server.client.check(check.request()), 'signature_invalid');
  });
});

describe('garbage in the signature headers', () => {
  it.each([
    [
      'Signature-Input without Signature',
      { 'signature-input': 'sig1=("@method");created=1;keyid="x";nonce="n"' },
    ],
    ['Signature without Signature-Input', { signature: 'sig1=:AAAA:' }],
    ['unparseable Signature-Input', { 'signature-input': 'sig1=(("', signature: 'sig1=:AAAA:' }],
    [
      'a signature that is not a byte sequence',
      { 'signature-input': 'sig1=("@method");keyid="k"', signature: 'sig1="text"' },
    ],
    ['labels that do not match', { 'signature-input': 'a=("@method")', signature: 'b=:AAAA:' }],
    ['binary noise', { 'signature-input': '\u0000\u00ff=;;((', signature: '::::' }],
    [
      'only foreign-tagged signatures',
      { 'signature-input': 'sig1=("@authority");tag="web-bot-auth"', signature: 'sig1=:AAAA:' },
    ],
  ])('denies credential_malformed for %s and keeps serving', async (_name, headers) => {
    const response = await server.client.check(envoyCheckRequest({ ...GET, headers }));
    expectDenied(response, 'credential_malformed');
  });

  it('never downgrades a request with a broken credential to unsigned', async () => {
    const response = await server.client.check(
      envoyCheckRequest({
        ...GET,
        headers: { 'signature-input': 'garbage', signature: 'garbage' },
      }),
    );
    expect(response.ok_response).toBeUndefined();
    expect(agentMetadata(response)).toMatchObject({ profile: 'signed-request', verified: false });
  });
});

describe('a denial', () => {
  it('is problem+json with the reason and trace id, and echoes no signature', async () => {
    const check = signedCheck(GET, nowSeconds() - 1000);
    const response = await server.client.check(check.request());
    expect(response.status).toMatchObject({ code: 16 });
    const headers = Object.fromEntries(
      (response.denied_response?.headers ?? []).map(({ header }) => [header.key, header.value]),
    );
    expect(headers['content-type']).toBe('application/problem+json');
    const body = problem(response);
    expect(body).toMatchObject({
      type: 'urn:agent-authz:problem:expired',
      title: 'Credential expired',
      status: 401,
    });
    expect(typeof body.trace_id).toBe('string');
    expect((body.trace_id as string).length).toBeGreaterThan(0);
    const signatureBytes = check.signature.signature!.slice('sig1=:'.length, -1);
    expect(response.denied_response?.body).not.toContain(signatureBytes);
    expect(JSON.stringify(response)).not.toContain(signatureBytes);
  });
});

function rsaJwk(): object {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
}
