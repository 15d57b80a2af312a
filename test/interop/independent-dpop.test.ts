import { generateKeyPairSync } from 'node:crypto';
import * as DPoP from 'dpop';
import { calculateJwkThumbprint, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../src/agent/index.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, setHeaders } from '../support/envoy-client.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { AUDIENCE } from '../support/token-check.js';

/*
 * DPoP proofs made by panva's `dpop` package (shares no code with ours) and access tokens signed
 * by jose must pass the real server over gRPC: this catches a checklist only our own SDK meets.
 */

const IDP = 'https://idp.example.com';
const ISSUER = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ISSUER_JWK = { ...(ISSUER.publicKey.export({ format: 'jwk' }) as JWK), kid: 'k1' };

let server: TestApp;
beforeAll(async () => {
  const issuers = [{ issuer: IDP, jwks: { keys: [ISSUER_JWK] }, audiences: [AUDIENCE] }];
  server = await startTestApp([`--issuers=${JSON.stringify(issuers)}`]);
  // The dpop package stamps proofs with the real time.
  server.now = Date.now();
});
afterAll(async () => {
  await server.stop();
});

async function tokenBoundTo(jkt: string): Promise<string> {
  return new SignJWT({ cnf: { jkt }, scope: 'orders:write' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
    .setIssuer(IDP)
    .setSubject('partner-7')
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(ISSUER.privateKey);
}

describe.each(['ES256', 'Ed25519', 'PS256', 'RS256'] as const)(
  'a DPoP proof from the dpop package (%s)',
  (alg) => {
    it('verifies through the real gRPC server, and the thumbprints agree', async () => {
      const keypair = await DPoP.generateKeyPair(alg);
      const jkt = await DPoP.calculateThumbprint(keypair.publicKey);
      const publicJwk = (await crypto.subtle.exportKey('jwk', keypair.publicKey)) as JWK;
      expect(jwkThumbprint(publicJwk as Record<string, unknown>)).toBe(jkt);
      expect(await calculateJwkThumbprint(publicJwk)).toBe(jkt);
      const token = await tokenBoundTo(jkt);
      const proof = await DPoP.generateProof(
        keypair,
        'https://api.example.com/orders',
        'POST',
        undefined,
        token,
      );
      const request = envoyCheckRequest({
        method: 'POST',
        url: 'https://api.example.com/orders?draft=1',
        body: '{}',
        headers: { authorization: `DPoP ${token}`, dpop: proof },
      });
      const response = await server.client.check(request);
      expect(problem(response)).toBeNull();
      expect(setHeaders(response)).toMatchObject({
        'x-agent-profile': 'dpop',
        'x-agent-id': 'partner-7',
        'x-agent-key-id': jkt,
      });
    });
  },
);
