import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { usePolicyApp } from '../support/policy-app.js';

const ALLOW = 'unsigned: allow\n';
const DENY = 'unsigned: deny\n';
const app = usePolicyApp(ALLOW);

const unsignedAllowed = async () =>
  (
    await app.server.client.check(
      envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/' }),
    )
  ).ok_response !== undefined;

async function within(ms: number, condition: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await condition()) return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`condition not met within ${ms} ms`);
}

describe('hot reload of the policy file', () => {
  it('applies a changed policy within a second', async () => {
    expect(await unsignedAllowed()).toBe(true);
    app.writePolicy(DENY);
    await within(1000, async () => !(await unsignedAllowed()));
    expect(app.server.app.policy.reloads.applied).toBe(1);
  });

  it('rejects a broken file and keeps serving the last good policy', async () => {
    const before = app.server.app.policy.current();
    app.writePolicy('unsigned: [deny\n');
    await within(1000, async () => app.server.app.policy.reloads.rejected >= 1);
    app.writePolicy('unsigned: deny\nzones:\n  - name: a\n    minTrust: famous\n');
    await within(1000, async () => app.server.app.policy.reloads.rejected >= 2);
    expect(app.server.app.policy.current()).toBe(before);
    expect(await unsignedAllowed()).toBe(false);
    app.writePolicy(ALLOW);
    await within(1000, unsignedAllowed);
  });
});

const run = promisify(execFile);

describe('agent-authz policy check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-authz-policy-check-'));

  it('prints the zones and agents a valid file declares', async () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(
      file,
      'zones:\n  - { name: payments, match: { paths: ["/payments/*"] }, unsigned: deny, minTrust: known }\n' +
        'agents:\n  - { id: "did:web:*.example.com", zones: [payments], rateLimit: 100/min, owner: team-a }\n',
    );
    const { stdout } = await run(process.execPath, ['bin/agent-authz.js', 'policy', 'check', file]);
    expect(stdout).toContain('is valid');
    expect(stdout).toContain('payments (paths /payments/*): mode enforce, unsigned deny');
    expect(stdout).toContain('min trust known');
    expect(stdout).toContain(
      'did:web:*.example.com (pattern): zones payments; 100 per 60s; owner team-a',
    );
  });

  /** Runs `policy check` on a file with `text`, expecting it to fail. */
  async function rejected(name: string, text: string) {
    const file = join(dir, name);
    writeFileSync(file, text);
    const failure = await run(process.execPath, [
      'bin/agent-authz.js',
      'policy',
      'check',
      file,
    ]).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    return { file, ...failure };
  }

  it('names the field and line of an invalid file and exits 2', async () => {
    const { file, code, stderr } = await rejected(
      'bad.yaml',
      'zones:\n  - name: payments\n    minTrust: famous\n',
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:3:15: zones.0.minTrust:`);
  });

  it('names an agent that refers to a zone the file does not define', async () => {
    const { file, code, stderr } = await rejected(
      'dangling.yaml',
      'zones:\n  - name: payments\nagents:\n  - { id: a, zones: [nowhere] }\n',
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:4:22: agents.0.zones.0: no zone is named "nowhere"`);
  });
});
