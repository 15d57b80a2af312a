/**
 * A callgrind profile of node (every thread) by what the instructions did: V8's optimising
 * compiler, the GC, libsodium, Node's HTTP/2 (nghttp2 and its binding), libuv, V8's builtins and
 * runtime, JIT code (unnamed: callgrind cannot name it), libc. Self cost per function from
 * `callgrind_annotate`, per check when given the checks the profile covers.
 *
 *   node dist-bench/bench/summarize-callgrind.js CALLGRIND_OUT [CHECKS]
 */
import { execFileSync } from 'node:child_process';

/** First match wins; tested against callgrind_annotate's `file:function [object]`. */
const CATEGORIES: readonly [string, RegExp][] = [
  ['libsodium', /sodium-native/],
  ['V8 optimising compiler (helper threads)', /compiler::|maglev::|OptimizedCompilationJob/],
  [
    'V8 GC (scavenges, marking, sweeping; every thread)',
    /Scaveng|MarkCompact|Sweeper|Marking|Heap::|MemoryAllocator|Evacuat|RememberedSet|SlotSet|ArrayBufferSweeper|GCTracer|heap::base|PagedSpace|NewSpace|MemoryChunk|Safepoint|cppgc/,
  ],
  ['nghttp2 (HTTP/2 framing)', /nghttp2/],
  ['Node HTTP/2 binding', /node::http2/],
  ['libuv', /\buv_|uv__/],
  ['V8 builtins (ICs, strings, promises…)', /Builtins_/],
  ['JIT code (unnamed)', /^\?\?\?:0x[0-9a-f]+ \[\?\?\?\]/],
  ['libc / libstdc++ (memcpy, malloc…)', /libc\.so|libstdc\+\+|libm\.so/],
  ['Node C++ (other)', /node::/],
  ['V8 runtime (other)', /v8::/],
];
/** Entry points whose "self" cost callgrind_annotate repeats as each thread's total. */
const THREAD_ROOTS =
  /libc_start|below main|ld-linux|\?\?\?:main |NodeMainInstance::Run|SpinEventLoopInternal|node::Start\(|clone|start_thread/;

const [file, checksArg] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: summarize-callgrind CALLGRIND_OUT [CHECKS]');
const checks = Number(checksArg ?? '1');
const annotated = execFileSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', file], {
  encoding: 'utf8',
  maxBuffer: 256 * 1024 * 1024,
});
const byCategory = new Map<string, number>();
let total = 0;
for (const line of annotated.split('file:function')[1]?.split('\n') ?? []) {
  const row = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/.exec(line);
  if (row === null || THREAD_ROOTS.test(row[2]!)) continue;
  const instructions = Number(row[1]!.replaceAll(',', ''));
  const category = CATEGORIES.find(([, pattern]) => pattern.test(row[2]!))?.[0] ?? 'other';
  byCategory.set(category, (byCategory.get(category) ?? 0) + instructions);
  total += instructions;
}
const lines = [`${Math.round(total / checks)} instructions per check (self cost, every thread)`];
for (const [category, instructions] of [...byCategory].sort((a, b) => b[1] - a[1])) {
  const share = ((instructions / total) * 100).toFixed(1).padStart(5);
  lines.push(`${String(Math.round(instructions / checks)).padStart(10)}  ${share} %  ${category}`);
}
process.stdout.write(`${lines.join('\n')}\n`);
