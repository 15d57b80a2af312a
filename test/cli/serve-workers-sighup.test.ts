import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OwnRedis, startOwnRedis } from '../support/redis-server.js';
import { spawnServer } from '../support/spawn-server.js';
import { waitFor } from '../support/wait-for.js';

let redis: OwnRedis;
let dir: string;
beforeAll(async () => {
  redis = await startOwnRedis();
  dir = await mkdtemp(join(tmpdir(), 'agent-authz-workers-hup-'));
});
afterAll(async () => {
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('SIGHUP to serve --workers', () => {
  it('is passed to every worker, each of which reads the policy file again', async () => {
    const policy = join(dir, 'policy.yaml');
    await writeFile(policy, 'unsigned: allow\n');
    const server = await spawnServer(
      ['--workers', '2', `--store.redis.url=${redis.url}`, `--policy=${policy}`],
      { expectListening: 2 },
    );
    const count = (msg: string) =>
      server
        .output()
        .split('\n')
        .filter((line) => line.includes(`"msg":"${msg}`)).length;
    try {
      server.child.kill('SIGHUP');
      await waitFor(() => count('SIGHUP: reading the policy file again') === 2, 10_000);
      expect(count('SIGHUP: passed to every worker')).toBe(1);
      await waitFor(() => count('policy file read again: unchanged') === 2, 10_000);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
