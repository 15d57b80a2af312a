import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkKeyDirectory } from '../../src/agent/check-directory/check-key-directory.js';
import { didWebDocument, generateAgentKey } from '../../src/agent/index.js';
import { keyDirectory, publishedKeyFromJwk } from '../../src/agent/key-directory.js';
import { signDirectoryResponse } from '../../src/agent/sign-directory-response.js';
import { TEST_KEY_ED25519_PUBLIC } from '../fixtures/rfc9421-keys.js';
import { DIRECTORY_PATH, DIRECTORY_TYPE } from '../support/sign-web-bot-auth.js';
import { type HostedResponse, useDocumentHost } from '../support/start-document-host.js';

/*
 * `agent-authz directory check` in-process, against good and broken directories served over
 * HTTPS by a local host with a test CA (the same CA trust the server's resolver.caFile gives).
 */
const host = useDocumentHost();
const NOW_MS = Date.now();
const RESOLVER = {
  network: true,
  allowPrivateNetworks: true,
  allowedHosts: [],
  timeout: 2000,
  maxBytes: 65_536,
  cacheTtl: { min: 60_000, max: 3_600_000 },
};

function check(target: string) {
  return checkKeyDirectory(target, {
    resolver: RESOLVER,
    extraCa: readFileSync(host.caFile, 'utf8'),
    clock: () => NOW_MS,
    lookup: host.lookup,
  });
}

const ed25519 = () =>
  publishedKeyFromJwk(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }));

/** Serves `body` (a directory of `keys` by default) at `name`'s well-known URL and checks it. */
async function checkServed(name: string, response: HostedResponse) {
  host.serve(`${name}.example.test`, DIRECTORY_PATH, response);
  return check(host.origin(`${name}.example.test`));
}

let served = 0;
const codes = (report: { findings: readonly { code: string; severity: string }[] }) =>
  report.findings.map((f) => `${f.severity}:${f.code}`);

function signedDirectory(
  name: string,
  options: { created?: number; body?: string } = {},
): HostedResponse {
  const keys = [ed25519(), ed25519()];
  const body = JSON.stringify(keyDirectory(keys));
  const headers = signDirectoryResponse({
    body,
    authority: `${name}.example.test:${host.port}`,
    keys,
    expiresIn: 3600,
    created: options.created ?? Math.floor(NOW_MS / 1000),
  });
  return {
    headers: { ...DIRECTORY_TYPE, 'cache-control': 'max-age=3600', ...headers },
    body: options.body ?? body,
  };
}

describe('directory check of a good directory', () => {
  it('is clean for a signed directory served with the right media type and a max-age', async () => {
    const report = await checkServed('good', signedDirectory('good'));
    expect(report).toMatchObject({ kind: 'directory', fetched: true, clean: true });
    expect(report.keys).toHaveLength(2);
    expect(report.keys.every((key) => key.usable && key.signedResponse)).toBe(true);
    expect(codes(report)).toEqual(['note:cache_lifetime', 'note:response_signed']);
  });

  it('is clean, with a note, for an unsigned directory', async () => {
    const report = await checkServed('unsigned', {
      headers: { ...DIRECTORY_TYPE, 'cache-control': 'max-age=600' },
      body: JSON.stringify(keyDirectory([ed25519()])),
    });
    expect(report.clean).toBe(true);
    expect(codes(report)).toContain('note:response_unsigned');
  });

  it('accepts the directory URL itself and a G3 JWKS URI whose kid is a label', async () => {
    const key = ed25519();
    host.serve('jwks.example.test', '/bot/jwks.json', {
      headers: { 'content-type': 'application/jwk-set+json', 'cache-control': 'max-age=600' },
      body: JSON.stringify({ keys: [{ ...key.publicJwk, kid: 'bot-2026' }] }),
    });
    const report = await check(`${host.origin('jwks.example.test')}/bot/jwks.json`);
    expect(report).toMatchObject({ kind: 'jwks', clean: true });
    expect(report.findings.find((f) => f.code === 'kid_label')?.message).toContain(key.thumbprint);
    host.serve('direct.example.test', DIRECTORY_PATH, signedDirectory('direct'));
    const direct = await check(`${host.origin('direct.example.test')}${DIRECTORY_PATH}`);
    expect(direct).toMatchObject({ kind: 'directory', clean: true });
  });

  it('checks a did:web document the way the server reads it', async () => {
    const key = generateAgentKey();
    const did = `did:web:didweb.example.test%3A${host.port}`;
    host.serve('didweb.example.test', '/.well-known/did.json', {
      headers: { 'content-type': 'application/did+json', 'cache-control': 'max-age=600' },
      body: JSON.stringify(didWebDocument(did, key.privateJwk).document),
    });
    const report = await check(did);
    expect(report).toMatchObject({ kind: 'did-web', clean: true });
    expect(report.keys[0]).toMatchObject({ algorithm: 'ed25519', usable: true });
  });
});

describe('directory check of a broken directory', () => {
  it.each([
    ['a 404', { status: 404 }, 'error:fetch_failed', /HTTP 404/],
    [
      'a redirect',
      { status: 302, headers: { location: 'https://elsewhere.example/' } },
      'error:fetch_refused',
      /redirect/,
    ],
    [
      'an HTML page',
      { headers: { 'content-type': 'text/html' }, body: '<html>' },
      'error:fetch_failed',
      /media type/,
    ],
    [
      'a body over resolver.maxBytes',
      { headers: DIRECTORY_TYPE, body: 'x'.repeat(70_000) },
      'error:fetch_too_large',
      /larger/,
    ],
  ] as const)(
    'reports %s as the fetch problem the server would have',
    async (_name, response, code, message) => {
      const report = await checkServed(`fetch-${++served}`, response);
      expect(report).toMatchObject({ fetched: false, clean: false });
      expect(codes(report)).toEqual([code]);
      expect(report.findings[0]!.message).toMatch(message);
    },
  );

  it('refuses a loopback host as the server does when private networks are not allowed', async () => {
    host.serve('private.example.test', DIRECTORY_PATH, signedDirectory('private'));
    const report = await checkKeyDirectory(host.origin('private.example.test'), {
      resolver: { ...RESOLVER, allowPrivateNetworks: false },
      extraCa: readFileSync(host.caFile, 'utf8'),
      clock: () => NOW_MS,
      lookup: host.lookup,
    });
    expect(codes(report)).toEqual(['error:fetch_refused']);
    expect(report.findings[0]!.message).toContain('allowPrivateNetworks');
  });

  it('reports plain JSON, a missing Cache-Control and no-store as warnings', async () => {
    const body = JSON.stringify(keyDirectory([ed25519()]));
    const json = await checkServed('json', {
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(codes(json)).toEqual(
      expect.arrayContaining(['warning:media_type', 'warning:cache_control_missing']),
    );
    const noStore = await checkServed('nostore', {
      headers: { ...DIRECTORY_TYPE, 'cache-control': 'no-store' },
      body,
    });
    expect(codes(noStore)).toContain('warning:cache_control_uncacheable');
    expect(noStore.clean).toBe(false);
  });

  it('reports a kid that is not the thumbprint, a weak RSA key, a test key, an expired key and private material', async () => {
    const good = ed25519();
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'jwk',
    });
    const withPrivate = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    const keys: JsonWebKey[] = [
      { ...good.publicJwk, kid: 'my-key-1' },
      weak,
      { ...TEST_KEY_ED25519_PUBLIC },
      { ...ed25519().publicJwk, exp: Math.floor(NOW_MS / 1000) - 60 },
      withPrivate,
    ];
    const report = await checkServed('broken', {
      headers: { ...DIRECTORY_TYPE, 'cache-control': 'max-age=600' },
      body: JSON.stringify({ keys }),
    });
    expect(codes(report)).toEqual(
      expect.arrayContaining([
        'error:kid_mismatch',
        'error:weak_or_bad_key',
        'error:test_key',
        'error:key_expired',
        'error:private_key_published',
        'error:no_usable_key',
      ]),
    );
    expect(report.findings.find((f) => f.code === 'kid_mismatch')?.message).toContain(
      good.thumbprint,
    );
    expect(report.findings.find((f) => f.code === 'weak_or_bad_key')?.message).toContain('2048');
    expect(report.findings.find((f) => f.code === 'test_key')?.message).toContain('RFC 9421');
    expect(report.keys.some((key) => key.usable)).toBe(false);
    expect(JSON.stringify(report)).not.toContain(String(withPrivate.d));
  });

  it('prints hostile values from the document without control characters', async () => {
    const key = ed25519();
    const report = await checkServed('hostile', {
      headers: { ...DIRECTORY_TYPE, 'cache-control': 'max-age=600' },
      body: JSON.stringify({ keys: [{ ...key.publicJwk, kid: '\u001b[2J\nerror   all good' }] }),
    });
    const message = report.findings.find((f) => f.code === 'kid_mismatch')?.message ?? '';
    expect(message).toContain('(kid ?[2J?error   all good)');
    expect([...message].every((c) => c >= ' ' && c <= '~')).toBe(true);
  });

  it('refuses a response signature created in the future', async () => {
    const future = Math.floor(NOW_MS / 1000) + 600;
    const report = await checkServed('future', signedDirectory('future', { created: future }));
    const problem = report.findings.find((f) => f.code === 'response_signature_invalid');
    expect(problem?.message).toContain('created is in the future');
    expect(report.clean).toBe(false);
  });

  it('refuses a response signature over another body (a tampered directory)', async () => {
    const tampered = signedDirectory('tampered', {
      body: JSON.stringify(keyDirectory([ed25519()])),
    });
    const report = await checkServed('tampered', tampered);
    expect(report.findings.filter((f) => f.code === 'response_signature_invalid')).not.toHaveLength(
      0,
    );
    expect(report.findings.find((f) => f.code === 'response_signature_invalid')?.message).toMatch(
      /Content-Digest|keyid/,
    );
  });

  it('refuses a did:web document whose id is another DID', async () => {
    const key = generateAgentKey();
    const did = `did:web:wrongid.example.test%3A${host.port}`;
    host.serve('wrongid.example.test', '/.well-known/did.json', {
      headers: { 'content-type': 'application/did+json', 'cache-control': 'max-age=600' },
      body: JSON.stringify(didWebDocument('did:web:other.example', key.privateJwk).document),
    });
    expect(codes(await check(did))).toContain('error:did_id_mismatch');
  });
});
