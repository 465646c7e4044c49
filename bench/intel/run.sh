#!/usr/bin/env bash
# Filtered list read over 1,000,000 reports through the real server: builds bin/accord and the
# benchmark, generates the store (once, in BENCH_DIR, default /tmp/accord-bench-intel; ~6 min),
# starts `accord serve` on it and drives GET /api/v1/reports at RATE requests/s (default 500)
# for DURATION (default 30s) with the open-loop generator, for each query below.
#
#   flock -x /tmp/accord-cpu.lock bench/intel/run.sh
#
# Environment: BENCH_DIR, RATE, DURATION, N (reports, default 1000000), PORT (default 18090),
# DSN (postgres://...: benchmark the PostgreSQL server store instead of SQLite; use a scratch
# database, e.g. createdb -h 127.0.0.1 -U postgres accord_bench_intel).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${BENCH_DIR:-/tmp/accord-bench-intel}
rate=${RATE:-500}
dur=${DURATION:-30s}
port=${PORT:-18090}
(cd "$root" && go build -o bin/accord ./cmd/accord && go build -o bin/intelbench ./bench/intel)
if [[ -n ${DSN:-} ]]; then
  # PostgreSQL: the server store at DSN (a scratch database: gen fills it); BENCH_DIR keeps the
  # ledger key and a marker that the database was generated.
  mkdir -p "$dir"
  if [[ ! -f $dir/postgres-generated ]]; then
    "$root/bin/intelbench" gen --data "$dir" --dsn "$DSN" --n "${N:-1000000}" && touch "$dir/postgres-generated"
  fi
  store=(--data "$dir" --dsn "$DSN")
else
  if [[ ! -f $dir/accord.db ]]; then
    "$root/bin/intelbench" gen --data "$dir" --n "${N:-1000000}"
  fi
  store=(--data "$dir")
fi
"$root/bin/accord" serve "${store[@]}" --listen "127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
# A store generated before migration 0007 is migrated at startup (~2-4 minutes for 1,000,000
# reports): wait for it.
for _ in $(seq 3000); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
# serve answers before its jurisdiction engine is ready; without a cached index it builds one in
# the background (about a minute of both cores), which would be measured as list latency: wait.
echo "waiting for the jurisdiction engine (builds its index once when not cached)"
for _ in $(seq 3000); do grep -q "jurisdiction: engine ready\|jurisdiction engine not available" "$dir/serve.log" && break; sleep 0.2; done
echo "machine: $(nproc) cores, $(uptime)"
for q in \
  "/api/v1/reports?discipline=HUMINT&limit=50" \
  "/api/v1/reports?discipline=HUMINT&tlp=GREEN&limit=50" \
  "/api/v1/reports?originator=SEMAR&from={from}&limit=50"; do
  "$root/bin/intelbench" load --url "http://127.0.0.1:$port" --rate "$rate" --duration "$dur" --query "$q" || true
done
echo "after: $(uptime)"
