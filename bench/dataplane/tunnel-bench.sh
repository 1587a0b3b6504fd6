#!/usr/bin/env bash
# Data-plane benchmark: a build's traffic through gateway + agent, against direct loopback and against an OpenSSH
# reverse tunnel (ssh -R remote dynamic forward, aes128-gcm), all measured in the same run on this machine.
#   bench/dataplane/tunnel-bench.sh            (stops a running scripts/run-local.sh; uses its state dir run/)
# Figures: 1 GiB single-connection throughput and CPU per GB of both tunnel ends; added latency of a new
# connection (1,000 sequential requests, one curl, after LATENCY_WARMUP passes of the same; and 200 curl
# processes); memory per idle connection that has carried one request (1,000 connections; gateway and agent heap
# after GC, and RSS).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
RUN=$ROOT/run
WORK=$ROOT/bench/target/dataplane
ORIGIN=18091
TUNNEL_PORT=30002
SOCKS=31080
ROUNDS=${ROUNDS:-3}
IDLE=${IDLE:-1000}
LATENCY_WARMUP=${LATENCY_WARMUP:-12}
# The idle connections all come from one build credential: allow them (the gateway's default is 256 per build).
export SECURECONNECT_GATEWAY_PROXY_MAX_CONNECTIONS_PER_BUILD=${SECURECONNECT_GATEWAY_PROXY_MAX_CONNECTIONS_PER_BUILD:-$((IDLE + 64))}

source scripts/lib/postgres.sh
source scripts/lib/pki.sh
source scripts/lib/processes.sh
source scripts/lib/stack.sh
source bench/dataplane/lib.sh

for tool in nginx sshd ssh curl jcmd python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y nginx-light openssh-server openssh-client curl" >&2; exit 2; }
done

cleanup() {
  origin_stop "$WORK"
  [ -n "${SSH_PID:-}" ] && kill "$SSH_PID" 2>/dev/null || true
  [ -f "$WORK/sshd.pid" ] && kill "$(cat "$WORK/sshd.pid")" 2>/dev/null || true
  stop_all "$RUN" >/dev/null
}
trap cleanup EXIT

rm -rf "$WORK"; mkdir -p "$WORK/www" "$RUN/logs"
stop_all "$RUN" >/dev/null
postgres_up; postgres_databases >/dev/null

echo "== origin: nginx on 127.0.0.1:$ORIGIN (1 GiB and 1 KiB files)"
origin_start "$WORK" "$ORIGIN" 1

echo "== OpenSSH reverse tunnel: sshd on 127.0.0.1:2222, ssh -R 127.0.0.1:$SOCKS (SOCKS), aes128-gcm"
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$WORK/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/client_key"
cp "$WORK/client_key.pub" "$WORK/authorized_keys"
cat > "$WORK/sshd_config" <<CONF
Port 2222
ListenAddress 127.0.0.1
HostKey $WORK/host_key
AuthorizedKeysFile $WORK/authorized_keys
PidFile $WORK/sshd.pid
PasswordAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
CONF
/usr/sbin/sshd -f "$WORK/sshd_config"
sleep 0.5
ssh -q -N -i "$WORK/client_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -p 2222 \
  -c aes128-gcm@openssh.com -R "127.0.0.1:$SOCKS" "$(whoami)@127.0.0.1" &
SSH_PID=$!

echo "== Secure Connect: services, gateway, agent (REMOTE_PORT=$TUNNEL_PORT, ALLOW=127.0.0.1:$ORIGIN)"
tunnel_start "$RUN" "$TUNNEL_PORT" "$ORIGIN"
CREDENTIAL=${PROXY#http://}; CREDENTIAL=${CREDENTIAL%@*}
SSHD_SESSION_PID() { pgrep -f "sshd: $(whoami)" | head -n 1; }

cpu_ticks() { local total=0 pid; for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo $total; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# throughput MODE: prints "MiB/s cpu-seconds-per-GB" (median of ROUNDS, after one warm-up)
throughput() {
  local mode=$1 args pids speeds=() cpus=() i before after speed
  case $mode in
    direct) args=(); pids=() ;;
    tunnel) args=(-p -x "$PROXY"); pids=("$GATEWAY_PID" "$AGENT_PID") ;;
    ssh) args=(--socks5-hostname "127.0.0.1:$SOCKS"); pids=("$SSH_PID" "$(SSHD_SESSION_PID)") ;;
  esac
  curl -s -o /dev/null "${args[@]}" "http://127.0.0.1:$ORIGIN/1g"
  for i in $(seq 1 "$ROUNDS"); do
    before=$([ ${#pids[@]} -gt 0 ] && cpu_ticks "${pids[@]}" || echo 0)
    speed=$(curl -s -o /dev/null -w '%{speed_download}' "${args[@]}" "http://127.0.0.1:$ORIGIN/1g")
    after=$([ ${#pids[@]} -gt 0 ] && cpu_ticks "${pids[@]}" || echo 0)
    speeds+=("$(awk -v s="$speed" 'BEGIN {printf "%.0f", s / 1048576}')")
    cpus+=("$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz / 1.073741824}')")
  done
  echo "$(printf '%s\n' "${speeds[@]}" | median) $(printf '%s\n' "${cpus[@]}" | median)"
}

# latency MODE N: p50 and p99 in ms of N sequential requests, each on a new connection, one curl process
latency() {
  local mode=$1 n=$2 args config=$WORK/urls-$1
  case $mode in
    direct) args=() ;;
    tunnel) args=(-p -x "$PROXY") ;;
    ssh) args=(--socks5-hostname "127.0.0.1:$SOCKS") ;;
  esac
  : > "$config"
  for _ in $(seq 1 "$n"); do echo "url = \"http://127.0.0.1:$ORIGIN/1k\"" >> "$config"; echo "output = /dev/null" >> "$config"; done
  # Warm-up passes first: the JIT needs a few thousand connection set-ups before the figure settles (PERFORMANCE.md).
  for _ in $(seq 1 "$LATENCY_WARMUP"); do
    curl -s -H 'Connection: close' "${args[@]}" -K "$config" -w '%{time_total}\n' > /dev/null 2>&1 || true
  done
  curl -s -H 'Connection: close' "${args[@]}" -K "$config" -w '%{time_total}\n' \
    | sort -g | awk '{a[NR]=$1} END {printf "%.3f %.3f", a[int(NR*0.5)]*1000, a[int(NR*0.99)]*1000}'
}

# processes MODE N: mean ms per request with one curl process per request (CI style)
processes() {
  local mode=$1 n=$2 args start end
  case $mode in
    direct) args=() ;;
    tunnel) args=(-p -x "$PROXY") ;;
    ssh) args=(--socks5-hostname "127.0.0.1:$SOCKS") ;;
  esac
  start=$(date +%s%N)
  for _ in $(seq 1 "$n"); do curl -s -o /dev/null "${args[@]}" "http://127.0.0.1:$ORIGIN/1k"; done
  end=$(date +%s%N)
  awk -v d=$((end - start)) -v n="$n" 'BEGIN {printf "%.2f", d / n / 1e6}'
}

heap_kb() { jcmd "$1" GC.run >/dev/null; sleep 1; jcmd "$1" GC.heap_info | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {gsub("K","",$(i+1)); print $(i+1); exit}}'; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

echo "== warm-up (JIT): 3 x 1 GiB through the tunnel"
for _ in 1 2 3; do curl -s -o /dev/null -p -x "$PROXY" "http://127.0.0.1:$ORIGIN/1g"; done

echo "== throughput, 1 GiB, one connection, median of $ROUNDS"
read -r D_MIB _ <<< "$(throughput direct)"
read -r T_MIB T_CPU <<< "$(throughput tunnel)"
read -r S_MIB S_CPU <<< "$(throughput ssh)"

echo "== new-connection latency, 1,000 sequential requests (one curl), and 200 curl processes"
read -r D_P50 D_P99 <<< "$(latency direct 1000)"
read -r T_P50 T_P99 <<< "$(latency tunnel 1000)"
read -r S_P50 S_P99 <<< "$(latency ssh 1000)"
D_PROC=$(processes direct 200); T_PROC=$(processes tunnel 200); S_PROC=$(processes ssh 200)

echo "== memory per idle connection that carried one request ($IDLE connections)"
G_HEAP0=$(heap_kb "$GATEWAY_PID"); A_HEAP0=$(heap_kb "$AGENT_PID"); G_RSS0=$(rss_kb "$GATEWAY_PID"); A_RSS0=$(rss_kb "$AGENT_PID")
exec 7> >(python3 bench/dataplane/idle_connections.py connect "$IDLE" 127.0.0.1 "$ORIGIN" /1k localhost "$TUNNEL_PORT" "$CREDENTIAL" > "$WORK/idle.out")
for _ in $(seq 1 240); do grep -q ready "$WORK/idle.out" 2>/dev/null && break; sleep 0.5; done
G_HEAP1=$(heap_kb "$GATEWAY_PID"); A_HEAP1=$(heap_kb "$AGENT_PID"); G_RSS1=$(rss_kb "$GATEWAY_PID"); A_RSS1=$(rss_kb "$AGENT_PID")
exec 7>&-
SSHD_PID=$(SSHD_SESSION_PID); S_RSS0=$(( $(rss_kb "$SSH_PID") + $(rss_kb "$SSHD_PID") ))
exec 8> >(python3 bench/dataplane/idle_connections.py socks "$IDLE" 127.0.0.1 "$ORIGIN" /1k 127.0.0.1 "$SOCKS" > "$WORK/idle-ssh.out")
for _ in $(seq 1 240); do grep -q ready "$WORK/idle-ssh.out" 2>/dev/null && break; sleep 0.5; done
S_RSS1=$(( $(rss_kb "$SSH_PID") + $(rss_kb "$SSHD_PID") ))
exec 8>&-
grep -q ready "$WORK/idle.out" || echo "warning: the idle connections through the tunnel did not all open" >&2

per() { awk -v a="$1" -v b="$2" -v n="$IDLE" 'BEGIN {printf "%.1f", (b - a) / n}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
plus() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%+.3f", a - b}'; }

cat <<TABLE

Machine: $(nproc) vCPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem/ {print $2}') GiB; every part on loopback; $(date -u '+%F %H:%M') UTC; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)
| figure | direct | Secure Connect (gateway + agent) | ssh -R aes128-gcm | ours / ssh |
|---|---|---|---|---|
| 1 GiB, one connection, MiB/s | $D_MIB | $T_MIB ($(ratio "$T_MIB" "$D_MIB")x direct) | $S_MIB ($(ratio "$S_MIB" "$D_MIB")x direct) | $(ratio "$T_MIB" "$S_MIB")x |
| CPU of both tunnel ends, s/GB | - | $T_CPU | $S_CPU | $(ratio "$T_CPU" "$S_CPU")x |
| new connection p50 / p99, ms (1,000 sequential, one curl) | $D_P50 / $D_P99 | $T_P50 / $T_P99 ($(plus "$T_P50" "$D_P50") p50) | $S_P50 / $S_P99 ($(plus "$S_P50" "$D_P50") p50) | - |
| one curl process per request, ms mean (200) | $D_PROC | $T_PROC ($(plus "$T_PROC" "$D_PROC")) | $S_PROC ($(plus "$S_PROC" "$D_PROC")) | - |
| heap per idle connection, KiB (gateway / agent) | - | $(per "$G_HEAP0" "$G_HEAP1") / $(per "$A_HEAP0" "$A_HEAP1") | - | - |
| RSS per idle connection, KiB (gateway / agent; ssh: both ends) | - | $(per "$G_RSS0" "$G_RSS1") / $(per "$A_RSS0" "$A_RSS1") | $(per "$S_RSS0" "$S_RSS1") | - |
TABLE
