import { describe, expect, it } from 'vitest';
import { envoyCheckRequest, type RequestShape } from '../support/envoy-check-request.js';
import { problem, setHeaders } from '../support/envoy-client.js';
import { httpCheck, httpProblem, upstreamHeaders } from '../support/envoy-http-client.js';
import { usePolicyApp } from '../support/policy-app.js';
import { signedCheck } from '../support/signed-check.js';

const policyApp = usePolicyApp(`
mode: enforce
unsigned: allow
zones:
  - name: payments
    match: { paths: ["/payments/*"] }
    unsigned: deny
agents:
  - id: "did:key:*"
    zones: [payments]
    rateLimit: 1/min
`);
const nowSeconds = () => Math.floor(policyApp.server.now / 1000);

/** Asks both transports about fresh copies of the same request; returns [gRPC, HTTP] outcomes. */
async function bothTransports(make: () => RequestShape) {
  const grpc = await policyApp.server.client.check(envoyCheckRequest(make()));
  const http = await httpCheck(policyApp.server.app.httpPort!, make());
  return {
    grpc: grpc.ok_response ? { allowed: setHeaders(grpc) } : { denied: problem(grpc).reason },
    http:
      http.status === 200
        ? { allowed: upstreamHeaders(http) }
        : { denied: httpProblem(http).reason },
  };
}

describe('the HTTP and gRPC transports', () => {
  it.each([
    ['an unsigned request to a public path', '/catalog'],
    ['an unsigned request to a zone that requires an agent', '/payments/7'],
  ])('decide %s the same way', async (_name, path) => {
    const outcome = await bothTransports(() => ({
      method: 'GET',
      url: `https://api.example.com${path}`,
    }));
    expect(outcome.http).toEqual(outcome.grpc);
  });

  it('decide a signed request the same way, each with its own key and nonce', async () => {
    const outcome = await bothTransports(() => {
      const check = signedCheck(
        { method: 'GET', url: 'https://api.example.com/payments/2' },
        nowSeconds(),
      );
      return { ...check.signed, headers: check.signature };
    });
    const sameButKey = (headers: Record<string, string> | undefined) => ({
      ...headers,
      'x-agent-id': 'did:key:…',
      'x-agent-key-id': 'did:key:…',
    });
    expect(outcome.grpc.allowed?.['x-agent-profile']).toBe('signed-request');
    expect(sameButKey(outcome.http.allowed)).toEqual(sameButKey(outcome.grpc.allowed));
  });
});

describe('an HTTP-mode denial', () => {
  it('carries the RFC 9421 and DPoP challenges when a zone requires an agent', async () => {
    const answer = await httpCheck(policyApp.server.app.httpPort!, {
      method: 'GET',
      url: 'https://api.example.com/payments/7',
    });
    expect(answer.status).toBe(401);
    expect(answer.headers['accept-signature']).toContain('"@method"');
    expect(answer.headers['www-authenticate']).toMatch(/^DPoP algs="/);
    expect(httpProblem(answer)).toMatchObject({ reason: 'credential_missing', status: 401 });
  });

  it('is 429 with Retry-After when an agent exceeds its rate limit', async () => {
    const { key } = signedCheck({ method: 'GET', url: 'https://api.example.com/' }, nowSeconds());
    const ask = () => {
      const check = signedCheck(
        { method: 'GET', url: 'https://api.example.com/payments/1' },
        nowSeconds(),
        { key },
      );
      return httpCheck(policyApp.server.app.httpPort!, {
        ...check.signed,
        headers: check.signature,
      });
    };
    expect((await ask()).status).toBe(200);
    const limited = await ask();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('is 413 without a check when the forwarded body exceeds http.maxBodyBytes', async () => {
    const answer = await httpCheck(policyApp.server.app.httpPort!, {
      method: 'POST',
      url: 'https://api.example.com/upload',
      body: 'x'.repeat(1_048_577),
    });
    expect(answer.status).toBe(413);
  });
});
