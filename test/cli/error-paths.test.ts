import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/generate-agent-key.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { runAgentAuthz } from '../support/cli-process.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

/** A loopback port nothing listens on: bound by the OS, then released. */
async function deadPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** One line on stderr, nothing on stdout, no stack, the documented exit status. */
function expectOneLine(
  result: { code: number; stdout: string; stderr: string },
  code: number,
  line: string | RegExp,
): void {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
  expect(result.stderr).toMatch(/^[^\n]+\n$/);
  expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+|Error:/);
  if (typeof line === 'string') expect(result.stderr).toBe(`${line}\n`);
  else expect(result.stderr).toMatch(line);
}

let dir: string;
let keyFile: string;
let app: TestApp;
const revoked = generateAgentKey();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-authz-cli-errors-'));
  keyFile = join(dir, 'agent.key.json');
  await writeFile(keyFile, JSON.stringify(revoked));
  await writeFile(join(dir, 'policy.yaml'), `revoked:\n  - ${revoked.didKey}\n`);
  app = await startTestApp([`--policy=${join(dir, 'policy.yaml')}`]);
});
afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('agent-authz check that cannot reach a server', () => {
  it('names a port with nothing listening and asks whether serve runs there (exit 2)', async () => {
    const port = await deadPort();
    const server = `127.0.0.1:${port}`;
    expectOneLine(
      await runCliInProcess(['check', '--unsigned', '--server', server, 'https://a.example/']),
      2,
      `agent-authz check: cannot connect to ${server} (connection refused); is agent-authz serve ` +
        `running on ${server}? use --server HOST:PORT (or AGENT_AUTHZ_LISTEN_GRPC)`,
    );
  });

  it('says the HTTP port does not answer gRPC and names the gRPC one (exit 2)', async () => {
    const server = `127.0.0.1:${app.app.httpPort}`;
    expectOneLine(
      await runCliInProcess(['check', '--unsigned', '--server', server, 'https://a.example/']),
      2,
      `agent-authz check: ${server} does not answer gRPC (is it the HTTP or the admin port?); ` +
        'give the gRPC port (listen.grpc, 9191 by default) with --server HOST:PORT',
    );
  });

  it('says a host that does not resolve does not (exit 2)', async () => {
    const server = 'nohost.invalid:9191';
    expectOneLine(
      await runCliInProcess(['check', '--unsigned', '--server', server, 'https://a.example/']),
      2,
      `agent-authz check: cannot resolve the host of ${server}; check the name, or use ` +
        '--server HOST:PORT (or AGENT_AUTHZ_LISTEN_GRPC)',
    );
  });
});

describe('agent-authz request', () => {
  it('names a port with nothing listening (exit 2)', async () => {
    const host = `127.0.0.1:${await deadPort()}`;
    expectOneLine(
      await runCliInProcess(['request', '--key', keyFile, `http://${host}/`]),
      2,
      `agent-authz request: cannot connect to ${host} (connection refused); is a server ` +
        `running at ${host}? check the URL`,
    );
  });

  it('with --fail prints no body for a denial, names its reason and exits 1', async () => {
    app.now = Date.now(); // the signature is made by this machine's clock
    const url = `http://127.0.0.1:${app.app.httpPort}/orders`;
    expectOneLine(
      await runCliInProcess(['request', '--fail', '--key', keyFile, url]),
      1,
      `agent-authz request: ${url} answered 403 Forbidden (reason agent_revoked)`,
    );
  });

  it('without --fail prints the denial body and exits 0, as curl does', async () => {
    app.now = Date.now();
    const url = `http://127.0.0.1:${app.app.httpPort}/orders`;
    const { code, stdout, stderr } = await runCliInProcess([
      'request',
      '-i',
      '--key',
      keyFile,
      url,
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^HTTP 403 Forbidden\n/);
    expect(stdout).toContain('"reason":"agent_revoked"');
  });
});

describe('a key file that cannot be read', () => {
  it('is one line naming the file and how to make one (exit 2)', async () => {
    const missing = join(dir, 'nope.json');
    expectOneLine(
      await runCliInProcess(['sign', '--key', missing, 'https://a.example/']),
      2,
      `agent-authz sign: cannot read key file ${missing}: no such file; create one with ` +
        'agent-authz keygen --out FILE',
    );
  });

  it('that keygen would overwrite says how to replace it (exit 2)', async () => {
    expectOneLine(
      await runCliInProcess(['keygen', '--out', keyFile]),
      2,
      `agent-authz keygen: cannot write key file ${keyFile}: it already exists; add --force to replace it`,
    );
  });
});

describe('agent-authz policy check', () => {
  it('names itself, not its group, for a file that is missing (exit 2)', async () => {
    const missing = join(dir, 'missing.yaml');
    expectOneLine(
      await runCliInProcess(['policy', 'check', missing]),
      2,
      `agent-authz policy check: cannot read policy file ${missing}: no such file (ENOENT); ` +
        'give the path of a policy file',
    );
  });

  it('names the field, its line and the known field it most likely meant (exit 2)', async () => {
    const file = join(dir, 'typo.yaml');
    await writeFile(file, 'zones:\n  - name: a\n    match: { hots: [api.example.com] }\n');
    expectOneLine(
      await runCliInProcess(['policy', 'check', file]),
      2,
      `agent-authz policy check: invalid policy: ${file}:3:14: zones.0.match.hots: unknown ` +
        'field; did you mean zones.0.match.hosts?',
    );
  });

  it('prints a date-only expiry as the last day admitted, not as the next midnight', async () => {
    const file = join(dir, 'expiry.yaml');
    await writeFile(file, 'agents:\n  - { id: did:key:z6Mkexample, expires: 2027-06-30 }\n');
    const { code, stdout } = await runCliInProcess(['policy', 'check', file]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'did:key:z6Mkexample: zones any; admitted through 2027-06-30 (UTC), refused from ' +
        '2027-07-01T00:00:00.000Z',
    );
  });
});

describe('agent-authz serve with a configuration it cannot use', () => {
  it('names an unknown field in the file and the known field it most likely meant (exit 2)', async () => {
    const file = join(dir, 'config.yaml');
    await writeFile(file, 'telemetry:\n  decisionlog: off\n');
    expectOneLine(
      await runCliInProcess(['serve', '--config', file]),
      2,
      `agent-authz serve: invalid configuration: ${file}:2:3: telemetry.decisionlog: unknown ` +
        'field; did you mean telemetry.decisionLog?',
    );
  });

  it('prints nothing but its one-line error for a policy file that is missing (exit 2)', async () => {
    const missing = join(dir, 'no-policy.yaml');
    expectOneLine(
      await runAgentAuthz([
        'serve',
        '--listen.grpc=127.0.0.1:0',
        '--listen.http=127.0.0.1:0',
        '--listen.admin=127.0.0.1:0',
        `--policy=${missing}`,
      ]),
      2,
      `agent-authz serve: cannot read policy file ${missing}: no such file (ENOENT); fix the ` +
        'path in policy (--policy FILE, AGENT_AUTHZ_POLICY or the config file)',
    );
  });
});

describe('npm run demo', () => {
  const demo = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['dist/demo/run-demo.js', ...args], (error, stdout, stderr) =>
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr }),
      );
    });

  it('prints its usage for --help and exits 0', async () => {
    const { code, stdout, stderr } = await demo(['--help']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^usage: npm run demo \[-- --transport http\|grpc\]\n/);
  });

  it('names a bad option in one line and exits 2', async () => {
    expectOneLine(
      await demo(['--transport=udp']),
      2,
      'npm run demo: --transport must be http or grpc (see npm run demo -- --help)',
    );
  });
});
