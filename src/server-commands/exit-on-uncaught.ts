import type { Logger } from '../telemetry/logger.js';

/**
 * What `serve` does with an exception nothing caught (docs/limits.md#process-errors). It is a
 * bug, never a client's input: every entry point from the network runs inside a boundary that
 * ends only its own stream, connection or check. The state such a bug leaves behind is
 * unknown, so the process logs it at fatal and exits 1, for its supervisor (kubelet, or
 * `serve --workers`) to start a fresh one. A promise rejection nothing handles is treated alike.
 */
export function exitOnUncaught(
  logger: Logger,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  const fatal = (what: string) => (error: unknown) => {
    try {
      logger.fatal({ err: error }, `${what}; exiting for a restart`);
    } finally {
      exit(1);
    }
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled promise rejection'));
}
