#!/usr/bin/env bash
# Instructions per gRPC call of one request kind, counted by callgrind over the server side of
# bench/measure-server-path.ts (its client is a child process, which callgrind does not follow):
# two runs with the same warm-up and N1 < N2 measured calls, (I2 − I1) / (N2 − N1). Arguments
# after `--` go to the harness: `--server native|grpc-js|floor`, `--engine canned|real`,
# `--in-flight C`, server config flags.
#   bash bench/count-server-instructions.sh KIND [N1 N2 WARM] [-- harness options…]
# Needs valgrind and a compiled bench (npm run bench:compile).
HARNESS=measure-server-path exec bash "$(dirname "$0")/count-check-instructions.sh" "$@"
