#!/usr/bin/env bash
# Instructions per gRPC call of one request kind, counted by callgrind over the server side of
# bench/measure-server-path.ts (its client is a child process, which callgrind does not follow):
# two runs with the same warm-up and N1 < N2 measured calls, (I2 − I1) / (N2 − N1). Arguments
# after `--` go to the harness: `--server native|grpc-js|floor`, `--engine canned|real`,
# `--in-flight C`, server config flags.
#   bash bench/count-server-instructions.sh KIND [N1 N2 WARM] [-- harness options…]
# Needs valgrind and a compiled bench (npm run bench:compile).
set -euo pipefail
kind=$1
shift
counts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do counts+=("$1"); shift; done
[ $# -gt 0 ] && shift
options=("$@")
n1=${counts[0]:-1000}
n2=${counts[1]:-3000}
warm=${counts[2]:-3000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count() {
  valgrind --tool=callgrind --callgrind-out-file="$out/$1.out" \
    node dist-bench/bench/measure-server-path.js "$kind" --warm "$warm" --checks "$1" "${options[@]}" \
    2>"$out/$1.err" >"$out/$1.txt" || { cat "$out/$1.err" "$out/$1.txt" >&2; exit 1; }
  grep -o 'Collected : [0-9]*' "$out/$1.err" | grep -o '[0-9]*$'
}
i1=$(count "$n1")
i2=$(count "$n2")
echo "$kind ${options[*]}: I($n1)=$i1 I($n2)=$i2 per call $(( (i2 - i1) / (n2 - n1) )) instructions"
