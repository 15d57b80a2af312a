import { describe, expect, it } from 'vitest';
import { generateAgentKey, signRequest } from '../../src/agent/index.js';
import type { Decision } from '../../src/decision/decision.js';
import { runCheck } from '../../src/pipeline/check.js';
import { type CheckDeps, DEFAULT_CHECK_LIMITS } from '../../src/pipeline/check-deps.js';
import type { AuthzRequest } from '../../src/request/authz-request.js';
import { testCheckDeps } from '../support/test-check-deps.js';

/*
 * Each bound on one request at its edge, over the real pipeline (did:key keys, the memory
 * store): a request exactly at the limit is allowed, one character, member, component or byte
 * more is refused with the documented reason and detail. The request is the AuthzRequest both
 * transports build, so sizes are counted exactly as the check counts them.
 */
const NOW_MS = Date.UTC(2027, 0, 15, 8, 0, 0);
const URL_ = 'https://api.example.com/orders';

function deps(overrides: Partial<CheckDeps> = {}): CheckDeps {
  return testCheckDeps(NOW_MS, overrides);
}

function authzRequest(headers: Record<string, string>, body?: Buffer): AuthzRequest {
  const method = body === undefined ? 'GET' : 'POST';
  return {
    method,
    receivedMethod: method,
    scheme: 'https',
    authority: 'api.example.com',
    path: '/orders',
    query: null,
    headers: new Map(Object.entries(headers).map(([name, value]) => [name, [value]])),
    body: body === undefined ? null : { bytes: body, truncated: false },
    source: { principal: '', certificate: '', address: '' },
    contextExtensions: {},
    requestId: 'limits-test',
  };
}

/** A did:key-signed request; every call signs afresh (a new nonce). */
function signed(
  options: { headers?: Record<string, string>; body?: Buffer; cover?: string[] } = {},
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...options.headers,
  };
  const signature = signRequest({
    method: options.body === undefined ? 'GET' : 'POST',
    url: URL_,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.cover === undefined ? {} : { coverHeaders: options.cover }),
    created: NOW_MS / 1000,
    key: generateAgentKey(),
  });
  return { ...headers, ...signature };
}

function headerChars(headers: Record<string, string>): number {
  return Object.entries(headers).reduce(
    (sum, [name, value]) => sum + name.length + value.length,
    0,
  );
}

function expectRefused(decision: Decision, reason: string, detail: string | RegExp): void {
  expect(decision.allowed).toBe(false);
  if (decision.allowed) return;
  expect(decision.reason).toBe(reason);
  expect(decision.message).toMatch(detail);
}

const limited = (limits: Partial<typeof DEFAULT_CHECK_LIMITS>) =>
  deps({ limits: { ...DEFAULT_CHECK_LIMITS, ...limits } });

describe('limits.maxHeaderBytes', () => {
  it('allows headers of exactly the limit and refuses one character more headers_too_large', async () => {
    const headers = signed({ headers: { 'x-padding': 'p'.repeat(2000) } });
    const size = headerChars(headers);
    expect((await runCheck(authzRequest(headers), limited({ maxHeaderBytes: size }))).allowed).toBe(
      true,
    );
    const again = signed({ headers: { 'x-padding': 'p'.repeat(2000) } });
    expectRefused(
      await runCheck(authzRequest(again), limited({ maxHeaderBytes: headerChars(again) - 1 })),
      'headers_too_large',
      `the request's header fields are larger than limits.maxHeaderBytes (${headerChars(again) - 1})`,
    );
  });
});

describe('limits.maxHeaderLines', () => {
  it('allows exactly the limit of header lines and refuses one line more headers_too_large', async () => {
    const headers = signed();
    const lines = Object.keys(headers).length;
    expect(
      (await runCheck(authzRequest(headers), limited({ maxHeaderLines: lines }))).allowed,
    ).toBe(true);
    const again = signed();
    expectRefused(
      await runCheck(authzRequest(again), limited({ maxHeaderLines: lines - 1 })),
      'headers_too_large',
      `the request has more header lines than limits.maxHeaderLines (${lines - 1})`,
    );
  });

  it('refuses a request its transport stopped reading at a bound, with that bound named', async () => {
    const cut = { ...authzRequest({}), cut: { part: 'header-lines', max: 1024 } as const };
    expectRefused(
      await runCheck(cut, deps()),
      'headers_too_large',
      'the request has more header lines than limits.maxHeaderLines (1024)',
    );
  });
});

describe('limits.maxFieldBytes', () => {
  it('allows a Signature-Input of exactly the limit and refuses one character more, naming it', async () => {
    // Covering a few headers makes Signature-Input the largest credential field.
    const cover = { 'x-a': '1', 'x-b': '2', 'x-c': '3' };
    const options = { headers: cover, cover: Object.keys(cover) };
    const headers = signed(options);
    const size = headers['signature-input']!.length;
    expect(size).toBeGreaterThan(headers.signature!.length);
    expect((await runCheck(authzRequest(headers), limited({ maxFieldBytes: size }))).allowed).toBe(
      true,
    );
    const again = signed(options);
    const limit = again['signature-input']!.length - 1;
    expectRefused(
      await runCheck(authzRequest(again), limited({ maxFieldBytes: limit })),
      'headers_too_large',
      `the signature-input field is larger than limits.maxFieldBytes (${limit})`,
    );
  });

  it('counts repeated field lines joined with ", ", as the signature base joins them', async () => {
    // Two lines of 10 are a field of 22: allowed at 22, refused at 21.
    const request = authzRequest({});
    const split = {
      ...request,
      headers: new Map([['signature-agent', ['x'.repeat(10), 'y'.repeat(10)]]]),
    };
    const at = await runCheck(split, limited({ maxFieldBytes: 22 }));
    expect(at.allowed === false && at.reason === 'headers_too_large').toBe(false);
    expectRefused(
      await runCheck(split, limited({ maxFieldBytes: 21 })),
      'headers_too_large',
      'the signature-agent field is larger than limits.maxFieldBytes (21)',
    );
  });
});

describe('signatures.maxSignatures', () => {
  /** Adds `count` members tagged for another verifier, which this server leaves alone. */
  function withOtherSignatures(headers: Record<string, string>, count: number) {
    const labels = Array.from({ length: count }, (_, i) => `other${i}`);
    const params = `;created=${NOW_MS / 1000};keyid="k";tag="someone-else"`;
    return {
      ...headers,
      'signature-input': [
        headers['signature-input'],
        ...labels.map((l) => `${l}=("@method")${params}`),
      ].join(', '),
      signature: [headers.signature, ...labels.map((l) => `${l}=:AAAA:`)].join(', '),
    };
  }

  it('allows 8 signatures (one verified here) and refuses 9 credential_malformed', async () => {
    expect((await runCheck(authzRequest(withOtherSignatures(signed(), 7)), deps())).allowed).toBe(
      true,
    );
    expectRefused(
      await runCheck(authzRequest(withOtherSignatures(signed(), 8)), deps()),
      'credential_malformed',
      /more than 8/,
    );
  });
});

describe('signatures.maxComponents', () => {
  /** A signature over @method, @authority, @path and `extra` headers. */
  function covering(extra: number) {
    const names = Array.from({ length: extra }, (_, i) => `x-h${i}`);
    return signed({ headers: Object.fromEntries(names.map((n) => [n, 'v'])), cover: names });
  }

  it('allows a signature covering 32 components and refuses 33 credential_malformed', async () => {
    expect((await runCheck(authzRequest(covering(29)), deps())).allowed).toBe(true);
    expectRefused(
      await runCheck(authzRequest(covering(30)), deps()),
      'credential_malformed',
      /more than 32/,
    );
  });
});

describe('limits.maxDigestBodyBytes', () => {
  it('hashes a body of exactly the limit and refuses one byte more body_too_large, unhashed', async () => {
    const limit = 4096;
    const at = Buffer.alloc(limit, 'a');
    const over = Buffer.alloc(limit + 1, 'a');
    const check = (body: Buffer) =>
      runCheck(authzRequest(signed({ body }), body), limited({ maxDigestBodyBytes: limit }));
    expect((await check(at)).allowed).toBe(true);
    expectRefused(
      await check(over),
      'body_too_large',
      `the body is larger than limits.maxDigestBodyBytes (${limit}), so its digest is not checked`,
    );
  });
});
