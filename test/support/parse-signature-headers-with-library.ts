import {
  type BareItem,
  type InnerList,
  type Item,
  type Parameters,
  parseDictionary,
  serializeInnerList,
  serializeItem,
} from 'structured-headers';
import type { SignatureLimits } from '../../src/credentials/parse-signature-headers.js';
import {
  type ComponentId,
  isComponentParam,
  type SignatureCandidate,
  type SignatureParams,
} from '../../src/credentials/signature-candidate.js';
import { AuthzError } from '../../src/errors.js';

const KNOWN_PARAMS = new Set(['created', 'expires', 'nonce', 'keyid', 'alg', 'tag']);

/**
 * The test oracle for src/credentials/parse-signature-headers.ts: the same rules built on the
 * `structured-headers` library (its parse, then its serialisation of `@signature-params`), as
 * the check did before the single-pass parser. A label given twice is found by counting the
 * top-level commas, which misreads a display string holding a backslash: tests leave those out.
 * The library cannot see a parameter given twice, nor tell `1.0` from `1`: tests leave fields
 * with either out, and test those rules on their own.
 */
export function parseSignatureHeadersWithLibrary(
  signatureInput: string,
  signature: string,
  limits: SignatureLimits,
): SignatureCandidate[] {
  const inputs = parseDictionaryOrThrow(signatureInput, 'Signature-Input', limits);
  const signatures = parseDictionaryOrThrow(signature, 'Signature', limits);
  const candidates: SignatureCandidate[] = [];
  for (const [label, member] of inputs) {
    const signed = signatures.get(label);
    if (signed === undefined) {
      throw malformed(`Signature has no member for label "${label}"`);
    }
    candidates.push(toCandidate(label, member, signed, limits));
  }
  if (candidates.length === 0) throw malformed('Signature-Input has no signatures');
  return candidates;
}

function parseDictionaryOrThrow(
  value: string,
  field: string,
  limits: SignatureLimits,
): Map<string, Item | InnerList> {
  let dictionary: Map<string, Item | InnerList>;
  try {
    dictionary = parseDictionary(value);
  } catch (error) {
    throw malformed(`${field} is not a valid structured-field dictionary`, error);
  }
  if (dictionary.size > limits.maxSignatures) {
    throw malformed(`${field} carries more than ${limits.maxSignatures} signatures`);
  }
  // RFC 8941 §4.2.2: a repeated key overwrites the earlier member. That member — a signature
  // the request carried but nobody verified — would stay free to be replayed alone.
  if (countMembers(value) !== dictionary.size) {
    throw malformed(`${field} names a label more than once`);
  }
  return dictionary;
}

/**
 * Members of a dictionary that parsed: one more than its top-level commas. In valid syntax a
 * comma can only appear elsewhere inside a quoted string (escapes `\"` and `\\`).
 */
function countMembers(value: string): number {
  let members = 1;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (quoted) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) quoted = false;
    } else if (code === QUOTE) quoted = true;
    else if (code === COMMA) members++;
  }
  return members;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

function toCandidate(
  label: string,
  member: Item | InnerList,
  signed: Item | InnerList,
  limits: SignatureLimits,
): SignatureCandidate {
  if (!Array.isArray(member[0])) {
    throw malformed(`Signature-Input "${label}" is not an inner list`);
  }
  const [items, params] = member as InnerList;
  const bytes = signed[0];
  if (!(bytes instanceof ArrayBuffer)) {
    throw malformed(`Signature "${label}" is not a byte sequence`);
  }
  return {
    label,
    components: toComponents(label, items, limits),
    params: toParams(label, params),
    serializedParams: serializeInnerList([items, params]),
    signature: new Uint8Array(bytes),
  };
}

function toComponents(label: string, items: Item[], limits: SignatureLimits): ComponentId[] {
  if (items.length > limits.maxComponents) {
    throw malformed(
      `Signature-Input "${label}" covers more than ${limits.maxComponents} components`,
    );
  }
  const seen = new Set<string>();
  return items.map(([name, params]) => {
    if (typeof name !== 'string' || name === '' || name !== name.toLowerCase()) {
      throw malformed(`Signature-Input "${label}" has a component that is not a lower-case string`);
    }
    for (const [key, value] of params) {
      if (!isComponentParam(key)) {
        throw malformed(
          `Signature-Input "${label}" has a component parameter that is not supported`,
        );
      }
      if (key === 'key' ? typeof value !== 'string' : value !== true) {
        throw malformed(`Signature-Input "${label}" has a component parameter of the wrong type`);
      }
    }
    const serialized = serializeItem([name, params]);
    // RFC 9421 §2.5: a component identifier must not appear twice in one signature.
    if (seen.has(serialized)) {
      throw malformed(`Signature-Input "${label}" covers the same component twice`);
    }
    seen.add(serialized);
    return { name, params, serialized };
  });
}

function toParams(label: string, params: Parameters): SignatureParams {
  for (const key of params.keys()) {
    if (!KNOWN_PARAMS.has(key))
      throw malformed(`Signature-Input "${label}" has unknown parameter ${key}`);
  }
  return {
    created: integerParam(label, params, 'created'),
    expires: integerParam(label, params, 'expires'),
    nonce: stringParam(label, params, 'nonce'),
    keyid: stringParam(label, params, 'keyid'),
    alg: stringParam(label, params, 'alg'),
    tag: stringParam(label, params, 'tag'),
  };
}

function integerParam(label: string, params: Parameters, key: string): number | undefined {
  const value: BareItem | undefined = params.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw malformed(`Signature-Input "${label}" parameter ${key} must be an integer`);
  }
  return value;
}

function stringParam(label: string, params: Parameters, key: string): string | undefined {
  const value: BareItem | undefined = params.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw malformed(`Signature-Input "${label}" parameter ${key} must be a string`);
  }
  return value;
}

function malformed(message: string, cause?: unknown): AuthzError {
  return new AuthzError('credential_malformed', message, { cause });
}
