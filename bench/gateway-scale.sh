#!/usr/bin/env bash
# Scale figures (issue #18), on this machine:
# (a) how many tunnels one gateway holds: agents opened from one load-generator process (GatewayScaleBench; each agent
#     its own TLS connection, TunnelService.Connect with a real API key, Hello, heartbeats; the gateway checks the key
#     with key-validator and takes a real lease from tunnel-registry), at BENCH_SCALE_COUNTS tunnels; after each step the
#     gateway's heap after GC, RSS, threads, open files and its idle CPU (heartbeats + lease renewals). A tunnel is an
#     account and a port of 30000-30099, so N tunnels need ceil(N/100) accounts: created over REST by the bootstrap
#     operator key (POST /api/v1/accounts), each with an agent key (core_pipeline_view over all resources).
#     Baseline in the same run: BENCH_SCALE_BASELINE bare TLS + HTTP/2 connections to the agent endpoint (no call);
#     then BENCH_SCALE_PARKED parked data connections per tunnel (the real agent keeps 4 parked ahead of demand).
#     BENCH_SCALE_PARKED=4 is what a real agent keeps; at 1,000 tunnels on this busy 2-core machine the gateway then
#     dropped most tunnels (lease renewals and heartbeats fell behind): see bench/HISTORY.md, 2026-12-07.
# (b) how many leases the registry keeps renewed per second: AcquireLeaseBench's RenewLease part (BENCH_REQUESTERS
#     requesters, each renewing its own lease in a closed loop), against the SQL floor: the registry's own renew
#     statement over JDBC on the registry's database, same requesters, 20 connections (the service's pool).
#     Each tunnel costs the registry one renewal per TTL/3 (10 s): the figure times 10 is the tunnels it keeps.
# (c) one more registry replica: a second tunnel-registry on the same database, the same renew load spread over both
#     (1, 2, then 1 replica again, so drift shows). Both replicas share the machine's cores with PostgreSQL and the
#     load generator: on 2 cores this measures contention, not what a replica on its own machine would add.
#   bench/gateway-scale.sh   (BENCH_SCALE_COUNTS=100,500,1000 BENCH_SCALE_BASELINE=1000 BENCH_SCALE_PARKED=1
#                             BENCH_SCALE_SETTLE=12 BENCH_WARMUP=5 BENCH_DURATION=15 BENCH_REQUESTERS=100
#                             BENCH_SCALE_ONLY=gateway,renew)
# The gateway runs with the JVM's defaults, as its Dockerfile does (-XX:MaxRAMPercentage=75.0 aside), the registry with
# ZGC as its Dockerfile. Everything started here is stopped on exit; the databases are dropped.
source "$(dirname "$0")/lib.sh"
COUNTS=${BENCH_SCALE_COUNTS:-100,500,1000}
BASELINE=${BENCH_SCALE_BASELINE:-1000}
PARKED=${BENCH_SCALE_PARKED:-1}
SETTLE=${BENCH_SCALE_SETTLE:-12}
ONLY=${BENCH_SCALE_ONLY:-gateway,renew}
WARMUP=${BENCH_WARMUP:-5}
DURATION=${BENCH_DURATION:-15}
REQUESTERS=${BENCH_REQUESTERS:-100}
RESULTS=$WORK/results.tsv
MAX=$(tr , '\n' <<< "$COUNTS" | sort -n | tail -n 1)
ACCOUNTS=$(( (MAX + 99) / 100 ))
load() { cut -d" " -f1-3 /proc/loadavg; }

bench_require_jars key-validator tunnel-registry gateway
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD)"
bench_machine
echo "command: BENCH_SCALE_COUNTS=$COUNTS BENCH_SCALE_BASELINE=$BASELINE BENCH_SCALE_PARKED=$PARKED" \
  "BENCH_SCALE_SETTLE=$SETTLE BENCH_WARMUP=$WARMUP BENCH_DURATION=$DURATION BENCH_REQUESTERS=$REQUESTERS $0"
echo "work dir: $WORK"
echo "load average at the start: $(load)"
pki_ensure "$WORK/pki" >/dev/null

echo "== key-validator and tunnel-registry on fresh databases"
kv_port=$(free_port); kv_grpc=$(free_port)
r1_port=$(free_port); r1_grpc=$(free_port)
registry_db=$(fresh_db registry)
start_service kv key-validator "$kv_port" "$kv_grpc" "$(fresh_db keys)" SECURECONNECT_KEYS_PEPPER="$(cat "$WORK/pki/pepper")"
wait_ready kv "http://127.0.0.1:$kv_port/q/health/ready"
admin=$(cat "$(bootstrap_key kv)")
clients=(QUARKUS_GRPC_CLIENTS_KEYVALIDATOR_HOST=127.0.0.1 QUARKUS_GRPC_CLIENTS_KEYVALIDATOR_PORT="$kv_grpc"
  QUARKUS_GRPC_CLIENTS_REGISTRY_HOST=127.0.0.1 QUARKUS_GRPC_CLIENTS_REGISTRY_PORT="$r1_grpc")
BENCH_SERVICE_JAVA_OPTS=-XX:+UseZGC start_service registry tunnel-registry "$r1_port" "$r1_grpc" "$registry_db" \
  "${clients[@]}"
wait_ready registry "http://127.0.0.1:$r1_port/q/health/ready"

# rest METHOD PATH KEY [JSON]: key-validator's REST API; prints the body, fails on an error status.
rest() {
  curl -fsS -X "$1" -H "x-api-key: $3" -H 'Content-Type: application/json' ${4:+--data "$4"} \
    "http://127.0.0.1:$kv_port/api/v1$2"
}
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

if [[ ,$ONLY, == *,gateway,* ]]; then
  echo "== $ACCOUNTS accounts (POST /api/v1/accounts as the operator), each with an agent key"
  : > "$WORK/credentials"
  chmod 600 "$WORK/credentials"
  for a in $(seq 1 "$ACCOUNTS"); do
    account=scale_$a
    owner=$(rest POST /accounts "$admin" "{\"identifier\":\"$account\",\"name\":\"$account\"}" | json '["adminToken"]["token"]')
    rest POST "/apikeys?accountIdentifier=$account" "$owner" \
      '{"identifier":"agent","name":"agent","apiKeyType":"SERVICE_ACCOUNT","parentIdentifier":"agent_sa"}' >/dev/null
    rest POST "/role-bindings?accountIdentifier=$account" "$owner" \
      '{"identifier":"agent_view","roleIdentifier":"_pipeline_viewer","principal":{"type":"SERVICE_ACCOUNT","identifier":"agent_sa"},"resourceGroup":{"includeAllResources":true}}' >/dev/null
    token=$(rest POST "/apikeys/agent/tokens?accountIdentifier=$account" "$owner" '{"identifier":"t1","name":"t1"}' | json '["token"]')
    echo "$account $token" >> "$WORK/credentials"
  done

  echo "== gateway (agent, data and proxy endpoints on free loopback ports)"
  gw_http=$(free_port); gw_agent=$(free_port); gw_data=$(free_port)
  start_service gateway gateway "$gw_http" "$(free_port)" none "${clients[@]}" \
    SECURECONNECT_IDENTITY_DIR="$(identity gateway gateway-scale)" SECURECONNECT_GATEWAY_ID=gateway-scale \
    SECURECONNECT_GATEWAY_BIND_HOST=127.0.0.1 SECURECONNECT_GATEWAY_PUBLIC_HOST=localhost \
    SECURECONNECT_GATEWAY_AGENT_PORT="$gw_agent" SECURECONNECT_GATEWAY_DATA_PORT="$gw_data" \
    SECURECONNECT_GATEWAY_PROXY_PORTS=0 \
    SECURECONNECT_GATEWAY_TLS_CERTIFICATE="$WORK/pki/gateway.pem" \
    SECURECONNECT_GATEWAY_TLS_KEY="$WORK/pki/gateway-key.p8.pem" \
    SECURECONNECT_GATEWAY_CREDENTIAL_VERIFY_KEY="$WORK/pki/credential-verify.pem"
  wait_ready gateway "http://127.0.0.1:$gw_http/q/health/ready"

  echo "== (a) tunnels on one gateway (pid $PID_gateway), load average before: $(load)"
  bench_java GatewayScaleBench --agent="127.0.0.1:$gw_agent" --data="127.0.0.1:$gw_data" --ca="$WORK/pki/ca.pem" \
    --credentials="$WORK/credentials" --gateway-pid="$PID_gateway" --counts="$COUNTS" --baseline="$BASELINE" \
    --parked="$PARKED" --settle="$SETTLE" | tee "$WORK/gateway-scale.txt"
  echo "  load average after: $(load)"
  rm -f "$WORK/credentials"
  echo "  gateway log: $(grep -c 'agent connected' "$LOGS/gateway.log") 'agent connected', $(grep -c ERROR "$LOGS/gateway.log")" \
    "ERROR lines, WARN lines other than config: $(grep WARN "$LOGS/gateway.log" | grep -vc 'io.qu.config' || true)"
  grep WARN "$LOGS/gateway.log" | grep -v 'io.qu.config' | head -n 3 | sed 's/^/    /' || true
  # Why agents went, as the gateway logged it (HEARTBEAT_TIMEOUT, LEASE_LOST: renewals that did not keep up, ...)
  grep 'agent disconnected' "$LOGS/gateway.log" | sed 's/.*agent=[^ ]*: //' | cut -c1-70 | sort | uniq -c \
    | sed 's/^/    disconnected: /' || true
  kill "$PID_gateway"
fi

[[ ,$ONLY, == *,renew,* ]] || exit 0
# renew REGISTRIES PARTS PIDS LABEL [OUT]: AcquireLeaseBench's RenewLease part (and with PARTS renew,renew-floor the floor)
renew() {
  echo "  load average before: $(load)"
  bench_java AcquireLeaseBench --registry="$1" --identity="$(identity gateway bench-gateway)" \
    --receipt-signer="$(identity service key-validator)" --requesters="$REQUESTERS" --channels=4 \
    --only="$2" --warmup="$WARMUP" --duration="$DURATION" --pids="$3" --out="${5:-$RESULTS}" --label="$4" \
    --registry-jdbc-url="jdbc:postgresql://127.0.0.1:5432/$registry_db?user=postgres"
}
# Each replica is warmed up alone first (BENCH_WARMUP + BENCH_DURATION s of renewals, not reported), so that no figure
# pays a replica's JIT compilation. The second replica starts only after the SQL floor: PostgreSQL's 100 connections
# are shared with whatever else runs here, and an idle replica keeps its pool's connections.
echo "== (b) RenewLease on one replica, against the registry's own renew statement over JDBC (SQL floor)"
renew "127.0.0.1:$r1_grpc" renew "$PID_registry" "(warm-up)" "$WORK/warm-up.tsv"
renew "127.0.0.1:$r1_grpc" renew,renew-floor "$PID_registry" "(1 replica)"
echo "== (c) a second tunnel-registry replica on the same database, warmed up alone; then the same load over both (the"
echo "   requesters' 4 channels alternate between them), then over the first alone again"
r2_port=$(free_port); r2_grpc=$(free_port)
BENCH_SERVICE_JAVA_OPTS=-XX:+UseZGC start_service registry2 tunnel-registry "$r2_port" "$r2_grpc" "$registry_db" \
  "${clients[@]}"
wait_ready registry2 "http://127.0.0.1:$r2_port/q/health/ready"
renew "127.0.0.1:$r2_grpc" renew "$PID_registry2" "(warm-up of replica 2)" "$WORK/warm-up.tsv"
renew "127.0.0.1:$r1_grpc,127.0.0.1:$r2_grpc" renew "$PID_registry,$PID_registry2" "(2 replicas)"
renew "127.0.0.1:$r1_grpc" renew "$PID_registry,$PID_registry2" "(1 replica again)"
echo "  load average at the end: $(load)"
# The first 1-replica window is often still compiling on a busy machine (it ran slower, at more CPU per renewal, than
# the later "1 replica again" in every run so far): each comparison is made against both.
compare="RenewLease (2 replicas)|RenewLease (1 replica),RenewLease (2 replicas)|RenewLease (1 replica again)"
if grep -q '^SQL floor: renew statement' "$RESULTS"; then
  floor="SQL floor: renew statement (pool 20)"
  compare="RenewLease (1 replica)|$floor,RenewLease (1 replica again)|$floor,$compare"
fi
bench_java Report --in="$RESULTS" --compare="$compare" \
  --targets="RenewLease (1 replica):rate>=3000,RenewLease (1 replica again):rate>=3000"
# What one more gateway asks of the registry: a gateway renews each of its leases every TTL/3 (10 s at the default
# 30 s), so N tunnels are N/10 renewals/s, and the renew figure above bounds the tunnels of all gateways together.
awk -F'\t' '$1 == "RenewLease (1 replica)" { r = $2 / $4 }
  $1 == "RenewLease (1 replica again)" { ra = $2 / $4 }
  $1 == "RenewLease (2 replicas)" { r2 = $2 / $4 }
  END { printf "\nderived: at the 30 s lease TTL each tunnel costs the registry 0.1 renewals/s, so one replica keeps %.0f-%.0f"\
    " tunnels renewed (all gateways together; %.0f and %.0f renewals/s), two on this same machine %.0f\n",
    r * 10, ra * 10, r, ra, r2 * 10 }' "$RESULTS"
