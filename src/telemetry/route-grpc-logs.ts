import { format } from 'node:util';
import { setLogger } from '@grpc/grpc-js';
import type { Logger } from './logger.js';

/**
 * grpc-js writes its own diagnostics to stderr through `console.error` (for a port in use, say,
 * "E No address added out of total 1 resolved" beside our one-line message). Route them into
 * the operational log instead, at warn for grpc-js errors and debug for the rest.
 */
export function routeGrpcLogs(logger: Logger): void {
  const to =
    (level: 'warn' | 'debug') =>
    (...args: unknown[]): void =>
      logger[level]({ component: 'grpc-js' }, format(...args));
  setLogger({ error: to('warn'), info: to('debug'), debug: to('debug') });
}
