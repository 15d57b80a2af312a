import { fc, test } from '@fast-check/vitest';
import * as library from 'structured-headers';
import {
  type BareItem,
  DisplayString,
  type InnerList,
  type Item,
  type Parameters,
  parseDictionary,
  serializeDictionary,
  Token,
} from 'structured-headers';
import { describe, expect, it } from 'vitest';
import { parseStructuredDictionary } from './parse-structured-dictionary.js';
import { parseStructuredItem, parseStructuredList } from './parse-structured-field.js';
import {
  serializeInnerList,
  serializeItem,
  serializeList,
  serializeDictionary as serializeOwnDictionary,
} from './serialize-structured-item.js';
import { Decimal, type StructuredFieldError } from './structured-field.js';

/**
 * Comparable form: types the library distinguishes stay distinct, -0 stays -0. A Decimal is
 * compared by value, since the library has no Decimal type of its own.
 */
function plain(value: unknown): unknown {
  if (value instanceof Decimal) return plain(value.value);
  if (value instanceof Map) return [...value].map(([key, member]) => [key, plain(member)]);
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Token) return { token: value.toString() };
  if (value instanceof DisplayString) return { display: value.toString() };
  if (value instanceof Date) return { date: value.getTime() };
  if (value instanceof ArrayBuffer) return { bytes: Buffer.from(value).toString('hex') };
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  return value;
}

function outcome(parse: (text: string) => unknown, text: string): unknown {
  try {
    return { parsed: plain(parse(text)) };
  } catch {
    return 'refused';
  }
}

function expectSameAsLibrary(text: string): void {
  expect(outcome(parseStructuredDictionary, text)).toEqual(outcome(parseDictionary, text));
}

/** A list or an item read leniently by the library and strictly here: the same, or refused. */
function expectListAndItemLikeLibrary(text: string): void {
  for (const [own, theirs] of [
    [parseStructuredList, library.parseList],
    [parseStructuredItem, library.parseItem],
  ] as const) {
    const ours = outcome(own, text);
    if (ours !== 'refused') expect(ours).toEqual(outcome(theirs, text));
  }
}

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 12,
});
const key = fc.stringMatching(/^[a-z*][a-z0-9_.*-]{0,6}$/);
const bareItem: fc.Arbitrary<BareItem> = fc.oneof(
  fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }),
  fc.integer({ min: -999_999_999, max: 999_999_999 }).map((n) => n / 1000),
  printable,
  fc.stringMatching(/^[A-Za-z*][A-Za-z0-9:/!#$%&'*+.^_`|~-]{0,8}$/).map((t) => new Token(t)),
  fc.uint8Array({ maxLength: 12 }).map((bytes) => bytes.slice().buffer),
  fc.boolean(),
  fc.string({ maxLength: 6 }).map((text) => new DisplayString(text)),
);
const parameters: fc.Arbitrary<Parameters> = fc
  .array(fc.tuple(key, bareItem), { maxLength: 3 })
  .map((entries) => new Map(entries));
const item: fc.Arbitrary<Item> = fc.tuple(bareItem, parameters);
const member = fc.oneof(
  item,
  fc.tuple(fc.array(item, { maxLength: 4 }), parameters) as fc.Arbitrary<InnerList>,
);
const dictionary = fc
  .array(fc.tuple(key, member), { minLength: 1, maxLength: 4 })
  .map((entries) => serializeDictionary(new Map(entries)));

/** Whitespace RFC 8941 allows (and some it does not) spliced in at its separators. */
const respaced = fc
  .tuple(dictionary, fc.array(fc.constantFrom('', ' ', '  ', '\t', ' \t'), { minLength: 64 }))
  .map(([text, spaces]) => {
    let i = 0;
    return text.replace(/([,;( ])/g, (separator) => separator + spaces[i++ % spaces.length]);
  });

/** Non-canonical numbers: leading zeros, decimals with trailing zeros. */
const renumbered = dictionary.map((text) =>
  text.replace(/=(\d)/g, '=00$1').replace(/\.(\d)/, '.$10'),
);

const soup = fc
  .array(
    fc.constantFrom(
      'a=',
      'b',
      '(',
      ')',
      ' ',
      '\t',
      ',',
      ';',
      '=',
      '"',
      '\\',
      ':',
      '?1',
      '?0',
      '?',
      '*',
      '@',
      '@-1',
      '%"',
      '%22',
      '%e2%82%ac',
      '%G1',
      '-',
      '.',
      '0',
      '1',
      '123456789012',
      'AAAA',
      'QQ==',
      'Q=',
      'A===',
      'tok/en',
      '\u00e9',
      '\u0141',
      '\x7f',
      '\x1f',
    ),
    { maxLength: 24 },
  )
  .map((parts) => parts.join(''));

function mutated(source: fc.Arbitrary<string>) {
  const edit = fc.record({
    at: fc.nat(),
    remove: fc.nat({ max: 3 }),
    insert: fc.string({ maxLength: 3 }),
  });
  return fc.tuple(source, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([text, edits]) =>
    edits.reduce((out, { at, remove, insert }) => {
      const start = at % (out.length + 1);
      return out.slice(0, start) + insert + out.slice(start + remove);
    }, text),
  );
}

describe('parseStructuredDictionary against the structured-headers library', () => {
  test.prop([dictionary], { numRuns: 500 })(
    'parses what the library serialises, to the same values',
    expectSameAsLibrary,
  );
  test.prop([respaced], { numRuns: 500 })(
    'agrees on extra whitespace, allowed or not',
    expectSameAsLibrary,
  );
  test.prop([renumbered], { numRuns: 300 })('agrees on non-canonical numbers', expectSameAsLibrary);
  test.prop([soup], { numRuns: 1000 })('agrees on structured-field-like soup', expectSameAsLibrary);
  test.prop([mutated(dictionary)], { numRuns: 1000 })(
    'agrees on mutations of valid fields',
    expectSameAsLibrary,
  );
  test.prop([fc.string({ unit: 'binary', maxLength: 20 })], { numRuns: 300 })(
    'agrees on arbitrary text',
    expectSameAsLibrary,
  );

  it.each([['a=:QQ==:', 'a=:QQ:', 'a=:QQ=:', 'a=:Q:', 'a=:A===:', 'a=:QUJD:', 'a=::', 'a=:=:']])(
    'agrees on byte-sequence padding (%s and others)',
    (...texts) => {
      for (const text of texts) expectSameAsLibrary(text);
    },
  );

  it.each([
    'a=@1, b=1',
    'a=@-5',
    'a=@1234567890123456',
    'a;b=@1',
    'a=1.',
    'a=1.2345',
    'a=-',
    'a=?2',
  ])('agrees on the edge %s', expectSameAsLibrary);
});

describe('what the signature parser adds', () => {
  const refusal = (text: string, options: object) => {
    try {
      parseStructuredDictionary(text, options);
    } catch (error) {
      return (error as StructuredFieldError).refusal;
    }
  };

  it('refuses a repeated key and too many members, naming which', () => {
    expect(refusal('a=1, b=2, a=3', { strict: true })).toBe('repeated-key');
    expect(refusal('a=1, b=2, c=3', { maxMembers: 2 })).toBe('too-many-members');
    expect(parseStructuredDictionary('a=1, b=2', { maxMembers: 2, strict: true }).size).toBe(2);
  });

  it.each([
    ['a parameter of a member', 'a=1;x=1;x=2'],
    ['a parameter of an inner list', 'sig1=("@path");created=1;created=2'],
    ['a parameter of an inner-list item', 'sig1=("x";key="a";key="b")'],
  ])('refuses, when strict, a repeated key in %s', (_, text) => {
    expect(refusal(text, { strict: true })).toBe('repeated-parameter');
    expect(refusal(text, {})).toBeUndefined();
  });

  it('keeps a Decimal apart from an Integer of the same value, and writes it back as one', () => {
    const parsed = parseStructuredDictionary('a=1.0, b=1, c=-2.50, d=(1.000 2);p=0.5');
    expect(parsed.get('a')![0]).toEqual(new Decimal(1));
    expect(parsed.get('b')![0]).toBe(1);
    expect(serializeOwnDictionary(parsed)).toBe('a=1.0, b=1, c=-2.5, d=(1.0 2);p=0.5');
  });
});

describe('parseStructuredList and parseStructuredItem against the library', () => {
  test.prop([fc.oneof(dictionary, respaced, soup, mutated(dictionary))], { numRuns: 500 })(
    'read what they accept to the values the library reads',
    expectListAndItemLikeLibrary,
  );

  test.prop([fc.array(member, { maxLength: 4 }), item], { numRuns: 300 })(
    'read the library’s own serialisations back, and write them again byte for byte',
    (list, single) => {
      const listText = library.serializeList(list);
      expect(serializeList(parseStructuredList(listText))).toBe(listText);
      const itemText = library.serializeItem(single);
      expect(serializeItem(parseStructuredItem(itemText))).toBe(itemText);
    },
  );
});

describe('serializeInnerList and serializeItem against the library', () => {
  test.prop([fc.tuple(fc.array(item, { maxLength: 4 }), parameters)], { numRuns: 500 })(
    'write an inner list byte for byte as the library does',
    (innerList) => {
      expect(serializeInnerList(innerList as InnerList)).toBe(
        library.serializeInnerList(innerList as InnerList),
      );
    },
  );
  test.prop([item], { numRuns: 500 })(
    'write an item byte for byte as the library does',
    (value) => {
      expect(serializeItem(value)).toBe(library.serializeItem(value));
    },
  );
});
