import { type App, startApp } from '../app/start-app.js';
import type { CliIo } from '../command-line/cli-io.js';
import { parseCommandArgs } from '../command-line/parse-command-args.js';
import type { Config } from '../config/config-schema.js';
import { configFlagOptions } from '../config/config-sources.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { routeGrpcLogs } from '../telemetry/route-grpc-logs.js';
import { exitOnUncaught } from './exit-on-uncaught.js';
import { startFailed } from './start-failed.js';
import { isSupervisor, superviseWorkers } from './supervise-workers.js';

const SERVE = {
  command: 'serve',
  usage: `usage: agent-authz serve [--config FILE] [--<field> VALUE]...

Runs the Envoy ext_authz server. With no file, variable or flag it runs the embedded defaults.
  -c, --config FILE     YAML configuration file (default: $AGENT_AUTHZ_CONFIG, else none)
  --<field> VALUE       set any configuration field, e.g. --listen.grpc 127.0.0.1:9191 or
                        --signatures.max-age=60s (the README's Configuration table lists them)
  --workers N           run N worker processes sharing the listening ports (the config field
                        workers; more than one needs store.redis, see docs/redis.md)
  -h, --help            show this help
Flags win over AGENT_AUTHZ_* environment variables, variables over the file.
SIGTERM / SIGINT drain and exit 0 within shutdown.drainDelay + shutdown.timeout; SIGHUP
reads the policy file again (the configuration is read once: changing it needs a restart).
Exit status: 0 after a drain, 2 when the configuration or policy is invalid or a port cannot
be bound, 1 when the drain did not end in time or after an exception nothing caught.
`,
  options: { config: { type: 'string', short: 'c' }, ...configFlagOptions() },
} as const;

/** One second beyond the drain for closing the store; then the process exits regardless. */
const EXIT_GRACE_MS = 1000;

/**
 * `agent-authz serve`: load and validate the config, start the listeners, drain on
 * SIGTERM/SIGINT (finish in-flight checks, exit 0) and re-read the policy file on SIGHUP. Exit
 * is bounded: whatever a log destination or a connection does, the process ends shortly after
 * the configured drain.
 */
export async function serve(args: readonly string[], io: CliIo): Promise<void> {
  const { values } = parseCommandArgs(SERVE, args);
  const { config: file, ...fields } = values as Record<string, string | undefined>;
  const config = loadConfig({
    file: file ?? io.env.AGENT_AUTHZ_CONFIG,
    env: io.env,
    flags: Object.entries(fields).map(([name, value]) => `--${name}=${value}`),
  });
  const logger = createLogger(config.log.level);
  exitOnUncaught(logger);
  routeGrpcLogs(logger);
  if (isSupervisor(config)) return superviseWorkers(config, logger);
  let app: App | undefined;
  // Installed before the listeners start: SIGHUP's default action would end the process.
  process.on('SIGHUP', () => reloadOnHangup(app, config, logger));
  app = await startApp(config, { logger }).catch((error: unknown) => {
    throw startFailed(error, config);
  });
  drainOnSignals(app, config, logger);
}

/** SIGTERM / SIGINT: drain, then exit 0 (1 if the drain failed or outlasted its bound). */
function drainOnSignals(app: App, config: Config, logger: Logger): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    const { drainDelay, timeout } = config.shutdown;
    setTimeout(() => process.exit(1), drainDelay + timeout + EXIT_GRACE_MS).unref();
    logger.info({ signal }, 'shutting down');
    app.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * SIGHUP re-reads the policy file at once, as a change to it would; the outcome is logged
 * (`policy reloaded`, `… unchanged …`, `policy reload rejected`). The configuration is read
 * once at start: changing it needs a restart.
 */
function reloadOnHangup(app: App | undefined, config: Config, logger: Logger): void {
  const signal = 'SIGHUP';
  if (config.policy === undefined) {
    logger.info(
      { signal },
      'SIGHUP: no policy file is configured, nothing to reload (configuration changes need a restart)',
    );
    return;
  }
  if (app === undefined) {
    logger.info({ signal }, 'SIGHUP while starting: the policy file is being read anyway');
    return;
  }
  logger.info({ signal, file: config.policy }, 'SIGHUP: reading the policy file again');
  app.policy.reload();
}
