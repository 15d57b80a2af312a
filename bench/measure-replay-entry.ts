/**
 * Memory per replay entry, for sizing `store.memory.maxEntries` and a Redis instance.
 *
 * - memory store: the V8 heap (after a full GC) before and after claiming N replay keys made the
 *   way the check makes them (`replayKey`, a SHA-256 of key id and nonce), in this process;
 * - Redis: `used_memory` of a redis-server of its own (a free port, no persistence, stopped by
 *   pid at the end) before and after N `SET <prefix>replay:<key> 1 NX PX ttl`, the store's call.
 *
 * `node --expose-gc dist-bench/bench/measure-replay-entry.js [N]` prints JSON: bytes per entry.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createClient } from '@redis/client';
import { replayKey } from '../src/replay/check-replay.js';
import { MemoryReplayStore } from '../src/store/memory/memory-replay-store.js';
import { redisKeys } from '../src/store/redis/redis-keys.js';

const ENTRIES = Number(process.argv[2] ?? 200_000);
const TTL_MS = 300_000;
const KEY_ID = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

function keys(count: number): string[] {
  return Array.from({ length: count }, () =>
    replayKey('sig', KEY_ID, randomBytes(16).toString('base64url')),
  );
}

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function measureMemoryStore(count: number): number {
  const store = new MemoryReplayStore(count + 1);
  const before = heapAfterGc();
  // Each key is made inside the loop, as a check makes it, so only the store holds it after:
  // the difference is the key string, the map slot, the TTL bookkeeping and the value.
  for (let i = 0; i < count; i += 1) store.claim(keys(1)[0] as string, TTL_MS);
  const after = heapAfterGc();
  if (store.size() !== count) throw new Error('not every key was claimed');
  return (after - before) / count;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(),
      );
    });
  });
}

async function measureRedis(replayKeys: readonly string[]): Promise<number> {
  const port = await freePort();
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const client = createClient({ url: `redis://127.0.0.1:${port}` });
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await client.connect();
        break;
      } catch (error) {
        if (attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const usedMemory = async () =>
      Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
    const names = redisKeys('agent-authz:');
    const before = await usedMemory();
    for (let start = 0; start < replayKeys.length; start += 1000) {
      const batch = client.multi();
      for (const key of replayKeys.slice(start, start + 1000)) {
        batch.set(names.replay(key), '1', { NX: true, PX: TTL_MS });
      }
      await batch.execAsPipeline();
    }
    const after = await usedMemory();
    if ((await client.dbSize()) !== replayKeys.length) throw new Error('not every key was set');
    return (after - before) / replayKeys.length;
  } finally {
    await client.quit().catch(() => {});
    server.kill('SIGTERM');
  }
}

const memory = measureMemoryStore(ENTRIES);
const replayKeys = keys(ENTRIES);
const redis = await measureRedis(replayKeys);
console.log(
  JSON.stringify({
    entries: ENTRIES,
    keyLength: replayKeys[0]?.length,
    memoryStoreBytesPerEntry: Math.round(memory),
    redisBytesPerEntry: Math.round(redis),
  }),
);
