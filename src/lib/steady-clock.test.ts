import { describe, expect, it } from 'vitest';
import { createSteadyClock } from './steady-clock.js';

/** An injected wall clock and elapsed-time source the test moves by hand. */
function clocks() {
  const state = { wall: 1_000_000, elapsed: 0 };
  const steps: number[] = [];
  const clock = createSteadyClock({
    wall: () => state.wall,
    elapsed: () => state.elapsed,
    onStepBack: (behind) => steps.push(behind),
  });
  const pass = (ms: number) => {
    state.wall += ms;
    state.elapsed += ms;
  };
  return { state, clock, pass, steps };
}

describe('the steady clock', () => {
  it('reads the wall clock while it runs normally', () => {
    const { clock, pass } = clocks();
    expect(clock()).toBe(1_000_000);
    pass(250);
    expect(clock()).toBe(1_000_250);
  });

  it('follows a forward jump of the wall clock', () => {
    const { state, clock } = clocks();
    state.wall += 3_600_000;
    expect(clock()).toBe(4_600_000);
  });

  it('keeps running forward at elapsed speed when the wall clock steps back, and says so once', () => {
    const { state, clock, pass, steps } = clocks();
    clock();
    state.wall -= 3_600_000;
    expect(clock()).toBe(1_000_000);
    pass(500);
    expect(clock()).toBe(1_000_500);
    pass(500);
    expect(clock()).toBe(1_001_000);
    expect(steps).toEqual([3_600_000]);
  });

  it('follows the wall clock again once it has caught up', () => {
    const { state, clock, pass } = clocks();
    clock();
    state.wall -= 2000;
    pass(1000);
    expect(clock()).toBe(1_001_000);
    state.wall += 5000;
    expect(clock()).toBe(1_004_000);
  });
});
