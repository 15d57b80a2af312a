import { WELL_KNOWN_DIRECTORY_PATH as DIRECTORY_PATH } from '../../credentials/read-signature-agent.js';
import { DID_DOCUMENT_MEDIA_TYPES } from '../../keys/did-web-method.js';
import { didWebUrl } from '../../keys/did-web-url.js';
import { DIRECTORY_MEDIA_TYPES } from '../../keys/resolve-directory-key.js';
import type { TargetKind } from './directory-report.js';

export interface CheckTarget {
  readonly kind: TargetKind;
  readonly url: URL;
  readonly mediaTypes: readonly string[];
}

/**
 * What to fetch for what the developer typed: an origin or the well-known URL → the key
 * directory (Signature-Agent G1, G2 `directory`); any other https URL → a JWKS fetched directly
 * (G2 `jwks_uri`, G3); `did:web:…` → its did.json. Null when it is none of these.
 */
export function resolveCheckTarget(text: string): CheckTarget | null {
  if (text.startsWith('did:web:')) {
    const url = didWebUrl(text.slice('did:web:'.length));
    return url === null ? null : { kind: 'did-web', url, mediaTypes: DID_DOCUMENT_MEDIA_TYPES };
  }
  if (!URL.canParse(text)) return null;
  const url = new URL(text);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.pathname === '/' && url.search === '' && url.hash === '') {
    return {
      kind: 'directory',
      url: new URL(DIRECTORY_PATH, url),
      mediaTypes: DIRECTORY_MEDIA_TYPES,
    };
  }
  if (url.pathname === DIRECTORY_PATH) {
    return { kind: 'directory', url, mediaTypes: DIRECTORY_MEDIA_TYPES };
  }
  // The server takes the same media types for a directory and a JWKS URI.
  return { kind: 'jwks', url, mediaTypes: DIRECTORY_MEDIA_TYPES };
}
