#!/usr/bin/env bash
# The demo of scripts/run-local.sh: a private server, an agent with its own API key, a Git connector with
# Secure Connect switched on in one call, a runner resolving its build network over gRPC, and curl through
# the tunnel. Usage: demo.sh RUN ADMIN_KEY ACCOUNT DEMO_PORT TUNNEL_PORT
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN=$1 ADMIN_KEY=$2 ACCOUNT=$3 DEMO_PORT=$4 TUNNEL_PORT=$5
source scripts/lib/processes.sh

KV=http://127.0.0.1:8081/api/v1
POLICY=http://127.0.0.1:8083/api/v1
stamp=$(date +%s)

# call METHOD URL [JSON]: prints the body; fails with the problem+json body on an error status.
call() {
  local method=$1 url=$2 body=${3:-} out status
  out=$(mktemp)
  status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" -H "x-api-key: $ADMIN_KEY" \
    -H 'Content-Type: application/json' ${body:+--data "$body"} "$url")
  if [ "$status" -ge 400 ] && [ "$status" != 409 ]; then
    echo "  $method $url answered $status: $(cat "$out")" >&2
    rm -f "$out"
    return 1
  fi
  cat "$out"
  rm -f "$out"
}

echo "-- private demo server on 127.0.0.1:$DEMO_PORT (stands for bitbucket.myorg.com inside the firewall)"
mkdir -p "$RUN/demo-site"
echo "Hello from the private network: you reached me through the Secure Connect tunnel." > "$RUN/demo-site/index.html"
start_cmd "$RUN" private-server python3 -m http.server "$DEMO_PORT" --bind 127.0.0.1 --directory "$RUN/demo-site"
wait_http "$RUN" private-server "http://127.0.0.1:$DEMO_PORT/"

echo "-- an API key for the agent: core_pipeline_view over ABAC All"
call POST "$KV/apikeys?accountIdentifier=$ACCOUNT" '{"identifier":"demo_agent","name":"Demo agent","apiKeyType":"SERVICE_ACCOUNT","parentIdentifier":"demo_agent_sa"}' >/dev/null
call POST "$KV/role-bindings?accountIdentifier=$ACCOUNT" '{"identifier":"demo_agent_pipeline_view","roleIdentifier":"_pipeline_viewer","principal":{"type":"SERVICE_ACCOUNT","identifier":"demo_agent_sa"},"resourceGroup":{"includeAllResources":true}}' >/dev/null
AGENT_KEY=$(call POST "$KV/apikeys/demo_agent/tokens?accountIdentifier=$ACCOUNT" \
  "{\"identifier\":\"demo_$stamp\",\"name\":\"demo run $stamp\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

echo "-- the agent: REMOTE_PORT=$TUNNEL_PORT REMOTE_SERVER=localhost:8443 API_KEY=<the key> (outbound only)"
REMOTE_PORT=$TUNNEL_PORT REMOTE_SERVER=localhost:8443 API_KEY=$AGENT_KEY GATEWAY_CA=$RUN/pki/ca.pem \
  ALLOW="127.0.0.1:$DEMO_PORT" start_cmd "$RUN" agent java -jar agent/target/agent-runner.jar
for _ in $(seq 1 120); do
  grep -q 'connected: port' "$RUN/logs/agent.log" && break
  kill -0 "$(cat "$RUN/pids/agent")" 2>/dev/null || { tail -n 20 "$RUN/logs/agent.log" >&2; exit 1; }
  sleep 0.5
done
grep -m1 'connected: port' "$RUN/logs/agent.log" | sed 's/^/  agent: /'

echo "-- a Git connector for the private server, then Secure Connect on in one call"
call POST "$POLICY/connectors?accountIdentifier=$ACCOUNT" "{\"identifier\":\"demo_git\",\"name\":\"Private Git\",\"type\":\"Git\",\"spec\":{\"url\":\"http://127.0.0.1:$DEMO_PORT/\"}}" >/dev/null
call PUT "$POLICY/connectors/demo_git/secure-connect?accountIdentifier=$ACCOUNT" "{\"enabled\":true,\"tunnelPort\":$TUNNEL_PORT}" \
  | python3 -c 'import json,sys; c=json.load(sys.stdin); print("  connector", c["identifier"], "secureConnect", c["secureConnect"], "proxyUrl", c.get("proxyUrl"))'

echo "-- a runner asks connector-policy (gRPC, Node client) how build demo-$stamp reaches demo_git"
if [ ! -d scripts/grpc/node_modules ]; then
  (cd scripts/grpc && npm ci --silent --no-audit --no-fund)
fi
env_lines=$(node scripts/grpc/resolve-build-network.mjs 127.0.0.1:8083 "$ACCOUNT" "demo-$stamp" 3600 demo_git)
eval "$env_lines"
echo "  HARNESS_HTTP_PROXY=${HARNESS_HTTP_PROXY%%:*}://build:<credential>@${HARNESS_HTTP_PROXY##*@}  (routes: $SC_ROUTES)"

echo "-- the build: curl -x \$HARNESS_HTTP_PROXY http://127.0.0.1:$DEMO_PORT/"
curl -sS --max-time 10 -x "$HARNESS_HTTP_PROXY" "http://127.0.0.1:$DEMO_PORT/" | sed 's/^/  /'
echo "-- and a destination outside the build's allowlist is refused by the gateway:"
curl -sS --max-time 10 -o /dev/null -w '  curl -x ... http://127.0.0.1:8081/ -> HTTP %{http_code}\n' -x "$HARNESS_HTTP_PROXY" "http://127.0.0.1:8081/" || true
