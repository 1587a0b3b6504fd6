#!/usr/bin/env bash
# Background processes of a local run: started with their log in run/logs and their pid in run/pids.
set -euo pipefail

# start_java RUN NAME JAR [ENV=VALUE...]: runs a copy of the jar's directory (a Quarkus fast-jar loads classes
# lazily from it, so rebuilding the module under a running process would break that process).
start_java() {
  local run=$1 name=$2 jar=$3 app
  shift 3
  mkdir -p "$run/pids" "$run/logs" "$run/apps"
  app=$run/apps/$name
  rm -rf "$app"
  cp -r "$(dirname "$jar")" "$app"
  env "$@" java -jar "$app/$(basename "$jar")" > "$run/logs/$name.log" 2>&1 &
  echo $! > "$run/pids/$name"
}

# start_cmd RUN NAME COMMAND...
start_cmd() {
  local run=$1 name=$2
  shift 2
  mkdir -p "$run/pids" "$run/logs"
  "$@" > "$run/logs/$name.log" 2>&1 &
  echo $! > "$run/pids/$name"
}

# wait_http RUN NAME URL: waits up to 90 s for 200, or prints the log's tail and fails.
wait_http() {
  local run=$1 name=$2 url=$3 pid
  pid=$(cat "$run/pids/$name")
  for _ in $(seq 1 180); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then
      echo "  $name is up ($url)"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "  $name exited; its log ends with:" >&2
      tail -n 20 "$run/logs/$name.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "  $name did not answer $url within 90 s; its log ends with:" >&2
  tail -n 20 "$run/logs/$name.log" >&2
  return 1
}

stop_all() {
  local run=$1 file pid
  [ -d "$run/pids" ] || return 0
  for file in "$run"/pids/*; do
    [ -f "$file" ] || continue
    pid=$(cat "$file")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
      echo "  stopped $(basename "$file")"
    fi
    rm -f "$file"
  done
}
