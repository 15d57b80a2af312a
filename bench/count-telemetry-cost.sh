#!/usr/bin/env bash
# What telemetry adds to a signed Ed25519 check, counted in instructions (issue 10): the same
# window of checks (bench/count-window-instructions.sh) with all telemetry off, with the default
# (metrics and the decision log to a file, no SDK), and with the OpenTelemetry SDK exporting every
# span over OTLP/HTTP to a local sink (bench/otlp-sink.ts). The first two run side by side.
#   bash bench/count-telemetry-cost.sh [WARM CHECKS]
# Needs valgrind and a compiled bench (npm run bench:compile); about 6 minutes at 3000 + 5000.
set -euo pipefail
warm=${1:-3000}
checks=${2:-5000}
out=$(mktemp -d)
sink=""
trap '[ -n "$sink" ] && kill "$sink" 2>/dev/null; rm -rf "$out"' EXIT
# KEEP_DIR=dir keeps each arm's callgrind window (off.out, default.out, sdk.out) there.
count() {
  local arm=$1
  shift
  KEEP_CALLGRIND=${KEEP_DIR:+$KEEP_DIR/$arm.out} \
    bash bench/count-window-instructions.sh signed-ed25519 "$warm" "$checks" -- "$@" |
    grep -o '[0-9]* per check' | grep -o '^[0-9]*'
}
count off --telemetry.metrics=false --telemetry.decision-log=off >"$out/off" &
count default >"$out/default" &
wait
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
node dist-bench/bench/otlp-sink.js "$port" >"$out/sink.log" &
sink=$!
count sdk "--telemetry.otlp=http://127.0.0.1:$port" >"$out/sdk"
kill "$sink" && wait "$sink" 2>/dev/null || true
sink=""
off=$(cat "$out/off") default=$(cat "$out/default") sdk=$(cat "$out/sdk")
ratio() { python3 -c "print(f'{$1 / $2:.4f}')"; }
echo "instructions per signed Ed25519 check, $checks checks after $warm:"
echo "  all telemetry off        $off"
echo "  default (SDK off)        $default   default / off = $(ratio "$default" "$off")"
echo "  SDK on, OTLP/HTTP        $sdk   SDK on / default = $(ratio "$sdk" "$default"), SDK on / off = $(ratio "$sdk" "$off")"
cat "$out/sink.log"
