import { AuthzError } from '../../errors.js';

/**
 * What became of each request for a network document, one counter each: the cache layer's
 * answers and the fetcher's results. Labels are stable so a `/metrics` endpoint can export them.
 */
export const FETCH_OUTCOMES = [
  'fetched',
  'fresh_hit',
  'stale_hit',
  'negative_hit',
  'coalesced',
  'wait_exceeded',
  'refused',
  'failed',
  'timeout',
  'too_large',
  'invalid',
  'overloaded',
  'cooling_down',
] as const;

export type FetchOutcome = (typeof FETCH_OUTCOMES)[number];
export type FetchCounters = Record<FetchOutcome, number>;

export function createFetchCounters(): FetchCounters {
  return Object.fromEntries(FETCH_OUTCOMES.map((outcome) => [outcome, 0])) as FetchCounters;
}

/** Outcomes that mean a fetch did not produce a usable document. */
export type FailureOutcome = Extract<
  FetchOutcome,
  'refused' | 'failed' | 'timeout' | 'too_large' | 'invalid' | 'overloaded' | 'cooling_down'
>;

/**
 * A fetch that did not produce a usable document. It denies `key_unresolvable`; the outcome says
 * why, for counters and for whether the failure may be cached.
 */
export class FetchFailure extends AuthzError {
  readonly outcome: FailureOutcome;
  /** The host's `Retry-After` (429, 503), in ms from now: no fetch of the URL before then. */
  readonly retryAfterMs: number | undefined;

  constructor(
    outcome: FailureOutcome,
    message: string,
    options: { cause?: unknown; retryAfterMs?: number | undefined } = {},
  ) {
    super('key_unresolvable', message, { cause: options.cause });
    this.outcome = outcome;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * Refusals that say nothing about the URL itself — the fetcher is busy, or its host is cooling
 * down — so they are not remembered for it.
 */
export function isTransientFailure(error: unknown): boolean {
  return (
    error instanceof FetchFailure &&
    (error.outcome === 'overloaded' || error.outcome === 'cooling_down')
  );
}
