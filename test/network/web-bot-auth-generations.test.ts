import { describe, expect, it } from 'vitest';
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
  signWebBotAuth,
  type WebBotAuthKey,
  type WebBotAuthOptions,
  webBotAuthKey,
} from '../support/sign-web-bot-auth.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { useTestApp } from '../support/start-test-app.js';

/*
 * The three Web Bot Auth generations over real gRPC against a local HTTPS host (docs/
 * web-bot-auth.md): G1 (sf-String origin), G2 (dictionary, `type` directory | jwks_uri | cimd)
 * and G3 (a member URL fetched directly as a JWKS). This server accepts every generation,
 * g2-cimd included (it is off by default).
 */
const host = useDocumentHost();
const server = useTestApp(
  networkFlags(host, ['--web-bot-auth.generations=g1,g2-directory,g2-jwks_uri,g2-cimd,g3']),
  { lookup: host.lookup },
);
const onlyG3 = useTestApp(networkFlags(host, ['--web-bot-auth.generations=g3']), {
  lookup: host.lookup,
});

const GET = { method: 'GET', url: 'https://shop.example.com/products?page=2' };
const JWKS_TYPE = { 'content-type': 'application/jwk-set+json' };
const JSON_TYPE = { 'content-type': 'application/json' };

function check(
  key: WebBotAuthKey,
  options: Omit<WebBotAuthOptions, 'created'>,
  target = server,
): Promise<UpstreamCheckResponse> {
  const created = Math.floor(target.now / 1000);
  const headers = signWebBotAuth(GET, key, { created, ...options });
  return target.client.check(envoyCheckRequest({ ...GET, headers }));
}

function expectDenied(response: UpstreamCheckResponse, reason: string, detail?: string): void {
  expect(response.ok_response).toBeUndefined();
  expect(problem(response)).toMatchObject({ reason });
  if (detail !== undefined) expect(problem(response).detail).toBe(detail);
}

describe('Web Bot Auth generation', () => {
  it('G1 (an sf-String origin) is verified against the well-known directory', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'g1.example.test', [key]);
    const response = await check(key, { agent: host.origin('g1.example.test'), form: 'string' });
    expect(setHeaders(response)).toMatchObject({
      'x-agent-id': host.origin('g1.example.test'),
      'x-agent-profile': 'web-bot-auth',
    });
    expect(agentMetadata(response)).toMatchObject({ generation: 'g1', tag: 'web-bot-auth' });
  });

  it('G2 type=directory (the default) is verified against the well-known directory', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'g2.example.test', [key]);
    const response = await check(key, {
      agent: host.origin('g2.example.test'),
      memberParams: ';type=directory',
    });
    expect(setHeaders(response)['x-agent-id']).toBe(host.origin('g2.example.test'));
    expect(agentMetadata(response).generation).toBe('g2-directory');
  });

  it('G2 type=jwks_uri is verified against the JWKS the member names', async () => {
    const key = webBotAuthKey();
    host.serve('jwksuri.example.test', '/agent/jwks.json', {
      headers: JWKS_TYPE,
      body: jwksBody([key]),
    });
    const url = `${host.origin('jwksuri.example.test')}/agent/jwks.json`;
    const response = await check(key, { agent: url, memberParams: ';type=jwks_uri' });
    expect(setHeaders(response)['x-agent-id']).toBe(url);
    expect(agentMetadata(response).generation).toBe('g2-jwks_uri');
  });

  it('G2 type=cimd is verified against the inline jwks of the client metadata', async () => {
    const key = webBotAuthKey();
    const url = `${host.origin('cimd.example.test')}/client.json`;
    host.serve('cimd.example.test', '/client.json', {
      headers: JSON_TYPE,
      body: JSON.stringify({ client_id: url, jwks: JSON.parse(jwksBody([key])) }),
    });
    const response = await check(key, { agent: url, memberParams: ';type=cimd' });
    expect(setHeaders(response)['x-agent-id']).toBe(url);
    expect(agentMetadata(response).generation).toBe('g2-cimd');
  });

  it('G2 type=cimd follows the jwks_uri of the client metadata', async () => {
    const key = webBotAuthKey();
    const url = `${host.origin('cimd-uri.example.test')}/client.json`;
    const jwksUri = `${host.origin('cimd-uri.example.test')}/jwks.json`;
    host.serve('cimd-uri.example.test', '/client.json', {
      headers: JSON_TYPE,
      body: JSON.stringify({ client_id: url, jwks_uri: jwksUri }),
    });
    host.serve('cimd-uri.example.test', '/jwks.json', {
      headers: JWKS_TYPE,
      body: jwksBody([key]),
    });
    const response = await check(key, { agent: url, memberParams: ';type=cimd' });
    expect(setHeaders(response)['x-agent-id']).toBe(url);
  });

  it('G3 fetches the member URL as a JWKS and attributes the request to it, query dropped', async () => {
    const key = webBotAuthKey();
    host.serve('g3.example.test', '/bots/crawler.jwks?v=2', {
      headers: JWKS_TYPE,
      body: jwksBody([key]),
    });
    const url = `${host.origin('g3.example.test')}/bots/crawler.jwks`;
    const response = await check(key, { agent: `${url}?v=2` });
    expect(setHeaders(response)['x-agent-id']).toBe(url);
    expect(agentMetadata(response).generation).toBe('g3');
    expect(host.hits('g3.example.test', '/bots/crawler.jwks?v=2')).toBe(1);
  });

  it('G3 ignores a member that carries parameters, and fetches nothing for it', async () => {
    const key = webBotAuthKey();
    host.serve('g3params.example.test', '/jwks.json', {
      headers: JWKS_TYPE,
      body: jwksBody([key]),
    });
    const url = `${host.origin('g3params.example.test')}/jwks.json`;
    const response = await check(key, { agent: url, memberParams: ';type=jwks_uri' }, onlyG3);
    expectDenied(response, 'key_unresolvable');
    expect(problem(response).detail).toContain('a member with parameters is ignored');
    expect(host.hits('g3params.example.test', '/jwks.json')).toBe(0);
  });

  it('refuses a generation left out of webBotAuth.generations', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'nog1.example.test', [key]);
    const response = await check(
      key,
      { agent: host.origin('nog1.example.test'), form: 'string' },
      onlyG3,
    );
    expectDenied(
      response,
      'key_unresolvable',
      'Signature-Agent generation g1 is not accepted here (webBotAuth.generations)',
    );
  });
});

describe('a Web Bot Auth signature valid for too long', () => {
  it('is refused when expires is more than webBotAuth.maxValidity (24 h) after created', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'longlived.example.test', [key]);
    const agent = host.origin('longlived.example.test');
    expectDenied(
      await check(key, { agent, expiresIn: 24 * 3600 + 1 }),
      'credential_malformed',
      'expires is further after created than webBotAuth.maxValidity allows',
    );
    expect((await check(key, { agent, expiresIn: 24 * 3600 })).ok_response).toBeDefined();
  });
});

describe('Signature-Agent member selection', () => {
  it('follows the covered member when the label names another (the draft signs sig2 over agent2)', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'member.example.test', [key]);
    publishDirectory(host, 'label.example.test', [webBotAuthKey()]);
    const response = await check(key, {
      agent: host.origin('member.example.test'),
      label: 'sig2',
      member: 'agent2',
      otherMembers: `sig2="${host.origin('label.example.test')}"`,
    });
    expect(setHeaders(response)['x-agent-id']).toBe(host.origin('member.example.test'));
    expect(host.hits('label.example.test', DIRECTORY_PATH)).toBe(0);
  });

  it('never attributes a signature to a member it does not cover', async () => {
    const key = webBotAuthKey();
    // The key is published by the uncovered member's directory only.
    publishDirectory(host, 'uncovered-owner.example.test', [key]);
    publishDirectory(host, 'covered.example.test', [webBotAuthKey()]);
    const response = await check(key, {
      agent: host.origin('covered.example.test'),
      label: 'sig1',
      member: 'agent2',
      otherMembers: `sig1="${host.origin('uncovered-owner.example.test')}"`,
    });
    expectDenied(response, 'key_unresolvable', 'the key directory does not list this keyid');
    expect(host.hits('uncovered-owner.example.test', DIRECTORY_PATH)).toBe(0);
  });
});

describe('keys looked up by (directory URL, thumbprint)', () => {
  it('never verifies with a key cached for another directory', async () => {
    const key = webBotAuthKey();
    publishDirectory(host, 'owner.example.test', [key]);
    publishDirectory(host, 'claimant.example.test', [webBotAuthKey()]);
    expect(
      (await check(key, { agent: host.origin('owner.example.test') })).ok_response,
    ).toBeDefined();
    expectDenied(
      await check(key, { agent: host.origin('claimant.example.test') }),
      'key_unresolvable',
      'the key directory does not list this keyid',
    );
  });

  it('keeps a cached key when a refetch fails, and drops it when a fetch succeeds without it', async () => {
    const key = webBotAuthKey();
    const origin = host.origin('outage.example.test');
    host.serve('outage.example.test', DIRECTORY_PATH, {
      headers: { ...DIRECTORY_TYPE, 'cache-control': 'max-age=60' },
      body: jwksBody([key]),
    });
    expect((await check(key, { agent: origin })).ok_response).toBeDefined();

    // The directory host is down for longer than freshness + resolver.maxStale (1h).
    host.serve('outage.example.test', DIRECTORY_PATH, {
      status: 503,
      headers: { 'retry-after': '120' },
    });
    server.now += 2 * 3_600_000;
    const fetchesBefore = host.hits('outage.example.test', DIRECTORY_PATH);
    expect((await check(key, { agent: origin })).ok_response).toBeDefined();
    expect(host.hits('outage.example.test', DIRECTORY_PATH)).toBe(fetchesBefore + 1);
    // Retry-After (120 s, longer than resolver.negativeTtl) is honoured: no refetch before it.
    server.now += 60_000;
    expect((await check(key, { agent: origin })).ok_response).toBeDefined();
    expect(host.hits('outage.example.test', DIRECTORY_PATH)).toBe(fetchesBefore + 1);

    // The directory answers again, without the key: that is evidence, and the key goes.
    publishDirectory(host, 'outage.example.test', [webBotAuthKey()]);
    server.now += 61_000;
    expectDenied(await check(key, { agent: origin }), 'key_unresolvable');
  });
});
