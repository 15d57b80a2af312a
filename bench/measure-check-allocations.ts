import { openCheckPath } from './check-path-harness.js';
import type { RequestKind } from './make-requests.js';
import { printGcWindow } from './print-gc-window.js';
import { watchGcWindow } from './watch-gc-window.js';

const argv = process.argv.slice(2);
const kind = argv[0] ?? '';
const checks = option('--checks', 5000);
const warm = option('--warm', 3000);
const sampleEvery = argv.includes('--sample') ? option('--sample', 0) : undefined;
const flags = argv.slice(1).filter((a, i, all) => !isOption(a) && !isOption(all[i - 1] ?? ''));

const path = await openCheckPath(kind as RequestKind, warm + checks, flags);
await path.run(0, warm);
const stop = await watchGcWindow(
  sampleEvery === undefined ? {} : { sampleEveryBytes: sampleEvery },
);
await path.run(warm, warm + checks);
const report = await stop();
await path.close();
printGcWindow(`${kind} in process`, report, checks);
if (path.denied() > 0) {
  process.stderr.write(`${path.denied()} checks were denied\n`);
  process.exit(1);
}

function isOption(arg: string): boolean {
  return arg === '--checks' || arg === '--warm' || arg === '--sample';
}

function option(name: string, fallback: number): number {
  const at = argv.indexOf(name);
  if (at === -1) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: a positive integer`);
  return value;
}
