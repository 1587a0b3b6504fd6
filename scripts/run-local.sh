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
source scripts/lib/stack.sh

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

echo "== Services (development keys in run/pki)"
stack_start "$RUN"
ADMIN_KEY=$(cat "$RUN/admin-api-key")

cat <<INFO

Secure Connect is running (logs in run/logs; the control plane listens on 127.0.0.1 only):
  key-validator     http://127.0.0.1:8081   REST /api/v1, /q/health, /q/openapi; gRPC (TLS) 127.0.0.1:9081
  tunnel-registry   http://127.0.0.1:8082   REST /api/v1; gRPC (TLS) 127.0.0.1:9082
  connector-policy  http://127.0.0.1:8083   REST /api/v1; gRPC (TLS) 127.0.0.1:9083
  gateway           https://localhost:8443 (agents), :8444 (data), :30000-30099 (proxy), http://127.0.0.1:8084/q/health
Every gRPC caller presents a certificate of the development CA (run/pki/ca.pem); identities in run/pki/identity/.
First admin API key of account '$ACCOUNT' (also in run/admin-api-key):
  $ADMIN_KEY

INFO

echo "== Demo: a private server, an agent, a connector with Secure Connect, a build's request through the tunnel"
scripts/lib/demo.sh "$RUN" "$ADMIN_KEY" "$ACCOUNT" "$DEMO_PORT" "$TUNNEL_PORT"

echo
echo "Everything keeps running; stop with Ctrl-C (or scripts/run-local.sh --stop from another shell)."
trap 'echo; stop_all "$RUN"; exit 0' INT TERM
while true; do sleep 3600; done
