import { type Parameters, serializeDictionary, serializeItem, Token } from 'structured-headers';
import type { ComponentId } from '../credentials/signature-candidate.js';

/**
 * The three shapes of `Signature-Agent` on the wire (docs/web-bot-auth.md):
 * - `g1`: an sf-String origin, covered as the whole field (architecture-02 / directory-03);
 * - `g2`: a Dictionary member keyed by label, with an optional `type` parameter
 *   (`directory`, the default, `jwks_uri` or `cimd`), covered as `"signature-agent";key="…"`;
 * - `g3`: a Dictionary member whose value is a JWKS URI fetched directly, without parameters
 *   (a verifier of that generation ignores a member that carries any).
 */
export type WebBotAuthGeneration = 'g1' | 'g2' | 'g3';
export const WEB_BOT_AUTH_GENERATIONS: readonly WebBotAuthGeneration[] = ['g1', 'g2', 'g3'];

/** How a G2 member's URL resolves to keys. */
export type SignatureAgentType = 'directory' | 'jwks_uri' | 'cimd';
export const SIGNATURE_AGENT_TYPES: readonly SignatureAgentType[] = [
  'directory',
  'jwks_uri',
  'cimd',
];

/** Who a Web Bot Auth agent says it is: where a verifier finds its keys. */
export interface WebBotAuthAgent {
  /** Default `g2`, the form the drafts tell signers to send. */
  readonly generation?: WebBotAuthGeneration;
  /** An origin (g1; g2 `directory`), a JWKS URI (g2 `jwks_uri`; g3) or a CIMD URL (g2 `cimd`). */
  readonly url: string;
  /** g2 only. Sent as given; without it a verifier reads `directory`. */
  readonly type?: SignatureAgentType;
  /** g2/g3: the Dictionary member key; default the signature label. */
  readonly member?: string;
}

/** The `Signature-Agent` value to send and the component that covers it. */
export interface SignatureAgentField {
  readonly value: string;
  readonly component: ComponentId;
}

/**
 * The `Signature-Agent` field for `agent` under signature `label`. Throws a TypeError for a URL
 * the generation cannot carry (not https; a path where an origin is required; a type under g1 or
 * g3), so a malformed agent never reaches the wire.
 */
export function formatSignatureAgent(agent: WebBotAuthAgent, label: string): SignatureAgentField {
  const generation = agent.generation ?? 'g2';
  if (agent.type !== undefined && generation !== 'g2') {
    throw new TypeError(`a Signature-Agent type is only sent in generation g2, not ${generation}`);
  }
  const type = agent.type ?? 'directory';
  const value = generation === 'g3' || type !== 'directory' ? httpsUrl(agent.url) : origin(agent);
  if (generation === 'g1') {
    return {
      value: serializeItem(value),
      component: { name: 'signature-agent', params: new Map(), serialized: '"signature-agent"' },
    };
  }
  const member = agent.member ?? label;
  const params: Parameters = new Map();
  if (agent.type !== undefined) params.set('type', new Token(agent.type));
  return {
    value: serializeDictionary(new Map([[member, [value, params]]])),
    component: {
      name: 'signature-agent',
      params: new Map([['key', member]]),
      serialized: `"signature-agent";key=${serializeItem(member)}`,
    },
  };
}

function httpsUrl(text: string): string {
  if (!URL.canParse(text)) throw new TypeError(`Signature-Agent "${text}" is not an absolute URL`);
  const url = new URL(text);
  if (url.protocol !== 'https:') {
    throw new TypeError(`Signature-Agent "${text}" must be an https URL`);
  }
  return url.href;
}

/** draft-meunier-webbotauth-httpsig-protocol: a `directory` member is the ASCII serialization of an origin. */
function origin(agent: WebBotAuthAgent): string {
  const url = new URL(httpsUrl(agent.url));
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new TypeError(
      `Signature-Agent "${agent.url}" must be an origin (https://host[:port]): its keys are at ` +
        'the well-known directory; use g3 or type jwks_uri to name a JWKS URI',
    );
  }
  return url.origin;
}
