import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { createSigner, createVerifier, httpbis } from 'http-message-signatures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify as cloudflareVerify } from 'web-bot-auth';
import { verifierFromJWK } from 'web-bot-auth/crypto';
import { type SignRequestInput, signRequest } from '../../src/agent/index.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { agentMetadata, problem, setHeaders } from '../support/envoy-client.js';
import { networkFlags } from '../support/network-app.js';
import {
  publishDirectory,
  type WebBotAuthKey,
  webBotAuthKey,
} from '../support/sign-web-bot-auth.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

/*
 * Web Bot Auth across implementations. Requests signed by http-message-signatures (an RFC 9421
 * library that shares no code with ours) in the Dictionary form of Signature-Agent, and by our
 * SDK in each generation, go to the real server over gRPC against a key directory on a local
 * HTTPS host. The other way round, the SDK's requests are checked by two verifiers that are not
 * ours: http-message-signatures (g1, g2, g3) and Cloudflare's web-bot-auth (g1; see below).
 */
const host = useDocumentHost();
const TAP_HOST = 'payments-network.example.test';
let server: TestApp;
beforeAll(async () => {
  // The TAP key directory's URL names the host's port, known once the host listens.
  server = await startTestApp(
    networkFlags(host, [
      '--web-bot-auth.generations=g1,g2-directory,g2-jwks_uri,g2-cimd,g3',
      `--web-bot-auth.tag-directories=[{"tag":"agent-payer-auth","url":"${host.origin(TAP_HOST)}/agent-keys.json"}]`,
    ]),
    { lookup: host.lookup },
  );
});
afterAll(async () => {
  await server?.stop();
});
const URL_ = 'https://shop.example.com/catalogue/42';

function agent(name: string): { key: WebBotAuthKey; origin: string } {
  const key = webBotAuthKey();
  const hostname = `${name}.example.test`;
  publishDirectory(host, hostname, [key]);
  return { key, origin: host.origin(hostname) };
}

/** http-message-signatures signs a Web Bot Auth request: keyid = thumbprint, tag web-bot-auth. */
async function signWithLibrary(
  key: WebBotAuthKey,
  signatureAgent: string,
  options: { fields: string[]; label?: string; created: number },
): Promise<Record<string, string>> {
  const signed = await httpbis.signMessage(
    {
      key: createSigner(
        createPrivateKey({ key: key.privateJwk, format: 'jwk' }),
        'ed25519',
        key.thumbprint,
      ),
      name: options.label ?? 'sig1',
      fields: options.fields,
      params: ['created', 'expires', 'keyid', 'nonce', 'tag'],
      paramValues: {
        created: new Date(options.created * 1000),
        expires: new Date((options.created + 60) * 1000),
        nonce: randomBytes(32).toString('base64'),
        tag: 'web-bot-auth',
      },
    },
    { method: 'GET', url: URL_, headers: { 'signature-agent': signatureAgent } },
  );
  return signed.headers as Record<string, string>;
}

const check = (headers: Record<string, string>) =>
  server.client.check(envoyCheckRequest({ method: 'GET', url: URL_, headers: lowerCase(headers) }));

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
}

const nowSeconds = () => Math.floor(server.now / 1000);

describe('a Web Bot Auth request signed by http-message-signatures', () => {
  it('is allowed in the g2 Dictionary form, covering "signature-agent";key="sig1"', async () => {
    const { key, origin } = agent('hms-g2');
    const headers = await signWithLibrary(key, `sig1="${origin}"`, {
      fields: ['@authority', '"signature-agent";key="sig1"'],
      created: nowSeconds(),
    });
    expect(headers['Signature-Input']).toContain('"signature-agent";key="sig1"');
    const response = await check(headers);
    expect(response.status?.code ?? 0).toBe(0);
    expect(setHeaders(response)).toMatchObject({
      'x-agent-id': origin,
      'x-agent-key-id': key.thumbprint,
    });
  });

  it('is allowed under label sig2 over member agent2, as in the draft vectors', async () => {
    const { key, origin } = agent('hms-sig2');
    const headers = await signWithLibrary(key, `agent2="${origin}"`, {
      fields: ['@authority', '"signature-agent";key="agent2"'],
      label: 'sig2',
      created: nowSeconds(),
    });
    const response = await check(headers);
    expect(response.status?.code ?? 0).toBe(0);
    expect(setHeaders(response)['x-agent-id']).toBe(origin);
  });

  it('is refused components_missing when it sends Signature-Agent but covers only @authority', async () => {
    const { key, origin } = agent('hms-lazy');
    const headers = await signWithLibrary(key, `sig1="${origin}"`, {
      fields: ['@authority'],
      created: nowSeconds(),
    });
    const denied = problem(await check(headers));
    expect(denied).toMatchObject({ reason: 'components_missing' });
    expect(String(denied.detail)).toContain('signature-agent');
  });
});

describe('a Web Bot Auth request signed by the SDK', () => {
  const signed = (
    key: WebBotAuthKey,
    choices: Omit<SignRequestInput, 'method' | 'url' | 'key'>,
    created: number,
  ) =>
    signRequest({
      method: 'GET',
      url: URL_,
      key: { privateJwk: key.privateJwk, keyId: '' },
      created,
      ...choices,
    });

  it.each([
    ['g1 (sf-String)', 'g1'],
    ['g2 (Dictionary)', 'g2'],
  ] as const)('is allowed by the server in generation %s', async (_name, generation) => {
    const { key, origin } = agent(`sdk-${generation}`);
    const response = await check(
      signed(key, { webBotAuth: { generation, url: origin } }, nowSeconds()),
    );
    expect(response.status?.code ?? 0).toBe(0);
    expect(setHeaders(response)).toMatchObject({
      'x-agent-id': origin,
      'x-agent-verified': 'true',
    });
  });

  it.each([
    [
      'g2 type=jwks_uri',
      'g2-jwks_uri',
      (url: string) => ({ generation: 'g2', type: 'jwks_uri', url }) as const,
    ],
    ['g3', 'g3', (url: string) => ({ generation: 'g3', url }) as const],
  ])(
    'is allowed by the server in generation %s, keys at a JWKS URI',
    async (_name, reported, agentOf) => {
      const key = webBotAuthKey();
      const hostname = `sdk-${reported.replace('_', '-')}.example.test`;
      host.serve(hostname, '/bot/jwks.json', {
        headers: { 'content-type': 'application/jwk-set+json' },
        body: JSON.stringify({ keys: [key.publicJwk] }),
      });
      const url = `${host.origin(hostname)}/bot/jwks.json`;
      const response = await check(signed(key, { webBotAuth: agentOf(url) }, nowSeconds()));
      expect(response.status?.code ?? 0).toBe(0);
      expect(setHeaders(response)).toMatchObject({
        'x-agent-id': url,
        'x-agent-key-id': key.thumbprint,
      });
      expect(agentMetadata(response)).toMatchObject({ generation: reported, tag: 'web-bot-auth' });
    },
  );

  it('is allowed by the server in generation g2 type=cimd, keys through the client metadata', async () => {
    const key = webBotAuthKey();
    const hostname = 'sdk-cimd.example.test';
    const card = `${host.origin(hostname)}/agent-card`;
    host.serve(hostname, '/agent-card', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: card, jwks: { keys: [key.publicJwk] } }),
    });
    const response = await check(
      signed(key, { webBotAuth: { type: 'cimd', url: card } }, nowSeconds()),
    );
    expect(response.status?.code ?? 0).toBe(0);
    expect(agentMetadata(response).generation).toBe('g2-cimd');
  });

  it('is allowed in the Visa TAP shape against the configured key directory, and refused when replayed', async () => {
    const payer = webBotAuthKey();
    host.serve(TAP_HOST, '/agent-keys.json', {
      headers: { 'content-type': 'application/jwk-set+json' },
      body: JSON.stringify({ keys: [payer.publicJwk] }),
    });
    const headers = signRequest({
      method: 'GET',
      url: URL_,
      key: { privateJwk: payer.privateJwk, keyId: payer.thumbprint },
      created: nowSeconds(),
      expiresIn: 60,
      label: 'sig2',
      components: ['@authority', '@path'],
      tag: 'agent-payer-auth',
    });
    expect(headers['signature-input']).toMatch(/^sig2=\("@authority" "@path"\);created=\d+;keyid=/);
    const response = await check(headers);
    expect(problem(response)).toBeNull();
    expect(response.status?.code ?? 0).toBe(0);
    expect(agentMetadata(response)).toMatchObject({
      tag: 'agent-payer-auth',
      generation: 'tag-directory',
    });
    expect(problem(await check(headers))).toMatchObject({ reason: 'replayed' });
  });

  it.each([
    ['g1', { generation: 'g1', url: 'https://agent.example' }],
    ['g2', { generation: 'g2', url: 'https://agent.example', member: 'agent2' }],
    ['g2 jwks_uri', { generation: 'g2', url: 'https://agent.example/jwks.json', type: 'jwks_uri' }],
    ['g3', { generation: 'g3', url: 'https://keys.agent.example/jwks.json' }],
  ] as const)(
    'verifies with http-message-signatures in generation %s',
    async (_name, webBotAuth) => {
      const key = webBotAuthKey();
      const headers = signed(key, { webBotAuth }, Math.floor(Date.now() / 1000));
      const publicKey = createPublicKey({ key: key.publicJwk, format: 'jwk' });
      let seenKeyid: string | undefined;
      const verified = await httpbis.verifyMessage(
        {
          keyLookup: async (params) => {
            seenKeyid = params.keyid;
            return {
              id: key.thumbprint,
              algs: ['ed25519'],
              verify: createVerifier(publicKey, 'ed25519'),
            };
          },
          requiredFields: ['@authority', 'signature-agent'],
        },
        { method: 'GET', url: URL_, headers },
      );
      expect(verified).toBe(true);
      expect(seenKeyid).toBe(key.thumbprint);
    },
  );

  it('verifies with Cloudflare web-bot-auth 0.1.3 in generation g1 (the only form that version reads)', async () => {
    const key = webBotAuthKey();
    const headers = signed(
      key,
      { webBotAuth: { generation: 'g1', url: 'https://agent.example' } },
      Math.floor(Date.now() / 1000),
    );
    const request = new Request(URL_, { headers });
    await expect(
      cloudflareVerify(request, await verifierFromJWK(key.publicJwk)),
    ).resolves.toBeUndefined();
  });

  it('is refused by Cloudflare web-bot-auth 0.1.3 in generation g2, which signs the whole field rather than the member', async () => {
    const key = webBotAuthKey();
    const headers = signed(
      key,
      { webBotAuth: { generation: 'g2', url: 'https://agent.example' } },
      Math.floor(Date.now() / 1000),
    );
    const request = new Request(URL_, { headers });
    await expect(cloudflareVerify(request, await verifierFromJWK(key.publicJwk))).rejects.toThrow(
      'invalid signature',
    );
  });
});
