import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Operational log (JSON lines on stdout). Credentials never reach it: callers log identifiers
 * and reason codes, and the paths below are censored as a second line of defence.
 */
export function createLogger(level: string): Logger {
  return pino({
    name: 'agent-authz',
    level,
    base: undefined,
    redact: {
      paths: [
        'authorization',
        'signature',
        'token',
        'privateKey',
        '*.authorization',
        '*.signature',
        '*.token',
        '*.privateKey',
        'headers.authorization',
        'headers.signature',
        'headers.dpop',
      ],
      censor: '[redacted]',
    },
  });
}
