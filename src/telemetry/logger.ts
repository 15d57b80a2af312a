import { type Logger, pino } from 'pino';
import { REDACT } from './redact.js';

export type { Logger };

/**
 * Operational log (JSON lines on stdout). Credentials never reach it: callers log identifiers
 * and reason codes, and redact.ts censors credential fields as a second line of defence.
 */
export function createLogger(level: string): Logger {
  return pino({
    name: 'agent-authz',
    level,
    base: undefined,
    redact: REDACT,
  });
}
