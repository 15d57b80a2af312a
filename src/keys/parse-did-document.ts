import type { DIDDocument } from 'did-resolver';
import { z } from 'zod';
import { FetchFailure } from './fetch/fetch-outcomes.js';

const verificationMethod = z.looseObject({
  id: z.string(),
  type: z.string(),
  controller: z.string().optional(),
  publicKeyJwk: z.record(z.string(), z.unknown()).optional(),
  publicKeyMultibase: z.string().optional(),
});
const relationship = z.array(z.union([z.string(), verificationMethod])).optional();

/** The parts of a DID document (DID Core §5) that key selection reads, checked for shape. */
const didDocument = z.looseObject({
  id: z.string(),
  verificationMethod: z.array(verificationMethod).optional(),
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
