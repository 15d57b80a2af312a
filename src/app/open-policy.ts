import type { Config } from '../config/config-schema.js';
import { DEFAULT_POLICY } from '../policy/load-policy.js';
import { type PolicySource, staticPolicy, watchPolicyFile } from '../policy/watch-policy.js';
import type { Logger } from '../telemetry/logger.js';

/** What `GET /v1/policy` reports beside the policy itself: the last rejected reload. */
export interface PolicyStatus {
  lastError: { readonly message: string; readonly atMs: number } | undefined;
}

/** The policy file with hot reload, or the embedded default policy. */
export function openPolicy(
  config: Config,
  logger: Logger,
  now: () => number = Date.now,
): { source: PolicySource; status: PolicyStatus } {
  const status: PolicyStatus = { lastError: undefined };
  if (config.policy === undefined) return { source: staticPolicy(DEFAULT_POLICY), status };
  const source = watchPolicyFile(config.policy, {
    applied: (policy) => logger.info({ sha256: policy.source.sha256 }, 'policy reloaded'),
    rejected: (error) => {
      status.lastError = { message: error.message, atMs: now() };
      logger.error({ error: error.message }, 'policy reload rejected; the previous policy stays');
    },
  });
  logger.info({ file: config.policy, sha256: source.current().source.sha256 }, 'policy loaded');
  return { source, status };
}
