import { describe, expect, it } from 'vitest';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import {
  agentMetadata,
  problem,
  setHeaders,
  type UpstreamCheckResponse,
} from '../support/envoy-client.js';
import { usePolicyApp } from '../support/policy-app.js';
import { signedCheck } from '../support/signed-check.js';

const POLICY = `
mode: enforce
unsigned: allow
zones:
  - name: payments
    match: { hosts: [api.example.com], paths: ["/payments/*"], methods: [GET, POST] }
    unsigned: deny
    profiles: [signed-request]
    signedHeaders: [agent-purpose]
  - name: internal
    match: { hosts: ["*.internal.example.com"] }
    profiles: [dpop, mtls]
  - name: reports
    match: { paths: ["/reports"] }
    minTrust: known
  - name: public
    match: { paths: ["/*"] }
`;

const app = usePolicyApp(POLICY);
const seconds = () => Math.floor(app.server.now / 1000);
const check = (request: object) => app.server.client.check(request);

function denied(response: UpstreamCheckResponse): Record<string, unknown> {
  expect(response.ok_response).toBeUndefined();
  return problem(response);
}

describe('a zone chosen by its match rules', () => {
  it('denies an unsigned request 401 credential_missing with both challenges', async () => {
    const response = await check(
      envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/payments/7' }),
    );
    expect(denied(response)).toMatchObject({ reason: 'credential_missing', status: 401 });
    const headers = Object.fromEntries(
      (response.denied_response?.headers ?? []).map(({ header }) => [header.key, header.value]),
    );
    expect(headers['accept-signature']).toContain('"@method"');
    expect(headers['www-authenticate']).toMatch(/^DPoP algs=/);
    expect(agentMetadata(response)).toMatchObject({
      zone: 'payments',
      reason: 'credential_missing',
    });
  });

  it('lets unsigned traffic through where the zone allows it, tagged with the zone', async () => {
    const response = await check(
      envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/catalog' }),
    );
    expect(setHeaders(response)).toMatchObject({
      'x-agent-zone': 'public',
      'x-agent-verified': 'false',
    });
  });

  it('takes the first zone whose host, path and method all fit', async () => {
    const response = await check(
      envoyCheckRequest({ method: 'DELETE', url: 'https://api.example.com/payments/7' }),
    );
    expect(setHeaders(response)['x-agent-zone']).toBe('public');
  });

  it('matches the path after resolving dot segments, so /public/../payments is the payments zone', async () => {
    for (const rawPath of [
      '/public/../payments/7',
      '/public/%2e%2e/payments/7',
      '//payments//7',
      '/\\payments/7',
      '/public/..;/payments/7',
      '/public/..%2fpayments/7',
      '/%70ayments/7',
    ]) {
      const response = await check(
        envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/', rawPath }),
      );
      expect(denied(response).reason, rawPath).toBe('credential_missing');
    }
  });

  it('requires the signed headers the zone names, and forwards a signed agent-purpose', async () => {
    const url = 'https://api.example.com/payments/7';
    const unsignedPurpose = signedCheck(
      { method: 'GET', url, headers: { 'agent-purpose': 'billing' } },
      seconds(),
    );
    expect(denied(await check(unsignedPurpose.request()))).toMatchObject({
      reason: 'components_missing',
    });
    const signedPurpose = signedCheck(
      { method: 'GET', url, headers: { 'agent-purpose': 'billing' } },
      seconds(),
      {
        coverHeaders: ['agent-purpose'],
      },
    );
    const response = await check(signedPurpose.request());
    expect(setHeaders(response)).toMatchObject({
      'x-agent-zone': 'payments',
      'x-agent-purpose': 'billing',
      'x-agent-id': signedPurpose.key.didKey,
    });
  });

  it('denies zone_denied for a profile the zone does not accept', async () => {
    const request = signedCheck(
      { method: 'GET', url: 'https://db.internal.example.com/rows' },
      seconds(),
    );
    expect(denied(await check(request.request()))).toMatchObject({
      reason: 'zone_denied',
      status: 403,
    });
  });

  it('denies trust_too_low when the zone needs a longer history than the agent has', async () => {
    const request = signedCheck(
      { method: 'GET', url: 'https://api.example.com/reports' },
      seconds(),
    );
    expect(denied(await check(request.request()))).toMatchObject({
      reason: 'trust_too_low',
      status: 403,
    });
  });
});

describe('a host with a trailing dot', () => {
  it('is the same host for zone matching', async () => {
    const response = await check(
      envoyCheckRequest({ method: 'GET', url: 'https://api.example.com./payments/7' }),
    );
    expect(denied(response)).toMatchObject({ reason: 'credential_missing' });
  });
});

describe("a zone chosen by the route's context_extensions", () => {
  it('applies the named zone whatever the path', async () => {
    const request = envoyCheckRequest({
      method: 'GET',
      url: 'https://api.example.com/anything',
      contextExtensions: { zone: 'payments' },
    });
    expect(denied(await check(request))).toMatchObject({ reason: 'credential_missing' });
  });

  it('fails closed when the route names a zone the policy does not define', async () => {
    const request = envoyCheckRequest({
      method: 'GET',
      url: 'https://api.example.com/catalog',
      contextExtensions: { zone: 'paymnts' },
    });
    expect(denied(await check(request))).toMatchObject({ reason: 'zone_denied', status: 403 });
  });
});
