import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { admin } from '../support/admin-client.js';
import { auditLines as readAuditLines } from '../support/audit-lines.js';
import { useTestApp } from '../support/start-test-app.js';
import { waitFor } from '../support/wait-for.js';

const TOKEN = 'admin-token-for-tests-0123456789';
const logFile = join(mkdtempSync(join(tmpdir(), 'agent-authz-audit-')), 'decisions.log');
const app = useTestApp([`--admin.token=${TOKEN}`, `--telemetry.decision-log=${logFile}`]);

const auditLines = () => readAuditLines(logFile);

describe('the audit line of an admin mutation', () => {
  it('names the target of every attempt, refused ones and ones with an unusable body included', async () => {
    const id = 'did:key:z6MkauditTarget';
    const port = app.adminPort;
    expect((await admin(port, 'POST', '/v1/revocations', { body: { id } })).status).toBe(401);
    const path = `/v1/revocations/${encodeURIComponent(id)}`;
    expect((await admin(port, 'DELETE', path, { token: 'wrong-token-0123456789' })).status).toBe(
      401,
    );
    const release = `/v1/agents/${encodeURIComponent(id)}/release`;
    expect((await admin(port, 'POST', release)).status).toBe(401);
    const garbage = await admin(port, 'POST', '/v1/revocations', { token: TOKEN, body: [1] });
    expect(garbage.status).toBe(400);
    expect((await admin(port, 'POST', '/v1/revocations', { body: 'x' })).status).toBe(401);

    await waitFor(() => auditLines().length >= 5, 5000);
    expect(auditLines().map(({ action, target, outcome }) => [action, target, outcome])).toEqual([
      ['revoke', id, 'refused'],
      ['unrevoke', id, 'refused'],
      ['release', id, 'refused'],
      ['revoke', '(no id: invalid body)', 'no_change'],
      ['revoke', '(no id: invalid body)', 'refused'],
    ]);
  });
});
