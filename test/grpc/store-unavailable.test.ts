import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { problem } from '../support/envoy-client.js';
import { signedCheck } from '../support/signed-check.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

let server: TestApp | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const request = (app: TestApp, path: string) =>
  signedCheck(
    { method: 'GET', url: `https://api.example.com${path}` },
    Math.floor(app.now / 1000),
  ).request();

describe('a full replay store', () => {
  it('denies 503 store_unavailable (fail closed) rather than forgetting a nonce', async () => {
    server = await startTestApp(['--store.memory.max-entries=1']);
    expect((await server.client.check(request(server, '/one'))).ok_response).toBeDefined();
    const refused = await server.client.check(request(server, '/two'));
    expect(refused.status?.code).toBe(14);
    expect(refused.denied_response?.status?.code).toBe('ServiceUnavailable');
    expect(problem(refused)).toMatchObject({ reason: 'store_unavailable', status: 503 });
  });

  it('still denies when onStoreError is allow: a full store is a limit, not a dead dependency', async () => {
    server = await startTestApp(['--store.memory.max-entries=1', '--on-store-error=allow']);
    expect((await server.client.check(request(server, '/one'))).ok_response).toBeDefined();
    const refused = await server.client.check(request(server, '/two'));
    expect(problem(refused)).toMatchObject({ reason: 'store_unavailable' });
  });

  it('is not filled by agents the policy refuses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-authz-store-'));
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(
      policyFile,
      'zones:\n  - { name: all, match: { paths: ["/*"] }, unknownAgents: deny }\n',
    );
    server = await startTestApp(['--store.memory.max-entries=2', `--policy=${policyFile}`]);
    for (const path of ['/a', '/b', '/c', '/d']) {
      expect(problem(await server.client.check(request(server, path)))).toMatchObject({
        reason: 'agent_unknown',
      });
    }
    expect(server.app.store.replay.size()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
