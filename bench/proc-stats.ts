import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second (utime and stime in /proc are counted in these). */
const TICKS_PER_SECOND = readTicksPerSecond();

function readTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/**
 * A process and its descendants (the workers of `serve --workers N`), from each thread's
 * `/proc/<pid>/task/<tid>/children`. A process that exits between reads is left out.
 */
export function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    for (const child of childPids(pids[i]!)) pids.push(child);
  }
  return pids;
}

function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

/** CPU seconds of a process tree (see processTree): every worker's CPU counts. */
export function treeCpuSeconds(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + readOr(() => processCpuSeconds(pid)), 0);
}

/** Resident set size of a process tree, summed, in bytes. */
export function treeRssBytes(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + readOr(() => processRssBytes(pid)), 0);
}

function readOr(read: () => number): number {
  try {
    return read();
  } catch {
    return 0;
  }
}

/**
 * CPU seconds a process has used so far, all its threads together (utime + stime from
 * /proc/<pid>/stat: JIT, GC helper and libuv threads count too).
 */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident set size of a process, in bytes (VmRSS from /proc/<pid>/status). */
export function processRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}
