import { randomUUID } from 'node:crypto';
import type { Logger } from '../../telemetry/logger.js';
import type { RedisCalls } from './guard-redis-calls.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisRevocationStore } from './redis-revocation-store.js';
import { SYNC_STATE } from './redis-scripts.js';

export interface StateSyncDeps {
  readonly calls: RedisCalls;
  readonly keys: RedisKeys;
  readonly revocations: RedisRevocationStore;
  readonly logger: Logger;
  readonly onError: (error: unknown) => void;
}

const DATA_LOSS_ADVICE =
  'Redis lost its data (a restart without persistence, or a failover to an empty replica). ' +
  'Replay keys of the last signatures.maxAge are gone, so a request signed in that window ' +
  'can be replayed once; workload pins, quarantines and history are gone too. Revocations ' +
  'this replica still held have been written back. Check Redis persistence (appendonly) and ' +
  'replication, re-apply quarantines, and review requests accepted since the restart.';

/**
 * One resync: loads the revocation set into the mirror and checks the run marker. A random
 * marker is written into a Redis that holds none; seeing it vanish or change means Redis lost its data,
 * which is logged with what the operator should do.
 */
export function createStateSync(deps: StateSyncDeps): () => Promise<void> {
  let knownRun: string | undefined;
  return async () => {
    try {
      const changes = deps.revocations.changes;
      // A new value each time: a marker rewritten after a loss never equals the one known.
      const candidate = randomUUID();
      const [previous, members] = (await deps.calls.run((link) =>
        link.script(SYNC_STATE, [deps.keys.marker, deps.keys.revoked], [candidate]),
      )) as [string | null, string[]];
      const run = previous ?? candidate;
      if (knownRun === undefined && previous === null) {
        deps.logger.info('Redis holds no agent-authz state yet: first start, or Redis was emptied');
      }
      const lost = knownRun !== undefined && run !== knownRun;
      knownRun = run;
      if (!lost) deps.revocations.replace(members, changes);
      else {
        deps.revocations.merge(members);
        const restored = await deps.revocations.restore();
        deps.logger.error({ restoredRevocations: restored }, DATA_LOSS_ADVICE);
      }
    } catch (error) {
      deps.onError(error);
    }
  };
}
