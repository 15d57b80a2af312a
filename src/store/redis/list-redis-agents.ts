import { type AgentHistory, type HistoryPage, MAX_HISTORY_PAGE } from '../store.js';
import type { RedisCalls } from './guard-redis-calls.js';
import { parseRedisHistory } from './parse-redis-history.js';
import type { RedisKeys } from './redis-keys.js';
import { GET_HISTORIES, GET_HISTORY, LIST_AGENTS } from './redis-scripts.js';

type Hashes = [activity: string[], binding: string[]];

/**
 * The deadline of a listing's Redis calls. `store.redis.timeout` is sized for the check path
 * (well under Envoy's 200 ms); a page of hundreds of histories on a busy Redis may need longer,
 * and nothing waits on it but the operator.
 */
const LIST_TIMEOUT_MS = 1000;

/**
 * One page of `HistoryStore.list` from Redis: one range of the sorted-set index (ZRANGE BYLEX,
 * O(log n + page)), then the page's histories in one batch — a single script on a standalone
 * Redis; on a cluster, one script per agent, CLUSTER_BATCH at a time. Histories are read afresh, not
 * through the store's cache of recent reads, which a listing would flush of the agents that
 * checks are reading. An indexed id whose history has expired is skipped.
 */
export async function listRedisAgents(
  calls: RedisCalls,
  keys: RedisKeys,
  options: { after?: string; limit: number },
  cluster: boolean,
): Promise<HistoryPage> {
  const limit = Math.max(0, Math.min(options.limit, MAX_HISTORY_PAGE));
  const from = options.after === undefined ? '-' : `(${options.after}`;
  const ids = (await calls.run(
    (link) => link.script(LIST_AGENTS, [keys.agents], [from, String(limit + 1)]),
    LIST_TIMEOUT_MS,
  )) as string[];
  const page = ids.slice(0, limit);
  const hashes = cluster ? await readEach(calls, keys, page) : await readAll(calls, keys, page);
  const agents: Array<{ id: string; history: AgentHistory }> = [];
  page.forEach((id, i) => {
    const history = parseRedisHistory(...hashes[i]!);
    if (history !== undefined) agents.push({ id, history });
  });
  return ids.length > page.length ? { agents, next: page.at(-1)! } : { agents };
}

const agentKeys = (keys: RedisKeys, id: string) => [keys.activity(id), keys.binding(id)];

async function readAll(calls: RedisCalls, keys: RedisKeys, ids: string[]): Promise<Hashes[]> {
  if (ids.length === 0) return [];
  const all = ids.flatMap((id) => agentKeys(keys, id));
  return (await calls.run(
    (link) => link.script(GET_HISTORIES, all, []),
    LIST_TIMEOUT_MS,
  )) as Hashes[];
}

/** Calls a listing may have in flight at once on a cluster, well under `maxInFlight`. */
const CLUSTER_BATCH = 100;

async function readEach(calls: RedisCalls, keys: RedisKeys, ids: string[]): Promise<Hashes[]> {
  const hashes: Hashes[] = [];
  for (let start = 0; start < ids.length; start += CLUSTER_BATCH) {
    const batch = ids
      .slice(start, start + CLUSTER_BATCH)
      .map(
        (id) =>
          calls.run(
            (link) => link.script(GET_HISTORY, agentKeys(keys, id), []),
            LIST_TIMEOUT_MS,
          ) as Promise<Hashes>,
      );
    hashes.push(...(await Promise.all(batch)));
  }
  return hashes;
}
