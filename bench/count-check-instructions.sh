#!/usr/bin/env bash
# Instructions per check of one request kind, counted by callgrind over the in-process check
# path (bench/measure-check-path.ts): two runs with the same warm-up and N1 < N2 measured checks,
# (I2 − I1) / (N2 − N1). Arguments after `--` are server config flags (--telemetry.metrics=false).
#   bash bench/count-check-instructions.sh KIND [N1 N2 WARM] [-- config flags…]
# Needs valgrind and a compiled bench (npm run bench:compile). Deterministic enough to compare
# builds on a busy machine, where seconds are not. HARNESS=measure-server-path counts the server
# side of a gRPC call instead (bench/count-server-instructions.sh).
set -euo pipefail
kind=$1
shift
counts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do counts+=("$1"); shift; done
[ $# -gt 0 ] && shift
flags=("$@")
n1=${counts[0]:-1000}
n2=${counts[1]:-3000}
warm=${counts[2]:-3000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count() {
  valgrind --tool=callgrind --callgrind-out-file="$out/$1.out" \
    node "dist-bench/bench/${HARNESS:-measure-check-path}.js" "$kind" --warm "$warm" --checks "$1" "${flags[@]}" \
    2>"$out/$1.err" >"$out/$1.txt" || { cat "$out/$1.err" "$out/$1.txt" >&2; exit 1; }
  grep -o 'Collected : [0-9]*' "$out/$1.err" | grep -o '[0-9]*$'
}
i1=$(count "$n1")
i2=$(count "$n2")
echo "$kind ${flags[*]}: I($n1)=$i1 I($n2)=$i2 per check $(( (i2 - i1) / (n2 - n1) )) instructions"
