import { describe, expect, it } from 'vitest';
import { isFieldValue } from './field-value.js';

describe('isFieldValue', () => {
  it('accepts visible text with inner spaces and tabs, beyond ASCII too, and the empty value', () => {
    const values = ['did:web:agents.example.com:billing', 'a b\tc', 'naïve', 'x', ''];
    expect(values.filter(isFieldValue)).toEqual(values);
  });

  it.each([
    ['agent\r\nx-agent-verified: true'],
    ['line\nfeed'],
    ['carriage\rreturn'],
    ['nul\0byte'],
    ['delete\x7f'],
    ['bell\x07'],
    [' leading space'],
    ['trailing space '],
    ['\ttab first'],
    ['tab last\t'],
    [' '],
  ])('refuses %j', (text) => {
    expect(isFieldValue(text)).toBe(false);
  });
});
