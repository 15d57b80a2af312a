import type { Decision, TrustLevel } from '../decision/decision.js';
import { REASON_CODES, type ReasonCode } from '../errors.js';

/** One row of counters per interval: the traffic mix, then denials and would-denials by reason. */
const MIX = ['verified', 'unsigned', 'denied', 'wouldDeny', 'new', 'known', 'trusted'] as const;
type MixColumn = (typeof MIX)[number];
const MIX_COLUMN = Object.fromEntries(MIX.map((name, index) => [name, index])) as Record<
  MixColumn,
  number
>;
const DENIAL_BASE = MIX.length;
const WOULD_DENY_BASE = DENIAL_BASE + REASON_CODES.length;
const COLUMNS = WOULD_DENY_BASE + REASON_CODES.length;
const REASON_INDEX = new Map<ReasonCode, number>(REASON_CODES.map((code, index) => [code, index]));

/** A fixed number of fixed-length intervals: the span one resolution covers. */
export interface Resolution {
  readonly intervalMs: number;
  readonly intervals: number;
}

/** 10 s intervals for the last hour, 5 min intervals for the last day: ~148 KB in all. */
export const DEFAULT_RESOLUTIONS: readonly Resolution[] = [
  { intervalMs: 10_000, intervals: 360 },
  { intervalMs: 300_000, intervals: 288 },
];

/** What `GET /v1/traffic` reports for one window. */
export interface TrafficWindow {
  readonly intervalMs: number;
  /** Start of the first interval (ms since the epoch); interval i starts at startMs + i·intervalMs. */
  readonly startMs: number;
  /** Per interval: allowed with a verified credential, allowed unsigned, denied, would-deny. */
  readonly series: Readonly<Record<'verified' | 'unsigned' | 'denied' | 'wouldDeny', number[]>>;
  readonly totals: Readonly<Record<'verified' | 'unsigned' | 'denied' | 'wouldDeny', number>>;
  /** Allowed verified checks by the agent's trust level at the time of the check. */
  readonly trust: Readonly<Record<TrustLevel, number>>;
  /** Reasons with at least one denial (or would-deny, in observe mode) in the window. */
  readonly denials: Partial<Record<ReasonCode, number>>;
  readonly wouldDeny: Partial<Record<ReasonCode, number>>;
}

export interface TrafficRing {
  record(decision: Decision, nowMs: number): void;
  /** The last `windowMs` up to now, at the finest resolution that covers it. */
  read(windowMs: number, nowMs: number): TrafficWindow;
  /** The longest window the ring answers. */
  readonly maxWindowMs: number;
}

interface Slots {
  readonly resolution: Resolution;
  /** The interval number (time / intervalMs) each slot holds, -1 when empty. */
  readonly held: Float64Array;
  readonly counts: Uint32Array;
}

/**
 * Per-interval check counts in preallocated ring buffers, one per resolution: memory is fixed
 * at creation (intervals × 55 counters × 4 bytes per resolution) whatever the traffic, and
 * recording a check is a few array increments.
 */
export function createTrafficRing(
  resolutions: readonly Resolution[] = DEFAULT_RESOLUTIONS,
): TrafficRing {
  const rings: Slots[] = resolutions.map((resolution) => ({
    resolution,
    held: new Float64Array(resolution.intervals).fill(-1),
    counts: new Uint32Array(resolution.intervals * COLUMNS),
  }));
  const spans = rings.map(({ resolution }) => resolution.intervalMs * resolution.intervals);
  return {
    maxWindowMs: Math.max(...spans),
    record: (decision, nowMs) => {
      for (const ring of rings) {
        const row = rowFor(ring, nowMs);
        if (row !== undefined) count(ring.counts, row, decision);
      }
    },
    read: (windowMs, nowMs) => {
      const index = spans.findIndex((span) => span >= windowMs);
      return readWindow(rings[index === -1 ? rings.length - 1 : index]!, windowMs, nowMs);
    },
  };
}

/** Increments the row's counters for one decision; allocates nothing (it runs per check). */
function count(counts: Uint32Array, row: number, decision: Decision): void {
  if (!decision.allowed) {
    counts[row + MIX_COLUMN.denied]! += 1;
    counts[row + DENIAL_BASE + REASON_INDEX.get(decision.reason)!]! += 1;
    return;
  }
  const { verified, trust } = decision.identity;
  counts[row + (verified ? MIX_COLUMN.verified : MIX_COLUMN.unsigned)]! += 1;
  if (verified && trust !== undefined) counts[row + MIX_COLUMN[trust]]! += 1;
  if (decision.wouldDeny !== undefined) {
    counts[row + MIX_COLUMN.wouldDeny]! += 1;
    counts[row + WOULD_DENY_BASE + REASON_INDEX.get(decision.wouldDeny)!]! += 1;
  }
}

/** The first counter of the row for `nowMs`, cleared when the slot held an older interval. */
function rowFor(ring: Slots, nowMs: number): number | undefined {
  const interval = Math.floor(nowMs / ring.resolution.intervalMs);
  const slot = interval % ring.resolution.intervals;
  const held = ring.held[slot]!;
  const row = slot * COLUMNS;
  if (held === interval) return row;
  // A clock stepped back by more than the ring's span: that interval is gone, drop the count.
  if (held > interval) return undefined;
  ring.held[slot] = interval;
  ring.counts.fill(0, row, row + COLUMNS);
  return row;
}

function readWindow(ring: Slots, windowMs: number, nowMs: number): TrafficWindow {
  const { intervalMs, intervals } = ring.resolution;
  const count = Math.min(intervals, Math.max(1, Math.ceil(windowMs / intervalMs)));
  const first = Math.floor(nowMs / intervalMs) - count + 1;
  const sums = new Array<number>(COLUMNS).fill(0);
  const series = { verified: [] as number[], unsigned: [] as number[], denied: [] as number[] };
  const wouldDenySeries: number[] = [];
  for (let interval = first; interval < first + count; interval += 1) {
    const slot = interval % intervals;
    const row = ring.held[slot] === interval ? slot * COLUMNS : -1;
    const at = (column: number) => (row === -1 ? 0 : ring.counts[row + column]!);
    for (let column = 0; column < COLUMNS; column += 1) sums[column]! += at(column);
    series.verified.push(at(MIX_COLUMN.verified));
    series.unsigned.push(at(MIX_COLUMN.unsigned));
    series.denied.push(at(MIX_COLUMN.denied));
    wouldDenySeries.push(at(MIX_COLUMN.wouldDeny));
  }
  const total = (name: MixColumn) => sums[MIX_COLUMN[name]]!;
  return {
    intervalMs,
    startMs: first * intervalMs,
    series: { ...series, wouldDeny: wouldDenySeries },
    totals: {
      verified: total('verified'),
      unsigned: total('unsigned'),
      denied: total('denied'),
      wouldDeny: total('wouldDeny'),
    },
    trust: { new: total('new'), known: total('known'), trusted: total('trusted') },
    denials: nonZero(sums, DENIAL_BASE),
    wouldDeny: nonZero(sums, WOULD_DENY_BASE),
  };
}

function nonZero(sums: readonly number[], base: number): Partial<Record<ReasonCode, number>> {
  const counts: Partial<Record<ReasonCode, number>> = {};
  REASON_CODES.forEach((code, index) => {
    const count = sums[base + index]!;
    if (count > 0) counts[code] = count;
  });
  return counts;
}
