import { AuthzError } from '../errors.js';

/** A Signature-Agent URL: what to fetch, and the identifier a verified request is attributed to. */
export interface AgentUrl {
  /** The URL as sent (query kept, fragment dropped), normalised: what is fetched. */
  readonly fetchUrl: URL;
  /**
   * draft-ietf-webbotauth-httpsig-protocol §5.1: "The URL the verifier resolved is the
   * identifier, with any query discarded", compared after RFC 3986 §6.2.2–6.2.3 normalisation.
   */
  readonly identifier: string;
}

/** RFC 3986 §2.3 unreserved characters: a percent-encoding of one of them is decoded. */
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * Parses an absolute `https` URL from a Signature-Agent member and normalises it. The WHATWG
 * parser already does most of RFC 3986 §6.2.2–6.2.3 (scheme and host case, dot segments, the
 * default port, an empty path as `/`); what is left is §6.2.2.1–2 for percent-encodings: hex
 * digits in upper case, and unreserved characters decoded. Credentials in the URL, a host that
 * ends with a dot (the same host under another spelling) and any scheme but https are refused.
 */
export function normaliseAgentUrl(value: unknown): AgentUrl {
  let url: URL;
  try {
    if (typeof value !== 'string') throw new TypeError('not a string');
    url = new URL(value);
  } catch (error) {
    throw new AuthzError('credential_malformed', 'Signature-Agent is not a URL', { cause: error });
  }
  if (url.protocol !== 'https:') {
    throw new AuthzError('key_unresolvable', 'key directories are only fetched over https');
  }
  if (url.username !== '' || url.password !== '') {
    throw new AuthzError('credential_malformed', 'Signature-Agent must not carry credentials');
  }
  if (url.hostname.endsWith('.')) {
    throw new AuthzError(
      'credential_malformed',
      'Signature-Agent must not end its host with a dot',
    );
  }
  url.hash = '';
  url.pathname = normalisePercentEncoding(url.pathname);
  if (url.search !== '') url.search = normalisePercentEncoding(url.search);
  const identifier = new URL(url.href);
  identifier.search = '';
  return { fetchUrl: url, identifier: identifier.pathname === '/' ? url.origin : identifier.href };
}

function normalisePercentEncoding(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => {
    const character = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(character) ? character : `%${hex.toUpperCase()}`;
  });
}
