#!/usr/bin/env bash
# Starts a local three-node Redis Cluster on free ports (Debian's redis-server, no persistence),
# runs the store contract suite against it, and stops the nodes by pid.
# Usage: scripts/redis-cluster.sh [vitest files…]   (default: src/store/store.contract.test.ts)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
nodes=()
for i in 1 2 3; do
  port=$(free_port)
  mkdir -p "$dir/$port"
  redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
    --cluster-config-file "$dir/$port/nodes.conf" --dir "$dir/$port" \
    --save '' --appendonly no --daemonize no >"$dir/$port/log" 2>&1 &
  pids+=($!)
  nodes+=("127.0.0.1:$port")
done
for node in "${nodes[@]}"; do
  until redis-cli -p "${node##*:}" ping >/dev/null 2>&1; do sleep 0.1; done
done
redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
until redis-cli -p "${nodes[0]##*:}" cluster info | grep -q 'cluster_state:ok'; do sleep 0.2; done
export AGENT_AUTHZ_TEST_REDIS="redis://${nodes[0]}"
export AGENT_AUTHZ_TEST_REDIS_CLUSTER=1
npx vitest run "${@:-src/store/store.contract.test.ts}"
