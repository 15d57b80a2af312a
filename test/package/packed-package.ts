import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where `npm pack` left the tarball, and the paths it holds (relative to `package/`). */
export interface PackedPackage {
  readonly tarball: string;
  readonly files: readonly string[];
}

/**
 * `npm pack` of this checkout into `dir`, as `npm publish` would pack it. `--ignore-scripts`:
 * `npm test` has built dist/ already, and `prepare` would build it again.
 */
export async function packPackage(dir: string): Promise<PackedPackage> {
  const { stdout } = await run(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', dir],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const [packed] = JSON.parse(stdout) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  return {
    tarball: join(dir, packed!.filename),
    files: packed!.files.map((file) => file.path).sort(),
  };
}

/** Unpacks the tarball into `dir` (it lands in `dir/package`) and returns that folder. */
export async function extractPackage(tarball: string, dir: string): Promise<string> {
  await run('tar', ['-xzf', tarball, '-C', dir]);
  return join(dir, 'package');
}

/**
 * A fresh project in `dir` that installs the tarball as a user would: the npm registry only
 * when the npm cache (filled by `npm ci`) lacks something, no audit, no funding notice.
 */
export async function installTarball(tarball: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'module' })}\n`,
  );
  await run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: dir,
    env: { ...process.env, npm_config_loglevel: 'error' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return dir;
}

/** A PEM private key with a body, or a JWK with a private member `d`. */
const PRIVATE_KEY_PATTERNS = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----\r?\n[A-Za-z0-9+/=]{16,}/,
  /"kty"\s*:\s*"[A-Z]+"[^}]*"d"\s*:\s*"[A-Za-z0-9_-]{16,}"/,
  /"d"\s*:\s*"[A-Za-z0-9_-]{16,}"[^}]*"kty"\s*:/,
];

/** Files under `root` that hold something shaped like a private key. */
export async function filesWithPrivateKeys(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const text = await readFile(path, 'latin1');
    if (PRIVATE_KEY_PATTERNS.some((pattern) => pattern.test(text))) {
      found.push(relative(root, path));
    }
  }
  return found;
}

/** Runs `node ARGS` in `cwd`; resolves with its output even when it exits non-zero. */
export async function runNode(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

const IMPORT_SPECIFIER = /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g;

/**
 * The packages (bare specifiers, `node:` built-ins included) that the declaration file `entry`
 * and every declaration it reaches through relative imports name: what a TypeScript consumer
 * must be able to resolve.
 */
export async function declarationImports(root: string, entry: string): Promise<string[]> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(join(root, file), 'utf8');
    for (const [, specifier] of text.matchAll(IMPORT_SPECIFIER)) {
      if (!specifier!.startsWith('.')) packages.add(packageName(specifier!));
      else queue.push(join(file, '..', specifier!.replace(/\.js$/, '.d.ts')));
    }
  }
  return [...packages].sort();
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
