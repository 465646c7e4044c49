#!/bin/sh
# Ledger benchmarks: durable group-committed appends (through the store and on a bare handle;
# SQLite, PostgreSQL), the one write path (Store.Apply),
# offline inclusion-proof checks, and proof serving from SQLite.
# PostgreSQL: ACCORD_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable);
# its benchmark is skipped when the server is unreachable.
# Usage: bench/ledger/run.sh [count]   (from anywhere; results also in bench/ledger/results.txt)
set -eu
cd "$(dirname "$0")/../.."
count="${1:-3}"
flock -x /tmp/accord-cpu.lock go test -run '^$' -bench . -benchtime 200000x -count "$count" ./bench/ledger/ | tee bench/ledger/results.txt
