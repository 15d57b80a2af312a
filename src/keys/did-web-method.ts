import type { DIDDocument, DIDResolver } from 'did-resolver';
import { failure } from './did-key-method.js';
import { didWebUrl } from './did-web-url.js';
import type { DocumentSource } from './fetch/create-document-source.js';

/** Media types a did.json is served with in practice (DID spec registries §6). */
export const DID_DOCUMENT_MEDIA_TYPES = [
  'application/did+json',
  'application/did+ld+json',
  'application/json',
  'application/ld+json',
] as const;

/**
 * did:web through the network document source: the DID maps to an HTTPS URL and the cached
 * or freshly fetched did.json is its document, fetched on behalf of the resolution option
 * `client` (see fetch-requester.ts). `freshUntilMs` in the resolution metadata tells
 * the key cache how long a key imported from this document may be reused.
 */
export function createDidWebMethod(source: DocumentSource<DIDDocument>): DIDResolver {
  return async (_did, parsed, _resolver, options) => {
    const url = didWebUrl(parsed.id);
    if (url === null) return failure('invalidDid', 'not a did:web identifier');
    const client: unknown = options?.client;
    const cached = await source.get(url, typeof client === 'string' ? client : undefined);
    return {
      didResolutionMetadata: {
        contentType: 'application/did+json',
        freshUntilMs: cached.freshUntilMs,
      },
      didDocument: cached.value,
      didDocumentMetadata: {},
    };
  };
}
