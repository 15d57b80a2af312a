import { describe, expect, it } from 'vitest';
import { measureJsonDepth } from '../../src/credentials/measure-json-depth.js';
import { parseTokenHeaders, type TokenLimits } from '../../src/credentials/parse-token-headers.js';
import { AuthzError } from '../../src/errors.js';

/*
 * limits.maxTokenBytes and limits.maxJsonDepth at their edges, where they are enforced: when the
 * Authorization and DPoP headers are read, before jose or any JSON parser sees the token.
 */
const b64 = (json: string) => Buffer.from(json).toString('base64url');

/** A compact JWS whose payload nests `depth` objects, padded to `length` characters. */
function jwt(options: { depth?: number; length?: number; headerDepth?: number } = {}): string {
  const nested = (depth: number, leaf: string): string =>
    depth <= 1 ? leaf : `{"a":${nested(depth - 1, leaf)}}`;
  const header = b64(nested(options.headerDepth ?? 1, '{"alg":"ES256","typ":"at+jwt"}'));
  const payload = b64(nested(options.depth ?? 1, '{"sub":"agent","s":"[{]}\\"["}'));
  const prefix = `${header}.${payload}.`;
  return prefix + 's'.repeat(Math.max(1, (options.length ?? prefix.length + 43) - prefix.length));
}

const headers = (value: string, proof?: string) =>
  new Map([
    ['authorization', [value]],
    ...(proof === undefined ? [] : ([['dpop', [proof]]] as const)),
  ]);

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof AuthzError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

const LIMITS: TokenLimits = { maxTokenBytes: 1000, maxJsonDepth: 4 };

describe('limits.maxTokenBytes', () => {
  it('reads an access token of exactly the limit and refuses one character more headers_too_large', () => {
    const at = jwt({ length: 1000 });
    expect(at).toHaveLength(1000);
    expect(parseTokenHeaders(headers(`Bearer ${at}`), LIMITS)).toEqual({
      profile: 'mtls',
      token: at,
    });
    expect(
      refusal(() => parseTokenHeaders(headers(`Bearer ${jwt({ length: 1001 })}`), LIMITS)),
    ).toEqual({
      code: 'headers_too_large',
      message: 'the access token is larger than limits.maxTokenBytes (1000)',
    });
  });

  it('bounds the DPoP proof the same way', () => {
    const token = jwt();
    expect(
      parseTokenHeaders(headers(`DPoP ${token}`, jwt({ length: 1000 })), LIMITS),
    ).toMatchObject({
      profile: 'dpop',
    });
    expect(
      refusal(() => parseTokenHeaders(headers(`DPoP ${token}`, jwt({ length: 1001 })), LIMITS)),
    ).toEqual({
      code: 'headers_too_large',
      message: 'the DPoP proof is larger than limits.maxTokenBytes (1000)',
    });
  });
});

describe('limits.maxJsonDepth', () => {
  it('reads a payload nested exactly to the limit and refuses one level more credential_malformed', () => {
    expect(parseTokenHeaders(headers(`Bearer ${jwt({ depth: 4 })}`), LIMITS)).toMatchObject({
      profile: 'mtls',
    });
    expect(
      refusal(() => parseTokenHeaders(headers(`Bearer ${jwt({ depth: 5 })}`), LIMITS)),
    ).toEqual({
      code: 'credential_malformed',
      message: 'the access token nests deeper than limits.maxJsonDepth (4)',
    });
  });

  it('measures the protected header too', () => {
    expect(parseTokenHeaders(headers(`Bearer ${jwt({ headerDepth: 4 })}`), LIMITS)).toMatchObject({
      profile: 'mtls',
    });
    expect(
      refusal(() => parseTokenHeaders(headers(`Bearer ${jwt({ headerDepth: 5 })}`), LIMITS)).code,
    ).toBe('credential_malformed');
  });

  it('does not count brackets inside strings, and measures 100 000 levels without recursion', () => {
    expect(measureJsonDepth('{"a":"[[[{{{\\"]]]"}')).toBe(1);
    expect(measureJsonDepth('[[],[[]],{"b":[{}]}]')).toBe(4);
    expect(measureJsonDepth('['.repeat(100_000))).toBe(100_000);
  });
});

describe('the defaults used where no config is passed', () => {
  it('are the config schema defaults', async () => {
    const { limitsSchema } = await import('../../src/config/limits-schema.js');
    const { DEFAULT_TOKEN_LIMITS } = await import('../../src/credentials/parse-token-headers.js');
    const defaults = limitsSchema().parse({});
    expect(DEFAULT_TOKEN_LIMITS).toEqual({
      maxTokenBytes: defaults.maxTokenBytes,
      maxJsonDepth: defaults.maxJsonDepth,
    });
  });
});
