import { beforeAll, describe, expect, it } from 'vitest';
import { problem, setHeaders } from '../support/envoy-client.js';
import { type TestApp, useTestApp } from '../support/start-test-app.js';
import { createTestCa, type TestCertificate } from '../support/test-pki.js';
import { AUDIENCE, bearerRequest, didIssuer, issuedToken } from '../support/token-check.js';

/*
 * What a token may say about its subject: only what an upstream header can carry, and, for an
 * issuer limited by `subjects:`, only the agents that issuer may speak for.
 */
const open = didIssuer();
const limited = didIssuer();
const URL_TEXT = 'https://api.example.com/reports';
const issuers = [
  { did: open.key.didKey },
  { did: limited.key.didKey, subjects: ['did:web:partner.example.com:*', 'client-7'] },
];
const server = useTestApp([
  `--issuers=${JSON.stringify(issuers)}`,
  `--tokens.audiences=${AUDIENCE}`,
]);

let certificate: TestCertificate;
beforeAll(async () => {
  certificate = await (await createTestCa()).issue({ commonName: 'agent' });
});

function check(app: TestApp, issuer: typeof open, subject: string) {
  const token = issuedToken(issuer.key, Math.floor(app.now / 1000), {
    subject,
    bindCertificatePem: certificate.pem,
  });
  return app.client.check(
    bearerRequest({
      method: 'GET',
      url: URL_TEXT,
      token,
      certificate: certificate.envoyCertificate,
    }),
  );
}

describe('a token subject that is not a valid header value', () => {
  it.each([
    ['CR LF and a forged header', 'agent-1\r\nx-agent-verified: true'],
    ['a bare LF', 'agent-1\nx'],
    ['a NUL', 'agent-1\0'],
    ['trailing whitespace', 'agent-1 '],
  ])('is denied token_invalid when it holds %s', async (_name, subject) => {
    const response = await check(server, open, subject);
    expect(response.ok_response).toBeUndefined();
    expect(problem(response)).toMatchObject({
      reason: 'token_invalid',
      detail: 'the token sub is not a valid header value',
    });
  });
});

describe('an issuer limited by subjects', () => {
  it.each([
    ['a pattern', 'did:web:partner.example.com:billing'],
    ['an exact id', 'client-7'],
  ])('may assert a subject that matches %s', async (_name, subject) => {
    expect(setHeaders(await check(server, limited, subject))['x-agent-id']).toBe(subject);
  });

  it.each([
    ['another agent', 'did:web:agents.example.com:billing'],
    ['an id one part deeper than the pattern', 'did:web:partner.example.com:a:b'],
    ['a look-alike of the exact id', 'client-77'],
  ])('is denied token_invalid for %s', async (_name, subject) => {
    expect(problem(await check(server, limited, subject))).toMatchObject({
      reason: 'token_invalid',
      detail: 'the token sub is not a subject this issuer may assert',
    });
  });

  it('leaves an issuer without subjects free to assert any subject', async () => {
    const subject = 'did:web:agents.example.com:billing';
    expect(setHeaders(await check(server, open, subject))['x-agent-id']).toBe(subject);
  });
});
