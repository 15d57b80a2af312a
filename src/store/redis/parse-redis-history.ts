import type { AgentHistory, DriftEvent } from '../store.js';

/** An agent's history from the two hashes HGETALL returned (flat field, value lists). */
export function parseRedisHistory(activity: string[], binding: string[]): AgentHistory | undefined {
  if (activity.length === 0 && binding.length === 0) return undefined;
  return parseHistory(pairs(activity), pairs(binding));
}

function pairs(flat: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(flat[i]!, flat[i + 1]!);
  return map;
}

/** cjson writes an empty Lua table as `{}`: read anything but an array as empty. */
function jsonList<T>(text: string | undefined): T[] {
  const value: unknown = JSON.parse(text ?? '[]');
  return Array.isArray(value) ? (value as T[]) : [];
}

function parseHistory(activity: Map<string, string>, binding: Map<string, string>): AgentHistory {
  const number = (name: string) => Number(activity.get(name) ?? 0);
  return {
    firstSeenMs: number('firstSeenMs'),
    lastSeenMs: number('lastSeenMs'),
    allowed: number('allowed'),
    denied: number('denied'),
    workloads: jsonList<string>(activity.get('workloads')),
    pinnedWorkload: binding.get('pinned'),
    driftEvents: jsonList<DriftEvent>(binding.get('drift')),
    quarantined: binding.get('quarantined') === '1',
  };
}
