import { createHash, type KeyObject } from 'node:crypto';
import {
  type InnerList,
  type Parameters,
  serializeDictionary,
  serializeInnerList,
} from 'structured-headers';
import { DIRECTORY_SIGNATURE_TAG } from '../proofs/verify-directory-signature.js';
import { normaliseAuthority } from '../request/normalise-target.js';
import type { PublishedKey } from './key-directory.js';
import { signSignatureBase } from './sign-signature-base.js';

export interface DirectoryResponseInput {
  /** The exact bytes of the response body. */
  readonly body: string | Uint8Array;
  /** The authority the verifier asked (its Host): the signature covers `"@authority";req`. */
  readonly authority: string;
  /** Each key with a private part signs once, with its thumbprint as keyid. */
  readonly keys: readonly PublishedKey[];
  /** Seconds since the epoch; default now. */
  readonly created?: number;
  /** `expires` = created + this; the drafts require it. */
  readonly expiresIn: number;
}

/**
 * The headers that prove possession of the directory's keys: `Content-Digest` (SHA-256 of the
 * body) and one signature per key (labels `sig1`, `sig2`, …) covering `"@authority";req` and
 * `content-digest`, with `created`, `expires`, `keyid` = thumbprint, `tag` =
 * `http-message-signatures-directory`.
 */
export function signDirectoryResponse(input: DirectoryResponseInput): Record<string, string> {
  const digest = `sha-256=:${createHash('sha256').update(input.body).digest('base64')}:`;
  const authority = normaliseAuthority(input.authority, 'https');
  const created = input.created ?? Math.floor(Date.now() / 1000);
  const inputs = new Map<string, InnerList>();
  const signatures = new Map<string, [Buffer, Parameters]>();
  const signers = input.keys.filter((key) => key.privateKey !== undefined);
  if (signers.length === 0) throw new Error('signing the directory needs at least one private key');
  signers.forEach((key, index) => {
    const params: Parameters = new Map<string, string | number>([
      ['created', created],
      ['expires', created + input.expiresIn],
      ['keyid', key.thumbprint],
      ['tag', DIRECTORY_SIGNATURE_TAG],
    ]);
    const innerList: InnerList = [
      [
        ['@authority', new Map([['req', true]])],
        ['content-digest', new Map()],
      ],
      params,
    ];
    const base = [
      `"@authority";req: ${authority}`,
      `"content-digest": ${digest}`,
      `"@signature-params": ${serializeInnerList(innerList)}`,
    ].join('\n');
    const label = `sig${index + 1}`;
    inputs.set(label, innerList);
    signatures.set(label, [signSignatureBase(key.privateKey as KeyObject, base), new Map()]);
  });
  return {
    'content-digest': digest,
    'signature-input': serializeDictionary(inputs),
    signature: serializeDictionary(signatures),
  };
}
