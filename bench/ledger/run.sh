#!/bin/sh
# Ledger benchmarks: durable group-committed appends (SQLite, PostgreSQL), the one write path
# (record change + entry), offline inclusion-proof checks, and proof serving from SQLite.
# PostgreSQL: ACCORD_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable);
# its benchmark is skipped when the server is unreachable.
# Usage: bench/ledger/run.sh [count]   (from anywhere; results also in bench/ledger/results.txt)
set -eu
cd "$(dirname "$0")/../.."
count="${1:-3}"
go test -run '^$' -bench . -benchtime 200000x -count "$count" ./bench/ledger/ | tee bench/ledger/results.txt
