import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, setHeaders, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { type BaseLine, handSigned, withAuthority } from '../support/hand-signed.js';
import { signedCheck } from '../support/signed-check.js';
import { useTestApp } from '../support/start-test-app.js';

/*
 * One request, one signature base: RFC 9421 §2 says how each covered component is read, and a
 * request that can be read another way (a second member, a second digest, a line break inside a
 * value, a decimal for an integer, a Unicode case fold) must be refused rather than verified
 * under the reading that happens to match.
 */

const server = useTestApp();
const nowSeconds = () => Math.floor(server.now / 1000);
const key = generateAgentKey();
const URL_ = 'https://api.example.com/orders';
const TARGET: readonly BaseLine[] = [
  ['"@method"', 'GET'],
  ['"@authority"', 'api.example.com'],
  ['"@path"', '/orders'],
];

/** A CheckRequest for GET /orders carrying `signature` and these raw header lines. */
function sent(
  signature: Record<string, string>,
  headers: Record<string, string | string[]>,
  extra: { method?: string; rawPath?: string; body?: string } = {},
): object {
  return envoyCheckRequest({
    method: extra.method ?? 'GET',
    url: URL_,
    headers: { ...headers, ...signature },
    rawHeaders: true,
    ...(extra.rawPath === undefined ? {} : { rawPath: extra.rawPath }),
    ...(extra.body === undefined ? {} : { body: extra.body }),
  });
}

const verified = (response: UpstreamCheckResponse) =>
  expect(setHeaders(response)).toMatchObject({ 'x-agent-verified': 'true' });
const denied = (response: UpstreamCheckResponse, reason: string) => {
  expect(response.ok_response).toBeUndefined();
  expect(problem(response)).toMatchObject({ reason });
};

describe('the @authority of a signed request', () => {
  it('does not verify a host spelled with U+212A KELVIN SIGN against a signature over k', async () => {
    const check = signedCheck({ method: 'GET', url: 'https://bank.example/pay' }, nowSeconds());
    const request = withAuthority(check.request({ rawHeaders: true }), 'ban\u212a.example');
    denied(await server.client.check(request), 'signature_invalid');
  });

  it('still verifies an ASCII host in capitals against its lower-case form', async () => {
    const check = signedCheck({ method: 'GET', url: 'https://bank.example/pay' }, nowSeconds());
    const request = withAuthority(check.request({ rawHeaders: true }), 'BANK.Example');
    verified(await server.client.check(request));
  });
});

describe('the @method of a signed request', () => {
  it('does not verify method get against a signature over GET', async () => {
    const check = signedCheck({ method: 'GET', url: URL_ }, nowSeconds());
    denied(
      await server.client.check(check.request({ method: 'get', rawHeaders: true })),
      'signature_invalid',
    );
  });

  it('verifies method get against a signature over get, the method as received', async () => {
    const lines: BaseLine[] = [['"@method"', 'get'], ...TARGET.slice(1)];
    const { headers } = handSigned(key, lines, nowSeconds());
    verified(await server.client.check(sent(headers, {}, { method: 'get' })));
  });
});

describe('a covered Content-Digest', () => {
  const body = '{"sku":"A-1"}';
  const right = `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
  const wrong = `sha-256=:${createHash('sha256').update('other').digest('base64')}:`;

  it.each([
    ['wrong, then right', [wrong, right]],
    ['right, then wrong', [right, wrong]],
  ])(
    'is refused credential_malformed when two lines both carry sha-256 (%s)',
    async (_, digests) => {
      const lines: BaseLine[] = [
        ['"@method"', 'POST'],
        ...TARGET.slice(1),
        ['"content-digest"', digests.join(', ')],
      ];
      const { headers } = handSigned(key, lines, nowSeconds());
      const request = sent(headers, { 'content-digest': digests }, { method: 'POST', body });
      denied(await server.client.check(request), 'credential_malformed');
    },
  );
});

describe('a covered value holding a line break', () => {
  it('does not verify header values swapped around an injected base line', async () => {
    // Signed: x-a = `1\n"x-b": 2`, x-b = `3`. Sent: x-a = `1`, x-b = `2\n"x-b": 3`. Read
    // as they are, both give the same base.
    const lines: BaseLine[] = [...TARGET, ['"x-a"', '1\n"x-b": 2'], ['"x-b"', '3']];
    const { headers } = handSigned(key, lines, nowSeconds());
    const request = sent(headers, { 'x-a': '1', 'x-b': '2\n"x-b": 3' });
    denied(await server.client.check(request), 'signature_invalid');
  });

  it('does not verify a path that carries the line a header value lost', async () => {
    const lines: BaseLine[] = [
      ['"@method"', 'GET'],
      ['"@authority"', 'api.example.com'],
      ['"x-b"', '1\n"@path": /orders'],
      ['"@path"', '/public'],
    ];
    const { headers } = handSigned(key, lines, nowSeconds());
    const request = sent(headers, { 'x-b': '1' }, { rawPath: '/orders\n"@path": /public' });
    denied(await server.client.check(request), 'signature_invalid');
  });

  it.each([
    ['a carriage return', 'read\ronly'],
    ['a NUL', 'read\u0000only'],
  ])('does not verify a value holding %s, even signed as it is', async (_, value) => {
    const { headers } = handSigned(key, [...TARGET, ['"agent-purpose"', value]], nowSeconds());
    denied(
      await server.client.check(sent(headers, { 'agent-purpose': value })),
      'signature_invalid',
    );
  });
});

describe('a covered value folded over two lines (obs-fold)', () => {
  const folded = 'read \r\n  only';

  it('verifies against a signature over the value with the fold replaced by one space', async () => {
    const { headers } = handSigned(
      key,
      [...TARGET, ['"agent-purpose"', 'read only']],
      nowSeconds(),
    );
    verified(await server.client.check(sent(headers, { 'agent-purpose': folded })));
  });

  it('does not verify against a signature over the raw fold', async () => {
    const { headers } = handSigned(key, [...TARGET, ['"agent-purpose"', folded]], nowSeconds());
    denied(
      await server.client.check(sent(headers, { 'agent-purpose': folded })),
      'signature_invalid',
    );
  });
});

describe('a ;key component over a dictionary field', () => {
  const lines: BaseLine[] = [...TARGET, ['"x-dict";key="a"', '"good"']];

  it('verifies the member it names when the field names it once', async () => {
    const { headers } = handSigned(key, lines, nowSeconds());
    verified(await server.client.check(sent(headers, { 'x-dict': 'a="good", b=1' })));
  });

  it('is refused when another line of the field names the member again', async () => {
    const { headers } = handSigned(key, lines, nowSeconds());
    const request = sent(headers, { 'x-dict': ['a="evil"', 'a="good", b=1'] });
    denied(await server.client.check(request), 'signature_invalid');
  });
});

describe('the created parameter', () => {
  it('is refused credential_malformed when written as a decimal (created=N.0)', async () => {
    const check = signedCheck({ method: 'GET', url: URL_ }, nowSeconds());
    const input = check.signature['signature-input']!.replace(/created=(\d+)/, 'created=$1.0');
    const request = sent({ ...check.signature, 'signature-input': input }, {});
    denied(await server.client.check(request), 'credential_malformed');
  });

  it('is refused credential_malformed when given twice', async () => {
    const check = signedCheck({ method: 'GET', url: URL_ }, nowSeconds());
    const input = check.signature['signature-input']!.replace(
      /created=(\d+)/,
      `created=${nowSeconds() - 3600};created=$1`,
    );
    const request = sent({ ...check.signature, 'signature-input': input }, {});
    denied(await server.client.check(request), 'credential_malformed');
  });
});
