import { describe, expect, it } from 'vitest';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { agentMetadata, problem, setHeaders } from '../support/envoy-client.js';
import { usePolicyApp } from '../support/policy-app.js';
import { signedCheck } from '../support/signed-check.js';

const POLICY = `
mode: enforce
zones:
  - name: beta
    match: { paths: ["/beta/*"] }
    mode: observe
    unsigned: deny
  - name: payments
    match: { paths: ["/payments/*"] }
    unsigned: deny
`;

const app = usePolicyApp(POLICY);

describe('a zone in observe mode', () => {
  it('lets a request it would deny through, saying why in x-agent-decision and metadata', async () => {
    const response = await app.server.client.check(
      envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/beta/x' }),
    );
    expect(response.ok_response).toBeDefined();
    expect(setHeaders(response)).toMatchObject({
      'x-agent-decision': 'would-deny; reason=credential_missing',
      'x-agent-zone': 'beta',
      'x-agent-verified': 'false',
    });
    expect(agentMetadata(response)).toMatchObject({
      decision: 'would-deny',
      reason: 'credential_missing',
    });
  });

  it('also observes credential failures instead of denying them', async () => {
    const signed = signedCheck(
      { method: 'GET', url: 'https://api.example.com/beta/x' },
      Math.floor(app.server.now / 1000),
    );
    const response = await app.server.client.check(signed.request({ method: 'POST' }));
    expect(setHeaders(response)['x-agent-decision']).toBe('would-deny; reason=signature_invalid');
    expect(setHeaders(response)['x-agent-verified']).toBe('false');
  });

  it('sends no x-agent-decision for a request it would allow, and strips a forged one', async () => {
    const signed = signedCheck(
      { method: 'GET', url: 'https://api.example.com/beta/x' },
      Math.floor(app.server.now / 1000),
    );
    const response = await app.server.client.check(
      signed.request({ headers: { 'x-agent-decision': 'allow' } }),
    );
    expect(setHeaders(response)['x-agent-decision']).toBeUndefined();
    expect(response.ok_response?.headers_to_remove).toContain('x-agent-decision');
  });

  it('leaves zones in enforce mode enforcing', async () => {
    const response = await app.server.client.check(
      envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/payments/x' }),
    );
    expect(problem(response)).toMatchObject({ reason: 'credential_missing' });
  });
});

const observeAll = usePolicyApp('mode: observe\nunsigned: deny\n');

describe('a policy in observe mode', () => {
  it('observes everywhere', async () => {
    const response = await observeAll.server.client.check(
      envoyCheckRequest({ method: 'GET', url: 'https://x.example.com/' }),
    );
    expect(setHeaders(response)['x-agent-decision']).toBe('would-deny; reason=credential_missing');
  });
});
