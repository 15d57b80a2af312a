import {
  type BareItem,
  type Dictionary,
  parseDictionary,
  parseItem,
  parseList,
  serializeDictionary,
  serializeInnerList,
  serializeItem,
  serializeList,
} from 'structured-headers';
import type { ComponentId, SignatureCandidate } from '../credentials/signature-candidate.js';
import { AuthzError } from '../errors.js';
import type { HeaderFields } from '../request/authz-request.js';
import { normaliseAuthority } from '../request/normalise-target.js';

/** The parts of a message RFC 9421 components are derived from. */
export interface SignedMessage {
  readonly method: string;
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
 * LF with no trailing newline.
 */
export function buildSignatureBase(
  message: SignedMessage,
  candidate: Pick<SignatureCandidate, 'components' | 'serializedParams'>,
): string {
  let base = '';
  for (const component of candidate.components) {
    base += `${component.serialized}: ${componentValue(message, component)}\n`;
  }
  return `${base}"@signature-params": ${candidate.serializedParams}`;
}

function componentValue(message: SignedMessage, component: ComponentId): string {
  return component.name.startsWith('@')
    ? derivedValue(message, component)
    : fieldComponentValue(message.headers, component);
}

/** RFC 9421 §2.2: the derived components, all of a request's and a response's `@status`. */
function derivedValue(message: SignedMessage, component: ComponentId): string {
  if (component.params.size > 0) {
    throw unsupported(`derived component ${component.name} with parameters`);
  }
  const query = message.query === null ? '' : `?${message.query}`;
  switch (component.name) {
    case '@method':
      return message.method;
    case '@authority':
      return normaliseAuthority(message.authority, message.scheme);
    case '@scheme':
      return message.scheme.toLowerCase();
    case '@path':
      return message.path;
    // §2.2.7: with no query the value is a lone "?".
    case '@query':
      return query === '' ? '?' : query;
    case '@request-target':
      return `${message.path}${query}`;
    case '@target-uri':
      return `${message.scheme.toLowerCase()}://${normaliseAuthority(message.authority, message.scheme)}${message.path}${query}`;
    // §2.2.9: "The @status component identifier MUST NOT be used in a request message."
    case '@status':
      if (message.status === undefined) throw unsupported('@status');
      return String(message.status);
    default:
      throw unsupported(`derived component ${component.name}`);
  }
}

/** RFC 9421 §2.1: a header field, optionally re-serialised (`sf`), one member (`key`) or `bs`. */
function fieldComponentValue(headers: HeaderFields, component: ComponentId): string {
  const lines = headers.get(component.name);
  if (lines === undefined) {
    throw new AuthzError('signature_invalid', 'a covered header field is absent from the request');
  }
  for (const key of component.params.keys()) {
    if (key !== 'sf' && key !== 'key' && key !== 'bs') {
      throw unsupported(`component parameter ${key}`);
    }
  }
  const key = component.params.get('key');
  const combined = lines.map((line) => line.trim()).join(', ');
  if (component.params.has('bs')) {
    if (component.params.size > 1) throw unsupported('bs combined with another parameter');
    return lines
      .map((line) => `:${Buffer.from(line.trim(), 'utf8').toString('base64')}:`)
      .join(', ');
  }
  if (key !== undefined) return dictionaryMember(combined, key);
  if (component.params.has('sf')) return reserialise(combined);
  return combined;
}

function dictionaryMember(value: string, key: BareItem): string {
  if (typeof key !== 'string') throw unsupported('a key parameter that is not a string');
  const member = parseStructured(() => parseDictionary(value)).get(key);
  if (member === undefined) {
    throw new AuthzError('signature_invalid', 'a covered dictionary member is absent');
  }
  return Array.isArray(member[0])
    ? serializeInnerList(member as Parameters<typeof serializeInnerList>[0])
    : serializeItem(member as Parameters<typeof serializeItem>[0]);
}

/** `sf` without a registry of field types: dictionary, then list, then item (RFC 8941 §4.2). */
function reserialise(value: string): string {
  try {
    return serializeDictionary(parseDictionary(value) as Dictionary);
  } catch {}
  try {
    return serializeList(parseList(value));
  } catch {}
  return serializeItem(parseStructured(() => parseItem(value)));
}

function parseStructured<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new AuthzError('signature_invalid', 'a covered structured field does not parse', {
      cause: error,
    });
  }
}

function unsupported(what: string): AuthzError {
  return new AuthzError('credential_malformed', `unsupported in a request signature: ${what}`);
}
