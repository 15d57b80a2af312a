import { createHash, type JsonWebKey, randomUUID } from 'node:crypto';
import { jwsAlgorithm, publicJwkOf, signCompactJws } from './sign-compact-jws.js';

export interface DpopProofInput {
  /** The agent's private key (Ed25519 or P-256), e.g. `generateAgentKey().privateJwk`. */
  readonly privateJwk: JsonWebKey;
  readonly method: string;
  /** The request URL; query and fragment are left out of `htu`. */
  readonly url: string | URL;
  /** The access token the proof accompanies: its hash becomes `ath`. */
  readonly accessToken?: string;
  /** Seconds since the epoch; defaults to now. */
  readonly iat?: number;
  readonly jti?: string;
  /** A server-provided `DPoP-Nonce`, if one was asked for. */
  readonly nonce?: string;
}

/**
 * A DPoP proof JWT (RFC 9449 §4.2) for one request: `typ: dpop+jwt`, the public key in `jwk`,
 * and `jti`, `htm`, `htu`, `iat`, plus `ath` when a token is sent. Send it as the `DPoP`
 * header with `Authorization: DPoP <token>`; make a new one for every request.
 */
export function createDpopProof(input: DpopProofInput): string {
  const url = new URL(input.url);
  const payload: Record<string, unknown> = {
    jti: input.jti ?? randomUUID(),
    htm: input.method.toUpperCase(),
    htu: `${url.protocol}//${url.host}${url.pathname}`,
    iat: input.iat ?? Math.floor(Date.now() / 1000),
  };
  if (input.accessToken !== undefined) {
    payload.ath = createHash('sha256').update(input.accessToken).digest('base64url');
  }
  if (input.nonce !== undefined) payload.nonce = input.nonce;
  const header = {
    typ: 'dpop+jwt',
    alg: jwsAlgorithm(input.privateJwk),
    jwk: publicJwkOf(input.privateJwk),
  };
  return signCompactJws(header, payload, input.privateJwk);
}
