#!/bin/sh
# One-shot job of docker-compose.yml, with the bootstrap admin token that key-validator wrote to
# /bootstrap/admin-token on its first start: gives the demo agent its API key (written to /agent-key/api-key, the
# one file the agent mounts as API_KEY_FILE) and makes the Git connector private_web, Secure Connect on, that a
# build resolves. Run again (a second `docker compose up`), it finds the key file and does nothing. Tokens are
# never printed.
set -eu

KEY_VALIDATOR=${KEY_VALIDATOR:-http://key-validator:8081}
CONNECTOR_POLICY=${CONNECTOR_POLICY:-http://connector-policy:8083}
ACCOUNT=${DEMO_ACCOUNT:-default}
TUNNEL_PORT=${DEMO_TUNNEL_PORT:-30001}
BOOTSTRAP_TOKEN_FILE=${BOOTSTRAP_TOKEN_FILE:-/bootstrap/admin-token}
KEY_FILE=${KEY_FILE:-/agent-key/api-key}

if [ -s "$KEY_FILE" ]; then
  echo "demo-setup: the demo agent's API key exists ($KEY_FILE); nothing to do"
  exit 0
fi
if [ ! -s "$BOOTSTRAP_TOKEN_FILE" ]; then
  echo "demo-setup: $BOOTSTRAP_TOKEN_FILE is missing or empty: key-validator writes it only on its first start" \
    "against an empty database; remove the volumes (docker compose down -v) to start over" >&2
  exit 1
fi
ADMIN=$(cat "$BOOTSTRAP_TOKEN_FILE")

ANSWER=$(mktemp)
trap 'rm -f "$ANSWER"' EXIT

# send METHOD URL JSON: the status code; the body goes to $ANSWER.
send() {
  curl -sS -o "$ANSWER" -w '%{http_code}' -X "$1" -H "x-api-key: $ADMIN" \
    -H 'Content-Type: application/json' "$2" -d "$3"
}

post() {
  send POST "$KEY_VALIDATOR$1" "$2"
}

# expect WHAT STATUS ALLOWED...: fails with the problem key-validator answered unless STATUS is allowed.
expect() {
  what=$1 status=$2
  shift 2
  for allowed in "$@"; do
    [ "$status" = "$allowed" ] && return 0
  done
  echo "demo-setup: $what answered $status: $(cat "$ANSWER")" >&2
  exit 1
}

# 409: an earlier run made it before it could write the key file; reuse it.
expect "creating API key demo_agent" "$(post "/api/v1/apikeys?accountIdentifier=$ACCOUNT" \
  '{"identifier":"demo_agent","name":"Demo agent","apiKeyType":"SERVICE_ACCOUNT","parentIdentifier":"demo_agent"}')" \
  201 409
expect "binding _pipeline_viewer to demo_agent" "$(post "/api/v1/role-bindings?accountIdentifier=$ACCOUNT" \
  '{"identifier":"demo_agent_view","roleIdentifier":"_pipeline_viewer","principal":{"type":"SERVICE_ACCOUNT","identifier":"demo_agent"},"resourceGroup":{"includeAllResources":true}}')" \
  201 409
expect "issuing a token of demo_agent" "$(post "/api/v1/apikeys/demo_agent/tokens?accountIdentifier=$ACCOUNT" \
  "{\"identifier\":\"compose_$(date +%s)\",\"name\":\"docker compose\"}")" 201

TOKEN=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$ANSWER")
if [ -z "$TOKEN" ]; then
  echo "demo-setup: key-validator's answer held no token" >&2
  exit 1
fi

expect "creating connector private_web" "$(send POST "$CONNECTOR_POLICY/api/v1/connectors?accountIdentifier=$ACCOUNT" \
  '{"identifier":"private_web","name":"private-web","type":"Git","spec":{"url":"http://private-web/"}}')" 201 409
expect "switching Secure Connect on for private_web" "$(send PUT \
  "$CONNECTOR_POLICY/api/v1/connectors/private_web/secure-connect?accountIdentifier=$ACCOUNT" \
  "{\"enabled\":true,\"tunnelPort\":$TUNNEL_PORT}")" 200

# Last, so that a failure above leaves no key file and the next run tries again.
umask 077
printf '%s' "$TOKEN" > "$KEY_FILE.partial"
mv "$KEY_FILE.partial" "$KEY_FILE"
echo "demo-setup: the demo agent's API key is ready in $KEY_FILE (account $ACCOUNT, role _pipeline_viewer);" \
  "connector private_web uses tunnel port $TUNNEL_PORT"
