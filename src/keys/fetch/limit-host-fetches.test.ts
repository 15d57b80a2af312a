import { describe, expect, it } from 'vitest';
import { createHostLimits } from './limit-host-fetches.js';

function limits() {
  const clock = { now: 0 };
  const hosts = createHostLimits({
    maxConcurrentPerHost: 2,
    cooldownMs: 10_000,
    clock: () => clock.now,
  });
  return { hosts, clock };
}

describe('createHostLimits', () => {
  it('gives one host at most maxConcurrentPerHost slots while other hosts keep theirs', () => {
    const { hosts } = limits();
    const first = hosts.enter('slow.example');
    hosts.enter('slow.example');
    expect(() => hosts.enter('slow.example')).toThrow(
      expect.objectContaining({ code: 'key_unresolvable', outcome: 'overloaded' }),
    );
    expect(() => hosts.enter('other.example')).not.toThrow();
    first();
    expect(() => hosts.enter('slow.example')).not.toThrow();
  });

  it('refuses a host that failed until its cool-down ends, and only that host', () => {
    const { hosts, clock } = limits();
    hosts.failed('down.example');
    expect(() => hosts.enter('down.example')).toThrow(
      expect.objectContaining({ outcome: 'cooling_down' }),
    );
    expect(() => hosts.enter('up.example')).not.toThrow();
    clock.now += 10_000;
    expect(() => hosts.enter('down.example')).not.toThrow();
  });
});
