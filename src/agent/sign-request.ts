import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  randomBytes,
} from 'node:crypto';
import { type Parameters, serializeDictionary, serializeInnerList } from 'structured-headers';
import type { ComponentId } from '../credentials/signature-candidate.js';
import { jwkThumbprint } from '../keys/jwk-thumbprint.js';
import { buildSignatureBase, type SignedMessage } from '../proofs/signature-base.js';
import { formatSignatureAgent, type WebBotAuthAgent } from './format-signature-agent.js';
import { forwardedUrl, type PathOptions } from './forwarded-url.js';
import { algorithmOfKey, signSignatureBase } from './sign-signature-base.js';

export interface SigningKey {
  readonly privateJwk: JsonWebKey;
  /** A DID URL naming the public key, e.g. `did:key:z6Mk…#z6Mk…`. */
  readonly keyId: string;
}

export interface SignRequestInput extends PathOptions {
  /** Upper-cased before signing, as fetch and node:http send the common methods. */
  readonly method: string;
  /**
   * The request URL. Its path is signed in the form Envoy forwards (see `forwardedUrl`, which
   * gives the URL to send) unless `pathAsIs`; a path Envoy would refuse or redirect throws.
   */
  readonly url: string | URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly key: SigningKey;
  /**
   * Sign as a Web Bot Auth agent: send `Signature-Agent` in the agent's generation and cover
   * it, `keyid` = the key's RFC 7638 thumbprint, `tag` default `web-bot-auth`, `expires`
   * default 60 s after `created`, and `@authority` the only derived component by default.
   */
  readonly webBotAuth?: WebBotAuthAgent;
  /**
   * The derived components to cover, in order (`@method`, `@authority`, `@path`, `@query`,
   * `@target-uri`…). Default: `@method @authority @path` (+ `@query` when the URL has one); for
   * Web Bot Auth, `@authority`.
   */
  readonly components?: readonly string[];
  /** Extra header fields to cover, e.g. `agent-purpose` (they must be in `headers`). */
  readonly coverHeaders?: readonly string[];
  /** Seconds since the epoch; defaults to now. */
  readonly created?: number;
  /** Adds `expires = created + expiresIn`. */
  readonly expiresIn?: number;
  readonly nonce?: string;
  readonly tag?: string;
  readonly label?: string;
  /** Also send the `alg` parameter (verifiers take the algorithm from the key either way). */
  readonly includeAlg?: boolean;
}

/**
 * Headers to add to the request: `signature-input`, `signature`, with a body `content-digest`,
 * and for Web Bot Auth `signature-agent`.
 */
export type SignatureHeaders = Record<string, string>;

/** Web Bot Auth signatures carry `expires`; the drafts recommend a short one. */
const WEB_BOT_AUTH_EXPIRES_IN_S = 60;

/**
 * Signs a request (RFC 9421). The agent-authz profile covers `@method`, `@authority`, `@path`,
 * `@query` when there is one, `content-digest` over the body and any extra covered headers,
 * with `created`, `keyid`, `nonce`, `tag`. A Web Bot Auth agent covers `@authority` and its
 * `Signature-Agent` (plus whatever `components` and `coverHeaders` add).
 */
export function signRequest(input: SignRequestInput): SignatureHeaders {
  const url = forwardedUrl(input.url, input);
  const label = input.label ?? 'sig1';
  const headers = lowerCaseKeys(input.headers ?? {});
  const added: SignatureHeaders = {};
  const names = derivedComponents(input, url);
  if (input.body !== undefined) {
    const digest = createHash('sha256').update(input.body).digest('base64');
    added['content-digest'] = `sha-256=:${digest}:`;
    headers.set('content-digest', [added['content-digest']]);
    names.push('content-digest');
  }
  for (const header of input.coverHeaders ?? []) names.push(header.toLowerCase());
  const components = [...new Set(names)].map(plainComponent);
  if (input.webBotAuth !== undefined) {
    const field = formatSignatureAgent(input.webBotAuth, label);
    added['signature-agent'] = field.value;
    headers.set('signature-agent', [field.value]);
    components.push(field.component);
  }
  const key = createPrivateKey({ key: input.key.privateJwk, format: 'jwk' });
  const innerList: [Array<[string, Parameters]>, Parameters] = [
    components.map((c) => [c.name, c.params]),
    signatureParams(input, algorithmOfKey(key)),
  ];
  const message: SignedMessage = {
    method: input.method.toUpperCase(),
    scheme: url.protocol.slice(0, -1),
    authority: url.host,
    path: url.pathname || '/',
    query: url.search === '' ? null : url.search.slice(1),
    headers,
  };
  const base = buildSignatureBase(message, {
    components,
    serializedParams: serializeInnerList(innerList),
  });
  const signature = signSignatureBase(key, base);
  added['signature-input'] = serializeDictionary(new Map([[label, innerList]]));
  added.signature = serializeDictionary(new Map([[label, [signature, new Map()]]]));
  return added;
}

function derivedComponents(input: SignRequestInput, url: URL): string[] {
  if (input.components !== undefined) return [...input.components];
  if (input.webBotAuth !== undefined) return ['@authority'];
  return url.search === ''
    ? ['@method', '@authority', '@path']
    : ['@method', '@authority', '@path', '@query'];
}

function plainComponent(name: string): ComponentId {
  return { name, params: new Map(), serialized: `"${name}"` };
}

function signatureParams(input: SignRequestInput, alg: string): Parameters {
  const webBotAuth = input.webBotAuth !== undefined;
  const created = input.created ?? Math.floor(Date.now() / 1000);
  const expiresIn = input.expiresIn ?? (webBotAuth ? WEB_BOT_AUTH_EXPIRES_IN_S : undefined);
  const params: Parameters = new Map();
  params.set('created', created);
  params.set('keyid', webBotAuth ? thumbprintOf(input.key.privateJwk) : input.key.keyId);
  if (input.includeAlg) params.set('alg', alg);
  if (expiresIn !== undefined) params.set('expires', created + expiresIn);
  params.set(
    'nonce',
    input.nonce ?? randomBytes(webBotAuth ? 64 : 16).toString(webBotAuth ? 'base64' : 'base64url'),
  );
  params.set('tag', input.tag ?? (webBotAuth ? 'web-bot-auth' : 'agent-authz'));
  return params;
}

/** draft-meunier-webbotauth-httpsig-protocol: `keyid` is the key's RFC 7638 thumbprint. */
function thumbprintOf(privateJwk: JsonWebKey): string {
  const publicJwk = createPublicKey({ key: privateJwk, format: 'jwk' }).export({ format: 'jwk' });
  return jwkThumbprint(publicJwk as Record<string, unknown>)!;
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Map<string, string[]> {
  return new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), [value]]));
}
