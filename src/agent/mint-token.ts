import { type JsonWebKey, randomUUID } from 'node:crypto';
import { pemCertificateThumbprint } from '../binding/certificate-thumbprint.js';
import { jwkThumbprint } from '../keys/jwk-thumbprint.js';
import { jwsAlgorithm, signCompactJws } from './sign-compact-jws.js';

export interface MintTokenInput {
  /** The issuer's signing key: its DID becomes `iss`, its key id `kid`. */
  readonly issuer: { readonly privateJwk: JsonWebKey; readonly keyId: string };
  readonly subject: string;
  readonly audience: string | readonly string[];
  /** Bind to a DPoP key (`cnf.jkt`): the agent's public JWK. */
  readonly bindKey?: JsonWebKey;
  /** Bind to a client certificate (`cnf.x5t#S256`): its PEM. */
  readonly bindCertificatePem?: string;
  readonly scope?: string;
  /** Lifetime in seconds (default 300). */
  readonly expiresIn?: number;
  /** Seconds since the epoch; defaults to now. */
  readonly iat?: number;
  readonly jti?: string;
}

/**
 * An access token issued by a DID (RFC 9068 shape, `typ: at+jwt`): `iss` is the issuer key's
 * DID, `kid` its key id, and `cnf` binds it to a key or a certificate. For demos, tests and
 * agents that issue their own delegated tokens; production tokens usually come from an IdP.
 */
export function mintToken(input: MintTokenInput): string {
  const iat = input.iat ?? Math.floor(Date.now() / 1000);
  const iss = input.issuer.keyId.slice(0, input.issuer.keyId.indexOf('#'));
  const payload: Record<string, unknown> = {
    iss,
    sub: input.subject,
    aud: input.audience,
    iat,
    exp: iat + (input.expiresIn ?? 300),
    jti: input.jti ?? randomUUID(),
  };
  if (input.scope !== undefined) payload.scope = input.scope;
  const cnf = confirmation(input);
  if (cnf !== undefined) payload.cnf = cnf;
  const alg = jwsAlgorithm(input.issuer.privateJwk);
  return signCompactJws(
    { typ: 'at+jwt', alg, kid: input.issuer.keyId },
    payload,
    input.issuer.privateJwk,
  );
}

function confirmation(input: MintTokenInput): Record<string, string> | undefined {
  if (input.bindKey !== undefined && input.bindCertificatePem !== undefined) {
    throw new Error('bind a token to a key or to a certificate, not both');
  }
  if (input.bindKey !== undefined) {
    const jkt = jwkThumbprint(input.bindKey as Record<string, unknown>);
    if (jkt === undefined) throw new Error('the key to bind is not a public EC, OKP or RSA JWK');
    return { jkt };
  }
  if (input.bindCertificatePem !== undefined) {
    const x5t = pemCertificateThumbprint(input.bindCertificatePem);
    if (x5t === undefined) throw new Error('the certificate to bind is not PEM');
    return { 'x5t#S256': x5t };
  }
  return undefined;
}
