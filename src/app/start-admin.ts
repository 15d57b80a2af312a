import { type AdminServer, startAdminServer } from '../admin/start-admin-server.js';
import type { Config } from '../config/config-schema.js';
import type { Clock } from '../lib/clock.js';
import type { PolicySource } from '../policy/watch-policy.js';
import type { Store } from '../store/store.js';
import type { AuditEntry } from '../telemetry/decision-log.js';
import type { Logger } from '../telemetry/logger.js';
import type { TrafficRing } from '../telemetry/traffic-ring.js';
import type { PolicyStatus } from './open-policy.js';
import type { Telemetry } from './start-telemetry.js';

/**
 * The admin API over the app's store, policy and metrics. Mutations are audited in the decision
 * log, or in the operational log when the decision log is off, so none goes unrecorded.
 */
export function startAdmin(
  config: Config,
  state: {
    store: Store;
    policy: { source: PolicySource; status: PolicyStatus };
    telemetry: Telemetry;
    clock: Clock;
    listenersUp: () => boolean;
    logger: Logger;
    traffic: TrafficRing;
  },
): Promise<AdminServer> {
  const audit =
    config.telemetry.decisionLog === 'off'
      ? (entry: AuditEntry) => state.logger.info({ audit: entry }, 'admin mutation')
      : (entry: AuditEntry) => state.telemetry.decisionLog.audit(entry);
  return startAdminServer(config.listen.admin, {
    store: state.store,
    policy: state.policy.source,
    policyStatus: state.policy.status,
    registry: state.telemetry.metrics.registry,
    token: config.admin.token,
    allowedHosts: new Set(config.admin.allowedHosts),
    audit,
    listenersUp: state.listenersUp,
    clock: state.clock,
    traffic: state.traffic,
  });
}
