import { type BareItem, parseItem } from 'structured-headers';
import { AuthzError } from '../errors.js';
import { WELL_KNOWN_DIRECTORY_PATH, webBotAuthAgentId } from '../keys/canonical-agent-id.js';
import { parseStructuredDictionary } from '../lib/parse-structured-dictionary.js';
import {
  isInnerList,
  type SfBareItem,
  type SfItem,
  type SfMember,
  type SfParameters,
} from '../lib/structured-field.js';
import { type AuthzRequest, fieldValue } from '../request/authz-request.js';
import { normaliseAgentUrl } from './normalise-agent-url.js';
import type { ComponentId, SignatureCandidate } from './signature-candidate.js';

/**
 * The Web Bot Auth generations on the wire (docs/web-bot-auth.md), as config values and as the
 * closed set of the `generation` label in metadata, logs and metrics:
 * - `g1`: architecture-02 / directory-03, `Signature-Agent: "https://origin"` (an sf-String);
 * - `g2-directory`, `g2-jwks_uri`, `g2-cimd`: architecture-04 → protocol-02, a Dictionary keyed
 *   by label whose member may carry `type` (`directory`, the default, names an origin);
 * - `g3`: WG -01, a Dictionary whose member is an https URL fetched directly as a JWKS, and a
 *   member carrying parameters is ignored.
 */
export const WEB_BOT_AUTH_GENERATIONS = [
  'g1',
  'g2-directory',
  'g2-jwks_uri',
  'g2-cimd',
  'g3',
] as const;
export type WebBotAuthGeneration = (typeof WEB_BOT_AUTH_GENERATIONS)[number];

/** What a directory-typed member names: the well-known key directory of an origin. */
export { WELL_KNOWN_DIRECTORY_PATH } from '../keys/canonical-agent-id.js';

/** The Signature-Agent member a signature covers, read as one generation. */
export interface SignatureAgent {
  readonly generation: WebBotAuthGeneration;
  /** What is fetched: a well-known directory, a JWKS, or a client metadata document (cimd). */
  readonly fetchUrl: URL;
  /**
   * Who a verified request is attributed to: the origin for a well-known directory (whatever
   * generation named it), else the normalised URL without its query.
   */
  readonly agentId: string;
}

/**
 * Reads the Signature-Agent member `candidate` covers. Member selection follows the covered
 * `"signature-agent";key="…"` component, never the signature's label alone (the draft's own
 * vectors sign label `sig2` over member `agent2`): a signature is never attributed to a member
 * it does not cover. A signature covering several members is attributed to the one keyed by its
 * label (draft-ietf-webbotauth-httpsig-protocol §4.1.2: "Each signer MUST provide a
 * Signature-Agent member for its label"), and refused when none is.
 */
export function readSignatureAgent(
  request: AuthzRequest,
  candidate: SignatureCandidate,
  accepted: ReadonlySet<WebBotAuthGeneration>,
): SignatureAgent {
  const value = fieldValue(request.headers, 'signature-agent');
  if (value === undefined) {
    throw new AuthzError('key_unresolvable', 'no Signature-Agent header names a key directory');
  }
  const covered = coveredComponent(candidate, value);
  const key = covered.params.get('key');
  const member = key === undefined ? wholeField(value) : dictionaryMember(value, key);
  return classify(member, accepted);
}

function coveredComponent(candidate: SignatureCandidate, value: string): ComponentId {
  const covered = candidate.components.filter((component) => component.name === 'signature-agent');
  if (covered.length === 0) throw notCovered(candidate, value);
  if (covered.length === 1) return covered[0]!;
  const own = covered.find((component) => component.params.get('key') === candidate.label);
  if (own === undefined) {
    throw new AuthzError(
      'credential_malformed',
      `the signature covers several Signature-Agent members and none is keyed by its label "${candidate.label}"`,
    );
  }
  return own;
}

/**
 * Some agent SDKs send Signature-Agent but cover only `@authority`. The draft: "Its member keyed
 * to the signature label MUST be signed as a component". The detail names what to add.
 */
function notCovered(candidate: SignatureCandidate, value: string): AuthzError {
  let component = '"signature-agent"';
  try {
    const keys = [...strictDictionary(value).keys()];
    const key = keys.includes(candidate.label) ? candidate.label : keys[0];
    if (key !== undefined) component = `"signature-agent";key="${key}"`;
  } catch {}
  return new AuthzError(
    'components_missing',
    `the signature must cover the Signature-Agent member it names: add ${component} to its covered components`,
  );
}

function dictionaryMember(value: string, key: BareItem): SfItem {
  const member = parse(() => strictDictionary(value)).get(String(key));
  if (member === undefined) {
    throw new AuthzError('credential_malformed', 'the covered Signature-Agent member is absent');
  }
  return asItem(member);
}

/** The sf-String form (G1), or a one-member dictionary covered as the whole field. */
function wholeField(value: string): SfItem | { readonly g1: SfItem } {
  try {
    const item = parseItem(value);
    if (typeof item[0] === 'string') return { g1: item };
  } catch {}
  const members = [...parse(() => strictDictionary(value)).values()];
  if (members.length !== 1) {
    throw new AuthzError('credential_malformed', 'Signature-Agent names no single key directory');
  }
  return asItem(members[0]!);
}

/**
 * The draft reads Signature-Agent as an RFC 8941 Dictionary, which keeps the last of two members
 * with one key; another reader keeps the first. A signature covering `;key="a"` would then be
 * attributed to a directory it may not have signed for, so a repeated key (or parameter) is
 * refused.
 */
function strictDictionary(value: string): Map<string, SfMember> {
  return parseStructuredDictionary(value, { strict: true });
}

function asItem(member: SfMember): SfItem {
  if (isInnerList(member)) {
    throw new AuthzError('credential_malformed', 'a Signature-Agent member is not a string');
  }
  return member;
}

function classify(
  member: SfItem | { readonly g1: SfItem },
  accepted: ReadonlySet<WebBotAuthGeneration>,
): SignatureAgent {
  if ('g1' in member) return originDirectory('g1', member.g1[0], accepted);
  const [value, params] = member;
  if (params.size > 0) return typedMember(value, params, accepted);
  const { fetchUrl } = normaliseAgentUrl(value);
  const namesOrigin = fetchUrl.pathname === '/' && fetchUrl.search === '';
  // A bare origin is G2's default type; G3 would fetch the origin itself as a JWKS.
  if (namesOrigin && accepted.has('g2-directory')) {
    return originDirectory('g2-directory', value, accepted);
  }
  return jwksUrl('g3', value, accepted);
}

/**
 * G2's `type` parameter. G3 says "A verifier MUST ignore a member that carries parameters", so
 * a typed member is only read when the G2 type is accepted.
 */
function typedMember(
  value: SfBareItem,
  params: SfParameters,
  accepted: ReadonlySet<WebBotAuthGeneration>,
): SignatureAgent {
  const type = params.size === 1 ? params.get('type') : undefined;
  const generation = type === undefined ? '' : `g2-${String(type)}`;
  if (!isGeneration(generation) || !accepted.has(generation)) {
    throw new AuthzError(
      'key_unresolvable',
      'the Signature-Agent member carries parameters this server does not accept, and a member with parameters is ignored (webBotAuth.generations)',
    );
  }
  if (generation === 'g2-directory') return originDirectory(generation, value, accepted);
  return jwksUrl(generation, value, accepted);
}

function originDirectory(
  generation: WebBotAuthGeneration,
  value: SfBareItem,
  accepted: ReadonlySet<WebBotAuthGeneration>,
): SignatureAgent {
  requireAccepted(generation, accepted);
  const { fetchUrl } = normaliseAgentUrl(value);
  if (fetchUrl.pathname !== '/' || fetchUrl.search !== '') {
    throw new AuthzError('credential_malformed', 'Signature-Agent must name an origin only');
  }
  return {
    generation,
    fetchUrl: new URL(WELL_KNOWN_DIRECTORY_PATH, fetchUrl),
    agentId: fetchUrl.origin,
  };
}

/** A URL fetched as it is (G3, G2 `jwks_uri`, G2 `cimd`); the well-known path names its origin. */
function jwksUrl(
  generation: WebBotAuthGeneration,
  value: SfBareItem,
  accepted: ReadonlySet<WebBotAuthGeneration>,
): SignatureAgent {
  requireAccepted(generation, accepted);
  const { fetchUrl } = normaliseAgentUrl(value);
  return { generation, fetchUrl, agentId: webBotAuthAgentId(fetchUrl) };
}

function requireAccepted(
  generation: WebBotAuthGeneration,
  accepted: ReadonlySet<WebBotAuthGeneration>,
): void {
  if (!accepted.has(generation)) {
    throw new AuthzError(
      'key_unresolvable',
      `Signature-Agent generation ${generation} is not accepted here (webBotAuth.generations)`,
    );
  }
}

function isGeneration(value: string): value is WebBotAuthGeneration {
  return (WEB_BOT_AUTH_GENERATIONS as readonly string[]).includes(value);
}

function parse<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new AuthzError(
      'credential_malformed',
      'Signature-Agent does not parse as a dictionary naming each member once',
      { cause: error },
    );
  }
}
