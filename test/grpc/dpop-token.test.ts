import { describe, expect, it } from 'vitest';
import {
  createDpopProof,
  type DpopProofInput,
  generateAgentKey,
  jwkThumbprint,
} from '../../src/agent/index.js';
import { signCompactJws } from '../../src/agent/sign-compact-jws.js';
import { signRequest } from '../../src/agent/sign-request.js';
import { envoyCheckRequest, type RequestShape } from '../support/envoy-check-request.js';
import { agentMetadata, problem, setHeaders } from '../support/envoy-client.js';
import { scrapeMetrics } from '../support/scrape-metrics.js';
import { useTestApp } from '../support/start-test-app.js';
import { bearerRequest, didIssuer, dpopRequest, issuedToken } from '../support/token-check.js';

const issuer = didIssuer();
const server = useTestApp(issuer.flags);
const nowSeconds = () => Math.floor(server.now / 1000);
const URL_TEXT = 'https://api.example.com/orders?page=2';
const PRINCIPAL = 'spiffe://cluster.local/ns/billing/sa/agent';

/** An agent key and a token bound to it (cnf.jkt), issued now. */
function boundAgent() {
  const agent = generateAgentKey({ type: 'p256' });
  const jkt = jwkThumbprint(agent.publicJwk as Record<string, unknown>)!;
  const token = issuedToken(issuer.key, nowSeconds(), {
    bindKey: agent.publicJwk,
    scope: 'orders:read',
  });
  return { agent, jkt, token };
}

/** The denial reason, or undefined when the request is allowed. */
async function reasonFor(request: object): Promise<unknown> {
  return problem(await server.client.check(request))?.reason;
}

/** The reason a GET of URL_TEXT is denied when its proof was made with `made` changed. */
async function reasonWithProof(
  made: Partial<DpopProofInput>,
  sent: Partial<RequestShape> = {},
): Promise<unknown> {
  const { agent, token } = boundAgent();
  const proof = createDpopProof({
    privateJwk: agent.privateJwk,
    method: 'GET',
    url: URL_TEXT,
    accessToken: token,
    iat: nowSeconds(),
    ...made,
  });
  const shape = { method: 'GET', url: URL_TEXT, ...sent };
  return reasonFor(dpopRequest({ ...shape, token, agent, iatSeconds: 0, proof }));
}

describe('a DPoP-bound token with a valid proof', () => {
  it('is allowed and tagged with the token subject, the proof key and the workload', async () => {
    const { agent, jkt, token } = boundAgent();
    const response = await server.client.check(
      dpopRequest({
        method: 'POST',
        url: URL_TEXT,
        token,
        agent,
        iatSeconds: nowSeconds(),
        principal: PRINCIPAL,
      }),
    );
    expect(response.status?.code ?? 0).toBe(0);
    expect(setHeaders(response)).toEqual({
      'x-agent-verified': 'true',
      'x-agent-trust': 'new',
      'x-agent-profile': 'dpop',
      'x-agent-id': 'did:web:agents.example.com:billing',
      'x-agent-key-id': jkt,
      'x-agent-workload': PRINCIPAL,
    });
    expect(agentMetadata(response)).toMatchObject({ decision: 'allow', profile: 'dpop' });
  });

  it('is allowed when the proof htu carries no query and a differently-cased host', async () => {
    const { agent, token } = boundAgent();
    const proof = createDpopProof({
      privateJwk: agent.privateJwk,
      method: 'GET',
      url: 'https://API.example.com:443/orders',
      accessToken: token,
      iat: nowSeconds(),
    });
    const request = dpopRequest({
      method: 'GET',
      url: URL_TEXT,
      token,
      agent,
      iatSeconds: 0,
      proof,
    });
    expect((await server.client.check(request)).ok_response).toBeDefined();
  });
});

describe('a DPoP proof that does not fit the request', () => {
  it('is replayed the second time the same proof is sent', async () => {
    const { agent, token } = boundAgent();
    const request = dpopRequest({
      method: 'GET',
      url: URL_TEXT,
      token,
      agent,
      iatSeconds: nowSeconds(),
    });
    expect((await server.client.check(request)).ok_response).toBeDefined();
    const replay = await server.client.check(request);
    expect(replay.status?.code).toBe(16);
    expect(problem(replay)).toMatchObject({
      reason: 'replayed',
      detail: 'this DPoP proof was already used',
    });
  });

  it('is binding_mismatch when made for another method', async () => {
    expect(await reasonWithProof({ method: 'GET' }, { method: 'DELETE' })).toBe('binding_mismatch');
  });

  // RFC 9449 §4.3 compares htm with the request's method, and methods are case-sensitive
  // (RFC 9110 §9.1): a proof for GET says nothing about a request sent as `get`.
  it('is binding_mismatch when made for GET and sent with the method get', async () => {
    expect(await reasonWithProof({ method: 'GET' }, { method: 'get' })).toBe('binding_mismatch');
  });

  it.each([
    ['another path', 'https://api.example.com/admin'],
    ['another host', 'https://evil.example.com/orders'],
    ['another scheme', 'http://api.example.com/orders'],
  ])('is binding_mismatch when made for %s', async (_name, url) => {
    expect(await reasonWithProof({ url })).toBe('binding_mismatch');
  });

  it.each([
    ['older than dpop.maxAge (300 s)', -301, 'expired'],
    ['further ahead than tokens.clockSkew (30 s)', 31, 'not_yet_valid'],
  ])('is denied when its iat is %s', async (_name, offsetSeconds, reason) => {
    expect(await reasonWithProof({ iat: nowSeconds() + offsetSeconds })).toBe(reason);
  });

  it('is allowed at the edges of the iat window', async () => {
    expect(await reasonWithProof({ iat: nowSeconds() - 300 })).toBeUndefined();
    expect(await reasonWithProof({ iat: nowSeconds() + 30 })).toBeUndefined();
  });
});

describe('a stolen DPoP-bound token', () => {
  it('is binding_mismatch with a proof signed by the attacker’s own key', async () => {
    const { token } = boundAgent();
    const attacker = generateAgentKey();
    const request = dpopRequest({
      method: 'GET',
      url: URL_TEXT,
      token,
      agent: attacker,
      iatSeconds: nowSeconds(),
    });
    const response = await server.client.check(request);
    expect(problem(response)).toMatchObject({
      reason: 'binding_mismatch',
      detail: 'the DPoP proof key is not the key the token is bound to',
    });
    expect(response.denied_response?.body).not.toContain(token);
  });

  it('is binding_mismatch when sent as a Bearer token', async () => {
    const { token } = boundAgent();
    expect(await reasonFor(bearerRequest({ method: 'GET', url: URL_TEXT, token }))).toBe(
      'binding_mismatch',
    );
  });
});

describe('the ath claim', () => {
  it('is token_invalid when the proof has none', async () => {
    expect(await reasonWithProof({ accessToken: undefined })).toBe('token_invalid');
  });

  it('is binding_mismatch when it hashes another token', async () => {
    const other = issuedToken(issuer.key, nowSeconds());
    expect(await reasonWithProof({ accessToken: other })).toBe('binding_mismatch');
  });
});

describe('a malformed DPoP presentation', () => {
  it('is binding_mismatch for a token without cnf sent with the DPoP scheme', async () => {
    const agent = generateAgentKey();
    const token = issuedToken(issuer.key, nowSeconds());
    expect(
      await reasonFor(
        dpopRequest({ method: 'GET', url: URL_TEXT, token, agent, iatSeconds: nowSeconds() }),
      ),
    ).toBe('binding_mismatch');
  });

  it('is credential_malformed without a DPoP header, never treated as unsigned', async () => {
    const { token } = boundAgent();
    const request = envoyCheckRequest({
      method: 'GET',
      url: URL_TEXT,
      headers: { authorization: `DPoP ${token}` },
    });
    expect(await reasonFor(request)).toBe('credential_malformed');
  });

  it('is credential_malformed when a request also carries an HTTP signature', async () => {
    const { agent, token } = boundAgent();
    const signature = signRequest({
      method: 'GET',
      url: URL_TEXT,
      key: agent,
      created: nowSeconds(),
    });
    const request = dpopRequest({
      method: 'GET',
      url: URL_TEXT,
      token,
      agent,
      iatSeconds: nowSeconds(),
      headers: signature,
    });
    expect(await reasonFor(request)).toBe('credential_malformed');
  });

  it.each([
    ['whose jwk carries the private key', { typ: 'dpop+jwt', private: true }],
    ['typed as a plain JWT', { typ: 'JWT', private: false }],
  ])('is token_invalid for a proof %s', async (_name, made) => {
    const { agent, token } = boundAgent();
    const proof = signCompactJws(
      { typ: made.typ, alg: 'ES256', jwk: made.private ? agent.privateJwk : agent.publicJwk },
      { jti: 'j1', htm: 'GET', htu: 'https://api.example.com/orders', iat: nowSeconds() },
      agent.privateJwk,
    );
    const request = dpopRequest({
      method: 'GET',
      url: URL_TEXT,
      token,
      agent,
      iatSeconds: 0,
      proof,
    });
    expect(await reasonFor(request)).toBe('token_invalid');
  });
});

describe('the proof key of an agent', () => {
  it('is imported on its first proof only: later proofs are key-cache hits (method dpop)', async () => {
    const { agent, token } = boundAgent();
    const dpop = (cache: string) => ({ method: 'dpop', cache });
    const resolutions = 'agent_authz_key_resolutions_total';
    const before = await scrapeMetrics(server.adminPort);
    for (let i = 0; i < 3; i++) {
      const request = dpopRequest({
        method: 'GET',
        url: URL_TEXT,
        token,
        agent,
        iatSeconds: nowSeconds(),
      });
      expect(await reasonFor(request)).toBeUndefined();
    }
    const after = await scrapeMetrics(server.adminPort);
    expect(after.value(resolutions, dpop('miss')) - before.value(resolutions, dpop('miss'))).toBe(
      1,
    );
    expect(after.value(resolutions, dpop('hit')) - before.value(resolutions, dpop('hit'))).toBe(2);
  });
});

describe('the scheme of htu behind a TLS-terminating load balancer', () => {
  const behindLb = useTestApp([...issuer.flags, '--tokens.dpop.scheme-header=x-original-proto']);

  it('is taken from tokens.dpop.schemeHeader when configured', async () => {
    const agent = generateAgentKey();
    const iat = Math.floor(behindLb.now / 1000);
    const token = issuedToken(issuer.key, iat, { bindKey: agent.publicJwk });
    const proof = createDpopProof({
      privateJwk: agent.privateJwk,
      method: 'GET',
      url: 'https://api.example.com/orders',
      accessToken: token,
      iat,
    });
    // Envoy saw plain http from the load balancer; the client used https.
    const request = dpopRequest({
      method: 'GET',
      url: 'http://api.example.com/orders',
      headers: { 'x-original-proto': 'https' },
      token,
      agent,
      iatSeconds: 0,
      proof,
    });
    expect((await behindLb.client.check(request)).ok_response).toBeDefined();
    // The server without schemeHeader compares htu with the http scheme Envoy reported.
    expect(await reasonFor(request)).toBe('binding_mismatch');
  });
});
