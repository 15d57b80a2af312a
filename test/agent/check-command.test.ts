import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgentAuthz, runCheck } from '../support/cli-process.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

let server: TestApp;
let dir: string;
let key: string;
beforeAll(async () => {
  server = await startTestApp();
  server.now = Date.now();
  dir = await mkdtemp(join(tmpdir(), 'agent-authz-check-'));
  key = join(dir, 'agent.json');
  await runAgentAuthz(['keygen', '--out', key]);
});
afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The JSON objects `check` printed, one per answer. */
function answers(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split(/\n(?=\{)/)
    .filter((text) => text.trim() !== '')
    .map((text) => JSON.parse(text) as Record<string, unknown>);
}

describe('agent-authz check', () => {
  it('exits 0 and prints the upstream headers when the server allows', async () => {
    const { code, stdout } = await runCheck(server.address, [
      '--key',
      key,
      'https://api.example.com/orders',
    ]);
    expect(code).toBe(0);
    expect(answers(stdout)).toMatchObject([
      {
        decision: 'allow',
        headers: { 'x-agent-verified': 'true', 'x-agent-profile': 'signed-request' },
      },
    ]);
  });

  it('sends the same signed request again with --repeat, and exits 1 when the replay is denied', async () => {
    const { code, stdout } = await runCheck(server.address, [
      '--key',
      key,
      '--repeat',
      '2',
      'https://api.example.com/orders',
    ]);
    expect(code).toBe(1);
    expect(answers(stdout)).toMatchObject([
      { decision: 'allow' },
      {
        decision: 'deny',
        status: 401,
        statusName: 'Unauthorized',
        grpcStatus: 'UNAUTHENTICATED',
        body: { reason: 'replayed', status: 401 },
      },
    ]);
  });

  it('sends the request without a signature with --unsigned', async () => {
    const { code, stdout } = await runCheck(server.address, [
      '--unsigned',
      'https://api.example.com/',
    ]);
    expect(code).toBe(0);
    expect(answers(stdout)).toMatchObject([
      {
        decision: 'allow',
        headers: { 'x-agent-verified': 'false', 'x-agent-profile': 'unsigned' },
      },
    ]);
  });

  it('exits 2 when neither --key nor --unsigned says how to send the request', async () => {
    const { code, stderr } = await runCheck(server.address, ['https://a.example/']);
    expect(code).toBe(2);
    expect(stderr).toContain('agent-authz check: give either --key FILE or --unsigned');
  });

  it('exits 2 with one line when no server answers', async () => {
    const { code, stderr, stdout } = await runAgentAuthz([
      'check',
      '--server=127.0.0.1:1',
      '--unsigned',
      'https://a.example/',
    ]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(
      /^agent-authz check: cannot connect to 127\.0\.0\.1:1 \(connection refused\); /,
    );
  });
});
