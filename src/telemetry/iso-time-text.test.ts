import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIsoTimeText } from './iso-time-text.js';

/** Milliseconds from year −9999 to +99999, where ISO years take their six-digit form. */
const instants = fc.integer({ min: -377_705_116_800_000, max: 3_093_527_980_799_999 });

describe('the ISO time of a log line', () => {
  it('reads as toISOString writes it, through jumps either way and steps within a second', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(instants, fc.integer({ min: -1500, max: 1500 })), { minLength: 1 }),
        (moves) => {
          let nowMs = 1_795_000_000_000;
          const timeText = createIsoTimeText(() => nowMs);
          for (const move of moves) {
            // Small moves step the clock; large ones set it anywhere.
            nowMs = Math.abs(move) <= 1500 ? nowMs + move : move;
            expect(timeText()).toBe(new Date(nowMs).toISOString());
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('crosses second, minute, day and year boundaries one millisecond at a time', () => {
    let nowMs = Date.UTC(2026, 11, 31, 23, 59, 58, 990);
    const timeText = createIsoTimeText(() => nowMs);
    for (let i = 0; i < 2100; i += 1, nowMs += 1) {
      expect(timeText()).toBe(new Date(nowMs).toISOString());
    }
  });
});
