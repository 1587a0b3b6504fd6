#!/usr/bin/env bash
# The demo of scripts/run-local.sh: a private server, an agent with its own API key, a Git connector with
# Secure Connect switched on in one call, a runner resolving its build network over gRPC, and curl through
# the tunnel. Usage: demo.sh RUN ADMIN_KEY ACCOUNT DEMO_PORT TUNNEL_PORT
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN=$1 ADMIN_KEY=$2 ACCOUNT=$3 DEMO_PORT=$4 TUNNEL_PORT=$5
source scripts/lib/pki.sh
source scripts/lib/processes.sh
source scripts/lib/stack.sh
stamp=$(date +%s)

echo "-- private demo server on 127.0.0.1:$DEMO_PORT (stands for bitbucket.myorg.com inside the firewall)"
mkdir -p "$RUN/demo-site"
echo "Hello from the private network: you reached me through the Secure Connect tunnel." > "$RUN/demo-site/index.html"
start_cmd "$RUN" private-server python3 -m http.server "$DEMO_PORT" --bind 127.0.0.1 --directory "$RUN/demo-site"
wait_http "$RUN" private-server "http://127.0.0.1:$DEMO_PORT/"

echo "-- an API key for the agent: core_pipeline_view over ABAC All"
AGENT_KEY=$(agent_key "$ADMIN_KEY" "$ACCOUNT" demo_agent)

echo "-- the agent: REMOTE_PORT=$TUNNEL_PORT REMOTE_SERVER=localhost:8443 API_KEY=<the key> (outbound only)"
REMOTE_PORT=$TUNNEL_PORT REMOTE_SERVER=localhost:8443 API_KEY=$AGENT_KEY GATEWAY_CA=$RUN/pki/ca.pem \
  ALLOW="127.0.0.1:$DEMO_PORT" start_cmd "$RUN" agent java -jar agent/target/agent-runner.jar
wait_agent "$RUN" agent "$TUNNEL_PORT"
grep -m1 'connected: port' "$RUN/logs/agent.log" | sed 's/^/  agent: /'

echo "-- a Git connector for the private server, then Secure Connect on in one call"
tunnel_connector "$ADMIN_KEY" "$ACCOUNT" demo_git "http://127.0.0.1:$DEMO_PORT/" "$TUNNEL_PORT" \
  | python3 -c 'import json,sys; c=json.load(sys.stdin); print("  connector", c["identifier"], "secureConnect", c["secureConnect"], "proxyUrl", c.get("proxyUrl"))'

echo "-- a runner asks connector-policy (gRPC, Node client) how build demo-$stamp reaches demo_git"
eval "$(resolve_env "$RUN" "$ACCOUNT" "demo-$stamp" demo_git)"
echo "  HARNESS_HTTP_PROXY=${HARNESS_HTTP_PROXY%%:*}://build:<credential>@${HARNESS_HTTP_PROXY##*@}  (routes: $SC_ROUTES)"

echo "-- an outsider with the same client, no certificate and a made-up API key gets nothing:"
(SC_API_KEY=not-a-key SC_CA=$RUN/pki/ca.pem node scripts/grpc/resolve-build-network.mjs localhost:9083 "$ACCOUNT" \
  "demo-$stamp" 3600 demo_git 2>&1 || true) | sed 's/^/  /'

echo "-- the build: curl -x \$HARNESS_HTTP_PROXY http://127.0.0.1:$DEMO_PORT/"
curl -sS --max-time 10 -x "$HARNESS_HTTP_PROXY" "http://127.0.0.1:$DEMO_PORT/" | sed 's/^/  /'
echo "-- and a destination outside the build's allowlist is refused by the gateway:"
curl -sS --max-time 10 -o /dev/null -w '  curl -x ... http://127.0.0.1:8081/ -> HTTP %{http_code}\n' -x "$HARNESS_HTTP_PROXY" "http://127.0.0.1:8081/" || true
