#!/usr/bin/env bash
# What the backends of the benchmark's databases are doing, sampled: pg-waits.sh DB_PATTERN SECONDS
# e.g. bench/pg-waits.sh 'bench_registry_%' 10 while bench/acquire-lease.sh runs. Prints the share of samples per
# state / wait event (CPU = active with no wait event; ClientRead = idle in transaction, waiting for the service).
set -euo pipefail
pattern=$1
seconds=${2:-10}
end=$((SECONDS + seconds))
out=$(mktemp)
while [ $SECONDS -lt $end ]; do
  psql -h 127.0.0.1 -U postgres -d postgres -Atqc "select state || ' / ' || coalesce(wait_event_type || ':' ||
    wait_event, 'CPU') from pg_stat_activity where datname like '$pattern' and pid <> pg_backend_pid()
    and state <> 'idle'" >> "$out" || true
  sleep 0.05
done
total=$(wc -l < "$out")
echo "$total busy-backend samples over $seconds s:"
sort "$out" | uniq -c | sort -rn | awk -v t="$total" '{c=$1; $1=""; printf "  %5.1f%%  %s\n", 100*c/t, $0}'
rm -f "$out"
