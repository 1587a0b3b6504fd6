#!/usr/bin/env bash
# New-connection latency over many passes, to watch the JIT settle and compare settings within one machine state:
# starts the stack, an agent and nginx like tunnel-bench.sh, then PASSES passes of 1,000 sequential requests
# (one curl, Connection: close), direct and through the tunnel, each with the CPU time per connection of the
# gateway and the agent (from /proc, JIT and GC threads included). TPUT=N adds N 1 GiB downloads (direct, tunnel).
#   PASSES=10 bench/dataplane/connection-loop.sh
#   SECURECONNECT_GATEWAY_DATA_REUSE=false PASSES=10 bench/dataplane/connection-loop.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN=$PWD/run
WORK=$PWD/bench/target/connection-loop
ORIGIN=18091
TUNNEL_PORT=30002
PASSES=${PASSES:-10}
TPUT=${TPUT:-0}

source scripts/lib/postgres.sh
source scripts/lib/pki.sh
source scripts/lib/processes.sh
source scripts/lib/stack.sh
source bench/dataplane/lib.sh

cleanup() {
  origin_stop "$WORK"
  stop_all "$RUN" >/dev/null
}
trap cleanup EXIT

origin_stop "$WORK"
rm -rf "$WORK"; mkdir -p "$WORK/www" "$RUN/logs"
stop_all "$RUN" >/dev/null
postgres_up; postgres_databases >/dev/null
origin_start "$WORK" "$ORIGIN" "$TPUT"
tunnel_start "$RUN" "$TUNNEL_PORT" "$ORIGIN"

config=$WORK/urls
: > "$config"
for _ in $(seq 1 1000); do echo "url = \"http://127.0.0.1:$ORIGIN/1k\"" >> "$config"; echo "output = /dev/null" >> "$config"; done
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pass() {
  curl -s -H 'Connection: close' "$@" -K "$config" -w '%{time_total}\n' \
    | sort -g | awk '{a[NR]=$1} END {printf "%.3f %.3f", a[int(NR*0.5)]*1000, a[int(NR*0.99)]*1000}'
}
hz=$(getconf CLK_TCK)
echo "pass | direct p50 p99 ms | tunnel p50 p99 ms | CPU us per connection: gateway agent | load"
for i in $(seq 1 "$PASSES"); do
  d=$(pass)
  g0=$(ticks "$GATEWAY_PID"); a0=$(ticks "$AGENT_PID")
  t=$(pass -p -x "$PROXY")
  g1=$(ticks "$GATEWAY_PID"); a1=$(ticks "$AGENT_PID")
  echo "$i | $d | $t | $(( (g1 - g0) * 1000000 / hz / 1000 )) $(( (a1 - a0) * 1000000 / hz / 1000 )) | $(cut -d' ' -f1 /proc/loadavg)"
done
for _ in $(seq 1 "$TPUT"); do
  g0=$(ticks "$GATEWAY_PID"); a0=$(ticks "$AGENT_PID")
  ds=$(curl -s -o /dev/null -w '%{speed_download}' "http://127.0.0.1:$ORIGIN/1g")
  ts=$(curl -s -o /dev/null -w '%{speed_download}' -p -x "$PROXY" "http://127.0.0.1:$ORIGIN/1g")
  g1=$(ticks "$GATEWAY_PID"); a1=$(ticks "$AGENT_PID")
  awk -v d="$ds" -v t="$ts" -v c=$((g1 - g0 + a1 - a0)) -v hz="$hz" \
    'BEGIN {printf "1 GiB: direct %.0f MiB/s, tunnel %.0f MiB/s, both ends %.2f CPU-s/GB\n", d/1048576, t/1048576, c/hz/1.073741824}'
done
curl -s http://127.0.0.1:8084/q/metrics | grep -E '^secureconnect_gateway_(data_reused|data_parked|errors)' || true
