import { isUtf8 } from 'node:buffer';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decodeFieldBytes, fieldBytes, isExactText, trimOws } from './field-bytes.js';

describe('a header value read from raw bytes', () => {
  test.prop([fc.uint8Array({ maxLength: 64 })], { numRuns: 500 })(
    'gives back exactly its bytes, and is text exactly when the bytes are UTF-8',
    (bytes) => {
      const value = decodeFieldBytes(Buffer.from(bytes));
      expect(fieldBytes(value)).toEqual(Buffer.from(bytes));
      expect(isExactText(value)).toBe(isUtf8(bytes));
    },
  );

  it('is decoded as UTF-8 when it is UTF-8, U+FFFD included', () => {
    expect(decodeFieldBytes(Buffer.from('read \u00e9t\u00e9 \ufffd \u{1f600}'))).toBe(
      'read \u00e9t\u00e9 \ufffd \u{1f600}',
    );
  });

  it('never reads as U+FFFD when it is not UTF-8', () => {
    const value = decodeFieldBytes(Buffer.of(0x72, 0x65, 0x61, 0x64, 0xff));
    expect(value).not.toContain('\ufffd');
    expect(isExactText(value)).toBe(false);
  });
});

describe('trimming a field line', () => {
  it('removes leading and trailing spaces and tabs only', () => {
    expect(trimOws(' \t read \t ')).toBe('read');
    for (const other of ['\u00a0', '\ufeff', '\v', '\f', '\u2028', '\r', '\n']) {
      expect(trimOws(`${other}read${other}`)).toBe(`${other}read${other}`);
    }
  });

  it('keeps inner whitespace and returns an untrimmed value as it is', () => {
    expect(trimOws('a \t b')).toBe('a \t b');
    expect(trimOws('   ')).toBe('');
  });
});
