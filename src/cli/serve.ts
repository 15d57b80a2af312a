import { startApp } from '../app/start-app.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../telemetry/logger.js';
import { isSupervisor, superviseWorkers } from './supervise-workers.js';

/**
 * `agent-authz serve [--config FILE] [--field=value …]`: load and validate the config, start the
 * listeners, and drain on SIGTERM/SIGINT (finish in-flight checks, exit 0).
 */
export async function serve(args: readonly string[]): Promise<void> {
  const { file, flags } = splitConfigFlag(args);
  const config = loadConfig({
    file: file ?? process.env.AGENT_AUTHZ_CONFIG,
    env: process.env,
    flags,
  });
  const logger = createLogger(config.log.level);
  if (isSupervisor(config)) return superviseWorkers(config, logger);
  const app = await startApp(config, { logger });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
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

function splitConfigFlag(args: readonly string[]): { file?: string; flags: string[] } {
  const flags: string[] = [];
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--config' || arg === '-c') file = args[++i];
    else if (arg.startsWith('--config=')) file = arg.slice('--config='.length);
    else flags.push(arg);
  }
  return file === undefined ? { flags } : { file, flags };
}
