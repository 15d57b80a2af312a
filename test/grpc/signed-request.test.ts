import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAgentKey, signRequest } from '../../src/agent/index.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { agentMetadata, problem, setHeaders } from '../support/envoy-client.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

let server: TestApp;
beforeAll(async () => {
  server = await startTestApp();
});
afterAll(async () => {
  await server.stop();
});

const nowSeconds = () => Math.floor(server.now / 1000);

describe('a request signed with an Ed25519 did:key', () => {
  it('is allowed and tagged with the verified agent identity', async () => {
    const key = generateAgentKey();
    const url = 'https://api.example.com/orders?limit=10';
    const signature = signRequest({ method: 'GET', url, key, created: nowSeconds() });
    const response = await server.client.check(
      envoyCheckRequest({ method: 'GET', url, headers: signature }),
    );
    expect(response.status?.code ?? 0).toBe(0);
    expect(setHeaders(response)).toMatchObject({
      'x-agent-id': key.didKey,
      'x-agent-key-id': key.keyId,
      'x-agent-verified': 'true',
      'x-agent-profile': 'signed-request',
    });
    expect(agentMetadata(response)).toMatchObject({ decision: 'allow', agent_id: key.didKey });
  });

  it('is denied as replayed when the same signature comes twice', async () => {
    const key = generateAgentKey();
    const url = 'https://api.example.com/orders';
    const request = envoyCheckRequest({
      method: 'GET',
      url,
      headers: signRequest({ method: 'GET', url, key, created: nowSeconds() }),
    });
    expect((await server.client.check(request)).ok_response).toBeDefined();
    const replay = await server.client.check(request);
    expect(problem(replay)).toMatchObject({ reason: 'replayed', status: 401 });
  });
});
