import { describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { agentMetadata, problem, setHeaders } from '../support/envoy-client.js';
import { signedCheck } from '../support/signed-check.js';
import { useTestApp } from '../support/start-test-app.js';

const server = useTestApp();

const nowSeconds = () => Math.floor(server.now / 1000);

describe.each([
  ['an Ed25519 did:key', () => generateAgentKey({ type: 'ed25519' }), 'did:key:z6Mk'],
  ['a P-256 did:key', () => generateAgentKey({ type: 'p256' }), 'did:key:zDn'],
])('a request signed with %s', (_name, makeKey, didPrefix) => {
  it('is allowed and tagged with the verified agent identity', async () => {
    const key = makeKey();
    expect(key.didKey.startsWith(didPrefix)).toBe(true);
    const check = signedCheck(
      { method: 'GET', url: 'https://api.example.com/orders?limit=10' },
      nowSeconds(),
      { key },
    );
    const response = await server.client.check(check.request());
    expect(response.status?.code ?? 0).toBe(0);
    expect(setHeaders(response)).toEqual({
      'x-agent-id': key.didKey,
      'x-agent-key-id': key.keyId,
      'x-agent-verified': 'true',
      'x-agent-profile': 'signed-request',
      'x-agent-trust': 'new',
    });
    expect(agentMetadata(response)).toEqual({
      decision: 'allow',
      verified: true,
      profile: 'signed-request',
      agent_id: key.didKey,
      trust: 'new',
      tag: 'agent-authz',
    });
  });
});

describe('a request signed with a did:jwk key', () => {
  it.each(['ed25519', 'p256'] as const)(
    'is allowed for a %s key with the did:jwk as agent id',
    async (type) => {
      const key = generateAgentKey({ type });
      const check = signedCheck(
        { method: 'POST', url: 'https://api.example.com/orders', body: '{"sku":"A-1"}' },
        nowSeconds(),
        {
          key: { ...key, keyId: key.didJwkKeyId },
        },
      );
      const response = await server.client.check(check.request());
      expect(setHeaders(response)).toMatchObject({
        'x-agent-id': key.didJwk,
        'x-agent-key-id': key.didJwkKeyId,
        'x-agent-verified': 'true',
      });
    },
  );
});

describe('replay protection', () => {
  it('denies the same signature the second time with 401 replayed', async () => {
    const check = signedCheck(
      { method: 'GET', url: 'https://api.example.com/orders' },
      nowSeconds(),
    );
    expect((await server.client.check(check.request())).ok_response).toBeDefined();
    const replay = await server.client.check(check.request());
    expect(replay.status?.code).toBe(16);
    expect(replay.denied_response?.status?.code).toBe('Unauthorized');
    expect(problem(replay)).toMatchObject({ reason: 'replayed', status: 401 });
  });

  it('keeps a nonce of one key from blocking the same nonce of another key', async () => {
    const first = signedCheck({ method: 'GET', url: 'https://api.example.com/a' }, nowSeconds(), {
      nonce: 'shared-nonce',
    });
    const second = signedCheck({ method: 'GET', url: 'https://api.example.com/a' }, nowSeconds(), {
      nonce: 'shared-nonce',
    });
    expect((await server.client.check(first.request())).ok_response).toBeDefined();
    expect((await server.client.check(second.request())).ok_response).toBeDefined();
  });
});

describe('the Envoy header encodings', () => {
  it('verifies a request sent as header_map with raw values (encode_raw_headers)', async () => {
    const check = signedCheck(
      {
        method: 'GET',
        url: 'https://api.example.com/orders',
        headers: { 'agent-purpose': 'billing' },
        rawHeaders: true,
      },
      nowSeconds(),
      { coverHeaders: ['agent-purpose'] },
    );
    expect((await server.client.check(check.request())).ok_response).toBeDefined();
  });

  it('combines repeated header lines with ", " as RFC 9421 requires when header_map is sent', async () => {
    const check = signedCheck(
      {
        method: 'GET',
        url: 'https://api.example.com/x',
        headers: { 'agent-purpose': ['a', 'b'] },
        rawHeaders: true,
      },
      nowSeconds(),
      { coverHeaders: ['agent-purpose'] },
    );
    expect((await server.client.check(check.request())).ok_response).toBeDefined();
  });

  it('verifies when Envoy does not forward the body, without checking the digest', async () => {
    const check = signedCheck(
      { method: 'PUT', url: 'https://api.example.com/doc', body: 'v1', forwardBody: false },
      nowSeconds(),
    );
    const response = await server.client.check(check.request({ body: 'something else' }));
    expect(response.ok_response).toBeDefined();
  });
});
