import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { jwkThumbprint } from '../keys/jwk-thumbprint.js';
import { hasSecretMembers } from '../keys/verification-key.js';

/** One key an agent publishes: the public JWK, its thumbprint, and the private key if known. */
export interface PublishedKey {
  readonly publicJwk: JsonWebKey;
  /** RFC 7638 SHA-256 thumbprint: the Web Bot Auth `keyid` and the directory `kid`. */
  readonly thumbprint: string;
  /** Present when the source held the private key (needed to sign the directory response). */
  readonly privateKey: KeyObject | undefined;
}

/** A JWK Set as served at `/.well-known/http-message-signatures-directory`. */
export interface KeyDirectoryDocument {
  readonly keys: ReadonlyArray<JsonWebKey & { kid: string; use: 'sig' }>;
}

/**
 * The key directory of `keys` (draft-meunier-webbotauth-httpsig-protocol, Directory Format):
 * public members only, `kid` = the RFC 7638 thumbprint (at the well-known URL a `kid` MUST be
 * the thumbprint), `use` = `sig`.
 */
export function keyDirectory(keys: readonly PublishedKey[]): KeyDirectoryDocument {
  return {
    keys: keys.map(({ publicJwk, thumbprint }) => ({ ...publicJwk, kid: thumbprint, use: 'sig' })),
  };
}

/** A key from a private or public JWK (a stray `kid`, `alg`, `use` is dropped and rebuilt). */
export function publishedKeyFromJwk(jwk: JsonWebKey): PublishedKey {
  const privateKey = hasSecretMembers(jwk)
    ? createPrivateKey({ key: jwk, format: 'jwk' })
    : undefined;
  const publicKey = createPublicKey(privateKey ?? { key: jwk, format: 'jwk' });
  return fromKeyObjects(publicKey, privateKey);
}

/**
 * Reads a key to publish: a key file written by `agent-authz keygen` (`privateJwk`), a JWK
 * (private or public) or a PEM key (private or public, e.g. an RSA key made with openssl).
 */
export function readPublishedKey(path: string): PublishedKey {
  const text = readFileSync(path, 'utf8');
  if (text.trimStart().startsWith('-----BEGIN')) {
    if (text.includes('PRIVATE KEY-----')) {
      const privateKey = createPrivateKey(text);
      return fromKeyObjects(createPublicKey(privateKey), privateKey);
    }
    return fromKeyObjects(createPublicKey(text), undefined);
  }
  let parsed: { privateJwk?: JsonWebKey; kty?: string };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new Error(`${path} is neither a JWK, a key file from agent-authz keygen, nor a PEM key`);
  }
  const jwk =
    parsed.privateJwk ?? (typeof parsed.kty === 'string' ? (parsed as JsonWebKey) : undefined);
  if (jwk === undefined) throw new Error(`${path} holds no JWK (no "kty", no "privateJwk")`);
  return publishedKeyFromJwk(jwk);
}

function fromKeyObjects(publicKey: KeyObject, privateKey: KeyObject | undefined): PublishedKey {
  const publicJwk = publicKey.export({ format: 'jwk' });
  const thumbprint = jwkThumbprint(publicJwk as Record<string, unknown>);
  if (thumbprint === undefined) {
    throw new Error('only Ed25519, P-256 and RSA keys can be published in a key directory');
  }
  return { publicJwk, thumbprint, privateKey };
}
