import { describe, expect, it } from 'vitest';
import { problem, setHeaders } from '../support/envoy-client.js';
import { signedCheck } from '../support/signed-check.js';
import { useTestApp } from '../support/start-test-app.js';

/*
 * Issue 8 item 11: RFC 9421 §2.1 takes a covered field's value as its bytes with only leading
 * and trailing SP and HTAB (RFC 9110 OWS) removed. Any other difference is another value, and
 * the signature must not verify for it.
 */

const server = useTestApp();
const nowSeconds = () => Math.floor(server.now / 1000);

interface HeaderMapLine {
  key: string;
  raw_value: Buffer;
}

/** A request signed over `agent-purpose: <purpose>`, to be sent with another value. */
function signedPurpose(purpose = 'read') {
  return signedCheck(
    {
      method: 'GET',
      url: 'https://api.example.com/orders',
      headers: { 'agent-purpose': purpose },
    },
    nowSeconds(),
    { coverHeaders: ['agent-purpose'] },
  );
}

/** The CheckRequest with `agent-purpose` sent as exactly these bytes (`encode_raw_headers`). */
function withRawPurpose(request: object, bytes: Buffer): object {
  const http = (request as { attributes: { request: { http: Record<string, unknown> } } })
    .attributes.request.http;
  const lines = (http.header_map as { headers: HeaderMapLine[] }).headers;
  for (const line of lines) if (line.key === 'agent-purpose') line.raw_value = bytes;
  return request;
}

describe('a signature over agent-purpose: read', () => {
  it.each([
    ['a trailing no-break space', 'read\u00a0'],
    ['a leading byte-order mark', '\ufeffread'],
    ['a trailing vertical tab', 'read\v'],
    ['a trailing form feed', 'read\f'],
    ['a trailing line separator', 'read\u2028'],
  ])('does not verify when the value has %s', async (_, value) => {
    for (const rawHeaders of [true, false]) {
      const check = signedPurpose();
      const sent = check.request({ headers: { 'agent-purpose': value }, rawHeaders });
      expect(problem(await server.client.check(sent))).toMatchObject({
        reason: 'signature_invalid',
      });
    }
  });

  it.each([
    ['leading spaces and a trailing tab', '  read\t'],
    ['a leading tab and trailing spaces', '\tread  '],
  ])('verifies when the value has %s (RFC 9110 OWS)', async (_, value) => {
    const check = signedPurpose();
    const sent = check.request({ headers: { 'agent-purpose': value }, rawHeaders: true });
    expect(setHeaders(await server.client.check(sent))).toMatchObject({
      'x-agent-verified': 'true',
      'x-agent-purpose': 'read',
    });
  });
});

describe('a covered header field whose raw bytes are not UTF-8', () => {
  it('does not verify against a signature over U+FFFD, the lossy reading of those bytes', async () => {
    const check = signedPurpose('read\ufffd');
    const invalid = Buffer.concat([Buffer.from('read'), Buffer.of(0xff)]);
    const sent = withRawPurpose(check.request({ rawHeaders: true }), invalid);
    const response = await server.client.check(sent);
    expect(response.ok_response).toBeUndefined();
    expect(problem(response)).toMatchObject({ reason: 'signature_invalid' });
  });

  it('still verifies when the same signature meets the UTF-8 bytes it was made over', async () => {
    const check = signedPurpose('lire \u00e9t\u00e9');
    const response = await server.client.check(check.request({ rawHeaders: true }));
    expect(setHeaders(response)).toMatchObject({ 'x-agent-verified': 'true' });
  });
});
