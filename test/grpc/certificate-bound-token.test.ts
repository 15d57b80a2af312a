import { beforeAll, describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { pemCertificateThumbprint } from '../../src/binding/certificate-thumbprint.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, setHeaders } from '../support/envoy-client.js';
import { startTestApp, useTestApp } from '../support/start-test-app.js';
import { createTestCa, type TestCertificate } from '../support/test-pki.js';
import { bearerRequest, didIssuer, issuedToken } from '../support/token-check.js';

const issuer = didIssuer();
const server = useTestApp(issuer.flags);
const lenient = useTestApp([...issuer.flags, '--tokens.require-binding=false']);
const nowSeconds = () => Math.floor(server.now / 1000);
const URL_TEXT = 'https://api.example.com/invoices/7';
const BILLING = 'spiffe://cluster.local/ns/billing/sa/agent';
const OTHER = 'spiffe://cluster.local/ns/shop/sa/frontend';

let billing: TestCertificate;
let other: TestCertificate;
beforeAll(async () => {
  const ca = await createTestCa();
  billing = await ca.issue({ commonName: 'billing-agent', spiffeId: BILLING });
  other = await ca.issue({ commonName: 'frontend', spiffeId: OTHER });
});

const boundToken = () => issuedToken(issuer.key, nowSeconds(), { bindCertificatePem: billing.pem });

describe('a certificate-bound token', () => {
  it('is allowed from the workload holding the certificate, tagged mtls', async () => {
    const response = await server.client.check(
      bearerRequest({
        method: 'GET',
        url: URL_TEXT,
        token: boundToken(),
        certificate: billing.envoyCertificate,
        principal: BILLING,
      }),
    );
    expect(setHeaders(response)).toEqual({
      'x-agent-verified': 'true',
      'x-agent-trust': 'new',
      'x-agent-profile': 'mtls',
      'x-agent-id': 'did:web:agents.example.com:billing',
      'x-agent-key-id': pemCertificateThumbprint(billing.pem),
      'x-agent-workload': BILLING,
    });
  });

  it('is allowed again on the next request (served from the verified-token cache)', async () => {
    const token = boundToken();
    for (let i = 0; i < 3; i++) {
      const request = bearerRequest({
        method: 'GET',
        url: URL_TEXT,
        token,
        certificate: billing.envoyCertificate,
      });
      expect((await server.client.check(request)).ok_response).toBeDefined();
    }
  });

  it('is binding_mismatch when stolen and presented from another workload’s certificate', async () => {
    const response = await server.client.check(
      bearerRequest({
        method: 'GET',
        url: URL_TEXT,
        token: boundToken(),
        certificate: other.envoyCertificate,
        principal: OTHER,
      }),
    );
    expect(response.status?.code).toBe(16);
    expect(problem(response)).toMatchObject({
      reason: 'binding_mismatch',
      detail: 'the client certificate is not the one the token is bound to',
    });
  });

  it('is binding_mismatch when presented without a client certificate', async () => {
    const response = await server.client.check(
      bearerRequest({ method: 'GET', url: URL_TEXT, token: boundToken() }),
    );
    expect(problem(response)).toMatchObject({
      reason: 'binding_mismatch',
      detail: 'the token is bound to a client certificate and none was presented',
    });
  });

  it('is expired once its exp has passed, even after it was cached', async () => {
    const token = issuedToken(issuer.key, nowSeconds(), {
      bindCertificatePem: billing.pem,
      expiresIn: 60,
    });
    const request = () =>
      bearerRequest({ method: 'GET', url: URL_TEXT, token, certificate: billing.envoyCertificate });
    expect((await server.client.check(request())).ok_response).toBeDefined();
    server.now += 91_000; // past exp + tokens.clockSkew (30 s)
    try {
      expect(problem(await server.client.check(request())).reason).toBe('expired');
    } finally {
      server.now -= 91_000;
    }
  });
});

describe('a Bearer token without cnf', () => {
  it('is refused by default, because an unbound token is what gets stolen', async () => {
    const token = issuedToken(issuer.key, nowSeconds());
    const response = await server.client.check(
      bearerRequest({ method: 'GET', url: URL_TEXT, token, certificate: billing.envoyCertificate }),
    );
    expect(problem(response)).toMatchObject({
      reason: 'binding_mismatch',
      detail: 'the token is not bound to a key or certificate (cnf)',
    });
  });

  it('is allowed with tokens.requireBinding: false, with no key id', async () => {
    const token = issuedToken(issuer.key, Math.floor(lenient.now / 1000));
    const response = await lenient.client.check(
      bearerRequest({ method: 'GET', url: URL_TEXT, token }),
    );
    expect(setHeaders(response)).toEqual({
      'x-agent-verified': 'true',
      'x-agent-trust': 'new',
      'x-agent-profile': 'mtls',
      'x-agent-id': 'did:web:agents.example.com:billing',
    });
  });
});

describe('the Authorization header', () => {
  it.each([
    ['a scheme without a token', 'Bearer'],
    ['two tokens', 'Bearer a.b.c d.e.f'],
    ['an opaque token', 'Bearer 2YotnFZFEjr1zCsicMWpAA'],
    ['a lower-case DPoP scheme without a proof', 'dpop a.b.c'],
  ])('is credential_malformed for %s, never treated as unsigned', async (_name, authorization) => {
    const request = envoyCheckRequest({ method: 'GET', url: URL_TEXT, headers: { authorization } });
    expect(problem(await server.client.check(request)).reason).toBe('credential_malformed');
  });

  it('is credential_malformed when sent twice', async () => {
    const token = boundToken();
    const request = envoyCheckRequest({
      method: 'GET',
      url: URL_TEXT,
      rawHeaders: true,
      headers: { authorization: [`Bearer ${token}`, `Bearer ${token}`] },
      certificate: billing.envoyCertificate,
    });
    expect(problem(await server.client.check(request)).reason).toBe('credential_malformed');
  });

  it('is left to the upstream when it uses another scheme (Basic)', async () => {
    const request = envoyCheckRequest({
      method: 'GET',
      url: URL_TEXT,
      headers: { authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' },
    });
    expect(setHeaders(await server.client.check(request))).toMatchObject({
      'x-agent-profile': 'unsigned',
    });
  });

  it('is not an agent credential at all when no issuer is configured', async () => {
    const plain = await startTestApp();
    try {
      const token = issuedToken(generateAgentKey(), Math.floor(plain.now / 1000));
      const response = await plain.client.check(
        bearerRequest({ method: 'GET', url: URL_TEXT, token }),
      );
      expect(setHeaders(response)).toMatchObject({
        'x-agent-profile': 'unsigned',
        'x-agent-verified': 'false',
      });
    } finally {
      await plain.stop();
    }
  });
});
