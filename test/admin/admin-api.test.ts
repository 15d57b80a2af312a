import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentKey, generateAgentKey } from '../../src/agent/index.js';
import { fingerprint } from '../../src/telemetry/redact.js';
import { admin } from '../support/admin-client.js';
import { auditLines as readAuditLines } from '../support/audit-lines.js';
import { problem, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { usePolicyApp } from '../support/policy-app.js';
import { signedCheck } from '../support/signed-check.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { waitFor } from '../support/wait-for.js';

const TOKEN = 'admin-token-for-tests-0123456789';
const billing = generateAgentKey();
const visitor = generateAgentKey();
const BILLING_API = 'spiffe://cluster.local/ns/billing/sa/api';
const BILLING_BATCH = 'spiffe://cluster.local/ns/billing/sa/batch';
const logFile = join(mkdtempSync(join(tmpdir(), 'agent-authz-admin-')), 'decisions.log');

const app = usePolicyApp(
  `
agents:
  - id: ${billing.didKey}
    bindWorkload: first-use
    onDrift: quarantine
    owner: team-billing
  - { id: "did:key:*" }
`,
  [`--admin.token=${TOKEN}`, `--telemetry.decision-log=${logFile}`],
);
const port = () => app.server.adminPort;

function send(key: AgentKey, principal = BILLING_API): Promise<UpstreamCheckResponse> {
  const signed = signedCheck(
    { method: 'GET', url: 'https://api.example.com/reports', principal },
    Math.floor(app.server.now / 1000),
    { key },
  );
  return app.server.client.check(signed.request());
}

const outcome = (response: UpstreamCheckResponse) =>
  response.ok_response ? 'allowed' : problem(response).reason;

const auditLines = () => readAuditLines(logFile);

describe('the admin probes', () => {
  it('say healthy, and ready once the policy, the store and the listeners are', async () => {
    const health = await admin(port(), 'GET', '/healthz');
    expect([health.status, health.text]).toEqual([200, 'ok\n']);
    const ready = await admin(port(), 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      ready: true,
      checks: { policy: true, store: true, listeners: true },
    });
  });

  it('answer unknown paths and methods with problem+json', async () => {
    const missing = await admin(port(), 'GET', '/v1/nothing');
    expect(missing.status).toBe(404);
    expect(missing.contentType).toBe('application/problem+json');
    const wrongMethod = await admin(port(), 'PUT', '/v1/revocations');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
  });
});

describe('admin mutations', () => {
  it('are refused without the token or with a wrong one, and audited without the token', async () => {
    const none = await admin(port(), 'POST', '/v1/revocations', { body: { id: visitor.didKey } });
    expect(none.status).toBe(401);
    expect(none.contentType).toBe('application/problem+json');
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrongToken = 'not-the-admin-token-at-all';
    const wrong = await admin(port(), 'POST', '/v1/revocations', {
      token: wrongToken,
      body: { id: visitor.didKey },
    });
    expect(wrong.status).toBe(401);
    expect(outcome(await send(visitor))).toBe('allowed');
    await waitFor(() => auditLines().length >= 2, 5000);
    expect(auditLines().slice(0, 2)).toEqual([
      expect.objectContaining({ actor: 'anonymous', action: 'revoke', outcome: 'refused' }),
      expect.objectContaining({ actor: `token:${fingerprint(wrongToken)}`, outcome: 'refused' }),
    ]);
  });

  it('revoke an agent so that its next check is denied, and lift the revocation', async () => {
    expect(outcome(await send(visitor))).toBe('allowed');
    const created = await admin(port(), 'POST', '/v1/revocations', {
      token: TOKEN,
      body: { id: visitor.didKey },
    });
    expect([created.status, created.body]).toEqual([201, { id: visitor.didKey, revoked: true }]);
    expect(outcome(await send(visitor))).toBe('agent_revoked');
    const listed = await admin(port(), 'GET', '/v1/revocations');
    expect(listed.body.revoked).toContain(visitor.didKey);

    const path = `/v1/revocations/${encodeURIComponent(visitor.didKey)}`;
    expect((await admin(port(), 'DELETE', path, { token: TOKEN })).status).toBe(204);
    expect(outcome(await send(visitor))).toBe('allowed');
    expect((await admin(port(), 'DELETE', path, { token: TOKEN })).status).toBe(404);
  });

  it('release a quarantined agent, whose next check is allowed again', async () => {
    expect(outcome(await send(billing, BILLING_API))).toBe('allowed');
    expect(outcome(await send(billing, BILLING_BATCH))).toBe('workload_drift');
    expect(outcome(await send(billing, BILLING_API))).toBe('workload_drift');
    const agentPath = `/v1/agents/${encodeURIComponent(billing.didKey)}`;
    const before = await admin(port(), 'GET', agentPath);
    expect(before.body).toMatchObject({
      id: billing.didKey,
      registered: true,
      owner: 'team-billing',
      quarantined: true,
      pinnedWorkload: BILLING_API,
      driftEvents: [expect.objectContaining({ from: BILLING_API, to: BILLING_BATCH })],
    });

    const released = await admin(port(), 'POST', `${agentPath}/release`, { token: TOKEN });
    expect([released.status, released.body]).toEqual([
      200,
      { id: billing.didKey, quarantined: false },
    ]);
    expect(outcome(await send(billing, BILLING_API))).toBe('allowed');
    const again = await admin(port(), 'POST', `${agentPath}/release`, { token: TOKEN });
    expect(again.status).toBe(409);
  });

  it('are each written to the decision log as an audit line naming the token by fingerprint', async () => {
    const done = () => auditLines().filter((line) => line.outcome !== 'refused');
    await waitFor(() => done().length >= 5, 5000);
    expect(done().map((line) => [line.action, line.outcome])).toEqual([
      ['revoke', 'done'],
      ['unrevoke', 'done'],
      ['unrevoke', 'no_change'],
      ['release', 'done'],
      ['release', 'no_change'],
    ]);
    for (const line of done()) {
      expect(line).toMatchObject({ kind: 'audit', actor: `token:${fingerprint(TOKEN)}` });
      expect(typeof line.time).toBe('string');
    }
    expect(readFileSync(logFile, 'utf8')).not.toContain(TOKEN);
  });
});

describe('the agent listing', () => {
  it('pages through agents by id and filters by owner, trust and quarantine', async () => {
    const all = await admin(port(), 'GET', '/v1/agents');
    const ids = (all.body.agents as Array<{ id: string }>).map((agent) => agent.id);
    expect(ids).toEqual([billing.didKey, visitor.didKey].sort());

    const first = await admin(port(), 'GET', '/v1/agents?limit=1');
    expect(first.body.agents).toHaveLength(1);
    const next = String(first.body.next);
    const second = await admin(
      port(),
      'GET',
      `/v1/agents?limit=1&after=${encodeURIComponent(next)}`,
    );
    expect((second.body.agents as Array<{ id: string }>)[0]!.id).toBe(ids[1]);

    const owned = await admin(port(), 'GET', '/v1/agents?owner=team-billing');
    expect((owned.body.agents as Array<{ id: string }>).map((agent) => agent.id)).toEqual([
      billing.didKey,
    ]);
    const quarantined = await admin(port(), 'GET', '/v1/agents?quarantined=true');
    expect(quarantined.body.agents).toEqual([]);
    const fresh = await admin(port(), 'GET', '/v1/agents?trust=new');
    expect((fresh.body.agents as Array<{ trust: string }>).every((a) => a.trust === 'new')).toBe(
      true,
    );
    const bad = await admin(port(), 'GET', '/v1/agents?trust=royal');
    expect([bad.status, bad.contentType]).toEqual([400, 'application/problem+json']);
    const tooMany = await admin(port(), 'GET', '/v1/agents?limit=1001');
    expect(tooMany.status).toBe(400);
  });

  it('answers 404 for an agent with neither history nor a policy entry', async () => {
    const unknown = await admin(port(), 'GET', '/v1/agents/did%3Aweb%3Anobody.example');
    expect(unknown.status).toBe(404);
  });
});

describe('the policy endpoint', () => {
  it('reports the version, hash and load time, then the last rejected reload', async () => {
    const loaded = await admin(port(), 'GET', '/v1/policy');
    expect(loaded.body).toMatchObject({
      version: 1,
      sha256: app.server.app.policy.current().source.sha256,
      file: app.policyFile,
      mode: 'enforce',
      lastError: null,
    });
    expect(Date.parse(String(loaded.body.loadedAt))).not.toBeNaN();
    app.writePolicy('agents: [ { id: 42 } ]\n');
    await waitFor(() => app.server.app.policy.reloads.rejected > 0, 10_000);
    const rejected = await admin(port(), 'GET', '/v1/policy');
    expect(rejected.body.sha256).toBe(loaded.body.sha256);
    expect(rejected.body.lastError).toMatchObject({ message: expect.any(String) });
  });
});

describe('an admin API without a configured token', () => {
  let bare: TestApp;
  beforeAll(async () => {
    bare = await startTestApp();
  });
  afterAll(async () => {
    await bare.stop();
  });

  it('refuses every mutation with 403 and says how to enable them', async () => {
    const refused = await admin(bare.adminPort, 'POST', '/v1/revocations', {
      token: TOKEN,
      body: { id: visitor.didKey },
    });
    expect(refused.status).toBe(403);
    expect(refused.contentType).toBe('application/problem+json');
    expect(refused.body.detail).toContain('AGENT_AUTHZ_ADMIN_TOKEN');
    const release = await admin(bare.adminPort, 'POST', '/v1/agents/x/release');
    expect(release.status).toBe(403);
    expect((await admin(bare.adminPort, 'GET', '/v1/agents')).status).toBe(200);
  });

  it('reports the embedded default policy with no file and no load time', async () => {
    const policy = await admin(bare.adminPort, 'GET', '/v1/policy');
    expect(policy.body).toMatchObject({ version: 1, file: null, loadedAt: null, mode: 'enforce' });
  });
});
