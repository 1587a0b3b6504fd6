#!/usr/bin/env bash
# Starts the local PostgreSQL if it is down and creates the databases the services use.
# Sourced by .ci/run and scripts/run-local.sh. Works where the server was stopped or freshly installed.
set -euo pipefail

SC_DATABASES=(secureconnect_keys secureconnect_registry secureconnect_policy)

postgres_up() {
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    return 0
  fi
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$version" ]; then
    echo "postgres: no cluster under /etc/postgresql; install postgresql first" >&2
    return 1
  fi
  if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
    pg_createcluster "$version" main
  fi
  echo "postgres: starting cluster $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p 5432 && return 0
    sleep 0.5
  done
  echo "postgres: not accepting connections on 127.0.0.1:5432 after 30 s" >&2
  return 1
}

# Tests and services connect as postgres over TCP without a password (trust), as on this kind of machine.
postgres_trust_local() {
  if psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    return 0
  fi
  local hba
  hba=$(su postgres -c "psql -Atqc 'show hba_file'")
  echo "postgres: allowing trust for local TCP connections in $hba"
  sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "$hba"
  su postgres -c "psql -Atqc 'select pg_reload_conf()'" >/dev/null
}

postgres_databases() {
  local db
  for db in "${SC_DATABASES[@]}"; do
    if [ "$(psql -h 127.0.0.1 -U postgres -d postgres -Atqc "select 1 from pg_database where datname = '$db'")" != "1" ]; then
      psql -h 127.0.0.1 -U postgres -d postgres -qc "create database $db" >/dev/null
      echo "postgres: created database $db"
    fi
  done
}
