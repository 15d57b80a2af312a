import { type AdminServer, startAdminServer } from '../admin/start-admin-server.js';
import type { Config } from '../config/config-schema.js';
import type { Clock } from '../lib/clock.js';
import type { PolicySource } from '../policy/watch-policy.js';
import type { Store } from '../store/store.js';
import type { PolicyStatus } from './open-policy.js';
import type { Telemetry } from './start-telemetry.js';

/** The admin API over the app's store, policy and metrics; mutations audited in the decision log. */
export function startAdmin(
  config: Config,
  state: {
    store: Store;
    policy: { source: PolicySource; status: PolicyStatus };
    telemetry: Telemetry;
    clock: Clock;
    listenersUp: () => boolean;
  },
): Promise<AdminServer> {
  return startAdminServer(config.listen.admin, {
    store: state.store,
    policy: state.policy.source,
    policyStatus: state.policy.status,
    registry: state.telemetry.metrics.registry,
    token: config.admin.token,
    audit: (entry) => state.telemetry.decisionLog.audit(entry),
    listenersUp: state.listenersUp,
    clock: state.clock,
  });
}
