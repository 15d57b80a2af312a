import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JWK, SignJWT } from 'jose';
import { problem } from './envoy-client.js';
import { type JwksServer, startJwksServer } from './jwks-server.js';
import { startTestApp, type TestApp, type TestAppOptions } from './start-test-app.js';
import { createTestCa } from './test-pki.js';
import { AUDIENCE, bearerRequest } from './token-check.js';

export const JWKS_ISSUER = 'https://idp.example.com';

/** A P-256 signing key of the issuer, with the JWK its JWKS publishes under `kid`. */
export interface IssuerSigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwk: JWK;
}

export function issuerSigningKey(kid: string): IssuerSigningKey {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid,
    privateKey: pair.privateKey,
    jwk: { ...(pair.publicKey.export({ format: 'jwk' }) as JWK), kid, use: 'sig' },
  };
}

/** A running app trusting an issuer whose JWKS a loopback HTTPS server publishes. */
export interface JwksIssuerApp {
  readonly app: TestApp;
  readonly jwks: JwksServer;
  /** A fresh ES256 token (unbound) with `kid: signer.kid`, signed by `signer`, at the app's clock. */
  token(signer: Pick<IssuerSigningKey, 'kid' | 'privateKey'>): Promise<string>;
  /** `allowed`, or the reason a Bearer request with `token` is denied. */
  reasonFor(token: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts a JWKS server publishing `keys` and an app trusting it as `jwksUri` of JWKS_ISSUER
 * (unbound tokens accepted, so requests carry nothing but the token), plus `flags`.
 */
export async function startJwksIssuerApp(
  keys: object[],
  flags: string[] = [],
  options: TestAppOptions = {},
): Promise<JwksIssuerApp> {
  const ca = await createTestCa();
  const jwks = await startJwksServer(ca, keys);
  const directory = mkdtempSync(join(tmpdir(), 'agent-authz-jwks-issuer-'));
  writeFileSync(join(directory, 'ca.pem'), ca.pem);
  const issuers = [{ issuer: JWKS_ISSUER, jwksUri: jwks.url, audiences: [AUDIENCE] }];
  const app = await startTestApp(
    [
      `--issuers=${JSON.stringify(issuers)}`,
      `--tokens.jwks.ca-file=${join(directory, 'ca.pem')}`,
      '--resolver.max-wait=2s',
      '--tokens.require-binding=false',
      ...flags,
    ],
    options,
  );
  const token = (signer: Pick<IssuerSigningKey, 'kid' | 'privateKey'>) => {
    const iat = Math.floor(app.now / 1000);
    return new SignJWT({ sub: 'client-42', jti: `t-${Math.random()}` })
      .setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: 'at+jwt' })
      .setIssuer(JWKS_ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(signer.privateKey);
  };
  const reasonFor = async (text: string) => {
    const request = bearerRequest({ method: 'GET', url: 'https://api.example.com/r', token: text });
    const response = await app.client.check(request);
    return response.ok_response !== undefined ? 'allowed' : String(problem(response).reason);
  };
  const close = async () => {
    await app.stop();
    await jwks.close();
    rmSync(directory, { recursive: true, force: true });
  };
  return { app, jwks, token, reasonFor, close };
}
