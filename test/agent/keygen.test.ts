import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKeyFile } from '../../src/agent/commands/read-key-file.js';
import { agentKeyFromJwk } from '../../src/agent/generate-agent-key.js';
import { runAgentAuthz } from '../support/cli-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-authz-keygen-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('agent-authz keygen --out', () => {
  it('refuses to overwrite an existing file without --force and leaves it untouched', async () => {
    const file = join(dir, 'existing.json');
    await writeFile(file, 'not a key\n', { mode: 0o644 });
    await chmod(file, 0o644);
    const { code, stderr } = await runAgentAuthz(['keygen', '--out', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}: it already exists; add --force to replace it`);
    expect(await readFile(file, 'utf8')).toBe('not a key\n');
    expect(await modeOf(file)).toBe(0o644);
  });

  it('replaces a world-readable file with --force and leaves it readable by its owner only', async () => {
    const file = join(dir, 'world-readable.json');
    await writeFile(file, '{}\n');
    await chmod(file, 0o644);
    const { code } = await runAgentAuthz(['keygen', '--out', file, '--force']);
    expect(code).toBe(0);
    expect(await modeOf(file)).toBe(0o600);
    const stored = JSON.parse(await readFile(file, 'utf8')) as { privateJwk: { d?: string } };
    expect(stored.privateJwk.d).toBeDefined();
  });

  it('writes a new file 0600', async () => {
    const file = join(dir, 'new.json');
    expect((await runAgentAuthz(['keygen', '--out', file])).code).toBe(0);
    expect(await modeOf(file)).toBe(0o600);
  });
});

describe('the key file', () => {
  it('uses the field names of the SDK key object (AgentKey)', async () => {
    const file = join(dir, 'fields.json');
    const { stdout } = await runAgentAuthz(['keygen', '--type', 'p256', '--out', file]);
    const stored = JSON.parse(await readFile(file, 'utf8')) as Parameters<
      typeof agentKeyFromJwk
    >[0] &
      Record<string, unknown>;
    const sdkKey = agentKeyFromJwk(stored.privateJwk as Parameters<typeof agentKeyFromJwk>[0]);
    expect(stored).toEqual(JSON.parse(JSON.stringify(sdkKey)));
    const { privateJwk: _, ...publicFacts } = sdkKey;
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(publicFacts)));
  });

  it('is still read when written by an older keygen that named the DID "did"', async () => {
    const file = join(dir, 'old.json');
    await runAgentAuthz(['keygen', '--out', file]);
    const { didKey, ...rest } = JSON.parse(await readFile(file, 'utf8')) as { didKey: string };
    await writeFile(file, JSON.stringify({ did: didKey, ...rest }));
    expect(readKeyFile(file).keyId.startsWith(`${didKey}#`)).toBe(true);
  });

  it('is refused when its DID does not name its private key', async () => {
    const [one, two] = [join(dir, 'one.json'), join(dir, 'two.json')];
    await runAgentAuthz(['keygen', '--out', one]);
    await runAgentAuthz(['keygen', '--out', two]);
    const mixed = {
      ...(JSON.parse(await readFile(one, 'utf8')) as object),
      privateJwk: (JSON.parse(await readFile(two, 'utf8')) as { privateJwk: unknown }).privateJwk,
    };
    await writeFile(one, JSON.stringify(mixed));
    expect(() => readKeyFile(one)).toThrow('didKey does not match its privateJwk');
  });
});
