#!/usr/bin/env bash
# Instructions per check of one request kind over one window of checks, counted by callgrind in a
# single run of the in-process check path (bench/measure-check-path.ts): the harness enters
# libuv's uv_os_getpriority at the window's two edges, `--dump-before=` writes the count at each,
# and part 2 of the output is exactly the WARM+1st to WARM+CHECKS-th checks. One run, no pair to
# difference, so nothing the JIT or the GC did differently in a second run enters the figure.
# V8 runs single-threaded with a fixed GC schedule and seeds, and without incremental marking or
# the memory reducer, whose timing follows the wall clock (docs/performance.md).
#   bash bench/count-window-instructions.sh KIND [WARM CHECKS] [-- config flags…]
# Needs valgrind and a compiled bench (npm run bench:compile).
set -euo pipefail
kind=$1
shift
counts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do counts+=("$1"); shift; done
[ $# -gt 0 ] && shift
warm=${counts[0]:-3000}
checks=${counts[1]:-5000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
valgrind --tool=callgrind --dump-before=uv_os_getpriority --callgrind-out-file="$out/run.out" \
  node --single-threaded --predictable-gc-schedule --hash-seed=1 --random-seed=1 \
  --no-incremental-marking --no-memory-reducer \
  "dist-bench/bench/${HARNESS:-measure-check-path}.js" "$kind" --warm "$warm" --checks "$checks" "$@" \
  2>"$out/run.err" >"$out/run.txt" || { cat "$out/run.err" "$out/run.txt" >&2; exit 1; }
window=$(grep -o '^totals: [0-9]*' "$out/run.out.2" | grep -o '[0-9]*$')
[ -n "${KEEP_CALLGRIND:-}" ] && cp "$out/run.out.2" "$KEEP_CALLGRIND"
echo "$kind $*: $checks checks after $warm: $window instructions, $(( window / checks )) per check"
