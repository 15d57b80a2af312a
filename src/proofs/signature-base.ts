import type { BareItem } from 'structured-headers';
import {
  type ComponentId,
  isComponentParam,
  type SignatureCandidate,
} from '../credentials/signature-candidate.js';
import { AuthzError } from '../errors.js';
import { parseStructuredDictionary } from '../lib/parse-structured-dictionary.js';
import { parseStructuredItem, parseStructuredList } from '../lib/parse-structured-field.js';
import {
  serializeDictionary,
  serializeItem,
  serializeList,
  serializeMember,
} from '../lib/serialize-structured-item.js';
import { type SfMember, StructuredFieldError } from '../lib/structured-field.js';
import { fieldValue, type HeaderFields } from '../request/authz-request.js';
import { fieldBytes, isExactText, trimOws } from '../request/field-bytes.js';
import { asciiLowerCase, normaliseAuthority } from '../request/normalise-target.js';

/** The parts of a message RFC 9421 components are derived from. */
export interface SignedMessage {
  readonly method: string;
  /**
   * The method exactly as received, when `method` is a normalised copy (an AuthzRequest's is
   * upper-cased for policy). RFC 9421 §2.2.1 signs the method as received: `get` is not `GET`.
   */
  readonly receivedMethod?: string;
  readonly scheme: string;
  readonly authority: string;
  readonly path: string;
  readonly query: string | null;
  readonly headers: HeaderFields;
  /** The response status code; absent for a request. */
  readonly status?: number;
}

/**
 * RFC 9421 §2.5: one line per covered component, then the `@signature-params` line, joined by
 * LF with no trailing newline. A dictionary field named by several `;key=` components is parsed
 * once, so the cost stays linear in the size of the request. A value holding CR, LF or NUL
 * would add a line of its own to the base, so two requests whose values differ around it would
 * share one base: such a value is refused (RFC 9110 §5.5 forbids them in field values; a
 * derived value must not hold them either).
 */
export function buildSignatureBase(
  message: SignedMessage,
  candidate: Pick<SignatureCandidate, 'components' | 'serializedParams'>,
): string {
  const dictionaries: ParsedDictionaries = new Map();
  let base = '';
  for (const component of candidate.components) {
    const value = componentValue(message, component, dictionaries);
    if (LINE_BREAK_OR_NUL.test(value)) {
      throw new AuthzError(
        'signature_invalid',
        `the covered ${component.name} holds CR, LF or NUL, which would split the signature base`,
      );
    }
    base += `${component.serialized}: ${value}\n`;
  }
  return `${base}"@signature-params": ${candidate.serializedParams}`;
}

const LINE_BREAK_OR_NUL = /[\0\n\r]/;
/** RFC 9112 §5.2: `obs-fold = OWS CRLF RWS`. */
const OBS_FOLD = /[ \t]*\r\n[ \t]+/g;

/** Dictionary fields already parsed while building one base, by field name. */
type ParsedDictionaries = Map<string, Map<string, SfMember>>;

function componentValue(
  message: SignedMessage,
  component: ComponentId,
  dictionaries: ParsedDictionaries,
): string {
  return component.name.startsWith('@')
    ? derivedValue(message, component)
    : fieldComponentValue(message.headers, component, dictionaries);
}

/** RFC 9421 §2.2: the derived components, all of a request's and a response's `@status`. */
function derivedValue(message: SignedMessage, component: ComponentId): string {
  if (component.params.size > 0) {
    throw unsupported(`derived component ${component.name} with parameters`);
  }
  const query = message.query === null ? '' : `?${message.query}`;
  switch (component.name) {
    case '@method':
      return message.receivedMethod ?? message.method;
    case '@authority':
      return normaliseAuthority(message.authority, message.scheme);
    case '@scheme':
      return asciiLowerCase(message.scheme, 'scheme');
    case '@path':
      return message.path;
    // §2.2.7: with no query the value is a lone "?".
    case '@query':
      return query === '' ? '?' : query;
    case '@request-target':
      return `${message.path}${query}`;
    case '@target-uri':
      return `${asciiLowerCase(message.scheme, 'scheme')}://${normaliseAuthority(message.authority, message.scheme)}${message.path}${query}`;
    // §2.2.9: "The @status component identifier MUST NOT be used in a request message."
    case '@status':
      if (message.status === undefined) throw unsupported('@status');
      return String(message.status);
    default:
      throw unsupported(`derived component ${component.name}`);
  }
}

/**
 * RFC 9421 §2.1: a header field's lines, each stripped of OWS, obs-fold replaced by one space,
 * joined with ", " — optionally re-serialised (`sf`), one dictionary member (`key`), or each
 * line's bytes (`bs`). A value that was not UTF-8 on the wire has no text form to sign; only
 * `bs` covers it. Every structured field is read strictly: a dictionary that names a key twice
 * has no one member to sign (RFC 8941 §4.2.2 keeps the last; another reader may keep the first).
 */
function fieldComponentValue(
  headers: HeaderFields,
  component: ComponentId,
  dictionaries: ParsedDictionaries,
): string {
  const { name, params } = component;
  const lines = headers.get(name);
  if (lines === undefined) {
    throw new AuthzError('signature_invalid', 'a covered header field is absent from the request');
  }
  for (const key of params.keys()) {
    if (!isComponentParam(key)) throw unsupported(`component parameter ${key}`);
  }
  if (params.has('bs')) {
    if (params.size > 1) throw unsupported('bs combined with another parameter');
    return lines.map((line) => `:${fieldBytes(trimOws(line)).toString('base64')}:`).join(', ');
  }
  const key = params.get('key');
  if (key !== undefined)
    return dictionaryMember(parsedDictionary(headers, name, dictionaries), key);
  const value = textValue(headers, name);
  return params.has('sf') ? reserialise(value) : value;
}

/** RFC 9421 §2.1 step 3 (RFC 9112 §5.2): each obs-fold becomes one space. */
function textValue(headers: HeaderFields, name: string): string {
  const value = fieldValue(headers, name) ?? '';
  if (!isExactText(value)) {
    throw new AuthzError('signature_invalid', 'a covered header field is not UTF-8 text');
  }
  return LINE_BREAK_OR_NUL.test(value) ? value.replace(OBS_FOLD, ' ') : value;
}

function parsedDictionary(
  headers: HeaderFields,
  name: string,
  dictionaries: ParsedDictionaries,
): Map<string, SfMember> {
  let dictionary = dictionaries.get(name);
  if (dictionary === undefined) {
    const value = textValue(headers, name);
    dictionary = parseStructured(() => parseStructuredDictionary(value, { strict: true }));
    dictionaries.set(name, dictionary);
  }
  return dictionary;
}

function dictionaryMember(dictionary: Map<string, SfMember>, key: BareItem): string {
  if (typeof key !== 'string') throw unsupported('a key parameter that is not a string');
  const member = dictionary.get(key);
  if (member === undefined) {
    throw new AuthzError('signature_invalid', 'a covered dictionary member is absent');
  }
  return serializeMember(member);
}

/**
 * `sf` without a registry of field types: dictionary, then list, then item (RFC 8941 §4.2),
 * each read strictly and written back with Decimals kept Decimals.
 */
function reserialise(value: string): string {
  try {
    return serializeDictionary(parseStructuredDictionary(value, { strict: true }));
  } catch {}
  try {
    return serializeList(parseStructuredList(value));
  } catch {}
  return serializeItem(parseStructured(() => parseStructuredItem(value)));
}

function parseStructured<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const repeated = error instanceof StructuredFieldError && error.refusal !== 'syntax';
    throw new AuthzError(
      'signature_invalid',
      repeated
        ? 'a covered structured field names a key or parameter twice, so it has no one reading'
        : 'a covered structured field does not parse',
      { cause: error },
    );
  }
}

function unsupported(what: string): AuthzError {
  return new AuthzError('credential_malformed', `unsupported in a request signature: ${what}`);
}
