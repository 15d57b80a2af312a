import { describe, expect, it } from 'vitest';
import { createAdmission } from './admit-requests.js';

describe('createAdmission', () => {
  it('admits bodies up to the byte budget and refuses the one that would pass it', () => {
    const admit = createAdmission({ maxInFlight: 10, maxBufferedBodyBytes: 100 });
    expect(admit(60)).toBeTypeOf('function');
    expect(admit(40)).toBeTypeOf('function');
    expect(admit(1)).toBeUndefined();
    expect(admit(0)).toBeTypeOf('function');
  });

  it('admits up to maxInFlight requests, bodies or not, and refuses one more', () => {
    const admit = createAdmission({ maxInFlight: 2, maxBufferedBodyBytes: 100 });
    expect(admit(0)).toBeTypeOf('function');
    expect(admit(0)).toBeTypeOf('function');
    expect(admit(0)).toBeUndefined();
  });

  it('gives back a slot and its bytes once, however often it is released', () => {
    const admit = createAdmission({ maxInFlight: 2, maxBufferedBodyBytes: 100 });
    const first = admit(100)!;
    first();
    first();
    const second = admit(100);
    expect(second).toBeTypeOf('function');
    expect(admit(1)).toBeUndefined();
    expect(admit(0)).toBeTypeOf('function');
    expect(admit(0)).toBeUndefined();
  });
});
