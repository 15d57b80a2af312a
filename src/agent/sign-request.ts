import { createHash, createPrivateKey, type JsonWebKey, randomBytes, sign } from 'node:crypto';
import { type Parameters, serializeDictionary, serializeInnerList } from 'structured-headers';
import type { ComponentId } from '../credentials/signature-candidate.js';
import { buildSignatureBase, type SignedMessage } from '../proofs/signature-base.js';

export interface SigningKey {
  readonly privateJwk: JsonWebKey;
  /** A DID URL naming the public key, e.g. `did:key:z6Mk…#z6Mk…`. */
  readonly keyId: string;
}

export interface SignRequestInput {
  readonly method: string;
  readonly url: string | URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly key: SigningKey;
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

/** Headers to add to the request: `signature-input`, `signature` and, with a body, `content-digest`. */
export type SignatureHeaders = Record<string, string>;

/**
 * Signs a request the way the agent-authz profile requires (RFC 9421): `@method`,
 * `@authority`, `@path`, `@query` when there is one, `content-digest` over the body, any extra
 * covered headers, and `created`, `keyid`, `nonce`, `tag`.
 */
export function signRequest(input: SignRequestInput): SignatureHeaders {
  const url = new URL(input.url);
  const headers = lowerCaseKeys(input.headers ?? {});
  const added: SignatureHeaders = {};
  if (input.body !== undefined) {
    const digest = createHash('sha256').update(input.body).digest('base64');
    added['content-digest'] = `sha-256=:${digest}:`;
    headers.set('content-digest', [added['content-digest']]);
  }
  const names = ['@method', '@authority', '@path'];
  if (url.search !== '') names.push('@query');
  if (input.body !== undefined) names.push('content-digest');
  for (const header of input.coverHeaders ?? []) names.push(header.toLowerCase());
  const components: ComponentId[] = names.map((name) => ({
    name,
    params: new Map(),
    serialized: `"${name}"`,
  }));
  const key = createPrivateKey({ key: input.key.privateJwk, format: 'jwk' });
  const params = signatureParams(
    input,
    key.asymmetricKeyType === 'ed25519' ? 'ed25519' : 'ecdsa-p256-sha256',
  );
  const innerList: [Array<[string, Parameters]>, Parameters] = [
    names.map((n) => [n, new Map()]),
    params,
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
  const signature =
    key.asymmetricKeyType === 'ed25519'
      ? sign(null, Buffer.from(base), key)
      : sign('sha256', Buffer.from(base), { key, dsaEncoding: 'ieee-p1363' });
  const label = input.label ?? 'sig1';
  added['signature-input'] = serializeDictionary(new Map([[label, innerList]]));
  added.signature = serializeDictionary(new Map([[label, [signature, new Map()]]]));
  return added;
}

function signatureParams(input: SignRequestInput, alg: string): Parameters {
  const created = input.created ?? Math.floor(Date.now() / 1000);
  const params: Parameters = new Map();
  params.set('created', created);
  if (input.expiresIn !== undefined) params.set('expires', created + input.expiresIn);
  params.set('keyid', input.key.keyId);
  if (input.includeAlg) params.set('alg', alg);
  params.set('nonce', input.nonce ?? randomBytes(16).toString('base64url'));
  params.set('tag', input.tag ?? 'agent-authz');
  return params;
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Map<string, string[]> {
  return new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), [value]]));
}
