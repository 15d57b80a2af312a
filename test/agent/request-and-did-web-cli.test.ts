import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEnvoyLikeFront } from '../support/start-envoy-like-front.js';
import { useTestApp } from '../support/start-test-app.js';

const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, ['bin/agent-authz.js', ...args]);

const server = useTestApp();
const front = useEnvoyLikeFront(server);
let dir: string;
let keyFile: string;
let did: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-authz-request-'));
  keyFile = join(dir, 'agent.json');
  did = (JSON.parse((await cli('keygen', '--out', keyFile)).stdout) as { didKey: string }).didKey;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('agent-authz request', () => {
  it('sends a signed request and prints the status, headers and the upstream’s answer', async () => {
    const { stdout } = await cli(
      'request',
      '--key',
      keyFile,
      '-i',
      `${front.base()}/orders?page=1`,
    );
    expect(stdout).toMatch(/^HTTP 200 OK\n/);
    const body = JSON.parse(stdout.slice(stdout.indexOf('\n\n') + 2)) as {
      headers: Record<string, string>;
    };
    expect(body.headers['x-agent-id']).toBe(did);
  });

  it('accepts --opt=value and signs the body it sends', async () => {
    const { stdout } = await cli(
      'request',
      `--key=${keyFile}`,
      '--method=POST',
      '--data={"sku":"A-1"}',
      '-H',
      'content-type: application/json',
      `${front.base()}/orders`,
    );
    const body = JSON.parse(stdout) as { method: string; headers: Record<string, string> };
    expect(body.method).toBe('POST');
    expect(body.headers['x-agent-verified']).toBe('true');
  });

  it('prints its usage and exits 0 with --help', async () => {
    const { stdout } = await cli('request', '--help');
    expect(stdout).toMatch(/^usage: agent-authz request/);
  });
});

describe('agent-authz did-web', () => {
  it('prints a did.json with only the public key, and where to host it', async () => {
    const { stdout, stderr } = await cli(
      'did-web',
      '--key',
      keyFile,
      '--did=did:web:agents.example.com:billing',
    );
    const document = JSON.parse(stdout) as Record<string, unknown>;
    expect(document).toMatchObject({
      id: 'did:web:agents.example.com:billing',
      authentication: ['did:web:agents.example.com:billing#key-1'],
    });
    expect(stdout).not.toContain('"d"');
    expect(stderr).toContain('https://agents.example.com/billing/did.json');
  });

  it('refuses an identifier that is not did:web, exiting 2', async () => {
    const failure = await cli('did-web', '--key', keyFile, '--did', 'did:key:z6Mk').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 2 });
  });

  it('prints its usage and exits 0 with -h', async () => {
    expect((await cli('did-web', '-h')).stdout).toMatch(/^usage: agent-authz did-web/);
  });
});
