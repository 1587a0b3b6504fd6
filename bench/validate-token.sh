#!/usr/bin/env bash
# ValidateToken over gRPC (TLS, as gateway/bench-gateway with its client certificate, each caller forwarding an
# agent address as a gateway does), 32 concurrent callers: warm cache and cache misses (every call reads PostgreSQL),
# against Keycloak 26.5.6 token introspection measured in the same run with the same load generator (and wrk).
# Each of ours is measured closed loop (32 callers, as fast as answered) and then open loop at a fixed rate
# (warm 5,000/s, cache miss 500/s; latency from the scheduled time), the load the targets name.
#   bench/validate-token.sh   (BENCH_WARMUP=10 BENCH_DURATION=20 BENCH_CALLERS=32 BENCH_CHANNELS=4 BENCH_TOKENS=64
#                              BENCH_WARM_RATE=5000 BENCH_COLD_RATE=500; BENCH_SKIP_KEYCLOAK=1 for ours only)
# 64 distinct tokens by default: key-validator reads concurrent misses in one query per batch, and a token asked
# twice in a batch is read once, so few tokens would flatter the miss figures.
# Everything started here is stopped on exit; the databases are dropped. Logs: bench/target/run-*/logs.
source "$(dirname "$0")/lib.sh"
WARMUP=${BENCH_WARMUP:-10}
DURATION=${BENCH_DURATION:-20}
CALLERS=${BENCH_CALLERS:-32}
CHANNELS=${BENCH_CHANNELS:-4}
WARM_RATE=${BENCH_WARM_RATE:-5000}
COLD_RATE=${BENCH_COLD_RATE:-500}
TOKENS=${BENCH_TOKENS:-64}
KEYCLOAK_VERSION=26.5.6
KEYCLOAK_ZIP=$HOME/.m2/repository/org/keycloak/keycloak-quarkus-dist/$KEYCLOAK_VERSION/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip
KEYCLOAK_JAVA_HOME=${KEYCLOAK_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
RESULTS=$WORK/results.tsv
COMMON=(--callers="$CALLERS" --warmup="$WARMUP" --duration="$DURATION" --out="$RESULTS")

bench_require_jars key-validator
bench_machine
echo "work dir: $WORK"

echo "== key-validator: two instances on one fresh database (default cache; cache off: cache-max-entries=0)"
db=$(fresh_db keys)
pepper=$(openssl rand -base64 48 | tr -d '\n')
warm_port=$(free_port)
warm_grpc=$(free_port)
start_service kv-warm key-validator "$warm_port" "$warm_grpc" "$db" SECURECONNECT_KEYS_PEPPER="$pepper"
wait_ready kv-warm "http://127.0.0.1:$warm_port/q/health/ready"
admin=$(cat "$(bootstrap_key kv-warm)")
cold_port=$(free_port)
cold_grpc=$(free_port)
start_service kv-cold key-validator "$cold_port" "$cold_grpc" "$db" SECURECONNECT_KEYS_PEPPER="$pepper" \
  SECURECONNECT_KEYS_CACHE_MAX_ENTRIES=0
wait_ready kv-cold "http://127.0.0.1:$cold_port/q/health/ready"

echo "== $TOKENS tokens of the bootstrap admin key (role _account_admin over all resources)"
(umask 077; : > "$WORK/tokens")
for i in $(seq 1 "$TOKENS"); do
  curl -fsS -X POST "http://127.0.0.1:$warm_port/api/v1/apikeys/bootstrap_admin/tokens?accountIdentifier=default" \
    -H "x-api-key: $admin" -H 'Content-Type: application/json' \
    -d "{\"identifier\":\"bench_$i\",\"name\":\"bench $i\"}" | jq -r .token >> "$WORK/tokens"
done

gateway=$(identity gateway bench-gateway)
echo "== ours (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
bench_java ValidateTokenBench --target="127.0.0.1:$warm_grpc" --identity="$gateway" --tokens="$WORK/tokens" \
  --channels="$CHANNELS" --label="ValidateToken warm cache" --rate="$WARM_RATE" --pids="$PID_kv_warm" "${COMMON[@]}"
bench_java ValidateTokenBench --target="127.0.0.1:$cold_grpc" --identity="$gateway" --tokens="$WORK/tokens" \
  --channels="$CHANNELS" --label="ValidateToken cache miss (PG)" --rate="$COLD_RATE" --pids="$PID_kv_cold" \
  "${COMMON[@]}"
bench_cleanup # the machine to Keycloak alone
if [ -n "${BENCH_SKIP_KEYCLOAK:-}" ]; then
  bench_java Report --in="$RESULTS"
  exit 0
fi
echo "  load average after ours: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== Keycloak $KEYCLOAK_VERSION start-dev (JDK $KEYCLOAK_JAVA_HOME)"
KC=$BENCH/target/keycloak-$KEYCLOAK_VERSION
if [ ! -x "$KC/bin/kc.sh" ]; then
  unzip -q -o "$KEYCLOAK_ZIP" -d "$BENCH/target"
fi
rm -rf "$KC/data" # a fresh dev database every run
kc_port=$(free_port)
kc_mgmt=$(free_port)
kc_admin_password=$(openssl rand -hex 16)
JAVA_HOME=$KEYCLOAK_JAVA_HOME KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=$kc_admin_password \
  "$KC/bin/kc.sh" start-dev --http-port "$kc_port" --http-host 127.0.0.1 --http-management-port "$kc_mgmt" \
  > "$LOGS/keycloak.log" 2>&1 &
BENCH_PIDS+=($!)
kc_pid=$!
wait_ready keycloak "http://127.0.0.1:$kc_port/realms/master"
# kc.sh runs the JVM as its child (unless it re-execs after a re-build): account for and stop the JVM itself.
kc_java=$(pgrep -P "$kc_pid" java || true)
if [ -n "$kc_java" ]; then
  BENCH_PIDS+=("$kc_java")
  kc_pid=$kc_java
fi
KC_URL=http://127.0.0.1:$kc_port
admin_token=$(curl -fsS "$KC_URL/realms/master/protocol/openid-connect/token" -d grant_type=password \
  -d client_id=admin-cli -d username=admin --data-urlencode "password=$kc_admin_password" | jq -r .access_token)
# Tokens live 2 h, so that every introspection in the run answers active (an expired token is a cheaper path).
curl -fsS -X POST "$KC_URL/admin/realms" -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
  -d '{"realm":"bench","enabled":true,"accessTokenLifespan":7200}'
client_secret=$(openssl rand -hex 16)
(umask 077; printf '%s\n' "$client_secret" > "$WORK/kc-secret")
curl -fsS -X POST "$KC_URL/admin/realms/bench/clients" -H "Authorization: Bearer $admin_token" \
  -H 'Content-Type: application/json' -d "{\"clientId\":\"bench\",\"enabled\":true,\"publicClient\":false,
  \"clientAuthenticatorType\":\"client-secret\",\"secret\":\"$client_secret\",\"serviceAccountsEnabled\":true,
  \"standardFlowEnabled\":false,\"directAccessGrantsEnabled\":false}"
(umask 077; curl -fsS "$KC_URL/realms/bench/protocol/openid-connect/token" -u "bench:$client_secret" \
  -d grant_type=client_credentials | jq -r .access_token > "$WORK/kc-token")
INTROSPECT=$KC_URL/realms/bench/protocol/openid-connect/token/introspect
bench_java KeycloakIntrospectionBench --url="$INTROSPECT" --client=bench --secret-file="$WORK/kc-secret" \
  --token-file="$WORK/kc-token" --label="Keycloak introspection" --pids="$kc_pid" "${COMMON[@]}"

if command -v wrk >/dev/null; then
  echo "  Keycloak introspection with wrk -t2 -c$CALLERS -d${DURATION}s (as in shared/PERFORMANCE.md), right after"
  (umask 077; cat > "$WORK/introspect.lua" <<LUA
wrk.method = "POST"
wrk.body = "token=$(cat "$WORK/kc-token")"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $(printf 'bench:%s' "$client_secret" | base64 -w0)"
LUA
  )
  wrk -t2 -c"$CALLERS" -d"${DURATION}s" --latency -s "$WORK/introspect.lua" "$INTROSPECT" > "$WORK/wrk.txt"
  wrk_tsv "Keycloak introspection (wrk)" "$DURATION" < "$WORK/wrk.txt" >> "$RESULTS"
fi

bench_java Report --in="$RESULTS" \
  --compare="ValidateToken warm cache|Keycloak introspection,ValidateToken cache miss (PG)|Keycloak introspection" \
  --targets="ValidateToken warm cache:rate>=5000,ValidateToken warm cache @$WARM_RATE/s:p99<=2,ValidateToken cache miss (PG):p99<=15,ValidateToken cache miss (PG) @$COLD_RATE/s:p99<=15"
