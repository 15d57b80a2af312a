import { fc, test } from '@fast-check/vitest';
import { Token } from 'structured-headers';
import { describe, it } from 'vitest';
import { type AgentKey, generateAgentKey, signRequest } from '../../src/agent/index.js';
import { authzRequestOf } from '../support/authz-request-of.js';
import type { RequestShape } from '../support/envoy-check-request.js';
import {
  changeSignatureInput,
  expectMutantsDenied,
  flipByte,
  replaceChar,
  signatureBytes,
  signatureHeader,
} from '../support/mutations.js';
import { usePropertyEngine } from '../support/property-engine.js';
import { runs, useTally } from '../support/property-runs.js';

const engine = usePropertyEngine();
const tally = useTally('test/mutation/signed-requests');
const URL_TEXT = 'https://api.example.com/orders/17?limit=10&sort=asc';
const BODY = '{"item":"book","quantity":1,"note":"leave at the door"}';

/** A POST signed now by `key`, covering @method, @authority, @path, @query, content-digest and agent-purpose. */
function signedPost(key: AgentKey): Signed {
  const headers = { 'content-type': 'application/json', 'agent-purpose': 'restock' };
  const signature = signRequest({
    method: 'POST',
    url: URL_TEXT,
    headers,
    body: BODY,
    key,
    created: Math.floor(engine.now / 1000),
    coverHeaders: ['agent-purpose'],
  });
  return { method: 'POST', url: URL_TEXT, headers: { ...headers, ...signature }, body: BODY };
}

interface Signed {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}
type Mutation = (signed: Signed, at: number, pick: number) => RequestShape;

const withHeaders = (signed: Signed, headers: Record<string, string>): RequestShape => ({
  ...signed,
  headers: { ...signed.headers, ...headers },
});
const withUrl = (signed: Signed, change: (url: URL) => void): RequestShape => {
  const url = new URL(signed.url);
  change(url);
  return { ...signed, url: url.toString() };
};
const withInput = (signed: Signed, change: Parameters<typeof changeSignatureInput>[1]) =>
  withHeaders(signed, {
    'signature-input': changeSignatureInput(signed.headers['signature-input']!, change),
  });

/** One change to each covered component and signature parameter; `at`/`pick` vary it. */
const MUTATIONS: Record<string, Mutation> = {
  '@method': (s, _at, pick) => ({ ...s, method: ['GET', 'PUT', 'PATCH', 'DELETE'][pick % 4]! }),
  '@authority host': (s, at, pick) =>
    withUrl(s, (u) => {
      u.hostname = replaceChar(u.hostname, at, pick, 'abcdefghijklmnopqrstuvwxyz0123456789');
    }),
  '@authority port': (s, _at, pick) =>
    withUrl(s, (u) => {
      u.port = String(8000 + (pick % 1000));
    }),
  '@path character': (s, at, pick) => {
    const url = new URL(s.url);
    return { ...s, rawPath: `${replaceChar(url.pathname, at, pick)}${url.search}` };
  },
  '@path extended': (s) =>
    withUrl(s, (u) => {
      u.pathname += '/';
    }),
  '@query character': (s, at, pick) =>
    withUrl(s, (u) => {
      u.search = replaceChar(u.search.slice(1), at, pick);
    }),
  '@query removed': (s) =>
    withUrl(s, (u) => {
      u.search = '';
    }),
  '@query added to': (s) => withUrl(s, (u) => u.searchParams.append('admin', 'true')),
  'content-digest value': (s, at, pick) => {
    const digest = s.headers['content-digest']!;
    const value = digest.slice('sha-256=:'.length, -1);
    const changed = replaceChar(
      value,
      at,
      pick,
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
    );
    return withHeaders(s, { 'content-digest': `sha-256=:${changed}:` });
  },
  'agent-purpose value': (s, at, pick) =>
    withHeaders(s, { 'agent-purpose': replaceChar('restock', at, pick) }),
  'agent-purpose removed': (s) => {
    const { 'agent-purpose': _removed, ...headers } = s.headers;
    return { ...s, headers };
  },
  created: (s, at) =>
    withInput(s, (_c, p) =>
      p.set('created', (p.get('created') as number) + ((at % 120) + 1) * (at % 2 ? 1 : -1)),
    ),
  expires: (s, at) =>
    withInput(s, (_c, p) => p.set('expires', (p.get('created') as number) + 60 + (at % 100))),
  nonce: (s, at, pick) =>
    withInput(s, (_c, p) => p.set('nonce', replaceChar(String(p.get('nonce')), at, pick))),
  keyid: (s, _at, pick) =>
    withInput(s, (_c, p) => p.set('keyid', OTHER_KEYS[pick % OTHER_KEYS.length]!.keyId)),
  alg: (s, _at, pick) =>
    withInput(s, (_c, p) =>
      p.set('alg', ['ed25519', 'ecdsa-p256-sha256', 'rsa-pss-sha512', 'hmac-sha256'][pick % 4]!),
    ),
  tag: (s, _at, pick) =>
    withInput(s, (_c, p) => p.set('tag', ['web-bot-auth', 'other'][pick % 2]!)),
  'tag removed': (s) => withInput(s, (_c, p) => p.delete('tag')),
  'component removed': (s, at) => withInput(s, (c) => void c.splice(at % c.length, 1)),
  'component added': (s, _at, pick) =>
    withInput(
      s,
      (c) => void c.push([['content-type', '@scheme', '@target-uri'][pick % 3]!, new Map()]),
    ),
  'component reordered': (s, at) =>
    withInput(s, (c) => {
      const i = at % (c.length - 1);
      [c[i], c[i + 1]] = [c[i + 1]!, c[i]!];
    }),
  'parameter token type': (s) => withInput(s, (_c, p) => p.set('tag', new Token('agent-authz'))),
  'signature byte': (s, at, pick) =>
    withHeaders(s, {
      signature: signatureHeader(flipByte(signatureBytes(s.headers.signature!), at, pick)),
    }),
  'signature label': (s) =>
    withHeaders(s, { signature: s.headers.signature!.replace(/^sig1=/, 'sig2=') }),
  'body byte': (s, at, pick) => ({ ...s, body: flipByte(Buffer.from(BODY), at, pick) }),
  'body truncated': (s, at) => ({ ...s, body: BODY.slice(0, at % BODY.length) }),
  'body extended': (s) => ({ ...s, body: `${BODY} ` }),
};

const OTHER_KEYS = [generateAgentKey(), generateAgentKey({ type: 'p256' })];

describe.each([
  ['Ed25519', generateAgentKey()],
  ['P-256', generateAgentKey({ type: 'p256' })],
])('a valid %s signed request', (_name, key) => {
  test.prop(
    {
      mutation: fc.constantFrom(...Object.keys(MUTATIONS)),
      at: fc.nat({ max: 10_000 }),
      pick: fc.nat({ max: 10_000 }),
    },
    { numRuns: runs(300) },
  )(
    'is denied whatever covered component, parameter, signature byte or body byte changes',
    async ({ mutation, at, pick }) => {
      const signed = signedPost(key);
      const mutant = MUTATIONS[mutation]!(signed, at, pick);
      await expectMutantsDenied(engine, authzRequestOf(signed), [authzRequestOf(mutant)], tally);
    },
  );

  it('is denied with any one of its signature bytes changed, each of them in turn', async () => {
    const signed = signedPost(key);
    const bytes = signatureBytes(signed.headers.signature!);
    const mutants = [...bytes].map((_byte, at) =>
      authzRequestOf(MUTATIONS['signature byte']!(signed, at, Math.floor(Math.random() * 255))),
    );
    await expectMutantsDenied(engine, authzRequestOf(signed), mutants, tally);
  });

  it('is denied with any one of its body bytes changed, each of them in turn', async () => {
    const signed = signedPost(key);
    const mutants = [...Buffer.from(BODY)].map((_byte, at) =>
      authzRequestOf(MUTATIONS['body byte']!(signed, at, Math.floor(Math.random() * 255))),
    );
    await expectMutantsDenied(engine, authzRequestOf(signed), mutants, tally);
  });
});
