#!/usr/bin/env bash
# connector-policy ResolveBuildNetwork for a build naming 5 connectors with Secure Connect on, at a fixed rate of
# 500 resolutions/s (open loop: latency from the scheduled time) for 20 s after a warm-up, asked as runner/bench-runner
# (client certificate over TLS). The account's tunnel is connected first (a gateway registered and a lease acquired and
# kept alive over gRPC as gateway/bench-gateway, as a gateway would).
# Baseline in the same run (measured first): ValidateToken with a warm cache at the same rate against the same
# key-validator. Each open-loop figure is preceded by a closed-loop warm-up with 8 calls in flight, reported too
# (the capacity at that concurrency).
#   bench/resolve-build-network.sh        (BENCH_WARMUP=10 BENCH_DURATION=20 BENCH_RATE=500 BENCH_CHANNELS=4)
# Everything started here is stopped on exit; the databases are dropped. Logs: bench/target/run-*/logs.
source "$(dirname "$0")/lib.sh"
WARMUP=${BENCH_WARMUP:-10}
DURATION=${BENCH_DURATION:-20}
RATE=${BENCH_RATE:-500}
CHANNELS=${BENCH_CHANNELS:-4}
RESULTS=$WORK/results.tsv

bench_require_jars key-validator tunnel-registry connector-policy
bench_machine
echo "work dir: $WORK"
pki_ensure "$WORK/pki" >/dev/null

echo "== key-validator, tunnel-registry, connector-policy on fresh databases (gRPC over TLS on ports of their own)"
kv_port=$(free_port)
kv_grpc_port=$(free_port)
registry_port=$(free_port)
registry_grpc_port=$(free_port)
policy_port=$(free_port)
policy_grpc_port=$(free_port)
start_service kv key-validator "$kv_port" "$kv_grpc_port" "$(fresh_db keys)" \
  SECURECONNECT_KEYS_PEPPER="$(cat "$WORK/pki/pepper")"
wait_ready kv "http://127.0.0.1:$kv_port/q/health/ready"
admin=$(cat "$(bootstrap_key kv)")
clients=(QUARKUS_GRPC_CLIENTS_KEYVALIDATOR_HOST=127.0.0.1 QUARKUS_GRPC_CLIENTS_KEYVALIDATOR_PORT="$kv_grpc_port"
  QUARKUS_GRPC_CLIENTS_REGISTRY_HOST=127.0.0.1 QUARKUS_GRPC_CLIENTS_REGISTRY_PORT="$registry_grpc_port")
start_service registry tunnel-registry "$registry_port" "$registry_grpc_port" "$(fresh_db registry)" "${clients[@]}"
start_service policy connector-policy "$policy_port" "$policy_grpc_port" "$(fresh_db policy)" "${clients[@]}" \
  SECURECONNECT_POLICY_CREDENTIAL_SIGNING_KEY_FILE="$WORK/pki/credential-signing.pem"
wait_ready registry "http://127.0.0.1:$registry_port/q/health/ready"
wait_ready policy "http://127.0.0.1:$policy_port/q/health/ready"

echo "== 5 connectors of account 'default' over REST, then Secure Connect switched on for each"
CONNECTORS=(bench_github bench_gitlab bench_docker bench_jira_git bench_artifacts)
TYPES=(GitHub GitLab DockerRegistry Git DockerRegistry)
URLS=(https://github.corp.example:443/org/repo.git https://gitlab.corp.example/group/repo.git
  https://registry.corp.example:5000 ssh://git@git.corp.example:7999/proj/repo.git https://artifacts.corp.example)
API=http://127.0.0.1:$policy_port/api/v1/connectors
for i in "${!CONNECTORS[@]}"; do
  curl -fsS -o /dev/null -X POST "$API?accountIdentifier=default" -H "x-api-key: $admin" \
    -H 'Content-Type: application/json' -d "{\"identifier\":\"${CONNECTORS[$i]}\",\"name\":\"${CONNECTORS[$i]}\",
    \"type\":\"${TYPES[$i]}\",\"spec\":{\"url\":\"${URLS[$i]}\"}}"
  curl -fsS -o /dev/null -X PUT "$API/${CONNECTORS[$i]}/secure-connect?accountIdentifier=default" \
    -H "x-api-key: $admin" -H 'Content-Type: application/json' -d '{"enabled":true}'
done
(umask 077; printf '%s\n' "$admin" > "$WORK/tokens")

echo "  load average before: $(cut -d" " -f1-3 /proc/loadavg)"
bench_java ResolveBuildNetworkBench --policy="127.0.0.1:$policy_grpc_port" --registry="127.0.0.1:$registry_grpc_port" \
  --key-validator="127.0.0.1:$kv_grpc_port" --gateway-identity="$(identity gateway bench-gateway)" \
  --runner-identity="$(identity runner bench-runner)" \
  --receipt-signer="$(identity service key-validator)" --tokens="$WORK/tokens" --account=default \
  --connectors="$(IFS=,; echo "${CONNECTORS[*]}")" --rate="$RATE" --channels="$CHANNELS" \
  --warmup="$WARMUP" --duration="$DURATION" --out="$RESULTS" \
  --policy-pids="$PID_policy,$PID_registry" --key-validator-pids="$PID_kv"

bench_java Report --in="$RESULTS" \
  --compare="ResolveBuildNetwork (5 connectors)|baseline ValidateToken warm,ResolveBuildNetwork (5 connectors) closed loop 8 in flight|baseline ValidateToken warm closed loop 8 in flight" \
  --targets="ResolveBuildNetwork (5 connectors):p99<=10"
