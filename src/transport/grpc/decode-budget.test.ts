import { describe, expect, it } from 'vitest';
import { CHECK_REQUEST_BOMBS } from '../../../test/support/check-request-bombs.js';
import { envoyCheckRequest } from '../../../test/support/envoy-check-request.js';
import { createCheckRequestDecoder, encodeCheckRequest } from './check-codec.js';
import type { CheckRequestMessage, HttpRequestMessage } from './check-messages.js';
import { toAuthzRequest } from './to-authz-request.js';

const LIMITS = { maxHeaderBytes: 64, maxHeaderLines: 4, maxDigestBodyBytes: 16 };
const decode = createCheckRequestDecoder(LIMITS);

/** GET https://api.example.com/ with exactly these header lines, in header_map or headers. */
function withHeaders(headers: Record<string, string>, rawHeaders: boolean): Uint8Array {
  const lines = Object.entries(headers);
  const http: HttpRequestMessage = { method: 'GET', path: '/', host: 'api.example.com' };
  if (rawHeaders) {
    http.header_map = {
      headers: lines.map(([key, value]) => ({ key, raw_value: Buffer.from(value) })),
    };
  } else http.headers = headers;
  return encodeCheckRequest({ attributes: { request: { http } } });
}

/** `count` lines `x-N: v` whose names and values have `bytes` bytes in all. */
function lines(count: number, bytes: number): Record<string, string> {
  const headers: Record<string, string> = {};
  let left = bytes;
  for (let index = 0; index < count; index++) {
    const name = `x-${index}`;
    const value = 'v'.repeat(index === count - 1 ? left - name.length : 1);
    left -= name.length + value.length;
    headers[name] = value;
  }
  return headers;
}

describe.each([
  ['header_map', true],
  ['the headers map', false],
])('the CheckRequest decoder reading %s', (_name, rawHeaders) => {
  it('builds exactly limits.maxHeaderLines header lines and cuts the request at one more', () => {
    const at = toAuthzRequest(decode(withHeaders(lines(4, 20), rawHeaders)));
    expect(at.cut).toBeUndefined();
    expect(at.headers.size).toBe(4);
    const over = toAuthzRequest(decode(withHeaders(lines(5, 20), rawHeaders)));
    expect(over.cut).toEqual({ part: 'header-lines', max: 4 });
    expect(over.headers.size).toBe(4);
  });

  it('builds header lines of exactly limits.maxHeaderBytes and cuts the request at one byte more', () => {
    const at = toAuthzRequest(decode(withHeaders(lines(2, 64), rawHeaders)));
    expect(at.cut).toBeUndefined();
    expect([...at.headers.values()].flat().join('').length).toBe(64 - 'x-0x-1'.length);
    const over = toAuthzRequest(decode(withHeaders(lines(2, 65), rawHeaders)));
    expect(over.cut).toEqual({ part: 'header-bytes', max: 64 });
    expect([...over.headers.keys()]).toEqual(['x-0']);
  });

  it('counts the bytes of a value, not its characters', () => {
    // Eight 3-byte characters: 65 bytes in all, 49 characters.
    const over = toAuthzRequest(
      decode(withHeaders({ 'x-a': '€'.repeat(8), 'x-b': 'v'.repeat(35) }, rawHeaders)),
    );
    expect(over.cut).toEqual({ part: 'header-bytes', max: 64 });
  });

  it('does not count pseudo-headers as header lines', () => {
    const pseudo = { ':authority': 'api.example.com', ':path': '/', ':method': 'GET' };
    const request = toAuthzRequest(decode(withHeaders({ ...pseudo, ...lines(4, 20) }, rawHeaders)));
    expect(request.cut).toBeUndefined();
    expect(request.headers.size).toBe(4);
  });
});

describe('the CheckRequest decoder', () => {
  it('does not build a peer certificate longer than limits.maxHeaderBytes, and cuts the request', () => {
    const wire = encodeCheckRequest({
      attributes: { source: { certificate: 'c'.repeat(65), principal: 'spiffe://a' } },
    });
    const request = toAuthzRequest(decode(wire));
    expect(request.cut).toEqual({ part: 'peer', max: 64 });
    expect(request.source).toEqual({ principal: 'spiffe://a', certificate: '', address: '' });
    const at = encodeCheckRequest({ attributes: { source: { certificate: 'c'.repeat(64) } } });
    expect(toAuthzRequest(decode(at)).source.certificate).toBe('c'.repeat(64));
  });

  it('keeps a body longer than limits.maxDigestBodyBytes as the bytes it came as', () => {
    const long = encodeCheckRequest({
      attributes: { request: { http: { body: 'b'.repeat(17) } } },
    });
    const message = decode(long);
    expect(message.attributes?.request?.http?.body).toBeUndefined();
    expect(Buffer.from(toAuthzRequest(message).body!.bytes).toString()).toBe('b'.repeat(17));
    const short = encodeCheckRequest({
      attributes: { request: { http: { body: 'b'.repeat(16) } } },
    });
    expect(decode(short).attributes?.request?.http?.body).toBe('b'.repeat(16));
  });

  it.each(CHECK_REQUEST_BOMBS)(
    'stops at the field budget when a message is %s, keeping only where it was cut',
    (_name, build) => {
      const bomb = build(64 * 1024);
      const message = decode(bomb);
      expect(message.cut?.part).toMatch(/^(fields|header-lines|header-bytes)$/);
      expect(toAuthzRequest(message).headers.size).toBeLessThanOrEqual(LIMITS.maxHeaderLines);
    },
  );

  it('reads an Envoy request whose fields are many but below the budget in full', () => {
    // Envoy's header lines and 40 context extensions, 3 fields each, and its other fields.
    const contextExtensions = Object.fromEntries(
      Array.from({ length: 40 }, (_, index) => [`k${index}`, 'v']),
    );
    const shape = { method: 'GET', url: 'https://api.example.com/', contextExtensions };
    const wire = encodeCheckRequest(envoyCheckRequest(shape) as CheckRequestMessage);
    const roomy = createCheckRequestDecoder({ ...LIMITS, maxHeaderBytes: 4096, maxHeaderLines: 8 });
    const request = toAuthzRequest(roomy(wire));
    expect(request.cut).toBeUndefined();
    expect(Object.keys(request.contextExtensions)).toHaveLength(40);
  });
});
