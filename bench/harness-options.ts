import { getPriority } from 'node:os';

/** `NAME N` among a harness's arguments: a positive integer, or `fallback` when absent. */
export function numberOption(argv: readonly string[], name: string, fallback: number): number {
  const at = argv.indexOf(name);
  if (at === -1) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: a positive integer`);
  return value;
}

/** The request file a request maker writes: each message after its 4-byte big-endian length. */
export function readFrames(bytes: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    frames.push(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return frames;
}

/**
 * Marks an edge of the measured window for callgrind: `os.getPriority()` enters libuv's
 * `uv_os_getpriority`, which nothing else in a harness calls, so
 * `valgrind --tool=callgrind --dump-before=uv_os_getpriority` writes the count so far at each
 * edge and part 2 of the output holds exactly the measured work
 * (bench/count-window-instructions.sh).
 */
export function markWindowEdge(): void {
  getPriority();
}
