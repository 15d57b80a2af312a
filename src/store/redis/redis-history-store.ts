import { LRUCache } from 'lru-cache';
import type { AgentHistory, DriftEvent, HistoryPage, HistoryStore } from '../store.js';
import type { RedisCalls } from './guard-redis-calls.js';
import { listRedisAgents } from './list-redis-agents.js';
import { parseRedisHistory } from './parse-redis-history.js';
import type { RedisKeys } from './redis-keys.js';
import {
  GET_HISTORY,
  INDEX_AGENT,
  type LuaScript,
  PIN_WORKLOAD,
  RECORD_DRIFT,
  RECORD_OUTCOME,
  RELEASE,
} from './redis-scripts.js';

const MAX_WORKLOADS = 10;
/** Agents whose last history read a process keeps (for at most `historyCacheMs`). */
const RECENT_READS = 10_000;
const MAX_DRIFT_EVENTS = 20;

export interface RedisHistoryOptions {
  /** How long activity counts live after an agent's last request. Bindings never expire. */
  readonly activityTtlMs: number;
  /** How long a read is reused by this process (0: never); announced changes evict it. */
  readonly historyCacheMs: number;
  /** Told when a write made off the check's path failed (the decision already stands). */
  readonly onBackgroundError: (error: unknown) => void;
  /** Tells every replica that an agent's binding changed (pin, quarantine, release). */
  readonly announce: (agentId: string) => void;
  /** Redis Cluster: one script cannot read several agents, whose keys sit in other slots. */
  readonly cluster: boolean;
}

/**
 * Agent history in Redis. Activity lives in a hash that expires; the pin, drift events and
 * quarantine live in another that never does (`maxmemory-policy` must not evict it).
 * Recording an outcome is sent without waiting for Redis: it is the check's last step and
 * the decision does not depend on it.
 *
 * A read is reused for `historyCacheMs` (at most 1 s), so a signed check of an agent seen in
 * that time costs one round trip (its replay claim) rather than two. A change to a binding — a
 * pin, a drift, a quarantine, a release — is announced on the channel and evicts the agent's
 * entry in every process at once; the time bound covers a missed message. Activity counts
 * (trust levels) may lag by that time.
 */
export class RedisHistoryStore implements HistoryStore {
  readonly #calls: RedisCalls;
  readonly #keys: RedisKeys;
  readonly #options: RedisHistoryOptions;
  /** Ids this process has already put in the agent index. */
  readonly #indexed = new Set<string>();
  /** Recent reads (the pending promise, so concurrent checks of one agent share one). */
  readonly #recent: LRUCache<string, Promise<AgentHistory | undefined>> | undefined;

  constructor(calls: RedisCalls, keys: RedisKeys, options: RedisHistoryOptions) {
    this.#calls = calls;
    this.#keys = keys;
    this.#options = options;
    this.#recent =
      options.historyCacheMs > 0
        ? new LRUCache({ max: RECENT_READS, ttl: options.historyCacheMs, ttlAutopurge: false })
        : undefined;
  }

  get(agentId: string): Promise<AgentHistory | undefined> {
    const recent = this.#recent;
    if (recent === undefined) return this.#read(agentId);
    const cached = recent.get(agentId);
    if (cached !== undefined) return cached;
    const read = this.#read(agentId);
    recent.set(agentId, read);
    read.catch(() => {
      if (recent.get(agentId) === read) recent.delete(agentId);
    });
    return read;
  }

  /** Drops this process's copy of an agent's history: its binding changed somewhere. */
  forget(agentId: string): void {
    this.#recent?.delete(agentId);
  }

  async #read(agentId: string): Promise<AgentHistory | undefined> {
    const [activity, binding] = (await this.#script(GET_HISTORY, agentId, [])) as [
      string[],
      string[],
    ];
    return parseRedisHistory(activity, binding);
  }

  async recordOutcome(
    agentId: string,
    outcome: { allowed: boolean; workload: string | undefined; atMs: number },
  ): Promise<void> {
    const args = [
      String(outcome.atMs),
      outcome.allowed ? '1' : '0',
      outcome.workload ?? '',
      String(MAX_WORKLOADS),
      String(this.#options.activityTtlMs),
    ];
    const write = this.#calls.run((link) =>
      link.script(RECORD_OUTCOME, [this.#keys.activity(agentId)], args),
    );
    write.then(() => this.#index(agentId)).catch(this.#options.onBackgroundError);
  }

  async pinWorkload(agentId: string, fingerprint: string): Promise<string> {
    const pinned = (await this.#script(PIN_WORKLOAD, agentId, [fingerprint])) as string;
    await this.#index(agentId);
    return pinned;
  }

  async recordDrift(agentId: string, event: DriftEvent, quarantine: boolean): Promise<void> {
    const args = [JSON.stringify(event), quarantine ? '1' : '0', String(MAX_DRIFT_EVENTS)];
    await this.#script(RECORD_DRIFT, agentId, args);
    this.#changed(agentId);
    await this.#index(agentId);
  }

  async release(agentId: string): Promise<boolean> {
    const released = (await this.#script(RELEASE, agentId, [])) === 1;
    if (released) this.#changed(agentId);
    return released;
  }

  /** A page of the sorted-set index and the histories of its agents (listRedisAgents). */
  list(options: { after?: string; limit: number }): Promise<HistoryPage> {
    return listRedisAgents(this.#calls, this.#keys, options, this.#options.cluster);
  }

  /** Evicts the agent's cached history here at once, and in every other process by pub/sub. */
  #changed(agentId: string): void {
    this.forget(agentId);
    this.#options.announce(agentId);
  }

  /** A script over one agent's keys (both share the agent's hash tag). */
  #script(script: LuaScript, agentId: string, args: string[]): Promise<unknown> {
    const keys = [this.#keys.activity(agentId), this.#keys.binding(agentId)];
    return this.#calls.run((link) => link.script(script, keys, args));
  }

  async #index(agentId: string): Promise<void> {
    if (this.#indexed.has(agentId)) return;
    await this.#calls.run((link) => link.script(INDEX_AGENT, [this.#keys.agents], [agentId]));
    if (this.#indexed.size >= 100_000) this.#indexed.clear();
    this.#indexed.add(agentId);
  }
}
