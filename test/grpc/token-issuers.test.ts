import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pemCertificateThumbprint } from '../../src/binding/certificate-thumbprint.js';
import { problem, setHeaders } from '../support/envoy-client.js';
import { type JwksServer, startJwksServer } from '../support/jwks-server.js';
import { startTestApp, type TestApp, useTestApp } from '../support/start-test-app.js';
import { createTestCa, type TestCertificate } from '../support/test-pki.js';
import { AUDIENCE, bearerRequest } from '../support/token-check.js';

const IDP = 'https://idp.example.com';
const URL_TEXT = 'https://api.example.com/reports';

/** An issuer signing key with its public JWK as a JWKS would publish it. */
function issuerKey(kid: string, type: 'rsa' | 'ec' = 'ec') {
  const pair =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...(pair.publicKey.export({ format: 'jwk' }) as JWK), kid, use: 'sig' };
  return {
    kid,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    jwk,
    alg: type === 'rsa' ? 'RS256' : 'ES256',
  };
}
type IssuerKey = ReturnType<typeof issuerKey>;

let ca: Awaited<ReturnType<typeof createTestCa>>;
let client: TestCertificate;
const EC = issuerKey('ec-1');
const RSA = issuerKey('rsa-1', 'rsa');

/** A token signed with jose (not the project's SDK), bound to the client certificate. */
async function oauthToken(
  key: IssuerKey,
  nowMs: number,
  claims: Record<string, unknown> = {},
  options: { issuer?: string; audience?: string; expiresIn?: number } = {},
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({
    cnf: { 'x5t#S256': pemCertificateThumbprint(client.pem) },
    scope: 'reports:read',
    sub: 'client-42',
    ...claims,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(options.issuer ?? IDP)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.expiresIn ?? 300))
    .setJti(`t-${Math.random()}`)
    .sign(key.privateKey as KeyObject);
}

function check(app: TestApp, token: string) {
  return app.client.check(
    bearerRequest({ method: 'GET', url: URL_TEXT, token, certificate: client.envoyCertificate }),
  );
}

beforeAll(async () => {
  ca = await createTestCa();
  client = await ca.issue({ commonName: 'client-42' });
});

describe('an issuer whose agents are named by another claim', () => {
  const issuers = [{ issuer: IDP, jwks: { keys: [EC.jwk] }, audiences: [AUDIENCE] }];
  const server = useTestApp([
    `--issuers=${JSON.stringify(issuers)}`,
    '--tokens.agent-id-claim=client_id',
  ]);

  it('takes the agent id from tokens.agentIdClaim', async () => {
    const response = await check(
      server,
      await oauthToken(EC, server.now, { client_id: 'partner-7' }),
    );
    expect(setHeaders(response)['x-agent-id']).toBe('partner-7');
  });

  it('denies token_invalid when that claim is missing', async () => {
    expect(problem(await check(server, await oauthToken(EC, server.now))).reason).toBe(
      'token_invalid',
    );
  });
});

describe('an OAuth issuer with a static JWKS', () => {
  const issuers = [{ issuer: IDP, jwks: { keys: [EC.jwk, RSA.jwk] }, audiences: [AUDIENCE] }];
  const server = useTestApp([`--issuers=${JSON.stringify(issuers)}`]);
  const reason = async (token: string) => problem(await check(server, token)).reason;

  it.each([EC, RSA])('accepts a bound token signed with its $alg key', async (key) => {
    const response = await check(server, await oauthToken(key, server.now));
    expect(setHeaders(response)).toMatchObject({
      'x-agent-id': 'client-42',
      'x-agent-profile': 'mtls',
    });
  });

  it('denies an expired token with expired', async () => {
    const token = await oauthToken(EC, server.now - 400_000);
    expect(await reason(token)).toBe('expired');
  });

  it('denies a token that is not valid yet with not_yet_valid', async () => {
    expect(
      await reason(await oauthToken(EC, server.now, { nbf: Math.floor(server.now / 1000) + 120 })),
    ).toBe('not_yet_valid');
  });

  it('denies a token for another audience with token_invalid', async () => {
    const response = await check(
      server,
      await oauthToken(EC, server.now, {}, { audience: 'https://other.example.com' }),
    );
    expect(problem(response)).toMatchObject({
      reason: 'token_invalid',
      detail: 'the token audience is not accepted here',
    });
  });

  it.each([123, '', '   ', { id: 'x' }])(
    'denies a token whose sub is not a non-empty string (%j) with token_invalid',
    async (sub) => {
      expect(await reason(await oauthToken(EC, server.now, { sub }))).toBe('token_invalid');
    },
  );

  it('denies a token from an issuer it does not trust with token_invalid', async () => {
    expect(
      await reason(await oauthToken(EC, server.now, {}, { issuer: 'https://evil.example.com' })),
    ).toBe('token_invalid');
  });

  it('denies alg: none, with or without something in the signature slot', async () => {
    const signed = await oauthToken(EC, server.now);
    const [, payload] = signed.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: EC.kid })).toString('base64url');
    expect(await reason(`${header}.${payload}.AAAA`)).toBe('token_invalid');
    expect(await reason(`${header}.${payload}.`)).toBe('credential_malformed');
  });

  it('denies HS256 signed with the issuer’s public key as the HMAC secret', async () => {
    const signed = await oauthToken(RSA, server.now);
    const [, payload] = signed.split('.');
    for (const secret of [
      RSA.publicKey.export({ type: 'spki', format: 'pem' }),
      JSON.stringify(RSA.jwk),
    ]) {
      const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid: RSA.kid })).toString(
        'base64url',
      );
      const mac = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      expect(await reason(`${header}.${payload}.${mac}`)).toBe('token_invalid');
    }
  });

  it('finds no key when the token alg does not fit the key its kid names', async () => {
    const mislabelled = { ...RSA, alg: 'PS256', kid: EC.kid };
    expect(await reason(await oauthToken(mislabelled, server.now))).toBe('key_unresolvable');
  });

  it('never echoes the token in a denial', async () => {
    const token = await oauthToken(EC, server.now, {}, { audience: 'https://other.example.com' });
    const response = await check(server, token);
    expect(response.denied_response?.body).not.toContain(token.split('.')[2]);
  });
});

describe('an OAuth issuer with a jwksUri', () => {
  let jwks: JwksServer;
  let app: TestApp;
  let directory: string;

  beforeAll(async () => {
    jwks = await startJwksServer(ca, [EC.jwk]);
    directory = mkdtempSync(join(tmpdir(), 'agent-authz-ca-'));
    writeFileSync(join(directory, 'ca.pem'), ca.pem);
    const issuers = [{ issuer: IDP, jwksUri: jwks.url, audiences: [AUDIENCE] }];
    app = await startTestApp([
      `--issuers=${JSON.stringify(issuers)}`,
      `--tokens.jwks.ca-file=${join(directory, 'ca.pem')}`,
      '--tokens.jwks.timeout=2s',
      // About fetching and rotation, not waiting: a loaded machine may take over 100 ms.
      '--resolver.max-wait=2s',
    ]);
  });
  afterAll(async () => {
    await app.stop();
    await jwks.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('fetches the keys over HTTPS trusting the configured CA, once', async () => {
    expect((await check(app, await oauthToken(EC, app.now))).ok_response).toBeDefined();
    expect((await check(app, await oauthToken(EC, app.now))).ok_response).toBeDefined();
    expect(jwks.fetches).toBe(1);
  });

  it('refetches once for an unknown kid, then not again within tokens.jwks.cooldown', async () => {
    const rotated = issuerKey('ec-2');
    jwks.keys = [EC.jwk, rotated.jwk];
    const before = jwks.fetches;
    app.now += 30_000;
    expect((await check(app, await oauthToken(rotated, app.now))).ok_response).toBeDefined();
    expect(jwks.fetches).toBe(before + 1);

    const unknown = issuerKey('ec-unknown');
    for (let i = 0; i < 3; i++) {
      expect(problem(await check(app, await oauthToken(unknown, app.now))).reason).toBe(
        'key_unresolvable',
      );
    }
    expect(jwks.fetches).toBe(before + 1);

    app.now += 5 * 60_000;
    expect(problem(await check(app, await oauthToken(unknown, app.now))).reason).toBe(
      'key_unresolvable',
    );
    await expect.poll(() => jwks.fetches).toBe(before + 2);
  });
});
