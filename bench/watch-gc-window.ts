/**
 * What the garbage collector and the allocator did over a window of one process's life: GC
 * counts and main-thread cost by kind (v8.GCProfiler), bytes allocated and promoted (from the
 * heap statistics V8 records before and after each GC), CPU of the main thread and of every
 * other thread (V8's GC and compiler helpers, libuv's pool) from /proc/self/task, and, when
 * asked, where the bytes were allocated (the sampling heap profiler, keeping the samples of
 * objects that died, so short-lived garbage counts too).
 *
 * Used in process by measure-check-allocations.ts and, through gc-window-preload.ts, inside a
 * server started by measure-server-check.ts.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { type AllocationSites, summariseAllocationSites } from './summarise-allocation-sites.js';

export interface GcWindowReport {
  readonly seconds: number;
  /** GCs by kind (Scavenge, MarkSweepCompact, IncrementalMarking, …): count and pause ms. */
  readonly gcByKind: Record<string, { count: number; mainThreadMs: number }>;
  readonly allocatedBytes: number;
  /** Growth of the old space across scavenges: what survived twice and was moved out. */
  readonly promotedBytes: number;
  readonly usedHeapBytesAtEnd: number;
  /** CPU µs (user + system) of the main thread and of all other threads over the window. */
  readonly cpuMicros: { main: number; otherThreads: number; user: number; system: number };
  /** Minor page faults of the process (the kernel's share of fresh heap pages). */
  readonly minorFaults: number;
  readonly allocationSites?: AllocationSites;
}

interface HeapSpace {
  readonly spaceName: string;
  readonly spaceUsedSize: number;
}
interface GcRecord {
  readonly gcType: string;
  readonly cost: number;
  readonly beforeGC: { heapStatistics: { usedHeapSize: number }; heapSpaceStatistics: HeapSpace[] };
  readonly afterGC: { heapStatistics: { usedHeapSize: number }; heapSpaceStatistics: HeapSpace[] };
}

/** Starts watching; the returned function stops and reports. */
export async function watchGcWindow(options: {
  /** Sample allocation sites every this many bytes (on average); none when undefined. */
  readonly sampleEveryBytes?: number;
}): Promise<() => Promise<GcWindowReport>> {
  const session = options.sampleEveryBytes === undefined ? undefined : new Session();
  if (session !== undefined) {
    session.connect();
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: options.sampleEveryBytes,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  const threadsBefore = threadCpuTicks();
  const faultsBefore = minorFaults();
  const usage = process.cpuUsage();
  const usedAtStart = getHeapStatistics().used_heap_size;
  const started = process.hrtime.bigint();
  const profiler = new GCProfiler();
  profiler.start();
  return async () => {
    const records = (profiler.stop()?.statistics ?? []) as GcRecord[];
    const usedAtEnd = getHeapStatistics().used_heap_size;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(usage);
    const threads = threadCpuDelta(threadsBefore, threadCpuTicks());
    let sites: AllocationSites | undefined;
    if (session !== undefined) {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      session.disconnect();
      sites = summariseAllocationSites(profile);
    }
    return {
      seconds,
      gcByKind: byKind(records),
      allocatedBytes: allocated(records, usedAtStart, usedAtEnd),
      promotedBytes: promoted(records),
      usedHeapBytesAtEnd: usedAtEnd,
      cpuMicros: { ...threads, user: cpu.user, system: cpu.system },
      minorFaults: minorFaults() - faultsBefore,
      ...(sites === undefined ? {} : { allocationSites: sites }),
    };
  };
}

function byKind(records: readonly GcRecord[]): GcWindowReport['gcByKind'] {
  const kinds: Record<string, { count: number; mainThreadMs: number }> = {};
  for (const record of records) {
    const kind = kinds[record.gcType] ?? { count: 0, mainThreadMs: 0 };
    kinds[record.gcType] = kind;
    kind.count += 1;
    kind.mainThreadMs += record.cost / 1000;
  }
  return kinds;
}

/** Heap growth between GCs, summed: each GC's "before" less the previous one's "after". */
function allocated(records: readonly GcRecord[], usedAtStart: number, usedAtEnd: number): number {
  let total = 0;
  let after = usedAtStart;
  for (const record of records) {
    total += record.beforeGC.heapStatistics.usedHeapSize - after;
    after = record.afterGC.heapStatistics.usedHeapSize;
  }
  return total + usedAtEnd - after;
}

function promoted(records: readonly GcRecord[]): number {
  const oldSpace = (spaces: readonly HeapSpace[]): number =>
    spaces.find((space) => space.spaceName === 'old_space')?.spaceUsedSize ?? 0;
  return records
    .filter((record) => record.gcType === 'Scavenge')
    .reduce(
      (sum, r) =>
        sum + oldSpace(r.afterGC.heapSpaceStatistics) - oldSpace(r.beforeGC.heapSpaceStatistics),
      0,
    );
}

const TICK_MICROS = 10_000;

function minorFaults(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
}

/** utime + stime per thread id, in clock ticks (100 per second on Linux). */
function threadCpuTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(tid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return ticks;
}

function threadCpuDelta(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): { main: number; otherThreads: number } {
  const main = String(process.pid);
  let mainTicks = 0;
  let otherTicks = 0;
  for (const [tid, ticks] of after) {
    const delta = ticks - (before.get(tid) ?? 0);
    if (tid === main) mainTicks += delta;
    else otherTicks += delta;
  }
  return { main: mainTicks * TICK_MICROS, otherThreads: otherTicks * TICK_MICROS };
}
