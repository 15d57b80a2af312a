import { fc, test } from '@fast-check/vitest';
import { beforeAll, describe } from 'vitest';
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
import { networkFlags } from '../support/network-app.js';
import { usePropertyEngine } from '../support/property-engine.js';
import { runs, useTally } from '../support/property-runs.js';
import { publishDirectory, signWebBotAuth, webBotAuthKey } from '../support/sign-web-bot-auth.js';
import { useDocumentHost } from '../support/start-document-host.js';

const host = useDocumentHost();
const engine = usePropertyEngine(networkFlags(host), { lookup: host.lookup });
const tally = useTally('test/mutation/web-bot-auth');
const GET = { method: 'GET', url: 'https://shop.example.com/products?page=2' };
const signer = webBotAuthKey();
const sibling = webBotAuthKey();

beforeAll(() => {
  // Both directories list the signer's key: a changed Signature-Agent still finds it, so only
  // the signature, which covers the member, can refuse it.
  publishDirectory(host, 'crawler.example.test', [signer, sibling]);
  publishDirectory(host, 'mirror.example.test', [signer]);
});

interface Signed {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
}

function signed(form: 'dictionary' | 'string'): Signed {
  const headers = signWebBotAuth(GET, signer, {
    agent: host.origin('crawler.example.test'),
    form,
    created: Math.floor(engine.now / 1000),
  });
  return { ...GET, headers };
}

type Mutation = (s: Signed, at: number, pick: number) => RequestShape;
const withHeaders = (s: Signed, headers: Record<string, string>): RequestShape => ({
  ...s,
  headers: { ...s.headers, ...headers },
});
const withInput = (s: Signed, change: Parameters<typeof changeSignatureInput>[1]) =>
  withHeaders(s, {
    'signature-input': changeSignatureInput(s.headers['signature-input']!, change),
  });

const MUTATIONS: Record<string, Mutation> = {
  '@authority host': (s, at, pick) => {
    const url = new URL(s.url);
    url.hostname = replaceChar(url.hostname, at, pick, 'abcdefghijklmnopqrstuvwxyz0123456789');
    return { ...s, url: url.toString() };
  },
  '@authority port': (s, _at, pick) => ({
    ...s,
    url: `https://shop.example.com:${8000 + (pick % 1000)}/products?page=2`,
  }),
  'signature-agent origin': (s) =>
    withHeaders(s, {
      'signature-agent': s.headers['signature-agent']!.replace(
        'crawler.example.test',
        'mirror.example.test',
      ),
    }),
  'signature-agent member name': (s) =>
    withHeaders(s, {
      'signature-agent': s.headers['signature-agent']!.replace(/^agent1=/, 'agent2='),
    }),
  'signature-agent removed': (s) => {
    const { 'signature-agent': _removed, ...headers } = s.headers;
    return { ...s, headers };
  },
  'signature byte': (s, at, pick) =>
    withHeaders(s, {
      signature: signatureHeader(flipByte(signatureBytes(s.headers.signature!), at, pick)),
    }),
  created: (s, at) =>
    withInput(s, (_c, p) =>
      p.set('created', (p.get('created') as number) + ((at % 50) + 1) * (at % 2 ? 1 : -1)),
    ),
  expires: (s, at) =>
    withInput(s, (_c, p) => p.set('expires', (p.get('expires') as number) + (at % 50) + 1)),
  'expires removed': (s) => withInput(s, (_c, p) => p.delete('expires')),
  keyid: (s) => withInput(s, (_c, p) => p.set('keyid', sibling.thumbprint)),
  nonce: (s, at, pick) =>
    withInput(s, (_c, p) => p.set('nonce', replaceChar(String(p.get('nonce')), at, pick))),
  tag: (s, _at, pick) =>
    withInput(s, (_c, p) => p.set('tag', ['agent-authz', 'web-bot-auth-v2'][pick % 2]!)),
  'tag removed': (s) => withInput(s, (_c, p) => p.delete('tag')),
  'component removed': (s, at) => withInput(s, (c) => void c.splice(at % c.length, 1)),
  'component added': (s, _at, pick) =>
    withInput(s, (c) => void c.push([['@method', '@path', '@target-uri'][pick % 3]!, new Map()])),
};

describe.each(['dictionary', 'string'] as const)(
  'a valid Web Bot Auth request (Signature-Agent as a %s)',
  (form) => {
    test.prop(
      {
        // The legacy string form has no member name to change.
        mutation: fc.constantFrom(
          ...Object.keys(MUTATIONS).filter(
            (name) => form === 'dictionary' || name !== 'signature-agent member name',
          ),
        ),
        at: fc.nat({ max: 10_000 }),
        pick: fc.nat({ max: 10_000 }),
      },
      { numRuns: runs(150) },
    )(
      'is denied whatever covered component, parameter or signature byte changes',
      async ({ mutation, at, pick }) => {
        const s = signed(form);
        if (form === 'string' && mutation === 'signature-agent member name') return;
        const mutant = MUTATIONS[mutation]!(s, at, pick);
        await expectMutantsDenied(engine, authzRequestOf(s), [authzRequestOf(mutant)], tally);
      },
    );
  },
);
