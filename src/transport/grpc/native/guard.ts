/**
 * `listener` made unable to throw into whatever calls it. node:http2 calls stream and session
 * listeners from inside its own frame handling, where an exception cannot be caught by anyone
 * else and ends the process; here it goes to `onThrow` instead (which must not throw either).
 */
export function guarded<A extends unknown[]>(
  listener: (...args: A) => void,
  onThrow: (error: unknown) => void,
): (...args: A) => void {
  return (...args: A): void => {
    try {
      listener(...args);
    } catch (error) {
      onThrow(error);
    }
  };
}

/** Calls `report` and swallows what it throws: a failing logger must not end the process. */
export function reportSafely(report: (error: unknown) => void, error: unknown): void {
  try {
    report(error);
  } catch {
    // Nothing left to tell: the error was already contained.
  }
}
