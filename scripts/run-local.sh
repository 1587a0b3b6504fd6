#!/usr/bin/env bash
# Runs the whole Secure Connect system locally against the local PostgreSQL, then shows a request going from a
# "build" through the gateway and the agent's tunnel to a private demo server.
#   scripts/run-local.sh          build, start everything, run the demo, keep running until Ctrl-C
#   scripts/run-local.sh --stop   stop what an earlier run left running
# State (logs, development keys, the first admin API key) lives in run/ (not committed, mode 700).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUN=$ROOT/run
LOGS=$RUN/logs
ACCOUNT=default
DEMO_PORT=18090
TUNNEL_PORT=30001

source scripts/lib/postgres.sh
source scripts/lib/pki.sh
source scripts/lib/processes.sh

if [ "${1:-}" = "--stop" ]; then
  stop_all "$RUN"
  exit 0
fi

mkdir -p "$RUN" "$LOGS"
chmod 700 "$RUN"
stop_all "$RUN"

echo "== PostgreSQL"
postgres_up
postgres_databases

if [ "${SC_SKIP_BUILD:-}" = 1 ]; then
  echo "== Build skipped (SC_SKIP_BUILD=1): using the jars already in */target"
else
  echo "== Build (./mvnw -B -q install -DskipTests -Dmaven.test.skip)"
  ./mvnw -B -q install -Dmaven.test.skip
fi

echo "== Development keys in run/pki"
pki_ensure "$RUN/pki"
PKI=$RUN/pki

echo "== Services"
start_java "$RUN" key-validator key-validator/target/quarkus-app/quarkus-run.jar \
  SECURECONNECT_KEYS_PEPPER="$(cat "$PKI/pepper")"
wait_http "$RUN" key-validator http://127.0.0.1:8081/q/health/ready
start_java "$RUN" tunnel-registry tunnel-registry/target/quarkus-app/quarkus-run.jar
start_java "$RUN" connector-policy connector-policy/target/quarkus-app/quarkus-run.jar \
  SECURECONNECT_POLICY_CREDENTIAL_SIGNING_KEY_FILE="$PKI/credential-signing.pem"
wait_http "$RUN" tunnel-registry http://127.0.0.1:8082/q/health/ready
wait_http "$RUN" connector-policy http://127.0.0.1:8083/q/health/ready
start_java "$RUN" gateway gateway/target/quarkus-app/quarkus-run.jar \
  SECURECONNECT_GATEWAY_ID=gateway-local \
  SECURECONNECT_GATEWAY_PUBLIC_HOST=localhost \
  SECURECONNECT_GATEWAY_TLS_CERTIFICATE="$PKI/gateway.pem" \
  SECURECONNECT_GATEWAY_TLS_KEY="$PKI/gateway-key.p8.pem" \
  SECURECONNECT_GATEWAY_CREDENTIAL_VERIFY_KEY="$PKI/credential-verify.pem"
wait_http "$RUN" gateway http://127.0.0.1:8084/q/health/ready

# The bootstrap admin key is printed once, on the first start of an empty database: keep it for later runs.
ADMIN_KEY_FILE=$RUN/admin-api-key
if line=$(grep -m1 -o 'Bootstrap admin API key (shown once): [^ ]*' "$LOGS/key-validator.log"); then
  (umask 077; printf '%s' "${line##* }" > "$ADMIN_KEY_FILE")
fi
if [ ! -s "$ADMIN_KEY_FILE" ]; then
  echo "no admin API key: the database secureconnect_keys was not empty and run/admin-api-key is missing." >&2
  echo "Drop it (psql -h 127.0.0.1 -U postgres -c 'drop database secureconnect_keys') and run again." >&2
  exit 1
fi
ADMIN_KEY=$(cat "$ADMIN_KEY_FILE")

cat <<INFO

Secure Connect is running (logs in run/logs):
  key-validator     http://127.0.0.1:8081   REST /api/v1, gRPC secureconnect.keyvalidator.v1, /q/health, /q/openapi
  tunnel-registry   http://127.0.0.1:8082   REST /api/v1, gRPC secureconnect.tunnelregistry.v1, /frp/handler
  connector-policy  http://127.0.0.1:8083   REST /api/v1, gRPC secureconnect.connectorpolicy.v1
  gateway           https://localhost:8443 (agents), :8444 (data), :30000-30099 (proxy), http://127.0.0.1:8084/q/health
First admin API key of account '$ACCOUNT' (also in run/admin-api-key):
  $ADMIN_KEY

INFO

echo "== Demo: a private server, an agent, a connector with Secure Connect, a build's request through the tunnel"
scripts/lib/demo.sh "$RUN" "$ADMIN_KEY" "$ACCOUNT" "$DEMO_PORT" "$TUNNEL_PORT"

echo
echo "Everything keeps running; stop with Ctrl-C (or scripts/run-local.sh --stop from another shell)."
trap 'echo; stop_all "$RUN"; exit 0' INT TERM
while true; do sleep 3600; done
