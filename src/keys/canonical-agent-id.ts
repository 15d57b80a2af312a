import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { normaliseAgentUrl } from '../credentials/normalise-agent-url.js';
import { didWebUrl } from './did-web-url.js';
import { jwkToMultikey } from './multikey.js';

/**
 * The identifier rules: one id per agent, whatever spelling a request uses or an operator
 * writes. Revocation, quarantine, workload pins, rate limits, history and exact policy entries
 * are keyed by this id, so none of them can be escaped by re-spelling — and every rule that
 * decides when two spellings are one agent is written here, nowhere else:
 * - a did:jwk is the did:key of its key (any member order, extra members, zero padding: the
 *   key goes through an import and export first, so every encoding Node accepts maps to it);
 * - a did:web has its host in lower case, no default port (`%3A443`, leading zeros), and
 *   percent-encodings in its path normalised (RFC 3986 §6.2.2);
 * - a Web Bot Auth directory URL (any https id) is the id webBotAuthAgentId gives it.
 * Any other id, and one these rules cannot read, is returned unchanged.
 */
export function canonicalAgentId(id: string): string {
  if (id.startsWith('did:jwk:')) {
    const multikey = didJwkMultikey(id.slice('did:jwk:'.length));
    return multikey === undefined ? id : `did:key:${multikey}`;
  }
  if (id.startsWith('did:web:')) return canonicalDidWeb(id) ?? id;
  if (/^https:/i.test(id)) return canonicalAgentUrl(id) ?? id;
  return id;
}

/** The same for a key id: `did:jwk:…#0` → `did:key:z…#z…`, a did:web's DID part canonical. */
export function canonicalKeyId(keyId: string): string {
  const hash = keyId.indexOf('#');
  if (hash === -1) return keyId;
  if (keyId.startsWith('did:jwk:')) {
    const multikey = didJwkMultikey(keyId.slice('did:jwk:'.length, hash));
    return multikey === undefined ? keyId : `did:key:${multikey}#${multikey}`;
  }
  if (keyId.startsWith('did:web:')) {
    const did = canonicalDidWeb(keyId.slice(0, hash));
    return did === undefined ? keyId : `${did}${keyId.slice(hash)}`;
  }
  return keyId;
}

/** draft-ietf-webbotauth-httpsig-protocol: where an origin publishes its key directory. */
export const WELL_KNOWN_DIRECTORY_PATH = '/.well-known/http-message-signatures-directory';

/**
 * The agent a Web Bot Auth key URL stands for, given the URL as normaliseAgentUrl left it
 * (RFC 3986 §6.2.2–6.2.3). §5.1: "The URL the verifier resolved is the identifier, with any
 * query discarded". The query (and fragment) go first; then an origin's well-known directory,
 * and the origin itself, are that origin — the id a G1 or G2 member naming the origin gets —
 * so one directory is one agent whichever generation or URL names it.
 */
export function webBotAuthAgentId(url: URL): string {
  if (url.pathname === '/' || url.pathname === WELL_KNOWN_DIRECTORY_PATH) return url.origin;
  return `${url.origin}${url.pathname}`;
}

function canonicalAgentUrl(text: string): string | undefined {
  try {
    return webBotAuthAgentId(normaliseAgentUrl(text).fetchUrl);
  } catch {
    return undefined;
  }
}

/**
 * did:web method specification: the host is a domain name (case-insensitive), the port is
 * `%3A`-encoded, and the path is `:`-separated segments. Two spellings that name the same
 * did.json URL are one DID.
 */
function canonicalDidWeb(did: string): string | undefined {
  const methodSpecificId = did.slice('did:web:'.length);
  const url = didWebUrl(methodSpecificId);
  if (url === null) return undefined;
  const segments = methodSpecificId.split(':').slice(1);
  const port = url.port === '' ? '' : `%3A${url.port}`;
  return ['did:web', `${url.hostname}${port}`, ...segments.map(normaliseSegment)].join(':');
}

/** RFC 3986 §6.2.2.1–2: hex digits upper case, and DID idchars (ALPHA DIGIT . - _) decoded. */
function normaliseSegment(segment: string): string {
  return segment.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => {
    const character = String.fromCharCode(Number.parseInt(hex, 16));
    return /[A-Za-z0-9._-]/.test(character) ? character : `%${hex.toUpperCase()}`;
  });
}

function didJwkMultikey(encoded: string): string | undefined {
  try {
    const jwk = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as JsonWebKey;
    const normalised = createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'jwk' });
    return jwkToMultikey(normalised);
  } catch {
    return undefined;
  }
}
