import type { KeyObject } from 'node:crypto';
import { isAuthzError } from '../errors.js';
import type { SignatureAlgorithm } from '../keys/verification-key.js';
import { parseStructuredDictionary } from '../lib/parse-structured-dictionary.js';
import { serializeInnerList, serializeItem } from '../lib/serialize-structured-item.js';
import {
  isInnerList,
  type SfInnerList,
  type SfItem,
  type SfMember,
} from '../lib/structured-field.js';
import { fieldValue, type HeaderFields } from '../request/authz-request.js';
import { normaliseAuthority } from '../request/normalise-target.js';
import { checkContentDigest } from './check-content-digest.js';
import { verifySignatureBytes } from './verify-signature-bytes.js';

/** draft-ietf-webbotauth-httpsig-protocol, Appendix "Validating the Domain Binding". */
export const DIRECTORY_SIGNATURE_TAG = 'http-message-signatures-directory';

/** A key directory response as it arrived, with the authority of the request that fetched it. */
export interface DirectoryResponse {
  /** `host[:port]` the directory was requested from: the value of `"@authority";req`. */
  readonly authority: string;
  /** Response header fields: lower-case names → field lines. */
  readonly headers: HeaderFields;
  readonly body: Uint8Array;
}

/** A key the directory publishes, by thumbprint: what its response signatures verify with. */
export interface DirectorySigningKey {
  readonly algorithm: SignatureAlgorithm;
  readonly key: KeyObject;
}

/** What the directory-tagged signatures on one response prove. */
export interface DirectorySignatureReport {
  /** The response carried at least one signature tagged `http-message-signatures-directory`. */
  readonly signed: boolean;
  /**
   * The directory's keys with a valid signature over this response, by thumbprint, each with
   * the earliest `expires` (epoch ms) of its valid signatures: what the signature proves about
   * the key lapses then, however long the response itself may be cached.
   */
  readonly signedUntil: ReadonlyMap<string, number>;
  /** Why each invalid directory signature failed, in plain words, its label first. */
  readonly problems: readonly string[];
}

export interface DirectorySignatureOptions {
  readonly nowMs: number;
  /** Tolerance for the signer's clock when judging `created`; 0 unless the caller says. */
  readonly clockSkewMs?: number;
}

/**
 * Verifies the directory response signatures (the possession proof): each must cover
 * `"@authority";req` and `content-digest`, carry `created`, `expires` and a `keyid` that is the
 * thumbprint of a key of this directory, have a Content-Digest matching the body, and verify
 * with that key. "A verifier MUST reject a directory response signature whose `created` is in
 * the future". Signatures with another tag are left alone; nothing here throws for bad input.
 */
export function verifyDirectorySignatures(
  response: DirectoryResponse,
  keys: ReadonlyMap<string, DirectorySigningKey>,
  options: DirectorySignatureOptions,
): DirectorySignatureReport {
  const input = fieldValue(response.headers, 'signature-input');
  const signature = fieldValue(response.headers, 'signature');
  if (input === undefined && signature === undefined) {
    return { signed: false, signedUntil: new Map(), problems: [] };
  }
  let inputs: Map<string, SfMember>;
  let signatures: Map<string, SfMember>;
  try {
    // Strict: a label or parameter given twice has no one reading to verify.
    inputs = parseStructuredDictionary(input ?? '', { strict: true });
    signatures = parseStructuredDictionary(signature ?? '', { strict: true });
  } catch {
    return refused(
      'Signature-Input and Signature must both be present and parse as dictionaries naming each label and parameter once',
    );
  }
  const signedUntil = new Map<string, number>();
  const problems: string[] = [];
  let signed = false;
  for (const [label, member] of inputs) {
    if (!isInnerList(member) || member[1].get('tag') !== DIRECTORY_SIGNATURE_TAG) continue;
    signed = true;
    try {
      const proof = checkOne(response, member, signatures.get(label), keys, options);
      const until = signedUntil.get(proof.keyid) ?? Number.POSITIVE_INFINITY;
      signedUntil.set(proof.keyid, Math.min(until, proof.expiresAtMs));
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      problems.push(`signature "${label}": ${error.message}`);
    }
  }
  return { signed, signedUntil, problems };
}

/** Why one signature proves nothing, in words fit for the directory checker's output. */
class Problem extends Error {}

function refused(problem: string): DirectorySignatureReport {
  return { signed: true, signedUntil: new Map(), problems: [problem] };
}

/**
 * The key one signature proves (its thumbprint) and until when, or a Problem saying why it
 * proves nothing.
 */
function checkOne(
  response: DirectoryResponse,
  member: SfInnerList,
  signature: SfMember | undefined,
  keys: ReadonlyMap<string, DirectorySigningKey>,
  options: DirectorySignatureOptions,
): { keyid: string; expiresAtMs: number } {
  const [components, params] = member;
  const created = params.get('created');
  const expires = params.get('expires');
  const keyid = params.get('keyid');
  if (signature === undefined || !(signature[0] instanceof ArrayBuffer)) {
    throw new Problem('Signature has no byte sequence for this label');
  }
  // RFC 9421 §2.3: Integers; a Decimal (`1735689600.0`) is not one.
  if (!Number.isInteger(created) || !Number.isInteger(expires)) {
    throw new Problem('created and expires are required');
  }
  if ((created as number) * 1000 > options.nowMs + (options.clockSkewMs ?? 0)) {
    throw new Problem('created is in the future');
  }
  if ((expires as number) * 1000 <= options.nowMs) throw new Problem('it has expired');
  const key = typeof keyid === 'string' ? keys.get(keyid) : undefined;
  if (key === undefined) {
    throw new Problem('its keyid is not the thumbprint of a key in this directory');
  }
  const alg = params.get('alg');
  if (alg !== undefined && alg !== key.algorithm) {
    throw new Problem(`alg does not match the ${key.algorithm} key`);
  }
  const lines = baseLines(response, components);
  const digest = fieldValue(response.headers, 'content-digest') ?? '';
  try {
    checkContentDigest(digest, { bytes: Buffer.from(response.body), truncated: false });
  } catch (error) {
    if (!isAuthzError(error)) throw error;
    throw new Problem(`Content-Digest: ${error.message}`);
  }
  const base = Buffer.from(`${lines}"@signature-params": ${serializeInnerList(member)}`);
  const verificationKey = { keyId: keyid as string, controller: '', ...key };
  if (!verifySignatureBytes(verificationKey, base, new Uint8Array(signature[0]))) {
    throw new Problem('the signature does not verify');
  }
  return { keyid: keyid as string, expiresAtMs: (expires as number) * 1000 };
}

/** The signature base lines; the draft's two required components, plus response fields. */
function baseLines(response: DirectoryResponse, components: readonly SfItem[]): string {
  let lines = '';
  let authority = false;
  let digest = false;
  for (const component of components) {
    const [name, params] = component;
    if (typeof name !== 'string') throw new Problem('a covered component is not a string');
    if (name === '@authority' && params.size === 1 && params.get('req') === true) {
      authority = true;
      lines += `${serializeItem(component)}: ${normaliseAuthority(response.authority, 'https')}\n`;
      continue;
    }
    const value = fieldValue(response.headers, name);
    if (name.startsWith('@') || params.size > 0 || value === undefined) {
      throw new Problem(
        `the covered component ${serializeItem(component)} cannot be resolved on this response`,
      );
    }
    if (name === 'content-digest') digest = true;
    lines += `${serializeItem(component)}: ${value}\n`;
  }
  if (!authority || !digest) {
    throw new Problem('it must cover "@authority";req and "content-digest"');
  }
  return lines;
}
