import type { Store } from '../store.js';
import { MemoryHistoryStore } from './memory-history-store.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import { MemoryReplayStore } from './memory-replay-store.js';
import { MemoryRevocationStore } from './memory-revocation-store.js';

export interface MemoryStoreOptions {
  /** Replay entries held. */
  readonly maxEntries: number;
  /** Agents whose history, bindings and rate-limit state are held. */
  readonly maxAgents: number;
}

/** The default, single-process store. */
export function createMemoryStore(options: MemoryStoreOptions): Store {
  return {
    kind: 'memory',
    replay: new MemoryReplayStore(options.maxEntries),
    history: new MemoryHistoryStore(options.maxAgents),
    revocations: new MemoryRevocationStore(),
    rateLimiter: new MemoryRateLimiter(options.maxAgents),
    ping: async () => {},
    inFlight: () => 0,
    close: async () => {},
  };
}
