#!/bin/sh
# Policy decision latency with the real jurisdiction engine and GeoNames population (needs
# `npm ci` and ../shared/data; the first run builds the jurisdiction cache, minutes).
# Reports p50/p99/max µs per decision from a histogram of every decision. Target: p99 ≤ 100 µs.
# Usage: bench/policy/run.sh [count]  (results also in bench/policy/results.txt)
set -eu
cd "$(dirname "$0")/../.."
count="${1:-3}"
flock -x /tmp/accord-cpu.lock go test -run '^$' -bench . -benchtime 200000x -count "$count" ./bench/policy/ | tee bench/policy/results.txt
