import { type Clock, systemClock } from '../lib/clock.js';

/** `000Z` … `999Z`: the milliseconds and zone that end an ISO 8601 time, one string per value. */
const MILLIS_AND_ZONE = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, '0')}Z`);

/**
 * Now as `Date.prototype.toISOString` writes it, for the time of a log line. `toISOString`
 * formats seven fields through the C library (~6.7k instructions, more than half of what a
 * decision line cost: callgrind, docs/performance.md); here it runs once per second of the clock
 * for the text up to the seconds' dot, and each reading appends its milliseconds from a table.
 */
export function createIsoTimeText(clock: Clock = systemClock): () => string {
  let secondStartMs = Number.NaN;
  let upToMillis = '';
  return () => {
    const nowMs = clock();
    let ms = nowMs - secondStartMs;
    if (!(ms >= 0 && ms < 1000)) {
      ms = ((nowMs % 1000) + 1000) % 1000;
      secondStartMs = nowMs - ms;
      // Whatever the year's form (`+010000-…`), the text of a whole second ends in `.000Z`.
      const whole = new Date(secondStartMs).toISOString();
      upToMillis = whole.slice(0, -4);
    }
    return upToMillis + MILLIS_AND_ZONE[Math.floor(ms)];
  };
}
