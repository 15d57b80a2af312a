import type { SfItem, SfMember } from './structured-field.js';
import { Reader } from './structured-field-reader.js';

/** RFC 8941 §4.2.1 list parsing, strict (a repeated parameter key is refused). */
export function parseStructuredList(text: string): SfMember[] {
  return new Reader(text, true).list();
}

/** RFC 8941 §4.2.3 item parsing for a whole field, strict. */
export function parseStructuredItem(text: string): SfItem {
  return new Reader(text, true).wholeItem();
}
