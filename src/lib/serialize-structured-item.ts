import {
  type BareItem,
  type InnerList,
  type Item,
  type Parameters,
  serializeBareItem,
} from 'structured-headers';

/**
 * RFC 8941 §4.1 serialisation of an inner list and of an item, as `structured-headers`
 * produces it, with the types a signature carries (strings, integers, bare `true` parameters)
 * written here and any other type handed to the library. RFC 9421 §2.3 signs
 * `@signature-params` in exactly this form, so the two must never differ (a property test
 * compares them). Keys are written as given: they come from a parse, which only yields valid
 * ones.
 */
export function serializeInnerList([items, parameters]: InnerList): string {
  let out = '(';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ' ';
    out += serializeItem(items[i]!);
  }
  return `${out})${serializeParameters(parameters)}`;
}

export function serializeItem([value, parameters]: Item): string {
  return serializeValue(value) + serializeParameters(parameters);
}

function serializeParameters(parameters: Parameters): string {
  let out = '';
  for (const [key, value] of parameters) {
    out += value === true ? `;${key}` : `;${key}=${serializeValue(value)}`;
  }
  return out;
}

/** Printable ASCII without `"` or `\\`: written as is between quotes. */
const PLAIN_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function serializeValue(value: BareItem): string {
  if (typeof value === 'string' && PLAIN_STRING.test(value)) return `"${value}"`;
  if (Number.isSafeInteger(value)) return String(value);
  return serializeBareItem(value);
}
