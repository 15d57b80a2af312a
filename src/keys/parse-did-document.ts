import type { DIDDocument } from 'did-resolver';
import { z } from 'zod';
import { FetchFailure } from './fetch/fetch-outcomes.js';

/**
 * Cached documents are bounded per entry, not only in number: unknown members are dropped and
 * lists and strings capped (64 methods, the ceiling of `resolver.maxKeys`, which is checked
 * before parsing; 2048 characters), so what a hostile document leaves in the cache is bounded
 * per entry.
 */
const MAX_METHODS = 64;
const text = z.string().max(2048);

/** JWK members key import reads; private members stay visible so the import can refuse them. */
const JWK_MEMBERS = [
  'kty',
  'crv',
  'x',
  'y',
  'n',
  'e',
  'use',
  'alg',
  'kid',
  'd',
  'p',
  'q',
  'dp',
  'dq',
  'qi',
  'k',
];

const publicKeyJwk = z
  .record(z.string(), z.unknown())
  .transform((jwk) =>
    Object.fromEntries(
      JWK_MEMBERS.filter(
        (m) => typeof jwk[m] === 'string' && (jwk[m] as string).length <= 2048,
      ).map((m) => [m, jwk[m]]),
    ),
  );

const verificationMethod = z.object({
  id: text,
  type: text,
  controller: text.optional(),
  publicKeyJwk: publicKeyJwk.optional(),
  publicKeyMultibase: text.optional(),
});
const relationship = z
  .array(z.union([text, verificationMethod]))
  .max(MAX_METHODS)
  .optional();

/** The parts of a DID document (DID Core §5) that key selection reads, checked for shape. */
const didDocument = z.object({
  id: text,
  verificationMethod: z.array(verificationMethod).max(MAX_METHODS).optional(),
  authentication: relationship,
  assertionMethod: relationship,
});

/** A did.json body as a DID document; `invalid` when it is not JSON of that shape. */
export function parseDidDocument(body: Buffer): DIDDocument {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new FetchFailure('invalid', 'the DID document is not JSON', { cause: error });
  }
  const parsed = didDocument.safeParse(json);
  if (!parsed.success) {
    throw new FetchFailure('invalid', 'the DID document is not a valid DID document', {
      cause: parsed.error,
    });
  }
  return parsed.data as DIDDocument;
}
