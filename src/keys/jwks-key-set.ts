import { KeyObject as NodeKeyObject, type webcrypto } from 'node:crypto';
import {
  type CryptoKey,
  createLocalJWKSet,
  errors,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type KeyObject,
} from 'jose';
import { AuthzError } from '../errors.js';
import { jwkThumbprint } from './jwk-thumbprint.js';
import { hasSecretMembers } from './verification-key.js';

/** One JWKS as an issuer published it (or the config lists it), ready to verify tokens with. */
export interface JwksKeySet {
  /** The key a token's protected header selects, by jose's rules (kid, alg, kty, crv, use). */
  lookUp(header: JWSHeaderParameters): Promise<CryptoKey>;
  /**
   * Whether this set holds `key` — the same public key (RFC 7638 thumbprint) under the `kid` a
   * token named, or under any kid for a token that named none.
   */
  holds(key: CryptoKey | KeyObject, kid: string | undefined): boolean;
}

export const NO_MATCHING_KEY = 'no key of the issuer matches the token kid and alg';

/** Only public asymmetric keys can verify a token here (no HMAC with a published key). */
export function toKeySet(jwks: JSONWebKeySet): JwksKeySet {
  const keys = jwks.keys.filter(
    (key) =>
      ['EC', 'OKP', 'RSA'].includes(String(key.kty)) && !hasSecretMembers(key) && key.use !== 'enc',
  );
  const local = createLocalJWKSet({ keys });
  const thumbprints = new Set<string>();
  const named = new Set<string>();
  for (const key of keys) {
    const thumbprint = jwkThumbprint(key as Record<string, unknown>);
    if (thumbprint === undefined) continue;
    thumbprints.add(thumbprint);
    if (typeof key.kid === 'string') named.add(JSON.stringify([key.kid, thumbprint]));
  }
  return {
    lookUp: (header) => lookUp(local, header),
    holds: (key, kid) => {
      const thumbprint = thumbprintOf(key);
      if (thumbprint === undefined) return false;
      return kid === undefined
        ? thumbprints.has(thumbprint)
        : named.has(JSON.stringify([kid, thumbprint]));
    },
  };
}

async function lookUp(
  local: ReturnType<typeof createLocalJWKSet>,
  header: JWSHeaderParameters,
): Promise<CryptoKey> {
  try {
    return await local(header);
  } catch (error) {
    if (error instanceof errors.JWKSNoMatchingKey) {
      throw new AuthzError('key_unresolvable', NO_MATCHING_KEY, { cause: error });
    }
    if (error instanceof errors.JWKSMultipleMatchingKeys) {
      throw new AuthzError('key_unresolvable', 'several issuer keys match; the token needs a kid', {
        cause: error,
      });
    }
    throw new AuthzError('key_unresolvable', 'the issuer key cannot be used', { cause: error });
  }
}

/** Thumbprints of keys handed out, so a cached token's key is exported once, not per check. */
const THUMBPRINTS = new WeakMap<object, string | undefined>();

function thumbprintOf(key: CryptoKey | KeyObject): string | undefined {
  if (THUMBPRINTS.has(key)) return THUMBPRINTS.get(key);
  let thumbprint: string | undefined;
  try {
    const object =
      key instanceof NodeKeyObject
        ? key
        : NodeKeyObject.from(key as unknown as webcrypto.CryptoKey);
    thumbprint = jwkThumbprint(object.export({ format: 'jwk' }) as Record<string, unknown>);
  } catch {
    thumbprint = undefined;
  }
  THUMBPRINTS.set(key, thumbprint);
  return thumbprint;
}
