import { describe, expect, it } from 'vitest';
import { OWNED_HEADERS } from '../../src/decision/upstream-headers.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { agentMetadata, setHeaders } from '../support/envoy-client.js';
import { signedCheck } from '../support/signed-check.js';
import { useTestApp } from '../support/start-test-app.js';

const server = useTestApp();

const FORGED = {
  'x-agent-id': 'did:web:bank.example.com',
  'x-agent-verified': 'true',
  'X-Agent-Trust': 'trusted',
  'x-agent-owner': 'team-payments',
  'x-agent-anything': 'yes',
};

describe('an unsigned request', () => {
  it('is allowed by the default policy and tagged as unverified', async () => {
    const response = await server.client.check(
      envoyCheckRequest({ method: 'GET', url: 'https://shop.example.com/' }),
    );
    expect(response.status?.code ?? 0).toBe(0);
    expect(setHeaders(response)).toEqual({
      'x-agent-verified': 'false',
      'x-agent-profile': 'unsigned',
    });
    expect(agentMetadata(response)).toEqual({
      decision: 'allow',
      verified: false,
      profile: 'unsigned',
    });
  });

  it('cannot forge identity headers: every inbound x-agent-* is overwritten or removed', async () => {
    const response = await server.client.check(
      envoyCheckRequest({ method: 'GET', url: 'https://shop.example.com/', headers: FORGED }),
    );
    expect(setHeaders(response)).toEqual({
      'x-agent-verified': 'false',
      'x-agent-profile': 'unsigned',
    });
    // The forged ones, and every identity header we own but did not set.
    expect(response.ok_response?.headers_to_remove?.sort()).toEqual(
      [
        'x-agent-anything',
        'x-agent-decision',
        'x-agent-id',
        'x-agent-key-id',
        'x-agent-owner',
        'x-agent-purpose',
        'x-agent-unchecked',
        'x-agent-trust',
        'x-agent-workload',
        'x-agent-zone',
      ].sort(),
    );
  });

  it('cannot forge identity headers spelled with underscores or mixed separators either', async () => {
    // CGI, WSGI and Rack read x_agent_id as X-Agent-Id: the whole family goes, however spelled.
    const spelled = {
      x_agent_id: 'did:web:bank.example.com',
      x_agent_verified: 'true',
      'x-agent_verified': 'true',
      X_Agent_Trust: 'trusted',
      'x_agent-anything': 'yes',
    };
    const response = await server.client.check(
      envoyCheckRequest({ method: 'GET', url: 'https://shop.example.com/', headers: spelled }),
    );
    expect(response.ok_response?.headers_to_remove).toEqual(
      expect.arrayContaining([
        'x_agent_id',
        'x_agent_verified',
        'x-agent_verified',
        'x_agent_trust',
        'x_agent-anything',
      ]),
    );
  });

  it('is tagged with the workload Envoy saw over mTLS', async () => {
    const principal = 'spiffe://cluster.local/ns/shop/sa/frontend';
    const response = await server.client.check(
      envoyCheckRequest({ method: 'GET', url: 'https://shop.example.com/', principal }),
    );
    expect(setHeaders(response)['x-agent-workload']).toBe(principal);
  });
});

describe('a signed request', () => {
  it('has forged identity headers replaced by verified ones and the rest removed', async () => {
    const check = signedCheck(
      { method: 'GET', url: 'https://api.example.com/' },
      Math.floor(server.now / 1000),
    );
    const response = await server.client.check(
      check.request({ headers: FORGED, rawHeaders: true }),
    );
    expect(setHeaders(response)['x-agent-id']).toBe(check.key.didKey);
    expect(setHeaders(response)['x-agent-trust']).toBe('new');
    expect(response.ok_response?.headers_to_remove?.sort()).toEqual(
      [
        'x-agent-anything',
        'x-agent-decision',
        'x-agent-owner',
        'x-agent-unchecked',
        'x-agent-purpose',
        'x-agent-workload',
        'x-agent-zone',
      ].sort(),
    );
  });

  it('has an underscore spelling of a header it sets removed beside the verified one', async () => {
    const check = signedCheck(
      { method: 'GET', url: 'https://api.example.com/' },
      Math.floor(server.now / 1000),
    );
    const response = await server.client.check(
      check.request({ headers: { x_agent_id: 'did:web:bank.example.com' }, rawHeaders: true }),
    );
    expect(setHeaders(response)['x-agent-id']).toBe(check.key.didKey);
    expect(response.ok_response?.headers_to_remove).toContain('x_agent_id');
    expect(response.ok_response?.headers_to_remove).not.toContain('x-agent-id');
  });

  it('has every identity header it does not set removed even when Envoy did not forward it', async () => {
    const check = signedCheck(
      { method: 'GET', url: 'https://api.example.com/' },
      Math.floor(server.now / 1000),
    );
    const response = await server.client.check(check.request());
    const set = Object.keys(setHeaders(response));
    const removed = response.ok_response?.headers_to_remove ?? [];
    expect([...set, ...removed].sort()).toEqual([...OWNED_HEADERS].sort());
  });

  it('sets identity headers with overwrite semantics, never appending', async () => {
    const check = signedCheck(
      { method: 'GET', url: 'https://api.example.com/' },
      Math.floor(server.now / 1000),
    );
    const response = await server.client.check(check.request());
    for (const option of response.ok_response?.headers ?? []) {
      expect(option.append_action).toBe('OVERWRITE_IF_EXISTS_OR_ADD');
      expect(option.append).toBeUndefined();
    }
  });
});
