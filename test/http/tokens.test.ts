import { beforeAll, describe, expect, it } from 'vitest';
import { createDpopProof, generateAgentKey } from '../../src/agent/index.js';
import { httpCheck, httpProblem, upstreamHeaders } from '../support/envoy-http-client.js';
import { signedCheck } from '../support/signed-check.js';
import { startTestApp, useTestApp } from '../support/start-test-app.js';
import { createTestCa, type TestCertificate } from '../support/test-pki.js';
import { didIssuer, issuedToken } from '../support/token-check.js';

const issuer = didIssuer();
const server = useTestApp(issuer.flags);
const trustingXfcc = useTestApp([...issuer.flags, '--http.forwarded-client-cert=true']);
const nowSeconds = () => Math.floor(server.now / 1000);
const URL_TEXT = 'https://api.example.com/orders?page=2';
const BILLING = 'spiffe://cluster.local/ns/billing/sa/agent';

function dpopHeaders(url: string, method = 'GET') {
  const agent = generateAgentKey({ type: 'p256' });
  const token = issuedToken(issuer.key, nowSeconds(), { bindKey: agent.publicJwk });
  const proof = createDpopProof({
    privateJwk: agent.privateJwk,
    method,
    url,
    accessToken: token,
    iat: nowSeconds(),
  });
  return { authorization: `DPoP ${token}`, dpop: proof };
}

describe('a DPoP-bound token checked over HTTP', () => {
  it('is allowed and tagged dpop with the token subject', async () => {
    const answer = await httpCheck(server.app.httpPort!, {
      method: 'GET',
      url: URL_TEXT,
      headers: dpopHeaders(URL_TEXT),
    });
    expect(answer.status).toBe(200);
    expect(upstreamHeaders(answer)).toMatchObject({
      'x-agent-id': 'did:web:agents.example.com:billing',
      'x-agent-profile': 'dpop',
      'x-agent-verified': 'true',
    });
  });

  it('is denied when the proof was made for another URL (the scheme comes from x-forwarded-proto)', async () => {
    const answer = await httpCheck(server.app.httpPort!, {
      method: 'GET',
      url: URL_TEXT,
      headers: dpopHeaders(URL_TEXT.replace('https:', 'http:')),
    });
    expect(answer.status).toBe(401);
    expect(httpProblem(answer).reason).toBe('binding_mismatch');
  });
});

describe('a certificate-bound token checked over HTTP', () => {
  let billing: TestCertificate;
  beforeAll(async () => {
    billing = await (await createTestCa()).issue({ commonName: 'billing', spiffeId: BILLING });
  });
  const xfcc = () =>
    `Hash=ignored;Cert="${billing.envoyCertificate}";URI=${BILLING};DNS=billing.internal`;
  const bearer = () => ({
    authorization: `Bearer ${issuedToken(issuer.key, nowSeconds(), { bindCertificatePem: billing.pem })}`,
  });

  it('is allowed with the peer taken from a sanitised x-forwarded-client-cert', async () => {
    const answer = await httpCheck(
      trustingXfcc.app.httpPort!,
      { method: 'GET', url: URL_TEXT, headers: bearer() },
      { forwardedClientCert: xfcc() },
    );
    expect(answer.status).toBe(200);
    expect(upstreamHeaders(answer)).toMatchObject({
      'x-agent-profile': 'mtls',
      'x-agent-workload': BILLING,
    });
  });

  it('is denied when the server is not told to trust x-forwarded-client-cert', async () => {
    const answer = await httpCheck(
      server.app.httpPort!,
      { method: 'GET', url: URL_TEXT, headers: bearer() },
      { forwardedClientCert: xfcc() },
    );
    expect(answer.status).toBe(401);
  });
});

describe('the HTTP transport with a path prefix', () => {
  it('verifies the signed path without the prefix and refuses a path outside it', async () => {
    const app = await startTestApp(['--http.path-prefix=/authz']);
    try {
      const check = signedCheck(
        { method: 'GET', url: 'https://shop.example.com/cart' },
        nowSeconds(),
      );
      const inside = await httpCheck(
        app.app.httpPort!,
        { ...check.signed, headers: check.signature },
        { pathPrefix: '/authz' },
      );
      expect(inside.status).toBe(200);
      const outside = await httpCheck(app.app.httpPort!, {
        method: 'GET',
        url: 'https://shop.example.com/cart',
      });
      expect(outside.status).toBe(404);
    } finally {
      await app.stop();
    }
  });
});
