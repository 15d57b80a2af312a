import type { IncomingMessage } from 'node:http';
import type { Registry } from 'prom-client';
import type { PolicyStatus } from '../app/open-policy.js';
import type { Clock } from '../lib/clock.js';
import type { PolicySource } from '../policy/watch-policy.js';
import type { Store } from '../store/store.js';
import type { AuditEntry } from '../telemetry/decision-log.js';
import type { TrafficRing } from '../telemetry/traffic-ring.js';
import type { AdminReply } from './admin-reply.js';

/** What the admin API reads and changes; injected by the composition root. */
export interface AdminDeps {
  readonly store: Store;
  readonly policy: PolicySource;
  readonly policyStatus: PolicyStatus;
  readonly registry: Registry;
  /** `admin.token`; '' disables mutations. */
  readonly token: string;
  /** `admin.allowedHosts`: Host names answered besides localhost and IP literals. */
  readonly allowedHosts: ReadonlySet<string>;
  readonly audit: (entry: AuditEntry) => void;
  /** True once the check listeners are bound and until draining starts. */
  readonly listenersUp: () => boolean;
  readonly clock: Clock;
  /** Per-interval check counts for `GET /v1/traffic` and the traffic page. */
  readonly traffic: TrafficRing;
}

/** One request to a matched route: the path's captured parts, decoded. */
export interface AdminRequest {
  readonly request: IncomingMessage;
  readonly url: URL;
  readonly params: readonly string[];
}

export type AdminHandler = (deps: AdminDeps, request: AdminRequest) => Promise<AdminReply>;
