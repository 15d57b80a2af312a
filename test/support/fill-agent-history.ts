import { createClient } from '@redis/client';
import { redisKeys } from '../../src/store/redis/redis-keys.js';
import type { HistoryStore } from '../../src/store/store.js';

export const SCALE_WORKLOAD = 'spiffe://cluster.local/ns/scale/sa/agent';

/**
 * Records agents through the store's own API as checks do: an outcome and a workload pin each,
 * `inFlight` agents at a time (a Redis store refuses calls past its `maxInFlight`; the outcome
 * is written without waiting, and the pin sent after it on the same link is answered after it).
 */
export async function recordAgents(
  history: HistoryStore,
  ids: readonly string[],
  atMs: number,
  inFlight = 1000,
): Promise<void> {
  for (let start = 0; start < ids.length; start += inFlight) {
    const batch = ids.slice(start, start + inFlight).map((id) => {
      void history.recordOutcome(id, { allowed: true, workload: SCALE_WORKLOAD, atMs });
      return history.pinWorkload(id, SCALE_WORKLOAD);
    });
    await Promise.all(batch);
  }
}

/**
 * Copies, inside a standalone Redis, the history the store wrote for `template` to each of
 * `ids` and adds them to the agent index: the store's own layout, without one round trip per
 * agent (which would make a 100 000-agent history take tens of seconds to build).
 */
const CLONE_AGENTS = `
local activity = redis.call('HGETALL', KEYS[1])
local binding = redis.call('HGETALL', KEYS[2])
for i, id in ipairs(ARGV) do
  redis.call('HSET', KEYS[2 * i + 2], unpack(activity))
  redis.call('HSET', KEYS[2 * i + 3], unpack(binding))
  redis.call('ZADD', KEYS[3], 0, id)
end
return #ARGV`;

export async function cloneRedisAgent(
  url: string,
  keyPrefix: string,
  template: string,
  ids: readonly string[],
): Promise<void> {
  const keys = redisKeys(keyPrefix);
  const client = createClient({ url });
  await client.connect();
  try {
    for (let start = 0; start < ids.length; start += 5000) {
      const batch = ids.slice(start, start + 5000);
      await client.eval(CLONE_AGENTS, {
        keys: [
          keys.activity(template),
          keys.binding(template),
          keys.agents,
          ...batch.flatMap((id) => [keys.activity(id), keys.binding(id)]),
        ],
        arguments: [...batch],
      });
    }
  } finally {
    await client.close();
  }
}
