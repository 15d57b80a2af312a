import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pemCertificateThumbprint } from '../../src/binding/certificate-thumbprint.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { setHeaders } from '../support/envoy-client.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { createTestCa } from '../support/test-pki.js';

const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, ['bin/agent-authz.js', ...args]);

let server: TestApp;
let dir: string;
beforeAll(async () => {
  server = await startTestApp();
  server.now = Date.now();
  dir = await mkdtemp(join(tmpdir(), 'agent-authz-cli-'));
});
afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('agent-authz keygen', () => {
  it('writes a private key file readable only by its owner and prints only public facts', async () => {
    const file = join(dir, 'agent.json');
    const { stdout } = await cli('keygen', '--type', 'p256', '--out', file);
    const shown = JSON.parse(stdout) as Record<string, unknown>;
    expect(shown.didKey).toMatch(/^did:key:zDn/);
    expect(shown).not.toHaveProperty('privateJwk');
    expect(stdout).not.toContain('"d"');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(file, 'utf8')) as { privateJwk: { d?: string } };
    expect(stored.privateJwk.d).toBeDefined();
  });
});

describe('agent-authz sign', () => {
  it('prints headers that make a request the server allows', async () => {
    const file = join(dir, 'signer.json');
    const { stdout: facts } = await cli('keygen', '--out', file);
    const url = 'https://api.example.com/orders?page=2';
    const body = '{"sku":"A-1"}';
    const { stdout } = await cli('sign', '--key', file, '-X', 'POST', '-d', body, url);
    const headers = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
    );
    expect(Object.keys(headers).sort()).toEqual(['content-digest', 'signature', 'signature-input']);
    const response = await server.client.check(
      envoyCheckRequest({ method: 'POST', url, body, headers }),
    );
    expect(setHeaders(response)['x-agent-id']).toBe(
      (JSON.parse(facts) as { didKey: string }).didKey,
    );
  });
});

describe('agent-authz check', () => {
  it('signs a request, asks the running server like Envoy would and prints the decision', async () => {
    const file = join(dir, 'checker.json');
    await cli('keygen', '--out', file);
    const { stdout } = await cli(
      'check',
      '--server',
      server.address,
      '--key',
      file,
      'https://api.example.com/',
    );
    expect(JSON.parse(stdout)).toMatchObject({
      decision: 'allow',
      headers: { 'x-agent-verified': 'true' },
    });
  });
});

describe('agent-authz serve', () => {
  it('exits 2 naming the field when the configuration is invalid', async () => {
    const failure = await cli('serve', '--signatures.max-age=soon').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('signatures.maxAge');
    expect((failure as { stderr: string }).stderr).toContain('--signatures.max-age');
  });
});

describe('agent-authz token', () => {
  it('mints a DID-issued token bound to a key, and prints a proof the server accepts', async () => {
    const issuerFile = join(dir, 'issuer.json');
    const agentFile = join(dir, 'dpop-agent.json');
    const { stdout: issuerFacts } = await cli('keygen', '--out', issuerFile);
    await cli('keygen', '--type', 'p256', '--out', agentFile);
    const issuerDid = (JSON.parse(issuerFacts) as { didKey: string }).didKey;
    const app = await startTestApp([
      `--issuers=[{"did":"${issuerDid}"}]`,
      '--tokens.audiences=https://api.example.com',
    ]);
    app.now = Date.now();
    try {
      const minted = await cli(
        'token',
        'mint',
        '--issuer-key',
        issuerFile,
        '--sub',
        'agent-1',
        '--aud',
        'https://api.example.com',
        '--bind-key',
        agentFile,
        '--scope',
        'orders:read',
      );
      const url = 'https://api.example.com/orders';
      const { stdout } = await cli(
        'token',
        'proof',
        '--key',
        agentFile,
        '--token',
        minted.stdout.trim(),
        '-X',
        'POST',
        url,
      );
      const headers = Object.fromEntries(
        stdout
          .trim()
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      );
      expect(Object.keys(headers)).toEqual(['authorization', 'dpop']);
      const response = await app.client.check(envoyCheckRequest({ method: 'POST', url, headers }));
      expect(setHeaders(response)).toMatchObject({
        'x-agent-id': 'agent-1',
        'x-agent-profile': 'dpop',
      });
    } finally {
      await app.stop();
    }
  });

  it('mints a token bound to a certificate file (cnf.x5t#S256)', async () => {
    const issuerFile = join(dir, 'issuer-2.json');
    await cli('keygen', '--out', issuerFile);
    const certificate = await (await createTestCa()).issue({ commonName: 'agent' });
    const certFile = join(dir, 'agent.pem');
    await writeFile(certFile, certificate.pem);
    const { stdout } = await cli(
      'token',
      'mint',
      '--issuer-key',
      issuerFile,
      '--sub',
      'a',
      '--aud',
      'b',
      '--bind-cert',
      certFile,
    );
    const claims = decodeJwt(stdout.trim());
    expect(claims.cnf).toEqual({ 'x5t#S256': pemCertificateThumbprint(certificate.pem) });
  });
});
