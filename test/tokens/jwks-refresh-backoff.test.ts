import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type JWK, SignJWT } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problem } from '../support/envoy-client.js';
import { type JwksServer, startJwksServer } from '../support/jwks-server.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { createTestCa } from '../support/test-pki.js';
import { AUDIENCE, bearerRequest } from '../support/token-check.js';

/*
 * An issuer whose jwks_uri starts failing after the key set was fetched: the keys held stay in
 * use, and the failing refresh is retried with a growing delay — not on every request that
 * passes the refresh interval — with one log line per attempt.
 */
const IDP = 'https://idp.example.com';
const ISSUER_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const FORGER_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const JWK_1 = { ...(ISSUER_KEY.publicKey.export({ format: 'jwk' }) as JWK), kid: 'k1', use: 'sig' };

let jwks: JwksServer;
let app: TestApp;
let directory: string;
const warnings: string[] = [];

beforeAll(async () => {
  const ca = await createTestCa();
  jwks = await startJwksServer(ca, [JWK_1]);
  directory = mkdtempSync(join(tmpdir(), 'agent-authz-jwks-backoff-'));
  writeFileSync(join(directory, 'ca.pem'), ca.pem);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      warnings.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });
  const issuers = [{ issuer: IDP, jwksUri: jwks.url, audiences: [AUDIENCE] }];
  app = await startTestApp(
    [
      `--issuers=${JSON.stringify(issuers)}`,
      `--tokens.jwks.ca-file=${join(directory, 'ca.pem')}`,
      '--tokens.jwks.refresh-interval=5m',
      '--tokens.jwks.cooldown=30s',
      '--resolver.max-wait=2s',
      // About key fetching: an unbound token keeps the requests minimal.
      '--tokens.require-binding=false',
    ],
    { logger: pino({ level: 'warn' }, sink) },
  );
});
afterAll(async () => {
  await app?.stop();
  await jwks?.close();
  rmSync(directory, { recursive: true, force: true });
});

/** A token with kid k1, signed by the issuer's key or (forged) by another one. */
function token(signer: typeof ISSUER_KEY): Promise<string> {
  const iat = Math.floor(app.now / 1000);
  return new SignJWT({ sub: 'client-42', jti: `t-${Math.random()}` })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
    .setIssuer(IDP)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 300)
    .sign(signer.privateKey);
}

async function reasonFor(signer: typeof ISSUER_KEY): Promise<string> {
  const request = bearerRequest({
    method: 'GET',
    url: 'https://api.example.com/r',
    token: await token(signer),
  });
  const response = await app.client.check(request);
  return response.ok_response !== undefined ? 'allowed' : String(problem(response).reason);
}

const failureLines = () =>
  warnings.filter((line) => line.includes('issuer keys could not be fetched'));

/** Sends `count` forged tokens one after another; each must be refused. */
async function forged(count: number): Promise<void> {
  for (let i = 0; i < count; i++) expect(await reasonFor(FORGER_KEY)).toBe('token_invalid');
}

describe('a failing issuer JWKS refresh', () => {
  it('is retried once per backoff period however many requests pass the refresh interval, with one log line each', async () => {
    expect(await reasonFor(ISSUER_KEY)).toBe('allowed');
    expect(jwks.fetches).toBe(1);
    jwks.behaviour = { status: 500 };
    app.now += 5 * 60_000 + 1;

    await forged(60);
    await expect.poll(() => failureLines().length).toBe(1);
    expect(jwks.fetches).toBe(2);

    // The first retry waits 1 s, the next 2 s: the clock is frozen in between.
    app.now += 1000;
    await forged(20);
    await expect.poll(() => failureLines().length).toBe(2);
    expect(jwks.fetches).toBe(3);
    app.now += 1000;
    await forged(20);
    expect(jwks.fetches).toBe(3);
    app.now += 1000;
    await forged(1);
    await expect.poll(() => jwks.fetches).toBe(4);
    await expect.poll(() => failureLines().length).toBe(3);
  });

  it('keeps verifying with the keys it holds, and refreshes normally once the issuer answers again', async () => {
    expect(await reasonFor(ISSUER_KEY)).toBe('allowed');
    jwks.behaviour = {};
    app.now += 30_000;
    expect(await reasonFor(ISSUER_KEY)).toBe('allowed');
    await expect.poll(() => jwks.fetches).toBe(5);
    await forged(20);
    expect(jwks.fetches).toBe(5);
    expect(failureLines()).toHaveLength(3);
  });
});
