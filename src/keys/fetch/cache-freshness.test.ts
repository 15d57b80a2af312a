import { describe, expect, it } from 'vitest';
import { freshnessMs } from './cache-freshness.js';

const BOUNDS = { minMs: 60_000, maxMs: 3_600_000 };

describe('freshnessMs', () => {
  it.each([
    ['max-age=300', 300_000],
    ['public, max-age=86400', 3_600_000],
    ['max-age=5', 60_000],
    ['max-age=600, s-maxage=120', 120_000],
    ['max-age="900"', 900_000],
    ['no-store', 60_000],
    ['max-age=600, no-cache', 60_000],
    ['max-age=-1', 60_000],
    ['max-age=soon', 60_000],
    [undefined, 60_000],
  ])('keeps "%s" fresh for %i ms within 60 s..1 h', (header, expected) => {
    expect(freshnessMs(header, BOUNDS)).toBe(expected);
  });
});
