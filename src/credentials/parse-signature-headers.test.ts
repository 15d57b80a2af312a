import { fc, test } from '@fast-check/vitest';
import { type InnerList, type Parameters, serializeDictionary, Token } from 'structured-headers';
import { describe, expect, it } from 'vitest';
import { AuthzError } from '../errors.js';
import { parseSignatureHeaders } from './parse-signature-headers.js';

const LIMITS = { maxSignatures: 8, maxComponents: 32 };

const KEY_ID =
  'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const SIGNATURE_BYTES = Uint8Array.from({ length: 64 }, (_, i) => i);
const SIGNATURE_B64 = Buffer.from(SIGNATURE_BYTES).toString('base64');

const VALID_INPUT =
  `sig1=("@method" "@authority" "@path" "content-digest" "signature-agent";key="sig1")` +
  `;created=1768478400;expires=1768478700;keyid="${KEY_ID}";nonce="bm9uY2UtMQ";tag="agent-authz"`;
const VALID_SIGNATURE = `sig1=:${SIGNATURE_B64}:`;

/** Runs the parser and returns the AuthzError it throws (fails the test when it does not). */
function parseError(signatureInput: string, signature = VALID_SIGNATURE): AuthzError {
  try {
    parseSignatureHeaders(signatureInput, signature, LIMITS);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthzError);
    return error as AuthzError;
  }
  throw new Error('expected parseSignatureHeaders to throw');
}

describe('parsing Signature-Input and Signature', () => {
  it('turns a well-formed pair into a candidate with components, parameters and bytes', () => {
    const [candidate, ...rest] = parseSignatureHeaders(VALID_INPUT, VALID_SIGNATURE, LIMITS);
    expect(rest).toEqual([]);
    expect(candidate!.label).toBe('sig1');
    expect(candidate!.components.map((c) => c.serialized)).toEqual([
      '"@method"',
      '"@authority"',
      '"@path"',
      '"content-digest"',
      '"signature-agent";key="sig1"',
    ]);
    expect(candidate!.components[4]!.name).toBe('signature-agent');
    expect(candidate!.components[4]!.params.get('key')).toBe('sig1');
    expect(candidate!.params).toEqual({
      created: 1768478400,
      expires: 1768478700,
      nonce: 'bm9uY2UtMQ',
      keyid: KEY_ID,
      alg: undefined,
      tag: 'agent-authz',
    });
    expect(candidate!.serializedParams).toBe(VALID_INPUT.slice('sig1='.length));
    expect(candidate!.signature).toEqual(SIGNATURE_BYTES);
  });

  it('keeps the order of the labels in Signature-Input, whatever the order in Signature', () => {
    const candidates = parseSignatureHeaders(
      'b=("@method");created=1, a=("@path");created=2',
      'a=:AAAA:, b=:AQID:',
      LIMITS,
    );
    expect(candidates.map((c) => [c.label, c.params.created, [...c.signature]])).toEqual([
      ['b', 1, [1, 2, 3]],
      ['a', 2, [0, 0, 0]],
    ]);
  });

  it('accepts an empty component list', () => {
    const [candidate] = parseSignatureHeaders('sig1=();created=1', 'sig1=::', LIMITS);
    expect(candidate!.components).toEqual([]);
    expect(candidate!.signature).toEqual(new Uint8Array());
  });

  it('allows the same field twice when its parameters differ', () => {
    const [candidate] = parseSignatureHeaders(
      'sig1=("signature-agent";key="a" "signature-agent";key="b" "signature-agent")',
      VALID_SIGNATURE,
      LIMITS,
    );
    expect(candidate!.components).toHaveLength(3);
  });
});

describe('a malformed signature credential', () => {
  it.each([
    ['the Signature has no member for the label', VALID_INPUT, 'sig2=:AAAA:'],
    ['Signature-Input has no members', '', VALID_SIGNATURE],
    ['Signature-Input is not a dictionary', 'sig1=(("@method"))', VALID_SIGNATURE],
    ['Signature is not a dictionary', VALID_INPUT, `:${SIGNATURE_B64}:`],
    [
      'the Signature-Input member is not an inner list',
      'sig1="@method";created=1',
      VALID_SIGNATURE,
    ],
    ['the Signature member is a string', VALID_INPUT, `sig1="${SIGNATURE_B64}"`],
    ['the Signature member is an inner list', VALID_INPUT, `sig1=(:${SIGNATURE_B64}:)`],
    ['created is a decimal', 'sig1=("@method");created=1.5', VALID_SIGNATURE],
    ['created is a string', 'sig1=("@method");created="1"', VALID_SIGNATURE],
    ['expires is a boolean', 'sig1=("@method");expires', VALID_SIGNATURE],
    ['keyid is a token', 'sig1=("@method");keyid=abc', VALID_SIGNATURE],
    ['nonce is an integer', 'sig1=("@method");nonce=1', VALID_SIGNATURE],
    ['a parameter is unknown', 'sig1=("@method");created=1;foo="bar"', VALID_SIGNATURE],
    ['a component is upper-case', 'sig1=("@Method");created=1', VALID_SIGNATURE],
    ['a field name is upper-case', 'sig1=("Content-Digest");created=1', VALID_SIGNATURE],
    ['a component is a token', 'sig1=(method);created=1', VALID_SIGNATURE],
    ['a component is empty', 'sig1=("");created=1', VALID_SIGNATURE],
    ['a component appears twice', 'sig1=("@method" "@path" "@method")', VALID_SIGNATURE],
    [
      'a component appears twice with the same parameters',
      'sig1=("a";key="x" "a";key="x")',
      VALID_SIGNATURE,
    ],
  ])('is credential_malformed when %s', (_, signatureInput, signature) => {
    expect(parseError(signatureInput, signature).code).toBe('credential_malformed');
  });

  it('says which label is missing without echoing the signature', () => {
    const error = parseError(VALID_INPUT, 'sig2=:AAAA:');
    expect(error.message).toBe('Signature has no member for label "sig1"');
  });
});

describe('the limits on a signature credential', () => {
  const components = (count: number) =>
    Array.from({ length: count }, (_, i) => `"x";key="m${i}"`).join(' ');
  const labels = (count: number, value: (label: string) => string) =>
    Array.from({ length: count }, (_, i) => `s${i}=${value(`s${i}`)}`).join(', ');

  it('accepts exactly maxComponents components and refuses one more', () => {
    const limits = { maxSignatures: 8, maxComponents: 3 };
    expect(parseSignatureHeaders(`a=(${components(3)})`, 'a=::', limits)).toHaveLength(1);
    expect(() => parseSignatureHeaders(`a=(${components(4)})`, 'a=::', limits)).toThrowError(
      'Signature-Input "a" covers more than 3 components',
    );
  });

  it('accepts exactly maxSignatures labels and refuses one more, in either header', () => {
    const limits = { maxSignatures: 2, maxComponents: 32 };
    const input = (n: number) => labels(n, () => '("@method")');
    const signature = (n: number) => labels(n, () => ':AAAA:');
    expect(parseSignatureHeaders(input(2), signature(2), limits)).toHaveLength(2);
    expect(() => parseSignatureHeaders(input(3), signature(2), limits)).toThrowError(
      'Signature-Input carries more than 2 signatures',
    );
    expect(() => parseSignatureHeaders(input(2), signature(3), limits)).toThrowError(
      'Signature carries more than 2 signatures',
    );
  });

  it.each([
    ['Signature-Input', 'a=("@method"), b=("@path"), a=("@authority")', 'a=:AAAA:, b=:AAAA:'],
    ['Signature', 'a=("@method"), b=("@path")', 'a=:AAAA:, b=:AAAA:, a=:AQID:'],
  ])(
    'refuses %s naming a label twice, which would hide the earlier member',
    (field, input, sig) => {
      expect(() => parseSignatureHeaders(input, sig, LIMITS)).toThrowError(
        `${field} names a label more than once`,
      );
    },
  );

  it('counts members correctly when strings hold commas, quotes and backslashes', () => {
    const input = 'a=("@method");nonce="x, y \\" z, w";tag="t,", b=("@path")';
    expect(parseSignatureHeaders(input, 'b=:AAAA:, a=:AAAA:', LIMITS)).toHaveLength(2);
  });

  it.each(['req', 'tr', 'name', 'x'])(
    'refuses a component parameter %s, so a component holds at most sf, key and bs',
    (param) => {
      expect(parseError(`a=("x";${param})`, 'a=::').code).toBe('credential_malformed');
    },
  );
});

/** Either parses, or throws the one error a caller's bad input may cause. */
function parsesOrIsMalformed(signatureInput: string, signature: string): void {
  try {
    const candidates = parseSignatureHeaders(signatureInput, signature, LIMITS);
    expect(candidates.length).toBeGreaterThan(0);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthzError);
    expect((error as AuthzError).code).toBe('credential_malformed');
  }
}

const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
);

/** Fragments of structured-field syntax, so random text often gets past the first character. */
const sfSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'sig1=',
        'sig2=',
        '(',
        ')',
        ' ',
        ',',
        ';',
        '=',
        '"',
        '\\',
        ':',
        '?1',
        '?0',
        '*',
        '@',
        '%"',
        '-',
        '.',
        '"@method"',
        '"@path"',
        '"@authority"',
        'created=',
        'expires=',
        'keyid=',
        'nonce=',
        'alg=',
        'tag=',
        'key=',
        '1768478400',
        '1.5',
        '-1',
        '9999999999999999',
        'AAAA',
        ':AAAA:',
        'tok/en',
        '%"\\u00e9"',
        '@1768478400',
        '\t',
        '\u00e9',
      ),
      fc.string({ maxLength: 3 }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

/** A valid header with a few characters deleted, replaced or inserted at random places. */
function mutated(valid: string) {
  const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 4 }), insert: anyText });
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) =>
    edits.reduce((text, { at, remove, insert }) => {
      const start = at % (text.length + 1);
      return text.slice(0, start) + insert.slice(0, 4) + text.slice(start + remove);
    }, valid),
  );
}

describe('parsing arbitrary header values', () => {
  test.prop([anyText, anyText], { numRuns: 300 })(
    'either parses or is credential_malformed for any two strings',
    parsesOrIsMalformed,
  );

  test.prop([sfSoup, fc.oneof(sfSoup, fc.constant(VALID_SIGNATURE))], { numRuns: 300 })(
    'either parses or is credential_malformed for structured-field-like text',
    parsesOrIsMalformed,
  );

  test.prop(
    [
      fc.oneof(mutated(VALID_INPUT), fc.constant(VALID_INPUT)),
      fc.oneof(mutated(VALID_SIGNATURE), fc.constant(VALID_SIGNATURE)),
    ],
    { numRuns: 300 },
  )('either parses or is credential_malformed for mutations of a valid pair', parsesOrIsMalformed);
});

/** Printable ASCII: what an sf-string may hold. */
const sfString = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 40,
});
const componentName = fc.stringMatching(/^@?[a-z0-9][a-z0-9-]{0,15}$/);
const componentParams = fc.oneof(
  fc.constant<Parameters>(new Map()),
  sfString.map<Parameters>((key) => new Map([['key', key]])),
  fc.constant<Parameters>(new Map([['sf', true]])),
  fc.constant<Parameters>(new Map([['bs', true]])),
);
const label = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);

describe('round trips', () => {
  test.prop(
    {
      label,
      components: fc.uniqueArray(fc.tuple(componentName, componentParams), {
        maxLength: 8,
        selector: ([name]) => name,
      }),
      created: fc.integer({ min: 0, max: 999_999_999_999 }),
      keyid: sfString,
      nonce: sfString,
      tag: fc.option(sfString, { nil: undefined }),
      bytes: fc.uint8Array({ maxLength: 96 }),
    },
    { numRuns: 300 },
  )('a serialised signature parses back to its components, parameters and bytes', (input) => {
    const params: Parameters = new Map<string, string | number>([
      ['created', input.created],
      ['keyid', input.keyid],
      ['nonce', input.nonce],
    ]);
    if (input.tag !== undefined) params.set('tag', input.tag);
    const innerList: InnerList = [input.components, params];
    const signatureInput = serializeDictionary(new Map([[input.label, innerList]]));
    const signature = serializeDictionary(
      new Map([[input.label, [input.bytes.slice().buffer, new Map()]]]),
    );
    const [candidate] = parseSignatureHeaders(signatureInput, signature, LIMITS);
    expect(candidate!.label).toBe(input.label);
    expect(candidate!.components.map((c) => [c.name, c.params])).toEqual(input.components);
    expect(candidate!.params).toMatchObject({
      created: input.created,
      keyid: input.keyid,
      nonce: input.nonce,
      tag: input.tag,
    });
    expect(candidate!.serializedParams).toBe(signatureInput.slice(input.label.length + 1));
    expect(candidate!.signature).toEqual(input.bytes);
  });

  it('rejects a token where a component string belongs, even in a serialised header', () => {
    const signatureInput = serializeDictionary(
      new Map([['sig1', [[[new Token('method'), new Map()]], new Map()] as InnerList]]),
    );
    expect(parseError(signatureInput).code).toBe('credential_malformed');
  });
});
