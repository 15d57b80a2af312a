import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createEnvoyClient, problem, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { freePort } from '../support/redis-server.js';
import { deleteRedisKeys, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-test-store.js';
import { signedCheck } from '../support/signed-check.js';
import { listeningPorts, spawnServer } from '../support/spawn-server.js';
import { waitFor } from '../support/wait-for.js';

const outcome = (response: UpstreamCheckResponse) =>
  response.ok_response === undefined ? String(problem(response).reason) : 'allowed';
const signed = (path: string) =>
  signedCheck(
    { method: 'GET', url: `https://api.example.com${path}` },
    Math.floor(Date.now() / 1000),
  );
const workerPids = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.includes('"worker started"'))
    .map((line) => (JSON.parse(line) as { pid: number }).pid);

describe('agent-authz serve --workers', () => {
  const prefix = uniquePrefix();
  afterAll(async () => {
    await deleteRedisKeys(prefix);
  });

  it('refuses the memory store with more than one worker, and says why', () => {
    const run = spawnSync(process.execPath, ['bin/agent-authz.js', 'serve', '--workers', '2'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('more than one worker needs store.redis');
  });

  it.each(['native', 'grpc-js'])(
    'serves from two workers sharing state, replaces a killed worker, and drains on SIGTERM, gRPC on %s',
    async (grpcServer) => {
      const port = await freePort();
      const server = await spawnServer(
        [
          `--grpc.server=${grpcServer}`,
          '--workers',
          '2',
          `--store.redis.url=${SHARED_REDIS_URL}`,
          `--store.redis.key-prefix=${prefix}`,
        ],
        { port, expectListening: 2 },
      );
      // One connection per client: the supervisor hands connections to the workers in turn.
      const clients = Array.from({ length: 4 }, () =>
        createEnvoyClient(server.address, { ownConnection: true }),
      );
      try {
        const once = signed('/shared').request();
        const outcomes = [];
        for (const client of clients) outcomes.push(outcome(await client.check(once)));
        expect(outcomes).toEqual(['allowed', 'replayed', 'replayed', 'replayed']);

        const [victim] = workerPids(server.output());
        process.kill(victim!, 'SIGKILL');
        await waitFor(() => listeningPorts(server.output()).length >= 3, 20_000);
        expect(server.output()).toContain('worker exited; starting a new one');
        for (const [i, client] of clients.entries()) {
          expect(outcome(await client.check(signed(`/after-kill/${i}`).request()))).toBe('allowed');
        }
      } finally {
        for (const client of clients) client.close();
      }
      expect(await server.stop()).toBe(0);
    },
    60_000,
  );
});
