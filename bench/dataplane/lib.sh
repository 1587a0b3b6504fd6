#!/usr/bin/env bash
# Shared by the data-plane drivers: the nginx origin, and the stack with an agent whose tunnel reaches it.
# Needs scripts/lib/{postgres,pki,processes,stack}.sh sourced first.
set -euo pipefail

# origin_start WORK PORT [GIB]: nginx on 127.0.0.1:PORT serving WORK/www/1k (random) and, with GIB=1, WORK/www/1g.
origin_start() {
  local work=$1 port=$2 gib=${3:-0}
  mkdir -p "$work/www"
  head -c 1024 /dev/urandom > "$work/www/1k"
  [ "$gib" -gt 0 ] && head -c $((1024 * 1024 * 1024)) /dev/zero > "$work/www/1g"
  cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 8192; }
http {
  access_log off;
  sendfile on;
  tcp_nodelay on;
  keepalive_timeout 600s;
  keepalive_requests 100000;
  server { listen 127.0.0.1:$port; root $work/www; }
}
CONF
  nginx -c "$work/nginx.conf"
}

# origin_stop WORK
origin_stop() {
  [ -f "$1/nginx.pid" ] && kill "$(cat "$1/nginx.pid")" 2>/dev/null || true
}

# tunnel_start RUN TUNNEL_PORT ORIGIN_PORT: the services, the gateway and an agent (ALLOW=the origin), a connector
# with Secure Connect on, and a resolved build network; sets PROXY, GATEWAY_PID and AGENT_PID.
tunnel_start() {
  local run=$1 tunnel_port=$2 origin_port=$3 admin agent_key
  stack_start "$run" >/dev/null
  admin=$(cat "$run/admin-api-key")
  agent_key=$(agent_key "$admin" default bench_agent)
  REMOTE_PORT=$tunnel_port REMOTE_SERVER=localhost:8443 API_KEY=$agent_key GATEWAY_CA=$run/pki/ca.pem \
    ALLOW="127.0.0.1:$origin_port" start_cmd "$run" agent java -jar agent/target/agent-runner.jar
  wait_agent "$run" agent "$tunnel_port"
  tunnel_connector "$admin" default bench_origin "http://127.0.0.1:$origin_port/" "$tunnel_port" >/dev/null
  eval "$(resolve_env "$run" default "bench-$(date +%s)" bench_origin)"
  PROXY=$HARNESS_HTTP_PROXY
  GATEWAY_PID=$(cat "$run/pids/gateway")
  AGENT_PID=$(cat "$run/pids/agent")
}
