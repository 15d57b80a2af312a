import { describe, expect, it } from 'vitest';
import { createRetryBackoff } from './retry-backoff.js';

describe('createRetryBackoff', () => {
  it('doubles the delay with each failure in a row up to the maximum, and starts over after a success', () => {
    const clock = { now: 0 };
    const backoff = createRetryBackoff({ initialMs: 1000, maxMs: 5000, clock: () => clock.now });
    expect(backoff.ready()).toBe(true);
    expect([backoff.failed(), backoff.failed(), backoff.failed(), backoff.failed()]).toEqual([
      1000, 2000, 4000, 5000,
    ]);
    clock.now += 4999;
    expect(backoff.ready()).toBe(false);
    clock.now += 1;
    expect(backoff.ready()).toBe(true);
    backoff.succeeded();
    expect(backoff.failed()).toBe(1000);
  });

  it('stays at the maximum however long the failures go on', () => {
    const backoff = createRetryBackoff({ initialMs: 1000, maxMs: 30_000, clock: () => 0 });
    for (let i = 0; i < 100; i++) backoff.failed();
    expect(backoff.failed()).toBe(30_000);
  });
});
