import type { Config } from '../config/config-schema.js';
import { DEFAULT_POLICY } from '../policy/load-policy.js';
import { type PolicySource, staticPolicy, watchPolicyFile } from '../policy/watch-policy.js';
import type { Logger } from '../telemetry/logger.js';

/** A rejected reload: why, and when. */
export interface PolicyRejection {
  readonly message: string;
  readonly atMs: number;
}

/** What `GET /v1/policy` reports beside the policy itself. */
export interface PolicyStatus {
  /**
   * The file as it is now was refused: the last reload was rejected and none since was applied
   * or found the file back at the policy in force. Cleared by either, so an alert on it clears.
   */
  lastError: PolicyRejection | undefined;
  /** The most recent rejection, kept after later reloads for whoever investigates. */
  lastRejected: PolicyRejection | undefined;
}

/** The policy file with hot reload, or the embedded default policy. */
export function openPolicy(
  config: Config,
  logger: Logger,
  now: () => number = Date.now,
): { source: PolicySource; status: PolicyStatus } {
  const status: PolicyStatus = { lastError: undefined, lastRejected: undefined };
  if (config.policy === undefined) return { source: staticPolicy(DEFAULT_POLICY), status };
  const source = watchPolicyFile(config.policy, {
    applied: (policy) => {
      status.lastError = undefined;
      logger.info({ sha256: policy.source.sha256 }, 'policy reloaded');
    },
    unchanged: (policy) => {
      status.lastError = undefined;
      logger.info(
        { sha256: policy.source.sha256 },
        'policy file read again: unchanged, the policy in force stays',
      );
    },
    rejected: (error) => {
      status.lastError = { message: error.message, atMs: now() };
      status.lastRejected = status.lastError;
      logger.error({ error: error.message }, 'policy reload rejected; the previous policy stays');
    },
  });
  return { source, status };
}
