#!/usr/bin/env bash
# Starts the services and a gateway on this machine (the default ports of the README's table), with development
# keys from scripts/lib/pki.sh. Used by scripts/run-local.sh and the benchmarks. Needs processes.sh and pki.sh.
set -euo pipefail

# stack_start RUN: starts key-validator, tunnel-registry, connector-policy and the gateway; leaves the first
# admin API key in RUN/admin-api-key (kept from the first start of an empty database).
stack_start() {
  local run=$1 pki=$1/pki line
  pki_ensure "$pki"
  # The control plane listens on loopback only (REST and gRPC); the gateway's agent, data and proxy ports are the
  # ones meant for other machines. Every gRPC caller still proves who it is with its certificate.
  local loopback=(QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_GRPC_SERVER_HOST=127.0.0.1 QUARKUS_MANAGEMENT_HOST=127.0.0.1)
  start_java "$run" key-validator key-validator/target/quarkus-app/quarkus-run.jar "${loopback[@]}" \
    SECURECONNECT_IDENTITY_DIR="$(pki_identity "$pki" service key-validator)" \
    SECURECONNECT_KEYS_PEPPER="$(cat "$pki/pepper")"
  wait_http "$run" key-validator http://127.0.0.1:8081/q/health/ready
  # ZGC for the registry, as its Dockerfile (the lease calls' latency; see bench/README.md)
  start_java "$run" tunnel-registry tunnel-registry/target/quarkus-app/quarkus-run.jar JAVA_TOOL_OPTIONS=-XX:+UseZGC \
    "${loopback[@]}" SECURECONNECT_IDENTITY_DIR="$(pki_identity "$pki" service tunnel-registry)"
  start_java "$run" connector-policy connector-policy/target/quarkus-app/quarkus-run.jar "${loopback[@]}" \
    SECURECONNECT_IDENTITY_DIR="$(pki_identity "$pki" service connector-policy)" \
    SECURECONNECT_POLICY_CREDENTIAL_SIGNING_KEY_FILE="$pki/credential-signing.pem"
  wait_http "$run" tunnel-registry http://127.0.0.1:8082/q/health/ready
  wait_http "$run" connector-policy http://127.0.0.1:8083/q/health/ready
  start_java "$run" gateway gateway/target/quarkus-app/quarkus-run.jar \
    SECURECONNECT_GATEWAY_ID=gateway-local \
    SECURECONNECT_IDENTITY_DIR="$(pki_identity "$pki" gateway gateway-local)" \
    SECURECONNECT_GATEWAY_PUBLIC_HOST=localhost \
    SECURECONNECT_GATEWAY_TLS_CERTIFICATE="$pki/gateway.pem" \
    SECURECONNECT_GATEWAY_TLS_KEY="$pki/gateway-key.p8.pem" \
    SECURECONNECT_GATEWAY_CREDENTIAL_VERIFY_KEY="$pki/credential-verify.pem"
  wait_http "$run" gateway http://127.0.0.1:8084/q/health/ready

  # The bootstrap admin key is printed once, on the first start of an empty database.
  if line=$(grep -m1 -o 'Bootstrap admin API key (shown once): [^ ]*' "$run/logs/key-validator.log"); then
    (umask 077; printf '%s' "${line##* }" > "$run/admin-api-key")
  fi
  if [ ! -s "$run/admin-api-key" ]; then
    echo "no admin API key: the database secureconnect_keys was not empty and $run/admin-api-key is missing." >&2
    echo "Drop it (psql -h 127.0.0.1 -U postgres -c 'drop database secureconnect_keys') and run again." >&2
    return 1
  fi
}

# api METHOD URL ADMIN_KEY [JSON]: prints the body; a 409 (already there) is fine for reruns, other errors fail.
api() {
  local method=$1 url=$2 key=$3 body=${4:-} out status
  out=$(mktemp)
  status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" -H "x-api-key: $key" \
    -H 'Content-Type: application/json' ${body:+--data "$body"} "$url")
  if [ "$status" -ge 400 ] && [ "$status" != 409 ]; then
    echo "  $method $url answered $status: $(cat "$out")" >&2
    rm -f "$out"
    return 1
  fi
  cat "$out"
  rm -f "$out"
}

# agent_key ADMIN_KEY ACCOUNT KEY_ID: creates (or reuses) a service-account key with core_pipeline_view over
# ABAC All and prints a new token of it.
agent_key() {
  local admin=$1 account=$2 key=$3 kv=http://127.0.0.1:8081/api/v1 stamp
  stamp=$(date +%s%N)
  api POST "$kv/apikeys?accountIdentifier=$account" "$admin" \
    "{\"identifier\":\"$key\",\"name\":\"$key\",\"apiKeyType\":\"SERVICE_ACCOUNT\",\"parentIdentifier\":\"${key}_sa\"}" >/dev/null
  api POST "$kv/role-bindings?accountIdentifier=$account" "$admin" \
    "{\"identifier\":\"${key}_view\",\"roleIdentifier\":\"_pipeline_viewer\",\"principal\":{\"type\":\"SERVICE_ACCOUNT\",\"identifier\":\"${key}_sa\"},\"resourceGroup\":{\"includeAllResources\":true}}" >/dev/null
  api POST "$kv/apikeys/$key/tokens?accountIdentifier=$account" "$admin" \
    "{\"identifier\":\"t$stamp\",\"name\":\"t$stamp\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# tunnel_connector ADMIN_KEY ACCOUNT IDENTIFIER URL PORT: a Git connector with Secure Connect on (one call).
tunnel_connector() {
  local admin=$1 account=$2 id=$3 url=$4 port=$5 cp=http://127.0.0.1:8083/api/v1
  api POST "$cp/connectors?accountIdentifier=$account" "$admin" \
    "{\"identifier\":\"$id\",\"name\":\"$id\",\"type\":\"Git\",\"spec\":{\"url\":\"$url\"}}" >/dev/null
  api PUT "$cp/connectors/$id/secure-connect?accountIdentifier=$account" "$admin" \
    "{\"enabled\":true,\"tunnelPort\":$port}"
}

# wait_agent RUN NAME PORT: waits for the agent's "connected" line.
wait_agent() {
  local run=$1 name=$2 port=$3
  for _ in $(seq 1 120); do
    grep -q "connected: port $port" "$run/logs/$name.log" && return 0
    kill -0 "$(cat "$run/pids/$name")" 2>/dev/null || { tail -n 20 "$run/logs/$name.log" >&2; return 1; }
    sleep 0.5
  done
  echo "agent $name did not connect within 60 s" >&2
  return 1
}

# resolve_env RUN ACCOUNT BUILD CONNECTOR...: prints HARNESS_* assignments from ResolveBuildNetwork (Node client),
# called as the demo runner (its certificate: run/pki/identity/runner-demo-runner).
resolve_env() {
  local run=$1
  if [ ! -d scripts/grpc/node_modules ]; then
    (cd scripts/grpc && npm ci --silent --no-audit --no-fund)
  fi
  SC_IDENTITY_DIR=$(pki_identity "$run/pki" runner demo-runner) \
    node scripts/grpc/resolve-build-network.mjs localhost:9083 "${@:2:2}" 3600 "${@:4}"
}
