import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from './memory-rate-limiter.js';

describe('MemoryRateLimiter (GCRA)', () => {
  const rate = { limit: 3, windowMs: 3000 };

  it('allows a burst of `limit` requests, then refuses with the time until the next one', async () => {
    const limiter = new MemoryRateLimiter(100);
    for (let i = 0; i < 3; i++) expect(await limiter.take('k', rate, 0)).toEqual({ allowed: true });
    expect(await limiter.take('k', rate, 0)).toEqual({ allowed: false, retryAfterMs: 1000 });
    expect(await limiter.take('k', rate, 999)).toMatchObject({ allowed: false });
    expect(await limiter.take('k', rate, 1000)).toEqual({ allowed: true });
  });

  it('keeps keys apart', async () => {
    const limiter = new MemoryRateLimiter(100);
    for (let i = 0; i < 3; i++) await limiter.take('a', rate, 0);
    expect(await limiter.take('b', rate, 0)).toEqual({ allowed: true });
  });

  it('sustains exactly limit/window over time', async () => {
    const limiter = new MemoryRateLimiter(100);
    let allowed = 0;
    for (let t = 0; t < 30_000; t += 100) if ((await limiter.take('k', rate, t)).allowed) allowed++;
    // 3 of burst + one per second for 30 s.
    expect(allowed).toBe(3 + 29);
  });
});
