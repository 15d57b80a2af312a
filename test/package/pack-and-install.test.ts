/**
 * The published package, end to end (about 15 s: `npm pack`, then `npm install` of the tarball
 * into a fresh project, from the npm cache `npm ci` filled). What a user of the registry gets:
 * the SDK import, the types, the `agent-authz` binary serving checks, the CLI.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess } from '../support/cli-process.js';
import { httpCheck } from '../support/envoy-http-client.js';
import {
  declarationImports,
  extractPackage,
  filesWithPrivateKeys,
  installTarball,
  type PackedPackage,
  packPackage,
  runNode,
} from './packed-package.js';

const TSC = join(process.cwd(), 'node_modules', 'typescript', 'bin', 'tsc');
const TYPE_ROOTS = join(process.cwd(), 'node_modules', '@types');
const repoPackage = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };

let work: string;
let packed: PackedPackage;
let unpacked: string;
let consumer: string;
let installedBin: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'agent-authz-package-'));
  packed = await packPackage(work);
  unpacked = await extractPackage(packed.tarball, work);
  consumer = await installTarball(packed.tarball, join(work, 'consumer'));
  installedBin = join(consumer, 'node_modules', 'agent-authz', 'bin', 'agent-authz.js');
}, 90_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const SHIPPED =
  /^(package\.json|README\.md|bin\/[^/]+\.js|dist\/.+\.(js|d\.ts)|assets\/traffic-page\/.+|proto\/.+\.proto|schema\/[^/]+\.schema\.json)$/;

describe('the npm package', () => {
  it('ships the compiled code, declarations, binary, protos, schemas and traffic page, nothing else', () => {
    expect(packed.files.filter((file) => !SHIPPED.test(file))).toEqual([]);
    for (const file of [
      'bin/agent-authz.js',
      'dist/main.js',
      'dist/agent/index.js',
      'dist/agent/index.d.ts',
      'proto/envoy/service/auth/v3/external_auth.proto',
      'schema/config.schema.json',
      'assets/traffic-page/index.html',
    ]) {
      expect(packed.files).toContain(file);
    }
  });

  it('ships no test, no TypeScript source, no source map, no demo and no private key', async () => {
    const unwanted = packed.files.filter((file) =>
      /(^|\/)(test|fixtures|demo)\/|\.test\.|\.map$|(?<!\.d)\.ts$|\.(pem|key)$|\.key\.json$/.test(
        file,
      ),
    );
    expect(unwanted).toEqual([]);
    expect(await filesWithPrivateKeys(unpacked)).toEqual([]);
  });

  it('is publishable, with an SDK entry and its types, the binary and the Node versions it needs', async () => {
    const manifest = JSON.parse(await readFile(join(unpacked, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'agent-authz', type: 'module' });
    expect(manifest.private).toBeUndefined();
    expect(manifest.engines.node).toMatch(/^\^20\./);
    const entry = manifest.exports['.'] as { types: string; default: string };
    expect(Object.keys(entry)[0]).toBe('types'); // TypeScript reads the first matching condition
    for (const path of [entry.types, entry.default, manifest.bin['agent-authz']]) {
      expect(packed.files).toContain(path.replace(/^\.\//, ''));
    }
    expect(await readFile(join(unpacked, manifest.bin['agent-authz']), 'utf8')).toMatch(
      /^#!\/usr\/bin\/env node\n/,
    );
  });
});

describe('the package installed into a fresh project', () => {
  it('signs a request with the SDK that the installed server allows', async () => {
    await writeFile(
      join(consumer, 'sign.mjs'),
      [
        "import { generateAgentKey, signRequest } from 'agent-authz';",
        'const key = generateAgentKey();',
        "const url = 'https://api.example.com/orders?limit=2';",
        "const headers = signRequest({ method: 'GET', url, key });",
        'console.log(JSON.stringify({ didKey: key.didKey, url, headers }));',
      ].join('\n'),
    );
    const signed = await runNode(['sign.mjs'], consumer);
    expect(signed.stderr).toBe('');
    const { didKey, url, headers } = JSON.parse(signed.stdout);
    const server = await startServerProcess([], { bin: installedBin, cwd: consumer });
    try {
      const httpPort = Number(/"port":(\d+),"pathPrefix"/.exec(server.stdout())?.[1]);
      const answer = await httpCheck(httpPort, { method: 'GET', url, headers });
      expect(answer.status).toBe(200);
      expect(answer.headers).toMatchObject({ 'x-agent-verified': 'true', 'x-agent-id': didKey });
    } finally {
      await server.stop();
    }
  });

  it('exposes the SDK entry only: a deep import of the server code is refused', async () => {
    const deep = await runNode(
      ['--input-type=module', '-e', "import 'agent-authz/dist/main.js'"],
      consumer,
    );
    expect(deep.code).not.toBe(0);
    expect(deep.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('type-checks a TypeScript consumer against the shipped declarations and rejects a wrong call', async () => {
    const good = [
      "import { agentFetch, generateAgentKey, signRequest, type SignRequestInput } from 'agent-authz';",
      "const key = generateAgentKey({ type: 'p256' });",
      "const input: SignRequestInput = { method: 'POST', url: 'https://a.example/x', body: '{}', key };",
      'const headers: Record<string, string> = signRequest(input);',
      "const send = agentFetch({ key, coverHeaders: ['agent-purpose'] });",
      'export { headers, send };',
    ].join('\n');
    await writeFile(join(consumer, 'good.ts'), good);
    await writeFile(join(consumer, 'bad.ts'), good.replace(', key };', ' };'));
    const flags = ['--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022'];
    const types = ['--types', 'node', '--typeRoots', TYPE_ROOTS, '--skipLibCheck'];
    const compiled = await runNode([TSC, ...flags, ...types, 'good.ts', 'bad.ts'], consumer);
    // One compiler run for both files: every error is the one planted in bad.ts.
    expect(compiled.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^bad\.ts\(3,\d+\): error TS2741: Property 'key' is missing/),
    ]);
  });

  it('declares the SDK with types from its runtime dependencies and Node only', async () => {
    const manifest = JSON.parse(await readFile(join(unpacked, 'package.json'), 'utf8'));
    const runtime = Object.keys(manifest.dependencies as Record<string, string>);
    const named = await declarationImports(unpacked, 'dist/agent/index.d.ts');
    expect(named.length).toBeGreaterThan(1);
    expect(named.filter((name) => !name.startsWith('node:') && !runtime.includes(name))).toEqual(
      [],
    );
  });

  it('runs the installed CLI: --version prints the package version, keygen writes a private key file', async () => {
    const version = await runNode([installedBin, '--version'], consumer);
    expect(version.stdout.trim()).toBe(repoPackage.version);
    const keygen = await runNode([installedBin, 'keygen', '--out', 'agent.key.json'], consumer);
    expect(keygen.code).toBe(0);
    expect(keygen.stdout).toMatch(/"didKey": "did:key:z6Mk/);
    expect((await stat(join(consumer, 'agent.key.json'))).mode & 0o777).toBe(0o600);
  });
});
