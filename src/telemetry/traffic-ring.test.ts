import { describe, expect, it } from 'vitest';
import type { Decision } from '../decision/decision.js';
import { createTrafficRing } from './traffic-ring.js';

const T0 = Date.UTC(2027, 0, 15, 8, 0, 0);
const verified = (trust: 'new' | 'known' | 'trusted' = 'new'): Decision & { allowed: true } => ({
  allowed: true,
  identity: { verified: true, profile: 'signed-request', agentId: 'did:key:z6Mk', trust },
});
const unsigned: Decision = { allowed: true, identity: { verified: false, profile: 'unsigned' } };
const denied = (reason: 'replayed' | 'agent_revoked'): Decision => ({
  allowed: false,
  identity: { verified: false, profile: 'signed-request' },
  reason,
  message: 'denied',
});

describe('the traffic ring', () => {
  it('counts verified, unsigned and denied checks per interval, with trust and reasons', () => {
    const ring = createTrafficRing([{ intervalMs: 10_000, intervals: 6 }]);
    ring.record(verified('new'), T0);
    ring.record(verified('trusted'), T0 + 1_000);
    ring.record(unsigned, T0 + 12_000);
    ring.record(denied('replayed'), T0 + 25_000);
    ring.record(denied('replayed'), T0 + 26_000);
    ring.record(denied('agent_revoked'), T0 + 27_000);
    const window = ring.read(30_000, T0 + 29_000);
    expect(window.startMs).toBe(T0);
    expect(window.series).toEqual({
      verified: [2, 0, 0],
      unsigned: [0, 1, 0],
      denied: [0, 0, 3],
      wouldDeny: [0, 0, 0],
    });
    expect(window.totals).toEqual({ verified: 2, unsigned: 1, denied: 3, wouldDeny: 0 });
    expect(window.trust).toEqual({ new: 1, known: 0, trusted: 1 });
    expect(window.denials).toEqual({ replayed: 2, agent_revoked: 1 });
  });

  it('counts an observe-mode would-deny as allowed traffic and by its reason', () => {
    const ring = createTrafficRing([{ intervalMs: 10_000, intervals: 6 }]);
    ring.record({ ...verified(), wouldDeny: 'trust_too_low' }, T0);
    const window = ring.read(10_000, T0);
    expect(window.totals).toEqual({ verified: 1, unsigned: 0, denied: 0, wouldDeny: 1 });
    expect(window.wouldDeny).toEqual({ trust_too_low: 1 });
    expect(window.denials).toEqual({});
  });

  it('forgets intervals older than its span instead of growing', () => {
    const ring = createTrafficRing([{ intervalMs: 10_000, intervals: 3 }]);
    ring.record(unsigned, T0);
    ring.record(unsigned, T0 + 30_000);
    const window = ring.read(60_000, T0 + 30_000);
    expect(window.series.unsigned).toEqual([0, 0, 1]);
    expect(window.totals.unsigned).toBe(1);
  });

  it('drops a count whose interval the ring has already reused, when the clock steps back', () => {
    const ring = createTrafficRing([{ intervalMs: 10_000, intervals: 3 }]);
    ring.record(unsigned, T0 + 30_000);
    ring.record(unsigned, T0);
    expect(ring.read(30_000, T0 + 30_000).totals.unsigned).toBe(1);
  });

  it('answers a long window from the coarser resolution', () => {
    const ring = createTrafficRing([
      { intervalMs: 10_000, intervals: 6 },
      { intervalMs: 60_000, intervals: 10 },
    ]);
    ring.record(unsigned, T0);
    ring.record(unsigned, T0 + 120_000);
    expect(ring.maxWindowMs).toBe(600_000);
    const hour = ring.read(600_000, T0 + 150_000);
    expect(hour.intervalMs).toBe(60_000);
    expect(hour.series.unsigned).toHaveLength(10);
    expect(hour.totals.unsigned).toBe(2);
    expect(ring.read(60_000, T0 + 150_000)).toMatchObject({ intervalMs: 10_000 });
  });
});
