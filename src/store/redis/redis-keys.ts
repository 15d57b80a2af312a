/**
 * Key names under the configured prefix. An agent's keys share the hash tag `{<agent id>}`,
 * so in a Redis Cluster the scripts that touch several of them run on one slot; the run
 * marker and the revocation set share `{meta}` for the same reason.
 */
export interface RedisKeys {
  replay(key: string): string;
  rate(key: string): string;
  activity(agentId: string): string;
  binding(agentId: string): string;
  readonly agents: string;
  readonly marker: string;
  readonly revoked: string;
  /** The pub/sub channel revocations and quarantines are announced on. */
  readonly channel: string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    replay: (key) => `${prefix}replay:${key}`,
    rate: (key) => `${prefix}rate:${key}`,
    activity: (agentId) => `${prefix}agent:{${agentId}}:activity`,
    binding: (agentId) => `${prefix}agent:{${agentId}}:binding`,
    agents: `${prefix}agents`,
    marker: `${prefix}{meta}:run`,
    revoked: `${prefix}{meta}:revoked`,
    channel: `${prefix}events`,
  };
}
