import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runAgentAuthz } from '../support/cli-process.js';
import { generateTestCertificates } from '../support/generate-test-certificates.js';
import { DIRECTORY_PATH, DIRECTORY_TYPE } from '../support/sign-web-bot-auth.js';
import { useDocumentHost } from '../support/start-document-host.js';

/*
 * The directory commands as an agent developer runs them: print a directory, serve it over
 * HTTPS with a signature, and check it (and a broken one) with the server's resolver settings
 * given as flags, the private test CA trusted through --resolver.ca-file.
 */
const host = useDocumentHost({ extraNames: ['localhost'] });
let dir: string;
let keyFile: string;
let thumbprint: string;
let certificates: Awaited<ReturnType<typeof generateTestCertificates>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-authz-directory-'));
  keyFile = join(dir, 'agent.json');
  expect((await runAgentAuthz(['keygen', '--out', keyFile])).code).toBe(0);
  certificates = await generateTestCertificates(['localhost']);
  await writeFile(join(dir, 'ca.pem'), certificates.caPem);
  await writeFile(join(dir, 'cert.pem'), certificates.certPem);
  await writeFile(join(dir, 'key.pem'), certificates.keyPem);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const trust = (caFile: string) => [
  `--resolver.ca-file=${caFile}`,
  '--resolver.allow-private-networks=true',
  '--resolver.network=true',
];

describe('agent-authz directory print', () => {
  it('prints a JWK Set of public keys whose kid is the thumbprint, and says where to serve it', async () => {
    const { code, stdout, stderr } = await runAgentAuthz(['directory', 'print', '--key', keyFile]);
    expect(code).toBe(0);
    const { keys } = JSON.parse(stdout) as { keys: Array<Record<string, string>> };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', use: 'sig' });
    expect(keys[0]!.d).toBeUndefined();
    thumbprint = keys[0]!.kid!;
    expect(stderr).toContain(
      `${DIRECTORY_PATH}\nwith Content-Type: ${DIRECTORY_TYPE['content-type']}`,
    );
    expect(stderr).toContain(`sign with keyid ${thumbprint}`);
  });
});

describe('agent-authz sign as a Web Bot Auth agent', () => {
  it('prints Signature-Agent in the chosen generation, keyid the thumbprint the directory lists', async () => {
    const { code, stdout } = await runAgentAuthz([
      'sign',
      '--key',
      keyFile,
      '--signature-agent',
      'https://agent.example',
      '--generation',
      'g1',
      '--label',
      'sig2',
      '--component',
      '@authority',
      '--component',
      '@path',
      '--tag',
      'agent-payer-auth',
      'https://merchant.example/checkout',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('signature-agent: "https://agent.example"\n');
    expect(stdout).toMatch(
      new RegExp(
        `^signature-input: sig2=\\("@authority" "@path" "signature-agent"\\);created=\\d+;keyid="${thumbprint}";expires=\\d+;nonce="[^"]+";tag="agent-payer-auth"$`,
        'm',
      ),
    );
  });

  it('signs a Visa TAP request without Signature-Agent, keyid the thumbprint, with --thumbprint-keyid', async () => {
    const { code, stdout } = await runAgentAuthz([
      'sign',
      '--key',
      keyFile,
      '--thumbprint-keyid',
      '--label',
      'sig2',
      '--component',
      '@authority',
      '--component',
      '@path',
      '--tag',
      'agent-payer-auth',
      '--expires-in',
      '60',
      'https://merchant.example/pay',
    ]);
    expect(code).toBe(0);
    expect(stdout).not.toContain('signature-agent');
    expect(stdout).toMatch(
      new RegExp(
        `^signature-input: sig2=\\("@authority" "@path"\\);created=\\d+;keyid="${thumbprint}";expires=\\d+;nonce="[^"]+";tag="agent-payer-auth"$`,
        'm',
      ),
    );
  });

  it('refuses a directory Signature-Agent with a path, saying what to use instead', async () => {
    const { code, stderr } = await runAgentAuthz([
      'sign',
      '--key',
      keyFile,
      '--signature-agent',
      'https://agent.example/keys.json',
      'https://shop.example/',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('must be an origin');
    expect(stderr).toContain('use g3 or type jwks_uri');
  });
});

describe('agent-authz directory serve --sign, then directory check', () => {
  let child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  afterAll(async () => {
    if (child !== undefined && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('serves a signed directory over HTTPS that the checker finds clean (exit 0, --json)', async () => {
    child = spawn(
      process.execPath,
      [
        BIN,
        'directory',
        'serve',
        '--key',
        keyFile,
        '--listen',
        '127.0.0.1:0',
        '--sign',
        '--tls-cert',
        join(dir, 'cert.pem'),
        '--tls-key',
        join(dir, 'key.pem'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const port = /:(\d+)\//.exec(line.toString())?.[1];
    expect(line.toString()).toMatch(
      /^serving 1 key\(s\) at https:\/\/127\.0\.0\.1:\d+\/\.well-known\//,
    );
    const url = `https://localhost:${port}`;
    const text = await runAgentAuthz(['directory', 'check', ...trust(join(dir, 'ca.pem')), url]);
    expect(text.stdout).toContain('clean: a verifier can use it');
    expect(text.code).toBe(0);
    const json = await runAgentAuthz([
      'directory',
      'check',
      '--json',
      ...trust(join(dir, 'ca.pem')),
      url,
    ]);
    const report = JSON.parse(json.stdout) as {
      clean: boolean;
      keys: Array<{ thumbprint: string; signedResponse: boolean }>;
    };
    expect(report.clean).toBe(true);
    expect(report.keys).toEqual([
      expect.objectContaining({ thumbprint, signedResponse: true, usable: true }),
    ]);
  }, 60_000); // three CLI processes, each a node start on a loaded machine
});

describe('agent-authz directory check of a broken directory', () => {
  it('prints each problem and exits 1', async () => {
    host.serve('localhost', DIRECTORY_PATH, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        keys: [
          {
            kty: 'OKP',
            crv: 'Ed25519',
            x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs',
            kid: 'test',
          },
        ],
      }),
    });
    const { code, stdout } = await runAgentAuthz([
      'directory',
      'check',
      ...trust(host.caFile),
      `https://localhost:${host.port}`,
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/error {3}key 1 \(kid test\): kid must be the key's JWK thumbprint/);
    expect(stdout).toContain('is a published test key (RFC 9421');
    expect(stdout).toMatch(/warning served as application\/json/);
    expect(stdout).toMatch(/warning no Cache-Control header/);
    expect(stdout).toMatch(/^not clean: \d+ error\(s\), 2 warning\(s\)$/m);
  });

  it('without the test CA says to give it as resolver.caFile', async () => {
    const { code, stdout } = await runAgentAuthz([
      'directory',
      'check',
      '--resolver.allow-private-networks=true',
      '--resolver.network=true',
      `https://localhost:${host.port}`,
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain('--resolver.ca-file');
  });
});
