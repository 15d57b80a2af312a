import { type BareItem, serializeBareItem } from 'structured-headers';
import {
  Decimal,
  isInnerList,
  type SfBareItem,
  type SfInnerList,
  type SfItem,
  type SfMember,
  type SfParameters,
} from './structured-field.js';

/**
 * RFC 8941 §4.1 serialisation of an inner list and of an item, as `structured-headers`
 * produces it, with the types a signature carries (strings, integers, bare `true` parameters)
 * written here and any other type handed to the library. RFC 9421 §2.3 signs
 * `@signature-params` in exactly this form, so the two must never differ (a property test
 * compares them). Keys are written as given: they come from a parse, which only yields valid
 * ones. A `Decimal` is written as a Decimal even when its value is whole (`1.0`, not `1`).
 */
export function serializeInnerList([items, parameters]: SfInnerList): string {
  let out = '(';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ' ';
    out += serializeItem(items[i]!);
  }
  return `${out})${serializeParameters(parameters)}`;
}

export function serializeItem([value, parameters]: SfItem): string {
  return serializeValue(value) + serializeParameters(parameters);
}

export function serializeMember(member: SfMember): string {
  return isInnerList(member) ? serializeInnerList(member) : serializeItem(member);
}

/** RFC 8941 §4.1.2: `key` alone for a bare `true`, else `key=member`, joined by ", ". */
export function serializeDictionary(dictionary: ReadonlyMap<string, SfMember>): string {
  let out = '';
  for (const [key, member] of dictionary) {
    if (out !== '') out += ', ';
    out +=
      member[0] === true
        ? key + serializeParameters(member[1])
        : `${key}=${serializeMember(member)}`;
  }
  return out;
}

/** RFC 8941 §4.1.1. */
export function serializeList(list: readonly SfMember[]): string {
  return list.map(serializeMember).join(', ');
}

function serializeParameters(parameters: SfParameters): string {
  let out = '';
  for (const [key, value] of parameters) {
    out += value === true ? `;${key}` : `;${key}=${serializeValue(value)}`;
  }
  return out;
}

/** Printable ASCII without `"` or `\\`: written as is between quotes. */
const PLAIN_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function serializeValue(value: SfBareItem): string {
  if (typeof value === 'string' && PLAIN_STRING.test(value)) return `"${value}"`;
  if (Number.isSafeInteger(value)) return String(value);
  if (value instanceof Decimal) return serializeDecimal(value.value);
  return serializeBareItem(value as BareItem);
}

/** RFC 8941 §4.1.5: a whole value keeps one fraction digit; others as the library writes them. */
function serializeDecimal(value: number): string {
  if (Number.isInteger(value)) return `${value}.0`;
  return serializeBareItem(value);
}
