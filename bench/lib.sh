#!/usr/bin/env bash
# Shared by the bench/*.sh drivers: fresh databases on the local PostgreSQL, services started as their packaged
# applications on free loopback ports (REST, and gRPC over TLS on a port of its own) with identities of a PKI of the
# run (scripts/lib/pki.sh), and a trap that stops everything started here and drops those databases.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
source "$ROOT/scripts/lib/pki.sh"
WORK=$BENCH/target/run-$(date +%Y%m%d-%H%M%S)-$$
LOGS=$WORK/logs
JAR=$BENCH/target/bench.jar
PSQL=(psql -h 127.0.0.1 -U postgres -d postgres -Atqc)
BENCH_PIDS=()
mkdir -p "$LOGS"
chmod 700 "$WORK"

bench_cleanup() {
  local pid db
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  done
  BENCH_PIDS=()
  # fresh_db runs in command substitutions (subshells): the names it made are kept in a file, not a variable.
  if [ -f "$WORK/databases" ]; then
    while read -r db; do
      "${PSQL[@]}" "drop database if exists $db with (force)" >/dev/null 2>&1 || true
    done < "$WORK/databases"
    rm -f "$WORK/databases"
  fi
  rm -rf "$WORK/apps" "$WORK/pki"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# The load generator and the services, built if missing.
bench_require_jars() {
  local module
  for module in "$@"; do
    if [ ! -f "$ROOT/$module/target/quarkus-app/quarkus-run.jar" ]; then
      echo "missing $module/target/quarkus-app/quarkus-run.jar: ./mvnw -B -q -pl $module -am package -DskipTests" >&2
      exit 1
    fi
  done
  if [ ! -f "$JAR" ]; then
    # -am: the stubs and common classes of this checkout, not whatever another checkout installed in ~/.m2
    (cd "$ROOT" && ./mvnw -B -q -pl bench -am package -DskipTests)
  fi
  # Run from a copy, so that a rebuild of bench/ during the run cannot pull classes from under the JVM.
  cp "$JAR" "$WORK/bench.jar"
  JAR=$WORK/bench.jar
}

bench_machine() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
    "$(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(java -version 2>&1 | head -1)"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# fresh_db NAME: prints the name of a new empty database, dropped on exit.
fresh_db() {
  local db="bench_$1_$(date +%s)_$RANDOM"
  "${PSQL[@]}" "create database $db" >/dev/null
  echo "$db" >> "$WORK/databases"
  echo "$db"
}

# identity KIND NAME: prints the directory of the run's certificate for KIND/NAME (service, gateway or runner;
# spiffe://secureconnect/KIND/NAME), issued on first use by the run's own CA in WORK/pki (deleted on exit).
identity() {
  pki_ensure "$WORK/pki" >/dev/null
  pki_identity "$WORK/pki" "$1" "$2"
}

# start_service NAME MODULE PORT GRPC_PORT DATABASE [ENV=VALUE...]: the packaged service on 127.0.0.1, REST on
# PORT and gRPC (TLS, callers must present a certificate of WORK/pki) on GRPC_PORT, as service/MODULE.
# BENCH_JFR=1 records a JFR profile of each service in WORK/NAME.jfr (summarise with bench/jfr-top.py).
start_service() {
  local name=$1 module=$2 port=$3 grpc_port=$4 db=$5 identity_dir management_port
  shift 5
  identity_dir=$(identity service "$module")
  management_port=$(free_port)
  # A private copy of the packaged application: colleagues rebuilding target/quarkus-app while a benchmark runs
  # replace jars under the running JVM (seen: an event loop hung for minutes in the runner class loader).
  if [ ! -d "$WORK/apps/$module" ]; then
    mkdir -p "$WORK/apps"
    cp -r "$ROOT/$module/target/quarkus-app" "$WORK/apps/$module"
  fi
  env QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" \
    QUARKUS_GRPC_SERVER_HOST=127.0.0.1 QUARKUS_GRPC_SERVER_PORT="$grpc_port" \
    SECURECONNECT_IDENTITY_DIR="$identity_dir" \
    QUARKUS_MANAGEMENT_HOST=127.0.0.1 QUARKUS_MANAGEMENT_PORT="$management_port" \
    QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$db" "$@" \
    java ${BENCH_SERVICE_JAVA_OPTS:-} ${BENCH_JFR:+-XX:StartFlightRecording=filename=$WORK/$name.jfr,settings=profile,dumponexit=true} -jar "$WORK/apps/$module/quarkus-run.jar" > "$LOGS/$name.log" 2>&1 &
  BENCH_PIDS+=($!)
  eval "PID_${name//-/_}=$!"
  # /q/metrics is on the management port: MANAGEMENT_PORT_<name>
  eval "MANAGEMENT_PORT_${name//-/_}=$management_port"
}

# wait_ready NAME URL: up to 90 s for a 200.
wait_ready() {
  local name=$1 url=$2
  for _ in $(seq 1 180); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  echo "$name did not answer $url within 90 s; its log ends with:" >&2
  tail -n 30 "$LOGS/$name.log" >&2
  exit 1
}

# bootstrap_key NAME: the admin API key key-validator printed on its first start (kept in WORK, mode 600).
bootstrap_key() {
  local line
  line=$(grep -m1 -o 'Bootstrap admin API key (shown once): [^ ]*' "$LOGS/$1.log") || {
    echo "$1 printed no bootstrap admin key" >&2
    exit 1
  }
  (umask 077; printf '%s\n' "${line##* }" > "$WORK/admin-token")
  echo "$WORK/admin-token"
}

bench_java() {
  java ${BENCH_JAVA_OPTS:-} -cp "$JAR" "io.secureconnect.bench.$1" "${@:2}"
}

# wrk_tsv LABEL SECONDS < wrk --latency output: one results line (p90 and p99.9 as wrk gives them or NaN).
wrk_tsv() {
  awk -v label="$1" -v secs="$2" '
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
      if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
      return v + 0
    }
    /^ +50%/ { p50 = ms($2) }
    /^ +90%/ { p90 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /^ +Latency / && !max { max = ms($4) }
    /requests in/ { calls = $1 }
    /Non-2xx/ { errors = $NF }
    /Socket errors/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) { gsub(",", "", $i); errors += $i } }
    END { printf "%s\t%d\t%d\t%.3f\t%.4f\t%.4f\t%.4f\tNaN\t%.4f\tNaN\tNaN\t\n", label, calls, errors + 0, secs, p50, p90, p99, max }'
}
