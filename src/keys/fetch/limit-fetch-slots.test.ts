import { describe, expect, it } from 'vitest';
import { createFetchSlots } from './limit-fetch-slots.js';

const SLOW = 'https://slow.example';
const SLOW_8443 = 'https://slow.example:8443';

function fetchSlots(maxConcurrent = 16) {
  const clock = { now: 0 };
  const limits = { maxConcurrent, maxConcurrentPerOrigin: 2, maxConcurrentPerClient: 3 };
  return { slots: createFetchSlots({ ...limits, cooldownMs: 10_000 }, () => clock.now), clock };
}

const refusal = (outcome: string, message?: string) =>
  expect.objectContaining({
    code: 'key_unresolvable',
    outcome,
    ...(message === undefined ? {} : { message }),
  });

describe('createFetchSlots', () => {
  it('gives one origin at most maxConcurrentPerOrigin slots while other origins keep theirs', () => {
    const { slots } = fetchSlots();
    const first = slots.enter(SLOW, 'a');
    slots.enter(SLOW, 'b');
    expect(() => slots.enter(SLOW, 'c')).toThrow(refusal('overloaded'));
    expect(() => slots.enter(SLOW_8443, 'c')).not.toThrow();
    expect(() => slots.enter('https://other.example', 'c')).not.toThrow();
    first();
    expect(() => slots.enter(SLOW, 'c')).not.toThrow();
  });

  it('refuses an origin that failed until its cool-down ends, and only that origin', () => {
    const { slots, clock } = fetchSlots();
    slots.failed(SLOW_8443);
    expect(() => slots.enter(SLOW_8443, 'a')).toThrow(refusal('cooling_down'));
    expect(() => slots.enter(SLOW, 'a')).not.toThrow();
    clock.now += 10_000;
    expect(() => slots.enter(SLOW_8443, 'a')).not.toThrow();
  });

  it('gives one client at most maxConcurrentPerClient slots, however many origins it names', () => {
    const { slots } = fetchSlots();
    const releases = [1, 2, 3].map((n) => slots.enter(`https://h${n}.example`, 'hostile'));
    expect(() => slots.enter('https://h4.example', 'hostile')).toThrow(
      refusal('overloaded', 'this client already has its share of key documents being fetched'),
    );
    expect(() => slots.enter('https://h4.example', 'other')).not.toThrow();
    releases[0]!();
    expect(() => slots.enter('https://h5.example', 'hostile')).not.toThrow();
  });

  it('charges a fetch with no client to no share, within the global and per-origin limits', () => {
    const { slots } = fetchSlots(4);
    for (let n = 0; n < 4; n++) slots.enter(`https://h${n}.example`, undefined);
    expect(() => slots.enter('https://h9.example', undefined)).toThrow(
      refusal('overloaded', 'too many key documents are being fetched right now'),
    );
  });
});
