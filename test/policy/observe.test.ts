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
  - name: reports
    match: { paths: ["/reports/*"] }
    mode: observe
    minTrust: known
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

  it('forwards a replayed signature as not verified, never as the agent it names', async () => {
    const signed = signedCheck(
      { method: 'GET', url: 'https://api.example.com/beta/x' },
      Math.floor(app.server.now / 1000),
    );
    const first = await app.server.client.check(signed.request());
    expect(setHeaders(first)).toMatchObject({ 'x-agent-verified': 'true' });
    const replayed = setHeaders(await app.server.client.check(signed.request()));
    expect(replayed).toMatchObject({
      'x-agent-verified': 'false',
      'x-agent-decision': 'would-deny; reason=replayed',
    });
    expect(replayed['x-agent-id']).toBeUndefined();
    expect(replayed['x-agent-key-id']).toBeUndefined();
  });

  it('keeps the verified identity for a policy refusal, once, and not for its replay', async () => {
    const signed = signedCheck(
      { method: 'GET', url: 'https://api.example.com/reports/1' },
      Math.floor(app.server.now / 1000),
    );
    const first = setHeaders(await app.server.client.check(signed.request()));
    expect(first).toMatchObject({
      'x-agent-verified': 'true',
      'x-agent-id': signed.key.didKey,
      'x-agent-decision': 'would-deny; reason=trust_too_low',
    });
    const replayed = setHeaders(await app.server.client.check(signed.request()));
    expect(replayed).toMatchObject({
      'x-agent-verified': 'false',
      'x-agent-decision': 'would-deny; reason=replayed',
    });
    expect(replayed['x-agent-id']).toBeUndefined();
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
