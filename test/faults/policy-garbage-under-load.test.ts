import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin } from '../support/admin-client.js';
import { type ServerProcess, startServerProcess } from '../support/cli-process.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { createEnvoyClient, problem } from '../support/envoy-client.js';
import { scrapeMetrics } from '../support/scrape-metrics.js';

/*
 * The policy file is overwritten with garbage while a real server process is answering a steady
 * stream of checks: the last good policy stays in force, the rejection shows in /v1/policy and
 * /metrics, and no check fails or goes unanswered.
 */
const dir = mkdtempSync(join(tmpdir(), 'agent-authz-policy-garbage-'));
const file = join(dir, 'policy.yaml');
let server: ServerProcess;

beforeAll(async () => {
  writeFileSync(file, 'unsigned: deny\n');
  server = await startServerProcess([`--policy=${file}`]);
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function adminPort(): number {
  const line = server
    .stdout()
    .split('\n')
    .find((text) => text.includes('"agent-authz listening"'));
  return (JSON.parse(line!) as { adminPort: number }).adminPort;
}

interface PolicyStatus {
  readonly sha256: string;
  readonly lastError: { message: string } | null;
  readonly reloads: { rejected: number };
}

const policyStatus = async () =>
  (await admin(adminPort(), 'GET', '/v1/policy')).body as unknown as PolicyStatus;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the policy file replaced with garbage while checks are flowing', () => {
  it('keeps the last good policy, reports the rejection, and answers every check', async () => {
    const client = createEnvoyClient(server.address);
    const request = envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/orders' });
    const before = await policyStatus();
    const reasons = new Map<string, number>();
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const response = await client.check(request);
        const reason =
          response.ok_response === undefined ? String(problem(response).reason) : 'allowed';
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    let status: PolicyStatus;
    try {
      await sleep(300);
      const garbage = Buffer.concat([Buffer.from('unsigned: [allow\n'), Buffer.from([0, 0xff, 7])]);
      writeFileSync(file, garbage);
      status = await policyStatus();
      for (let i = 0; i < 100 && status.lastError === null; i++) {
        await sleep(20);
        status = await policyStatus();
      }
      // Checks keep flowing on the old policy after the rejection.
      await sleep(500);
    } finally {
      stop = true;
      await Promise.all(workers);
      client.close();
    }
    expect(status.lastError).not.toBeNull();
    expect(status.reloads.rejected).toBeGreaterThanOrEqual(1);
    expect(status.sha256).toBe(before.sha256);
    const metrics = await scrapeMetrics(adminPort());
    expect(
      metrics.value('agent_authz_policy_reloads_total', { result: 'rejected' }),
    ).toBeGreaterThanOrEqual(1);
    // Every check was answered by the old policy (unsigned: deny), none by the garbage.
    expect([...reasons.keys()]).toEqual(['credential_missing']);
    expect(reasons.get('credential_missing')).toBeGreaterThan(20);
  });
});
