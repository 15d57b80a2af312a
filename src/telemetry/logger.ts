import { type Logger, pino } from 'pino';
import { createLogSink, type LogSink } from './log-sink.js';
import { REDACT } from './redact.js';

export type { Logger };

/**
 * Operational log (JSON lines on stdout). Credentials never reach it: callers log identifiers
 * and reason codes, and redact.ts censors credential fields as a second line of defence. Writing
 * never throws or blocks exit (see createLogSink).
 */
export function createLogger(level: string, sink: LogSink = createLogSink()): Logger {
  return pino({ name: 'agent-authz', level, base: undefined, redact: REDACT }, sink);
}
