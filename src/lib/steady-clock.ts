import { type Clock, systemClock } from './clock.js';

export interface SteadyClockOptions {
  /** The wall clock followed (Date.now by default). */
  readonly wall?: Clock;
  /** A monotonic elapsed-time source in ms (performance.now by default). */
  readonly elapsed?: () => number;
  /** Told how far the wall clock is behind, each time a backward step is first seen. */
  readonly onStepBack?: (behindMs: number) => void;
}

/** A wall clock behind the steady time by less than this is jitter, not a step worth a log. */
const REPORT_STEP_MS = 1000;

/**
 * Wall time for validity windows that never runs slower than elapsed time: each reading is the
 * later of the wall clock and the previous reading plus the time elapsed since it. A forward
 * jump is followed; a backward one is not. Replay entries are kept for `windowEnd − now` of
 * real time (a Redis TTL, the memory store's monotonic TTL), so with this clock a window can
 * never reopen after its entry is gone: by the time the entry expires, this clock has moved at
 * least as far, and the window is closed whatever the wall clock did meanwhile (docs/limits.md).
 */
export function createSteadyClock(options: SteadyClockOptions = {}): Clock {
  const wall = options.wall ?? systemClock;
  const elapsed = options.elapsed ?? (() => performance.now());
  let lastMs = wall();
  let lastElapsed = elapsed();
  let reportedBehindMs = 0;
  return () => {
    const wallMs = wall();
    const nowElapsed = elapsed();
    const projected = lastMs + (nowElapsed - lastElapsed);
    lastElapsed = nowElapsed;
    if (wallMs >= projected) {
      lastMs = wallMs;
      reportedBehindMs = 0;
      return wallMs;
    }
    const behindMs = projected - wallMs;
    if (behindMs - reportedBehindMs >= REPORT_STEP_MS) {
      reportedBehindMs = behindMs;
      options.onStepBack?.(behindMs);
    }
    lastMs = projected;
    return projected;
  };
}
