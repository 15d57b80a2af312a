import type { Clock } from '../../lib/clock.js';

/** When a source that keeps failing may be asked again. */
export interface RetryBackoff {
  /** Whether an attempt may start now. */
  ready(): boolean;
  /** Records a failed attempt; returns the delay, in ms, before the next may start. */
  failed(): number;
  /** Records a success: the next failure starts from the first delay again. */
  succeeded(): void;
}

export interface RetryBackoffOptions {
  /** The delay after the first failure; each further failure doubles it. */
  readonly initialMs: number;
  /** The longest delay. */
  readonly maxMs: number;
  readonly clock: Clock;
}

/**
 * Exponential backoff for a fetched key source: after the n-th failure in a row the next
 * attempt waits min(initial · 2ⁿ⁻¹, max). A failing source is then asked — and a failure
 * logged — at most once per delay, however many checks need it meanwhile.
 */
export function createRetryBackoff(options: RetryBackoffOptions): RetryBackoff {
  let failures = 0;
  let nextAttemptAtMs = Number.NEGATIVE_INFINITY;
  return {
    ready: () => options.clock() >= nextAttemptAtMs,
    failed: () => {
      const delayMs = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(failures, 30));
      failures += 1;
      nextAttemptAtMs = options.clock() + delayMs;
      return delayMs;
    },
    succeeded: () => {
      failures = 0;
      nextAttemptAtMs = Number.NEGATIVE_INFINITY;
    },
  };
}
