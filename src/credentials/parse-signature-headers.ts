import type { Parameters } from 'structured-headers';
import { AuthzError } from '../errors.js';
import { parseStructuredDictionary } from '../lib/parse-structured-dictionary.js';
import { serializeInnerList, serializeItem } from '../lib/serialize-structured-item.js';
import {
  isInnerList,
  type SfBareItem,
  type SfItem,
  type SfMember,
  type SfParameters,
  StructuredFieldError,
} from '../lib/structured-field.js';
import {
  type ComponentId,
  isComponentParam,
  type SignatureCandidate,
  type SignatureParams,
} from './signature-candidate.js';

const KNOWN_PARAMS = new Set(['created', 'expires', 'nonce', 'keyid', 'alg', 'tag']);

/** How much one request's signatures may hold (config `signatures.*`). */
export interface SignatureLimits {
  /** Members of `Signature-Input`, and of `Signature`. */
  readonly maxSignatures: number;
  /** Covered components of one signature. */
  readonly maxComponents: number;
}

/**
 * Parses `Signature-Input` and `Signature` (RFC 9421 §4) into candidates, in the order the
 * labels appear in `Signature-Input`. Anything that is not well-formed, or exceeds `limits`, is
 * `credential_malformed`. Each field is parsed once and every later step is bounded by the
 * limits, so the work is linear in the size of the headers.
 */
export function parseSignatureHeaders(
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

/**
 * One strict pass over the field, refusing more than `maxSignatures` members as soon as the
 * next one starts, a label given twice and a parameter given twice: RFC 8941 §4.2.2 would let
 * the later member overwrite the earlier, and that member — a signature the request carried but
 * nobody verified — would stay free to be replayed alone; a second `created` or `keyid` would be
 * read by another verifier instead of the one signed.
 */
function parseDictionaryOrThrow(
  value: string,
  field: string,
  limits: SignatureLimits,
): Map<string, SfMember> {
  try {
    return parseStructuredDictionary(value, { maxMembers: limits.maxSignatures, strict: true });
  } catch (error) {
    const refusal = error instanceof StructuredFieldError ? error.refusal : 'syntax';
    throw malformed(REFUSALS[refusal](field, limits), error);
  }
}

const REFUSALS = {
  syntax: (field: string) => `${field} is not a valid structured-field dictionary`,
  'too-many-members': (field: string, limits: SignatureLimits) =>
    `${field} carries more than ${limits.maxSignatures} signatures`,
  'repeated-key': (field: string) => `${field} names a label more than once`,
  'repeated-parameter': (field: string) => `${field} gives a parameter more than once`,
} as const;

function toCandidate(
  label: string,
  member: SfMember,
  signed: SfMember,
  limits: SignatureLimits,
): SignatureCandidate {
  if (!isInnerList(member)) {
    throw malformed(`Signature-Input "${label}" is not an inner list`);
  }
  const [items, params] = member;
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

function toComponents(label: string, items: SfItem[], limits: SignatureLimits): ComponentId[] {
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
    checkComponentParams(label, params);
    const serialized = serializeItem([name, params]);
    // RFC 9421 §2.5: a component identifier must not appear twice in one signature.
    if (seen.has(serialized)) {
      throw malformed(`Signature-Input "${label}" covers the same component twice`);
    }
    seen.add(serialized);
    // Checked just above: `sf` and `bs` are `true` and `key` a string, all library BareItems.
    return { name, params: params as Parameters, serialized };
  });
}

/**
 * RFC 9421 §2.1: `sf` and `bs` are flags and `key` names a member with a String. `sf=?0` or
 * `key=1.0` has no one meaning, so it is refused rather than read one way.
 */
function checkComponentParams(label: string, params: SfParameters): void {
  if (params.size === 0) return;
  for (const [key, value] of params) {
    if (!isComponentParam(key)) {
      throw malformed(`Signature-Input "${label}" has a component parameter that is not supported`);
    }
    if (key === 'key' ? typeof value !== 'string' : value !== true) {
      throw malformed(
        `Signature-Input "${label}" has a component parameter ${key} of the wrong type`,
      );
    }
  }
}

function toParams(label: string, params: SfParameters): SignatureParams {
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

/** RFC 9421 §2.3: `created` and `expires` are Integers; a Decimal (`1700000000.0`) is not. */
function integerParam(label: string, params: SfParameters, key: string): number | undefined {
  const value: SfBareItem | undefined = params.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw malformed(`Signature-Input "${label}" parameter ${key} must be an integer`);
  }
  return value;
}

function stringParam(label: string, params: SfParameters, key: string): string | undefined {
  const value: SfBareItem | undefined = params.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw malformed(`Signature-Input "${label}" parameter ${key} must be a string`);
  }
  return value;
}

function malformed(message: string, cause?: unknown): AuthzError {
  return new AuthzError('credential_malformed', message, { cause });
}
