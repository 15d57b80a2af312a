import type { Config } from '../config/config-schema.js';
import { DEFAULT_POLICY } from '../policy/load-policy.js';
import { type PolicySource, staticPolicy, watchPolicyFile } from '../policy/watch-policy.js';
import type { Logger } from '../telemetry/logger.js';

/** The policy file with hot reload, or the embedded default policy. */
export function openPolicy(config: Config, logger: Logger): PolicySource {
  if (config.policy === undefined) return staticPolicy(DEFAULT_POLICY);
  const source = watchPolicyFile(config.policy, {
    applied: (policy) => logger.info({ sha256: policy.source.sha256 }, 'policy reloaded'),
    rejected: (error) =>
      logger.error({ error: error.message }, 'policy reload rejected; the previous policy stays'),
  });
  logger.info({ file: config.policy, sha256: source.current().source.sha256 }, 'policy loaded');
  return source;
}
