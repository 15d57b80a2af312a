import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { parseIdentities } from '../../src/demo/demo-identities.js';
import { loadPolicyFile } from '../../src/policy/load-policy.js';

const run = promisify(execFile);
let dir: string | undefined;
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('the compose demo setup (scripts/prepare-compose-demo.mjs)', () => {
  it('writes a config agent-authz accepts, the keys, and an Envoy certificate signed by the demo CA', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-authz-compose-'));
    await run(process.execPath, ['scripts/prepare-compose-demo.mjs', dir]);
    const config = loadConfig({ file: join(dir, 'config/agent-authz.yaml'), env: {}, flags: [] });
    const ids = parseIdentities(await readFile(join(dir, 'config/identities.json'), 'utf8'));
    expect(config.issuers).toEqual([expect.objectContaining({ did: ids.issuer.didKey })]);
    expect(loadPolicyFile(config.policy!).source.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await readFile(config.policy!, 'utf8')).toContain(`- ${ids.revoked.didKey}`);
    const ca = new X509Certificate(await readFile(join(dir, 'certs/ca.crt')));
    const envoy = new X509Certificate(await readFile(join(dir, 'certs/envoy.crt')));
    expect(envoy.verify(ca.publicKey)).toBe(true);
    expect(envoy.subjectAltName).toContain('DNS:envoy');
    expect(await readFile(join(dir, 'certs/envoy.key'), 'utf8')).toMatch(
      /^-----BEGIN PRIVATE KEY-----/,
    );
  });
});
