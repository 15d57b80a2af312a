import type { Store } from '../store.js';
import { MemoryReplayStore } from './memory-replay-store.js';

export interface MemoryStoreOptions {
  readonly maxEntries: number;
}

/** The default, single-process store. */
export function createMemoryStore(options: MemoryStoreOptions): Store {
  return {
    kind: 'memory',
    replay: new MemoryReplayStore(options.maxEntries),
    close: async () => {},
  };
}
