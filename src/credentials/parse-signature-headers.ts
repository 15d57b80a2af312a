import {
  type BareItem,
  type InnerList,
  type Item,
  type Parameters,
  parseDictionary,
  serializeInnerList,
  serializeItem,
} from 'structured-headers';
import { AuthzError } from '../errors.js';
import type { ComponentId, SignatureCandidate, SignatureParams } from './signature-candidate.js';

const KNOWN_PARAMS = new Set(['created', 'expires', 'nonce', 'keyid', 'alg', 'tag']);

/**
 * Parses `Signature-Input` and `Signature` (RFC 9421 §4) into candidates, in the order the
 * labels appear in `Signature-Input`. Anything that is not well-formed is `credential_malformed`.
 */
export function parseSignatureHeaders(
  signatureInput: string,
  signature: string,
): SignatureCandidate[] {
  const inputs = parseDictionaryOrThrow(signatureInput, 'Signature-Input');
  const signatures = parseDictionaryOrThrow(signature, 'Signature');
  const candidates: SignatureCandidate[] = [];
  for (const [label, member] of inputs) {
    const signed = signatures.get(label);
    if (signed === undefined) {
      throw malformed(`Signature has no member for label "${label}"`);
    }
    candidates.push(toCandidate(label, member, signed));
  }
  if (candidates.length === 0) throw malformed('Signature-Input has no signatures');
  return candidates;
}

function parseDictionaryOrThrow(value: string, field: string): Map<string, Item | InnerList> {
  try {
    return parseDictionary(value);
  } catch (error) {
    throw malformed(`${field} is not a valid structured-field dictionary`, error);
  }
}

function toCandidate(
  label: string,
  member: Item | InnerList,
  signed: Item | InnerList,
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
    components: toComponents(label, items),
    params: toParams(label, params),
    serializedParams: serializeInnerList([items, params]),
    signature: new Uint8Array(bytes),
  };
}

function toComponents(label: string, items: Item[]): ComponentId[] {
  const seen = new Set<string>();
  return items.map(([name, params]) => {
    if (typeof name !== 'string' || name === '' || name !== name.toLowerCase()) {
      throw malformed(`Signature-Input "${label}" has a component that is not a lower-case string`);
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
