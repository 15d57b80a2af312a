import type { ReadOptions, SfMember } from './structured-field.js';
import { Reader } from './structured-field-reader.js';

export interface DictionaryOptions extends ReadOptions {
  /** More members than this is an error, raised as soon as the next one starts. */
  readonly maxMembers?: number;
}

/**
 * RFC 8941 / RFC 9651 §4.2.2 dictionary parsing, as the `structured-headers` library reads it
 * but for a Decimal kept as a `Decimal` (see Reader). Every dictionary a verifier selects a
 * member from is read `strict`: a repeated key or parameter is a `StructuredFieldError`, never
 * the last one silently.
 */
export function parseStructuredDictionary(
  text: string,
  options: DictionaryOptions = {},
): Map<string, SfMember> {
  const reader = new Reader(text, options.strict === true);
  return reader.dictionary(options.maxMembers ?? Number.POSITIVE_INFINITY);
}
