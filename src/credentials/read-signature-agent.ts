import { type BareItem, type Item, parseDictionary, parseItem } from 'structured-headers';
import { AuthzError } from '../errors.js';
import { type AuthzRequest, fieldValue } from '../request/authz-request.js';
import type { SignatureCandidate } from './signature-candidate.js';

/**
 * The key directory origin a Web Bot Auth signature names. `Signature-Agent` is a structured
 * dictionary (`sig1="https://agent.example"`) whose member the signature covers as
 * `"signature-agent";key="sig1"`; the older plain string (`"https://agent.example"`), covered
 * as the whole field, is still accepted. Only a member the signature covers is believed.
 */
export function readSignatureAgent(request: AuthzRequest, candidate: SignatureCandidate): string {
  const value = fieldValue(request.headers, 'signature-agent');
  if (value === undefined) {
    throw new AuthzError('key_unresolvable', 'no Signature-Agent header names a key directory');
  }
  const covered = candidate.components.find((component) => component.name === 'signature-agent');
  // draft-meunier-webbotauth-httpsig-protocol §4.2: "If the header is to be sent, one of its
  // members MUST be signed as a component".
  if (covered === undefined) {
    throw new AuthzError('components_missing', 'the signature must cover signature-agent');
  }
  const key = covered.params.get('key');
  const member = key === undefined ? wholeField(value) : dictionaryMember(value, key);
  return directoryOrigin(member);
}

function dictionaryMember(value: string, key: BareItem): Item {
  const member = parse(() => parseDictionary(value)).get(String(key));
  if (member === undefined || Array.isArray(member[0])) {
    throw new AuthzError('credential_malformed', 'the covered Signature-Agent member is absent');
  }
  return member as Item;
}

/** The legacy string form, or a dictionary whose only member the whole-field coverage signs. */
function wholeField(value: string): Item {
  try {
    return parseItem(value);
  } catch {}
  const members = [...parse(() => parseDictionary(value)).values()];
  const [only] = members;
  if (members.length !== 1 || only === undefined || Array.isArray(only[0])) {
    throw new AuthzError('credential_malformed', 'Signature-Agent names no single key directory');
  }
  return only as Item;
}

/**
 * draft-meunier-webbotauth-httpsig-directory §4.1: a member is a URI string whose `type`
 * parameter, when present, must be `directory` here (`jwks_uri` and `cimd` are not fetched).
 * SPEC §2: directories are fetched over HTTPS only, and the identity is the origin.
 */
function directoryOrigin([value, params]: Item): string {
  const type = params.get('type');
  if (type !== undefined && String(type) !== 'directory') {
    throw new AuthzError('key_unresolvable', 'only Signature-Agent type=directory is supported');
  }
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
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
    throw new AuthzError('credential_malformed', 'Signature-Agent must name an origin only');
  }
  // `https://crawler.example.` reaches the same host under another origin: one agent, one id.
  if (url.hostname.endsWith('.')) {
    throw new AuthzError(
      'credential_malformed',
      'Signature-Agent must not end its host with a dot',
    );
  }
  return url.origin;
}

function parse<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new AuthzError('credential_malformed', 'Signature-Agent does not parse', {
      cause: error,
    });
  }
}
