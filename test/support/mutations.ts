import {
  type BareItem,
  type Dictionary,
  type InnerList,
  type Item,
  parseDictionary,
  serializeDictionary,
} from 'structured-headers';
import { expect } from 'vitest';
import { REASON_CODES } from '../../src/errors.js';
import type { AuthzRequest } from '../../src/request/authz-request.js';
import type { PropertyEngine } from './property-engine.js';
import type { Tally } from './property-runs.js';

/** Characters a URL path, query or host may hold unencoded (RFC 3986 unreserved). */
export const UNRESERVED = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~';

/** `text` with the character at `at` (mod length) replaced by another one from `alphabet`. */
export function replaceChar(text: string, at: number, pick: number, alphabet = UNRESERVED): string {
  const index = at % text.length;
  const choices = [...alphabet].filter((c) => c.toLowerCase() !== text[index]!.toLowerCase());
  return text.slice(0, index) + choices[pick % choices.length]! + text.slice(index + 1);
}

/** Bytes with the one at `at` XORed with a non-zero `mask` (so it always changes). */
export function flipByte(bytes: Uint8Array, at: number, mask: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at % copy.length]! ^= (mask % 255) + 1;
  return copy;
}

/** The first member of a Signature header's dictionary: the signature bytes. */
export function signatureBytes(signature: string): Buffer {
  const [item] = [...parseDictionary(signature).values()] as Item[];
  return Buffer.from(item![0] as ArrayBuffer);
}

/** A Signature header (label `sig1`) carrying `bytes`. */
export function signatureHeader(bytes: Uint8Array, label = 'sig1'): string {
  return serializeDictionary(new Map([[label, [Buffer.from(bytes), new Map()]]]));
}

/**
 * The Signature-Input header with its one member's inner list changed by `change` (components
 * and parameters), serialised again.
 */
export function changeSignatureInput(
  signatureInput: string,
  change: (components: Item[], params: Map<string, BareItem>) => void,
): string {
  const dictionary: Dictionary = parseDictionary(signatureInput);
  const [label, member] = [...dictionary][0]!;
  const [components, params] = member as InnerList;
  const copy: Item[] = components.map(([value, p]) => [value, new Map(p)]);
  const paramsCopy = new Map(params);
  change(copy, paramsCopy);
  return serializeDictionary(new Map([[label, [copy, paramsCopy]]]));
}

/**
 * Every mutant is denied with a known reason — never `replayed`, so none was verified and
 * claimed — and then the original is allowed and verified: the mutation alone made the difference.
 */
export async function expectMutantsDenied(
  engine: PropertyEngine,
  original: AuthzRequest,
  mutants: readonly AuthzRequest[],
  tally: Tally,
): Promise<void> {
  for (const mutant of mutants) {
    const decision = await engine.check(mutant);
    tally.countMutation();
    expect(decision.allowed, JSON.stringify(decision)).toBe(false);
    if (decision.allowed) continue;
    expect(REASON_CODES).toContain(decision.reason);
    expect(decision.reason).not.toBe('internal_error');
    expect(decision.reason).not.toBe('replayed');
  }
  const decision = await engine.check(original);
  expect(decision, 'the unchanged request').toMatchObject({
    allowed: true,
    identity: { verified: true },
  });
  expect(engine.errors).toEqual([]);
}
