import type { FetchedDocument } from './fetch/fetch-https-document.js';
import { FetchFailure } from './fetch/fetch-outcomes.js';
import {
  type DirectoryKey,
  directoryKey,
  type KeyDirectory,
  parseJson,
  readJwks,
} from './parse-key-directory.js';

/** What a client ID metadata document (G2 `type=cimd`) says about its signing keys. */
export type ClientMetadataKeys =
  | { readonly kind: 'inline'; readonly directory: KeyDirectory }
  | { readonly kind: 'jwks_uri'; readonly jwksUri: URL };

/**
 * A client ID metadata document (draft-ietf-oauth-client-id-metadata-document): a JSON object
 * whose `client_id` is the URL it was fetched from, with its keys inline (`jwks`) or at an
 * https `jwks_uri`. The inline keys are used as a JWKS fetched from that URL would be.
 */
export function parseClientMetadata(document: FetchedDocument, url: URL): ClientMetadataKeys {
  const json = parseJson(document.body);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new FetchFailure('invalid', 'the client metadata document is not a JSON object');
  }
  const metadata = json as Record<string, unknown>;
  if (metadata.client_id !== url.href) {
    throw new FetchFailure('invalid', 'the client metadata client_id is not the URL it came from');
  }
  if (metadata.jwks !== undefined) {
    const keys = new Map<string, DirectoryKey>();
    for (const jwk of readJwks(metadata.jwks)) {
      const entry = directoryKey(jwk, false);
      if (entry !== null) keys.set(entry.thumbprint, { ...entry.key, signedUntilMs: undefined });
    }
    return { kind: 'inline', directory: { keys, signed: false, signedUntilMs: undefined } };
  }
  if (typeof metadata.jwks_uri !== 'string') {
    throw new FetchFailure('invalid', 'the client metadata has neither jwks nor jwks_uri');
  }
  let jwksUri: URL;
  try {
    jwksUri = new URL(metadata.jwks_uri);
  } catch (error) {
    throw new FetchFailure('invalid', 'the client metadata jwks_uri is not a URL', {
      cause: error,
    });
  }
  if (jwksUri.protocol !== 'https:') {
    throw new FetchFailure('invalid', 'the client metadata jwks_uri is not https');
  }
  return { kind: 'jwks_uri', jwksUri };
}
