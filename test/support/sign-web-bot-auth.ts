import {
  constants,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  type JsonWebKey,
  randomBytes,
  sign,
} from 'node:crypto';
import {
  type InnerList,
  type Parameters,
  serializeDictionary,
  serializeInnerList,
} from 'structured-headers';
import type { ComponentId } from '../../src/credentials/signature-candidate.js';
import { jwkThumbprint } from '../../src/keys/jwk-thumbprint.js';
import { buildSignatureBase } from '../../src/proofs/signature-base.js';
import type { RequestShape } from './envoy-check-request.js';
import type { DocumentHost } from './start-document-host.js';

export interface WebBotAuthKey {
  readonly privateJwk: JsonWebKey;
  readonly publicJwk: JsonWebKey;
  /** The RFC 7638 thumbprint: the Web Bot Auth keyid. */
  readonly thumbprint: string;
}

export function webBotAuthKey(type: 'ed25519' | 'rsa' = 'ed25519'): WebBotAuthKey {
  const pair =
    type === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = pair.publicKey.export({ format: 'jwk' });
  return {
    privateJwk: pair.privateKey.export({ format: 'jwk' }),
    publicJwk,
    thumbprint: jwkThumbprint(publicJwk as Record<string, unknown>)!,
  };
}

export const DIRECTORY_PATH = '/.well-known/http-message-signatures-directory';
export const DIRECTORY_TYPE = {
  'content-type': 'application/http-message-signatures-directory+json',
};

/** Serves `keys` as the key directory of `hostname` on the test host. */
export function publishDirectory(
  host: DocumentHost,
  hostname: string,
  keys: readonly WebBotAuthKey[],
  headers: Record<string, string> = DIRECTORY_TYPE,
): void {
  host.serve(hostname, DIRECTORY_PATH, {
    headers,
    body: JSON.stringify({ keys: keys.map((key) => ({ ...key.publicJwk, use: 'sig' })) }),
  });
}

export interface WebBotAuthOptions {
  /** The directory origin named by Signature-Agent; none sends no header. */
  readonly agent?: string;
  /** `dictionary` (`agent1="…"`, covered with `;key`) or the legacy `string`. */
  readonly form?: 'dictionary' | 'string';
  /** Cover `signature-agent` (default true). */
  readonly coverAgent?: boolean;
  readonly created: number;
  /** Seconds after created; null sends no expires. */
  readonly expiresIn?: number | null;
  /** null sends no nonce. */
  readonly nonce?: string | null;
  readonly keyid?: string;
  /** The `tag` parameter (default `web-bot-auth`). */
  readonly tag?: string;
  /** The signature's label (default `sig1`). */
  readonly label?: string;
  /** The dictionary member key naming the agent (default `agent1`). */
  readonly member?: string;
  /** Parameters appended to the member, e.g. `;type=jwks_uri`. */
  readonly memberParams?: string;
  /** Other members placed before the agent's, e.g. `other="https://…"`. */
  readonly otherMembers?: string;
  /** Components covered after `@authority`, e.g. `['@path']`. */
  readonly extraComponents?: readonly string[];
}

/**
 * Signs `shape` as a Web Bot Auth agent would (draft-meunier-webbotauth-httpsig-protocol):
 * `@authority` and the Signature-Agent member, `created`, `expires`, `keyid` = thumbprint,
 * `tag="web-bot-auth"`. Returns the headers to add.
 */
export function signWebBotAuth(
  shape: RequestShape,
  key: WebBotAuthKey,
  options: WebBotAuthOptions,
): Record<string, string> {
  const url = new URL(shape.url);
  const headers: Record<string, string> = {};
  const components: ComponentId[] = [
    component('@authority'),
    ...(options.extraComponents ?? []).map((name) => component(name)),
  ];
  const member = options.member ?? 'agent1';
  if (options.agent !== undefined) {
    const dictionary = (options.form ?? 'dictionary') === 'dictionary';
    const own = `${member}="${options.agent}"${options.memberParams ?? ''}`;
    const others = options.otherMembers === undefined ? '' : `${options.otherMembers}, `;
    headers['signature-agent'] = dictionary ? `${others}${own}` : `"${options.agent}"`;
    if (options.coverAgent !== false) {
      components.push(
        dictionary
          ? component('signature-agent', new Map([['key', member]]))
          : component('signature-agent'),
      );
    }
  }
  const params: Parameters = new Map<string, string | number>([['created', options.created]]);
  if (options.expiresIn !== null)
    params.set('expires', options.created + (options.expiresIn ?? 60));
  params.set('keyid', options.keyid ?? key.thumbprint);
  if (options.nonce !== null)
    params.set('nonce', options.nonce ?? randomBytes(32).toString('base64'));
  params.set('tag', options.tag ?? 'web-bot-auth');
  const label = options.label ?? 'sig1';
  const innerList = [components.map((c) => [c.name, c.params]), params] as InnerList;
  const base = buildSignatureBase(
    {
      method: shape.method,
      scheme: url.protocol.slice(0, -1),
      authority: url.host,
      path: url.pathname,
      query: url.search === '' ? null : url.search.slice(1),
      headers: new Map(Object.entries(headers).map(([name, value]) => [name, [value]])),
    },
    { components, serializedParams: serializeInnerList(innerList) },
  );
  headers['signature-input'] = serializeDictionary(new Map([[label, innerList]]));
  headers.signature = serializeDictionary(
    new Map([[label, [signBase(key, Buffer.from(base)), new Map()]]]),
  );
  return headers;
}

function component(name: string, params: Parameters = new Map()): ComponentId {
  const serialized = params.has('key') ? `"${name}";key="${params.get('key')}"` : `"${name}"`;
  return { name, params, serialized };
}

function signBase(key: WebBotAuthKey, base: Buffer): Buffer {
  const privateKey = createPrivateKey({ key: key.privateJwk, format: 'jwk' });
  if (privateKey.asymmetricKeyType === 'ed25519') return sign(null, base, privateKey);
  return sign('sha512', base, {
    key: privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 64,
  });
}

/** A JWKS of `keys`' public halves, as a directory or JWKS URL serves it. */
export function jwksBody(keys: readonly WebBotAuthKey[]): string {
  return JSON.stringify({ keys: keys.map((key) => ({ ...key.publicJwk, use: 'sig' })) });
}

/**
 * The directory response signature (draft-ietf-webbotauth-httpsig-protocol, "Validating the
 * Domain Binding") of `body` served at `authority` (`host:port`), by `key`.
 */
export function signDirectoryResponse(
  body: string,
  key: WebBotAuthKey,
  authority: string,
  created: number,
  expiresIn = 3600,
): Record<string, string> {
  const digest = `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
  const inner = `("@authority";req "content-digest");created=${created};expires=${created + expiresIn};keyid="${key.thumbprint}";tag="http-message-signatures-directory"`;
  const base = `"@authority";req: ${authority}\n"content-digest": ${digest}\n"@signature-params": ${inner}`;
  return {
    'content-digest': digest,
    'signature-input': `binding=${inner}`,
    signature: `binding=:${signBase(key, Buffer.from(base)).toString('base64')}:`,
  };
}
