import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { type InnerList, serializeDictionary, serializeInnerList } from 'structured-headers';
import { describe, expect, it } from 'vitest';
import { type AgentKey, generateAgentKey, signRequest } from '../../src/agent/index.js';
import { buildSignatureBase } from '../../src/proofs/signature-base.js';
import { envoyCheckRequest, type RequestShape } from '../support/envoy-check-request.js';
import { problem, setHeaders, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { networkFlags } from '../support/network-app.js';
import { publishDirectory, signWebBotAuth, webBotAuthKey } from '../support/sign-web-bot-auth.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { useTestApp } from '../support/start-test-app.js';

/*
 * Issue 8 item 1: a signature the server accepted as part of one request must never be accepted
 * again. The rule: a request carries exactly one signature the server would verify (tagged
 * agent-authz, tagged web-bot-auth, or untagged); two are refused before anything is verified.
 */

const host = useDocumentHost();
const server = useTestApp(networkFlags(host), { lookup: host.lookup });

const GET = { method: 'GET', url: 'https://api.example.com/orders' };
const nowSeconds = () => Math.floor(server.now / 1000);

/** An agent-authz-profile signature with no `tag` parameter, under `label`. */
function signUntagged(shape: RequestShape, key: AgentKey, label: string): Record<string, string> {
  const url = new URL(shape.url);
  const names = ['@method', '@authority', '@path'];
  const params = new Map<string, string | number>([
    ['created', nowSeconds()],
    ['keyid', key.keyId],
    ['nonce', randomBytes(16).toString('base64url')],
  ]);
  const innerList: InnerList = [names.map((name) => [name, new Map()]), params];
  const base = buildSignatureBase(
    {
      method: shape.method,
      scheme: url.protocol.slice(0, -1),
      authority: url.host,
      path: url.pathname,
      query: null,
      headers: new Map(),
    },
    {
      components: names.map((name) => ({ name, params: new Map(), serialized: `"${name}"` })),
      serializedParams: serializeInnerList(innerList),
    },
  );
  const bytes = sign(
    null,
    Buffer.from(base),
    createPrivateKey({ key: key.privateJwk, format: 'jwk' }),
  );
  return {
    'signature-input': serializeDictionary(new Map([[label, innerList]])),
    signature: serializeDictionary(new Map([[label, [bytes, new Map()]]])),
  };
}

/** One request carrying every signature in `sets` (their other headers merged). */
function together(...sets: Array<Record<string, string>>): Record<string, string> {
  const merged: Record<string, string> = Object.assign({}, ...sets);
  merged['signature-input'] = sets.map((set) => set['signature-input']).join(', ');
  merged.signature = sets.map((set) => set.signature).join(', ');
  return merged;
}

function check(shape: RequestShape, headers: Record<string, string>) {
  return server.client.check(envoyCheckRequest({ ...shape, headers }));
}

function expectDenied(response: UpstreamCheckResponse, reason: string): void {
  expect(response.ok_response).toBeUndefined();
  expect(problem(response)).toMatchObject({ reason });
}

describe('a request carrying more than one signature the server verifies', () => {
  it('is refused when an agent-authz signature comes with an untagged one', async () => {
    const key = generateAgentKey();
    const tagged = signRequest({ ...GET, key, created: nowSeconds(), label: 'a' });
    const untagged = signUntagged(GET, key, 'b');

    expectDenied(await check(GET, together(tagged, untagged)), 'credential_malformed');
    expect(problem(await check(GET, together(tagged, untagged))).detail).toMatch(
      /more than one signature/,
    );
  });

  it('accepts each of the pair alone once, and never a second time', async () => {
    const key = generateAgentKey();
    const tagged = signRequest({ ...GET, key, created: nowSeconds(), label: 'a' });
    const untagged = signUntagged(GET, key, 'b');
    expectDenied(await check(GET, together(tagged, untagged)), 'credential_malformed');

    expect(setHeaders(await check(GET, untagged))['x-agent-id']).toBe(key.didKey);
    expectDenied(await check(GET, untagged), 'replayed');
    expect(setHeaders(await check(GET, tagged))['x-agent-id']).toBe(key.didKey);
    expectDenied(await check(GET, tagged), 'replayed');
  });

  it('is refused when an agent-authz signature comes with a Web Bot Auth one', async () => {
    const agent = generateAgentKey();
    const crawler = webBotAuthKey();
    publishDirectory(host, 'pair.example.test', [crawler]);
    const webBotAuth = signWebBotAuth(GET, crawler, {
      agent: host.origin('pair.example.test'),
      created: nowSeconds(),
    });
    const agentAuthz = signRequest({ ...GET, key: agent, created: nowSeconds(), label: 'a' });

    expectDenied(await check(GET, together(agentAuthz, webBotAuth)), 'credential_malformed');
    // The Web Bot Auth signature covers only @authority: had the pair been allowed, this
    // request to another method and path would have been its replay.
    const elsewhere: RequestShape = { method: 'DELETE', url: 'https://api.example.com/admin' };
    expect(setHeaders(await check(elsewhere, webBotAuth))['x-agent-id']).toBe(
      host.origin('pair.example.test'),
    );
    expectDenied(await check(GET, webBotAuth), 'replayed');
  });

  it('is refused when an agent-authz signature comes with a Visa TAP one', async () => {
    const payer = webBotAuthKey();
    publishDirectory(host, 'tap-pair.example.test', [payer]);
    const tap = signWebBotAuth(GET, payer, {
      agent: host.origin('tap-pair.example.test'),
      created: nowSeconds(),
      tag: 'agent-payer-auth',
      label: 'sig2',
      extraComponents: ['@path'],
    });
    const agentAuthz = signRequest({ ...GET, key: generateAgentKey(), created: nowSeconds() });
    const response = await check(GET, together(agentAuthz, tap));
    expectDenied(response, 'credential_malformed');
    expect(problem(response).detail).toContain('"agent-payer-auth"');
    // Alone, the TAP signature is still fresh: the refused pair claimed nothing.
    expect(setHeaders(await check(GET, tap))['x-agent-id']).toBe(
      host.origin('tap-pair.example.test'),
    );
    expectDenied(await check(GET, tap), 'replayed');
  });
});

describe('a request whose two signatures share a label', () => {
  it('is refused, rather than verifying the last and leaving the first unclaimed', async () => {
    const crawler = webBotAuthKey();
    publishDirectory(host, 'same-label.example.test', [crawler]);
    const webBotAuth = signWebBotAuth(GET, crawler, {
      agent: host.origin('same-label.example.test'),
      created: nowSeconds(),
    });
    const agentAuthz = signRequest({ ...GET, key: generateAgentKey(), created: nowSeconds() });
    expect(webBotAuth['signature-input']).toMatch(/^sig1=/);
    expect(agentAuthz['signature-input']).toMatch(/^sig1=/);

    expectDenied(await check(GET, together(webBotAuth, agentAuthz)), 'credential_malformed');
  });
});

describe('a request carrying one verifiable signature and others', () => {
  it('is allowed when the others are tagged for other verifiers', async () => {
    const key = generateAgentKey();
    const ours = signRequest({ ...GET, key, created: nowSeconds(), label: 'a' });
    const theirs = signRequest({
      ...GET,
      key: generateAgentKey(),
      created: nowSeconds(),
      label: 'b',
      tag: 'another-verifier',
    });
    const response = await check(GET, together(theirs, ours));
    expect(setHeaders(response)).toMatchObject({
      'x-agent-id': key.didKey,
      'x-agent-verified': 'true',
    });
  });
});
