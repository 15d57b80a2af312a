import { startApp } from '../app/start-app.js';
import { parseCommandArgs } from '../command-line/parse-command-args.js';
import { configFlagOptions } from '../config/config-sources.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../telemetry/logger.js';
import { routeGrpcLogs } from '../telemetry/route-grpc-logs.js';
import { exitOnUncaught } from './exit-on-uncaught.js';
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
SIGTERM / SIGINT drain and exit 0 within shutdown.drainDelay + shutdown.timeout.
`,
  options: { config: { type: 'string', short: 'c' }, ...configFlagOptions() },
} as const;

/**
 * The HTTP and admin listeners' bind failure as one line, as the gRPC listener reports it
 * (`listen 127.0.0.1:9193: address already in use`), not node's "listen EADDRINUSE: …".
 */
function describeListenError(error: unknown): unknown {
  const { syscall, address, port, message } = error as NodeJS.ErrnoException & {
    address?: string;
    port?: number;
  };
  if (syscall !== 'listen' || address === undefined || port === undefined) return error;
  const host = address.includes(':') ? `[${address}]` : address;
  const cause = /^listen E[A-Z]+: (.+?) \S+$/.exec(message)?.[1] ?? message;
  return new Error(`listen ${host}:${port}: ${cause}`);
}

/** One second beyond the drain for closing the store; then the process exits regardless. */
const EXIT_GRACE_MS = 1000;

/**
 * `agent-authz serve`: load and validate the config, start the listeners, and drain on
 * SIGTERM/SIGINT (finish in-flight checks, exit 0). Exit is bounded: whatever a log destination
 * or a connection does, the process ends shortly after the configured drain.
 */
export async function serve(args: readonly string[]): Promise<void> {
  const { values } = parseCommandArgs(SERVE, args);
  const { config: file, ...fields } = values as Record<string, string | undefined>;
  const config = loadConfig({
    file: file ?? process.env.AGENT_AUTHZ_CONFIG,
    env: process.env,
    flags: Object.entries(fields).map(([name, value]) => `--${name}=${value}`),
  });
  const logger = createLogger(config.log.level);
  exitOnUncaught(logger);
  routeGrpcLogs(logger);
  if (isSupervisor(config)) return superviseWorkers(config, logger);
  const app = await startApp(config, { logger }).catch((error: unknown) => {
    throw describeListenError(error);
  });
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
