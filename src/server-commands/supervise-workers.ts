import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config/config-schema.js';
import type { Logger } from '../telemetry/logger.js';

/** Whether this process is the supervisor of `serve --workers N` (N > 1) rather than a server. */
export function isSupervisor(config: Config): boolean {
  return config.workers > 1 && cluster.isPrimary;
}

/** Restarts within this window count as a crash loop and are spaced out. */
const CRASH_WINDOW_MS = 10_000;
const MAX_RESTART_DELAY_MS = 5000;

/**
 * `serve --workers N`: forks N copies of this command (node:cluster), which share the listening
 * ports, each with its own connections to the shared Redis store. A worker that dies is
 * replaced, with growing delays while it keeps crashing. SIGTERM/SIGINT is passed to every
 * worker, which drains as a single server does; the supervisor exits when all have, 0 if all
 * exited cleanly, and kills those still running after `shutdown.timeout` plus five seconds.
 * SIGHUP is passed to every worker too: each reads the policy file again.
 */
export function superviseWorkers(config: Config, logger: Logger): void {
  const recentCrashes: number[] = [];
  let stopping = false;
  let failed = false;
  const start = (): void => {
    const worker = cluster.fork();
    logger.info({ worker: worker.id, pid: worker.process.pid }, 'worker started');
  };
  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    if (stopping) {
      failed ||= code !== 0;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    const now = Date.now();
    recentCrashes.push(now);
    while (recentCrashes[0]! < now - CRASH_WINDOW_MS) recentCrashes.shift();
    const delayMs = Math.min(100 * 2 ** (recentCrashes.length - 1), MAX_RESTART_DELAY_MS);
    logger.error(
      { worker: worker.id, pid: worker.process.pid, code, signal, restartInMs: delayMs },
      'worker exited; starting a new one',
    );
    setTimeout(() => {
      if (!stopping) start();
    }, delayMs);
  });
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping workers: each drains its in-flight checks');
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker?.process.kill('SIGTERM');
    setTimeout(
      () => {
        logger.error('workers did not stop in time; killing them');
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      },
      config.shutdown.timeout + config.shutdown.drainDelay + 5000,
    ).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    logger.info(
      { signal: 'SIGHUP' },
      'SIGHUP: passed to every worker, each reads the policy again',
    );
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGHUP');
  });
  logger.info({ workers: config.workers }, 'supervisor starting workers');
  for (let i = 0; i < config.workers; i++) start();
}
