import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { createRedisStore } from '../../src/store/redis/create-redis-store.js';
import type { Store } from '../../src/store/store.js';
import { problem } from '../support/envoy-client.js';
import { deleteRedisKeys, redisStoreOptions, untilReady } from '../support/redis-test-store.js';
import { signedCheck } from '../support/signed-check.js';
import { type ServerProcess, spawnServer } from '../support/spawn-server.js';

const quarantined = generateAgentKey();
const limited = generateAgentKey();
const revoked = generateAgentKey();
const options = redisStoreOptions();
const dir = mkdtempSync(join(tmpdir(), 'agent-authz-replicas-'));
const policyFile = join(dir, 'policy.yaml');
writeFileSync(
  policyFile,
  [
    'agents:',
    `  - id: "${quarantined.didKey}"`,
    '    bindWorkload: first-use',
    '    onDrift: quarantine',
    `  - id: "${limited.didKey}"`,
    '    rateLimit: 2/min',
    '',
  ].join('\n'),
);

const flags = [
  `--store.redis.url=${options.url}`,
  `--store.redis.key-prefix=${options.keyPrefix}`,
  `--policy=${policyFile}`,
];
const now = () => Math.floor(Date.now() / 1000);
const request = (
  path: string,
  key = generateAgentKey(),
  principal = 'spiffe://cluster/ns/a/sa/one',
) =>
  signedCheck({ method: 'GET', url: `https://api.example.com${path}`, principal }, now(), { key });
const reason = (response: Awaited<ReturnType<ServerProcess['client']['check']>>) =>
  response.ok_response === undefined ? String(problem(response).reason) : 'allowed';

describe('two server processes sharing one Redis', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let admin: Store;
  const started: ServerProcess[] = [];
  beforeAll(async () => {
    // Each process is remembered as soon as it listens, so one that failed to start never
    // leaves the other running.
    const start = async () => {
      const server = await spawnServer(flags);
      started.push(server);
      return server;
    };
    [a, b] = await Promise.all([start(), start()]);
    admin = createRedisStore(options, pino({ level: 'silent' }));
    await untilReady(admin);
  }, 30_000);
  afterAll(async () => {
    const codes = await Promise.all(started.map((server) => server.stop()));
    expect(codes).toEqual(started.map(() => 0));
    await admin?.close();
    await deleteRedisKeys(options.keyPrefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reject at one a nonce already accepted by the other', async () => {
    const signed = request('/replayed');
    expect(reason(await a.client.check(signed.request()))).toBe('allowed');
    expect(reason(await b.client.check(signed.request()))).toBe('replayed');
  });

  it('deny at the other within a second of a revocation', async () => {
    expect(reason(await b.client.check(request('/before', revoked).request()))).toBe('allowed');
    await admin.revocations.revoke(revoked.didKey);
    const started = Date.now();
    let answer = 'allowed';
    while (answer === 'allowed' && Date.now() - started < 5000) {
      answer = reason(await b.client.check(request('/after', revoked).request()));
    }
    expect(answer).toBe('agent_revoked');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(reason(await a.client.check(request('/at-a', revoked).request()))).toBe('agent_revoked');
  });

  it('share one rate limit', async () => {
    expect(reason(await a.client.check(request('/1', limited).request()))).toBe('allowed');
    expect(reason(await b.client.check(request('/2', limited).request()))).toBe('allowed');
    expect(reason(await a.client.check(request('/3', limited).request()))).toBe('rate_limited');
    expect(reason(await b.client.check(request('/4', limited).request()))).toBe('rate_limited');
  });

  it('hold at one a quarantine set at the other', async () => {
    const home = 'spiffe://cluster/ns/a/sa/home';
    const elsewhere = 'spiffe://cluster/ns/b/sa/elsewhere';
    expect(reason(await a.client.check(request('/q1', quarantined, home).request()))).toBe(
      'allowed',
    );
    // The other replica has just read (and keeps, for up to a second) the agent's history.
    expect(reason(await b.client.check(request('/q1b', quarantined, home).request()))).toBe(
      'allowed',
    );
    expect(reason(await a.client.check(request('/q2', quarantined, elsewhere).request()))).toBe(
      'workload_drift',
    );
    // Back on its pinned workload, through the other replica: quarantined within a second
    // (the change is announced by pub/sub and evicts that replica's copy at once).
    const started = performance.now();
    await expect
      .poll(async () => reason(await b.client.check(request('/q3', quarantined, home).request())), {
        timeout: 5000,
        interval: 20,
      })
      .toBe('workload_drift');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await admin.history.release(quarantined.didKey)).toBe(true);
    await expect
      .poll(async () => reason(await b.client.check(request('/q4', quarantined, home).request())), {
        timeout: 5000,
        interval: 20,
      })
      .toBe('allowed');
  });
});
