import { type Logger, pino } from 'pino';
import { createIsoTimeText } from './iso-time-text.js';
import { createLogSink, type LogSink } from './log-sink.js';
import { REDACT } from './redact.js';

export type { Logger };

/**
 * Operational log (JSON lines on stdout). Credentials never reach it: callers log identifiers
 * and reason codes, and redact.ts censors credential fields as a second line of defence. Writing
 * never throws or blocks exit (see createLogSink). `time` is ISO 8601 in UTC, as in the decision
 * log, so both kinds of line sort and parse alike when they share a stream.
 */
export function createLogger(level: string, sink: LogSink = createLogSink()): Logger {
  const time = createIsoTimeText();
  return pino(
    {
      name: 'agent-authz',
      level,
      base: undefined,
      redact: REDACT,
      timestamp: () => `,"time":"${time()}"`,
    },
    sink,
  );
}
