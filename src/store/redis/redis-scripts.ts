import { createHash } from 'node:crypto';

/** A Lua script run with EVALSHA (falling back to EVAL once after a Redis restart). */
export interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

function lua(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/**
 * GCRA, the same algorithm as MemoryRateLimiter, atomic in one call. KEYS[1] holds the
 * theoretical arrival time; ARGV: now, interval, tolerance (ms). Numbers go back and forth as
 * `%.17g` text so fractional intervals survive exactly. Returns {1} or {0, retryAfterMs}.
 */
export const TAKE_RATE = lua(`
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local arrival = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
if arrival < now then arrival = now end
if arrival - now > tolerance then
  return {0, string.format('%.17g', arrival - tolerance - now)}
end
local nextArrival = arrival + interval
redis.call('SET', KEYS[1], string.format('%.17g', nextArrival), 'PX',
  math.max(1, math.ceil(nextArrival - now)))
return {1}
`);

/** KEYS: activity, binding (one slot: the agent's hash tag). Returns both hashes, flat. */
export const GET_HISTORY = lua(`
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}
`);

/**
 * KEYS[1] activity hash; ARGV: atMs, allowed (1|0), workload ('' for none), max workloads,
 * ttl ms. Activity may be forgotten (it expires), unlike bindings.
 */
export const RECORD_OUTCOME = lua(`
local key = KEYS[1]
redis.call('HSETNX', key, 'firstSeenMs', ARGV[1])
redis.call('HSET', key, 'lastSeenMs', ARGV[1])
redis.call('HINCRBY', key, ARGV[2] == '1' and 'allowed' or 'denied', 1)
if ARGV[3] ~= '' then
  local seen = cjson.decode(redis.call('HGET', key, 'workloads') or '[]')
  local kept = {}
  for _, workload in ipairs(seen) do
    if workload ~= ARGV[3] then kept[#kept + 1] = workload end
  end
  kept[#kept + 1] = ARGV[3]
  while #kept > tonumber(ARGV[4]) do table.remove(kept, 1) end
  redis.call('HSET', key, 'workloads', cjson.encode(kept))
end
redis.call('PEXPIRE', key, ARGV[5])
`);

/** KEYS: activity, binding (no expiry); ARGV[1] fingerprint. Returns the pinned fingerprint. */
export const PIN_WORKLOAD = lua(`
redis.call('HSETNX', KEYS[2], 'pinned', ARGV[1])
return redis.call('HGET', KEYS[2], 'pinned')
`);

/** KEYS: activity, binding; ARGV: event JSON, quarantine (1|0), max events. */
export const RECORD_DRIFT = lua(`
local events = cjson.decode(redis.call('HGET', KEYS[2], 'drift') or '[]')
events[#events + 1] = cjson.decode(ARGV[1])
while #events > tonumber(ARGV[3]) do table.remove(events, 1) end
redis.call('HSET', KEYS[2], 'drift', cjson.encode(events))
if ARGV[2] == '1' then redis.call('HSET', KEYS[2], 'quarantined', '1') end
`);

/** KEYS: activity, binding. Returns 1 when a quarantine was lifted. */
export const RELEASE = lua(`
if redis.call('HGET', KEYS[2], 'quarantined') ~= '1' then return 0 end
redis.call('HSET', KEYS[2], 'quarantined', '0')
return 1
`);

/** KEYS[1] the agent index (sorted set, all scores 0); ARGV[1] agent id. */
export const INDEX_AGENT = lua(`
redis.call('ZADD', KEYS[1], 'NX', 0, ARGV[1])
`);

/**
 * KEYS: activity, binding, activity, binding, … of several agents (a standalone Redis only: in
 * a cluster their slots differ). Returns each agent's two hashes, flat, in KEYS order.
 */
export const GET_HISTORIES = lua(`
local histories = {}
for i = 1, #KEYS, 2 do
  histories[#histories + 1] = {redis.call('HGETALL', KEYS[i]), redis.call('HGETALL', KEYS[i + 1])}
end
return histories
`);

/** KEYS[1] the agent index; ARGV: lexical lower bound, count. */
export const LIST_AGENTS = lua(`
return redis.call('ZRANGE', KEYS[1], ARGV[1], '+', 'BYLEX', 'LIMIT', 0, tonumber(ARGV[2]))
`);

/**
 * KEYS: revocation set; ARGV: operation (revoke|unrevoke), id, channel. Changes the set and
 * tells every replica in the same call. Returns how many members changed.
 */
export const CHANGE_REVOCATION = lua(`
local changed
if ARGV[1] == 'revoke' then
  changed = redis.call('SADD', KEYS[1], ARGV[2])
else
  changed = redis.call('SREM', KEYS[1], ARGV[2])
end
redis.call('PUBLISH', ARGV[3], ARGV[1] .. '\\n' .. ARGV[2])
return changed
`);

/**
 * KEYS: run marker, revocation set; ARGV[1] a fresh random marker. Sets it when it is
 * missing (an empty or restarted Redis) and returns {previous marker or false, members}.
 */
export const SYNC_STATE = lua(`
local run = redis.call('GET', KEYS[1])
if not run then redis.call('SET', KEYS[1], ARGV[1]) end
return {run, redis.call('SMEMBERS', KEYS[2])}
`);

/** KEYS[1] revocation set; ARGV the ids to add back after Redis lost its data. */
export const RESTORE_REVOCATIONS = lua(`
if #ARGV > 0 then redis.call('SADD', KEYS[1], unpack(ARGV)) end
`);
