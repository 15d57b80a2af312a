import type { Logger } from '../telemetry/logger.js';

/**
 * A logger for store failures that repeat (every Redis command fails while Redis is down): the first
 * is logged at once, the rest counted and summarised at most once per `intervalMs`.
 */
export function reportRepeatedErrors(
  logger: Logger,
  message: string,
  intervalMs = 10_000,
): (error: unknown) => void {
  let lastLogMs = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (error) => {
    const now = performance.now();
    if (now - lastLogMs < intervalMs) {
      suppressed += 1;
      return;
    }
    lastLogMs = now;
    logger.warn({ error: describe(error), suppressed }, message);
    suppressed = 0;
  };
}

/** The error's own message and that of its cause: no URL, no command arguments. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** The URL without its user name and password, for logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparsable url)';
  }
}
