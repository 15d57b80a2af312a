import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../src/keys/jwk-thumbprint.js';
import { TEST_KEY_ED25519_PRIVATE, TEST_KEY_ED25519_PUBLIC } from '../fixtures/rfc9421-keys.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import {
  agentMetadata,
  problem,
  setHeaders,
  type UpstreamCheckResponse,
} from '../support/envoy-client.js';
import { networkFlags } from '../support/network-app.js';
import {
  DIRECTORY_PATH,
  DIRECTORY_TYPE,
  jwksBody,
  publishDirectory,
  signDirectoryResponse,
  signWebBotAuth,
  type WebBotAuthKey,
  type WebBotAuthOptions,
  webBotAuthKey,
} from '../support/sign-web-bot-auth.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

/*
 * Directory response signatures, known test keys, Visa TAP-shaped requests and signature tags
 * as policy inputs, over real gRPC against a local HTTPS host. The servers start once the host
 * has its port, which the configured TAP key directory URL names.
 */
const host = useDocumentHost();
const POLICY = `
zones:
  - name: payments
    match: { paths: ["/pay/*"] }
    profiles: [web-bot-auth]
    tags: [agent-payer-auth]
agents:
  - id: "https://signed.example.test:*"
    requireSignedDirectory: true
  - id: "https://unsigned.example.test:*"
    requireSignedDirectory: true
  - id: "https://browser-agent.example.test:*"
    profiles: [web-bot-auth]
    tags: [agent-browser-auth]
`;
let server: TestApp;
let lenient: TestApp;
const directory = mkdtempSync(join(tmpdir(), 'agent-authz-wba-proofs-'));

beforeAll(async () => {
  const policyFile = join(directory, 'policy.yaml');
  writeFileSync(policyFile, POLICY);
  const tapDirectory = `${host.origin('payments-network.example.test')}/agent-keys.json`;
  server = await startTestApp(
    networkFlags(host, [
      `--policy=${policyFile}`,
      `--web-bot-auth.tag-directories=[{"tag":"agent-payer-auth","url":"${tapDirectory}"}]`,
    ]),
    { lookup: host.lookup },
  );
  lenient = await startTestApp(networkFlags(host, ['--signatures.allow-test-keys=true']), {
    lookup: host.lookup,
  });
});
afterAll(async () => {
  await server?.stop();
  await lenient?.stop();
  rmSync(directory, { recursive: true, force: true });
});

const GET = { method: 'GET', url: 'https://shop.example.com/products' };
const PAY = { method: 'POST', url: 'https://shop.example.com/pay/checkout' };

function check(
  key: WebBotAuthKey,
  options: Omit<WebBotAuthOptions, 'created'>,
  shape: { method: string; url: string } = GET,
  target: TestApp = server,
): Promise<UpstreamCheckResponse> {
  const headers = signWebBotAuth(shape, key, {
    created: Math.floor(target.now / 1000),
    ...options,
  });
  return target.client.check(envoyCheckRequest({ ...shape, headers }));
}

function expectDenied(response: UpstreamCheckResponse, reason: string): Record<string, unknown> {
  expect(response.ok_response).toBeUndefined();
  expect(problem(response)).toMatchObject({ reason });
  return problem(response);
}

/** Serves `keys` at `hostname`'s well-known path with a response signature by `signer`. */
function publishSigned(
  hostname: string,
  keys: WebBotAuthKey[],
  signer: WebBotAuthKey,
  body?: string,
) {
  const signed = jwksBody(keys);
  const created = Math.floor(server.now / 1000);
  const signature = signDirectoryResponse(signed, signer, `${hostname}:${host.port}`, created);
  host.serve(hostname, DIRECTORY_PATH, {
    headers: { ...DIRECTORY_TYPE, ...signature },
    body: body ?? signed,
  });
}

describe('a key directory response signature', () => {
  it('is verified, and admits an agent whose policy requires a signed directory', async () => {
    const key = webBotAuthKey();
    publishSigned('signed.example.test', [key], key);
    const response = await check(key, { agent: host.origin('signed.example.test') });
    expect(setHeaders(response)['x-agent-id']).toBe(host.origin('signed.example.test'));
    expect(agentMetadata(response).directory_signed).toBe(true);
  });

  it('refuses the whole directory when the body was tampered with after signing', async () => {
    const key = webBotAuthKey();
    const swapped = webBotAuthKey();
    publishSigned('tampered.example.test', [key], key, jwksBody([key, swapped]));
    const denial = expectDenied(
      await check(swapped, { agent: host.origin('tampered.example.test') }),
      'key_unresolvable',
    );
    expect(denial.detail).toBe(
      'the key directory\'s response signature is invalid (signature "binding": Content-Digest: the body does not match its sha-256 digest)',
    );
  });

  it('refuses a directory whose response signature was created in the future', async () => {
    const key = webBotAuthKey();
    const body = jwksBody([key]);
    const created = Math.floor(server.now / 1000) + 3600;
    host.serve('future.example.test', DIRECTORY_PATH, {
      headers: {
        ...DIRECTORY_TYPE,
        ...signDirectoryResponse(body, key, `future.example.test:${host.port}`, created),
      },
      body,
    });
    const denial = expectDenied(
      await check(key, { agent: host.origin('future.example.test') }),
      'key_unresolvable',
    );
    expect(denial.detail).toContain('created is in the future');
  });

  it('is required by requireSignedDirectory: an unsigned directory does not admit the agent', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'unsigned.example.test', [key]);
    const denial = expectDenied(
      await check(key, { agent: host.origin('unsigned.example.test') }),
      'key_unresolvable',
    );
    expect(denial.detail).toContain('requireSignedDirectory');
  });
});

describe('a published test key', () => {
  const testKey: WebBotAuthKey = {
    privateJwk: TEST_KEY_ED25519_PRIVATE,
    publicJwk: TEST_KEY_ED25519_PUBLIC,
    thumbprint: jwkThumbprint(TEST_KEY_ED25519_PUBLIC)!,
  };

  it('is refused as an agent key by default, with the reason', async () => {
    publishDirectory(host, 'rfc-key.example.test', [testKey]);
    const denial = expectDenied(
      await check(testKey, { agent: host.origin('rfc-key.example.test') }),
      'key_unresolvable',
    );
    expect(denial.detail).toBe(
      'the key is a published test key (RFC 9421 Appendix B.1.4 (test-key-ed25519), the Web Bot Auth drafts’ Ed25519 vectors); it is refused unless signatures.allowTestKeys is on',
    );
  });

  it('is accepted when signatures.allowTestKeys is on (conformance runs)', async () => {
    publishDirectory(host, 'rfc-key-ok.example.test', [testKey]);
    const response = await check(
      testKey,
      { agent: host.origin('rfc-key-ok.example.test') },
      GET,
      lenient,
    );
    expect(setHeaders(response)['x-agent-key-id']).toBe(testKey.thumbprint);
  });
});

describe('a Visa TAP-shaped payer request', () => {
  const payer = webBotAuthKey();
  const TAP = {
    label: 'sig2',
    tag: 'agent-payer-auth',
    extraComponents: ['@path'],
  } as const;

  it('verifies against the configured key directory and is replay-protected', async () => {
    host.serve('payments-network.example.test', '/agent-keys.json', {
      headers: { 'content-type': 'application/jwk-set+json' },
      body: jwksBody([webBotAuthKey(), payer]),
    });
    const headers = signWebBotAuth(PAY, payer, {
      ...TAP,
      created: Math.floor(server.now / 1000),
      nonce: 'tap-nonce-1',
    });
    expect(headers['signature-input']).toMatch(/^sig2=\("@authority" "@path"\);/);
    const request = envoyCheckRequest({ ...PAY, headers });
    const response = await server.client.check(request);
    expect(setHeaders(response)).toMatchObject({
      'x-agent-id': `${host.origin('payments-network.example.test')}/agent-keys.json`,
      'x-agent-key-id': payer.thumbprint,
      'x-agent-profile': 'web-bot-auth',
      'x-agent-zone': 'payments',
    });
    expect(agentMetadata(response)).toMatchObject({
      tag: 'agent-payer-auth',
      generation: 'tag-directory',
    });
    expectDenied(await server.client.check(request), 'replayed');
  });

  it('is refused without a nonce', async () => {
    const denial = expectDenied(await check(payer, { ...TAP, nonce: null }, PAY), 'nonce_required');
    expect(denial.detail).toBe('a signature tagged agent-payer-auth needs a nonce parameter');
  });

  it('is refused when it does not cover @path', async () => {
    const { extraComponents: _, ...withoutPath } = TAP;
    expectDenied(await check(payer, withoutPath, PAY), 'components_missing');
  });
});

describe('a zone that requires the agent-payer-auth tag', () => {
  it('refuses a request signed with the web-bot-auth tag', async () => {
    const crawler = webBotAuthKey();
    publishDirectory(host, 'crawler-pays.example.test', [crawler]);
    const denial = expectDenied(
      await check(crawler, { agent: host.origin('crawler-pays.example.test') }, PAY),
      'zone_denied',
    );
    expect(denial.detail).toBe(
      'zone payments accepts signatures tagged agent-payer-auth; this one is web-bot-auth',
    );
  });
});

describe('an agent entry that lists profiles and tags', () => {
  it('refuses the agent signing with a tag its entry does not list', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'browser-agent.example.test', [key]);
    const agent = host.origin('browser-agent.example.test');
    const denial = expectDenied(await check(key, { agent }), 'zone_denied');
    expect(denial.detail).toBe('this agent may not sign with tag web-bot-auth');
    const browsing = await check(key, {
      agent,
      tag: 'agent-browser-auth',
      extraComponents: ['@path'],
      nonce: 'browse-1',
    });
    expect(setHeaders(browsing)).toMatchObject({ 'x-agent-id': agent });
    expect(agentMetadata(browsing).tag).toBe('agent-browser-auth');
  });
});
