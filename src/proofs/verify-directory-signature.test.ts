import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TEST_KEY_ED25519_PUBLIC } from '../../test/fixtures/rfc9421-keys.js';
import { jwkThumbprint } from '../keys/jwk-thumbprint.js';
import { importPublicJwk } from '../keys/verification-key.js';
import {
  type DirectoryResponse,
  type DirectorySigningKey,
  verifyDirectorySignatures,
} from './verify-directory-signature.js';

/*
 * draft-ietf-webbotauth-httpsig-protocol, Test Vectors, "Signed Directory Response": the
 * directory of signature-agent.test signed with the RFC 9421 B.1.4 key (lines the draft wraps
 * per RFC 8792 joined here).
 */
const VECTOR_KEYID = 'poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U';
const VECTOR_BODY = `{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"${VECTOR_KEYID}","x":"JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs","use":"sig"}]}`;
const VECTOR_HEADERS = {
  'content-digest': 'sha-256=:CADMT2aBdV/rqQr/NIru64ERQkCobVvllA4V0fLFDu0=:',
  'signature-input': `binding=("@authority";req "content-digest");created=1735689600;expires=4889289600;keyid="${VECTOR_KEYID}";tag="http-message-signatures-directory"`,
  signature:
    'binding=:l6P8R67tm3kujAxbHWio7ll01qrEZ0dKD/WWlGhNYEmTnFZM8Wt0VQ9zqGfvo7T/UMkBxsigzChM1Gpz7gOVBg==:',
};
const NOW_MS = Date.UTC(2027, 0, 15);

function response(
  headers: Record<string, string>,
  body = VECTOR_BODY,
  authority = 'signature-agent.test',
): DirectoryResponse {
  return {
    authority,
    headers: new Map(Object.entries(headers).map(([name, value]) => [name, [value]])),
    body: Buffer.from(body),
  };
}

const VECTOR_KEYS = new Map([
  [VECTOR_KEYID, importPublicJwk({ ...TEST_KEY_ED25519_PUBLIC }, ['ed25519'])],
]);

describe('verifyDirectorySignatures on the draft vector', () => {
  it('proves possession of the B.1.4 key for signature-agent.test', () => {
    const report = verifyDirectorySignatures(response(VECTOR_HEADERS), VECTOR_KEYS, {
      nowMs: NOW_MS,
    });
    expect(report).toEqual({
      signed: true,
      signedUntil: new Map([[VECTOR_KEYID, 4889289600 * 1000]]),
      problems: [],
    });
  });

  it('proves nothing when the key set is re-served under another authority', () => {
    const report = verifyDirectorySignatures(
      response(VECTOR_HEADERS, VECTOR_BODY, 'copy.example'),
      VECTOR_KEYS,
      { nowMs: NOW_MS },
    );
    expect(report.signedUntil.size).toBe(0);
    expect(report.problems).toEqual(['signature "binding": the signature does not verify']);
  });

  it('proves nothing when the body was changed under the signature', () => {
    const report = verifyDirectorySignatures(
      response(VECTOR_HEADERS, VECTOR_BODY.replace('"use":"sig"', '"use":"enc"')),
      VECTOR_KEYS,
      { nowMs: NOW_MS },
    );
    expect(report.problems).toEqual([
      'signature "binding": Content-Digest: the body does not match its sha-256 digest',
    ]);
  });

  it.each([
    [
      'created written as a decimal',
      (input: string) => input.replace('created=1735689600', 'created=1735689600.0'),
    ],
    ['a parameter given twice', (input: string) => input.replace('created=', 'created=1;created=')],
  ])('proves nothing with %s, which the vector signature does not cover', (_, edit) => {
    const headers = {
      ...VECTOR_HEADERS,
      'signature-input': edit(VECTOR_HEADERS['signature-input']),
    };
    const report = verifyDirectorySignatures(response(headers), VECTOR_KEYS, { nowMs: NOW_MS });
    expect(report.signedUntil.size).toBe(0);
    expect(report.problems).toHaveLength(1);
  });

  it('is unsigned when the response has no signature headers', () => {
    const report = verifyDirectorySignatures(response({}), VECTOR_KEYS, { nowMs: NOW_MS });
    expect(report).toEqual({ signed: false, signedUntil: new Map(), problems: [] });
  });

  it('leaves a signature with another tag alone', () => {
    const headers = {
      ...VECTOR_HEADERS,
      'signature-input': VECTOR_HEADERS['signature-input'].replace(
        'http-message-signatures-directory',
        'web-bot-auth',
      ),
    };
    expect(
      verifyDirectorySignatures(response(headers), VECTOR_KEYS, { nowMs: NOW_MS }).signed,
    ).toBe(false);
  });
});

/** Signs `body` as the directory at `authority` would, with `params` after the components. */
function signedDirectory(
  privateKey: KeyObject,
  keyid: string,
  params: string,
  components = '"@authority";req "content-digest"',
  body = '{"keys":[]}',
): DirectoryResponse {
  const digest = `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
  const inner = `(${components});${params};keyid="${keyid}";tag="http-message-signatures-directory"`;
  const lines: string[] = [];
  for (const component of components.split(' ')) {
    if (component === '"@authority";req') lines.push(`${component}: dir.example`);
    if (component === '"content-digest"') lines.push(`${component}: ${digest}`);
  }
  const base = `${lines.join('\n')}\n"@signature-params": ${inner}`;
  const signature = sign(null, Buffer.from(base), privateKey).toString('base64');
  return response(
    { 'content-digest': digest, 'signature-input': `d=${inner}`, signature: `d=:${signature}:` },
    body,
    'dir.example',
  );
}

describe('verifyDirectorySignatures on a generated key', () => {
  const pair = generateKeyPairSync('ed25519');
  const jwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const keyid = jwkThumbprint(jwk)!;
  const keys = new Map<string, DirectorySigningKey>([[keyid, importPublicJwk(jwk, ['ed25519'])]]);
  const now = Math.floor(NOW_MS / 1000);

  it('accepts a current signature', () => {
    const signed = signedDirectory(
      pair.privateKey,
      keyid,
      `created=${now - 10};expires=${now + 3600}`,
    );
    expect(verifyDirectorySignatures(signed, keys, { nowMs: NOW_MS }).signedUntil).toEqual(
      new Map([[keyid, (now + 3600) * 1000]]),
    );
  });

  it('proves the key until the earliest expires of its valid signatures', () => {
    const later = signedDirectory(pair.privateKey, keyid, `created=${now};expires=${now + 3600}`);
    const sooner = signedDirectory(pair.privateKey, keyid, `created=${now};expires=${now + 3}`);
    const field = (signed: DirectoryResponse, name: string) => signed.headers.get(name)![0]!;
    const relabelled = (name: string) => field(sooner, name).replace(/^d=/, 'e=');
    const both = response(
      {
        'content-digest': field(later, 'content-digest'),
        'signature-input': `${field(later, 'signature-input')}, ${relabelled('signature-input')}`,
        signature: `${field(later, 'signature')}, ${relabelled('signature')}`,
      },
      '{"keys":[]}',
      'dir.example',
    );
    const report = verifyDirectorySignatures(both, keys, { nowMs: NOW_MS });
    expect(report.problems).toEqual([]);
    expect(report.signedUntil).toEqual(new Map([[keyid, (now + 3) * 1000]]));
  });

  it.each([
    [
      'created in the future',
      `created=${now + 600};expires=${now + 3600}`,
      undefined,
      'created is in the future',
    ],
    ['expired', `created=${now - 7200};expires=${now - 3600}`, undefined, 'it has expired'],
    ['no expires', `created=${now - 10}`, undefined, 'created and expires are required'],
    [
      'no content-digest covered',
      `created=${now - 10};expires=${now + 3600}`,
      '"@authority";req',
      'it must cover "@authority";req and "content-digest"',
    ],
    [
      '@authority without req',
      `created=${now - 10};expires=${now + 3600}`,
      '"@authority" "content-digest"',
      'the covered component "@authority" cannot be resolved on this response',
    ],
  ])('refuses a signature with %s', (_name, params, components, problem) => {
    const signed = signedDirectory(pair.privateKey, keyid, params, components);
    expect(verifyDirectorySignatures(signed, keys, { nowMs: NOW_MS }).problems).toEqual([
      `signature "d": ${problem}`,
    ]);
  });

  it('refuses a signature by a key the directory does not publish', () => {
    const other = generateKeyPairSync('ed25519');
    const otherId = jwkThumbprint(other.publicKey.export({ format: 'jwk' }))!;
    const signed = signedDirectory(other.privateKey, otherId, `created=${now};expires=${now + 60}`);
    expect(verifyDirectorySignatures(signed, keys, { nowMs: NOW_MS }).problems).toEqual([
      'signature "d": its keyid is not the thumbprint of a key in this directory',
    ]);
  });

  it('allows the caller a clock skew for created', () => {
    const signed = signedDirectory(
      pair.privateKey,
      keyid,
      `created=${now + 20};expires=${now + 60}`,
    );
    expect(
      verifyDirectorySignatures(signed, keys, { nowMs: NOW_MS, clockSkewMs: 30_000 }).problems,
    ).toEqual([]);
  });
});
