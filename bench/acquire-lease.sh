#!/usr/bin/env bash
# tunnel-registry AcquireLease with 100 concurrent requesters (each its own account and key, so every grant
# succeeds; a registered gateway kept alive; every call over TLS as gateway/bench-gateway, its client certificate
# and the gateway id its requests name), p50/p99, two ways: closed loop (acquire, release, again) and bursts
# (all 100 at the same instant, once each, 50 times after 5 unmeasured: a reconnect storm); then RenewLease
# throughput with the same requesters each
# holding one lease. Baseline in the same run: a single-row INSERT ... ON CONFLICT DO UPDATE on the same PostgreSQL
# by 100 requesters over a 20-connection JDBC pool (the service's pool size); and the registry's own SQL without the
# service (lease_acquire for port 0, then the release statement, same requesters and pool, on the registry's database).
# (c) AcquireLease at a fixed rate (BENCH_ACQUIRE_RATE, default 200/s) spread over the requesters, open loop.
#   bench/acquire-lease.sh        (BENCH_WARMUP=10 BENCH_DURATION=20 BENCH_REQUESTERS=100 BENCH_CHANNELS=4)
# The registry serves gRPC on a TLS port of its own (grpc-java's Netty server), as deployed. (BENCH_SHARED_GRPC=1, gRPC
# on the plain HTTP port, is gone: no caller can present a client certificate there, so every call is refused.)
# BENCH_BURSTS: how many bursts are measured (50). BENCH_ONLY: for tuning, the parts to run, comma-separated, of
# loop (a), bursts (b), paced (c), renew, baselines
# (then no report: no ratio without the baselines).
# BENCH_REGISTRY_ENV: more NAME=value settings for the registry, e.g. SECURECONNECT_REGISTRY_BATCH_MAX=16.
# JVMs: the registry runs with ZGC as deployed (its Dockerfile), and so does this load generator, so that neither's
# collector pauses land in the figures; BENCH_SERVICE_JAVA_OPTS / BENCH_JAVA_OPTS replace that (e.g. -XX:+UseG1GC).
# AcquireLease needs no key-validator (the registry's key-validator client serves REST and frp only): it is
# pointed at a closed port. Everything started here is stopped on exit; the databases are dropped.
source "$(dirname "$0")/lib.sh"
WARMUP=${BENCH_WARMUP:-10}
DURATION=${BENCH_DURATION:-20}
REQUESTERS=${BENCH_REQUESTERS:-100}
CHANNELS=${BENCH_CHANNELS:-4}
ACQUIRE_RATE=${BENCH_ACQUIRE_RATE:-200}
RESULTS=$WORK/results.tsv
export BENCH_SERVICE_JAVA_OPTS=${BENCH_SERVICE_JAVA_OPTS:--XX:+UseZGC}
export BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--XX:+UseZGC}

bench_require_jars tunnel-registry
bench_machine
echo "work dir: $WORK"

echo "== tunnel-registry on a fresh database"
db=$(fresh_db registry)
baseline_db=$(fresh_db upsert)
port=$(free_port)
grpc_port=$(free_port)
start_service registry tunnel-registry "$port" "$grpc_port" "$db" \
  QUARKUS_GRPC_CLIENTS_KEYVALIDATOR_HOST=127.0.0.1 QUARKUS_GRPC_CLIENTS_KEYVALIDATOR_PORT="$(free_port)" \
  ${BENCH_REGISTRY_ENV:-}
wait_ready registry "http://127.0.0.1:$port/q/health/ready"

echo "  load average before: $(cut -d" " -f1-3 /proc/loadavg)"
bench_java AcquireLeaseBench --registry="127.0.0.1:$grpc_port" --identity="$(identity gateway bench-gateway)" \
  --receipt-signer="$(identity service key-validator)" \
  --requesters="$REQUESTERS" --channels="$CHANNELS" --acquire-rate="$ACQUIRE_RATE" \
  ${BENCH_ONLY:+--only=$BENCH_ONLY} --bursts="${BENCH_BURSTS:-50}" \
  --warmup="$WARMUP" --duration="$DURATION" --pids="$PID_registry" --out="$RESULTS" \
  --baseline-jdbc-url="jdbc:postgresql://127.0.0.1:5432/$baseline_db?user=postgres" \
  --registry-jdbc-url="jdbc:postgresql://127.0.0.1:5432/$db?user=postgres"
curl -s "http://127.0.0.1:$MANAGEMENT_PORT_registry/q/metrics" | grep '^secureconnect_registry_lease_batch' > "$WORK/registry-batches.txt" || true
echo "  lease batches of the registry (whole run): $(awk '{printf "%s %s; ", $1, $2}' "$WORK/registry-batches.txt")"
echo "  leases in the registry database: $(psql -h 127.0.0.1 -U postgres -d "$db" -Atqc "select count(*) || ' rows, ' || coalesce(max(epoch), 0) || ' max epoch' from lease" 2>/dev/null || true)"

[[ -n ${BENCH_ONLY:-} ]] && exit 0
bench_java Report --in="$RESULTS" \
  --compare="AcquireLease (then release)|baseline JDBC upsert (pool 20),AcquireLease (then release)|SQL floor: lease_acquire (pool 20),RenewLease|baseline JDBC upsert (pool 20)" \
  --targets="AcquireLease (then release):p99<=20,AcquireLease bursts of $REQUESTERS:p99<=20,AcquireLease @$ACQUIRE_RATE/s:p99<=20,RenewLease:rate>=3000"
