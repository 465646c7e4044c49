#!/bin/sh
# Replays a simulated day through every behaviour detector (see README.md) under the shared CPU
# lock, with /usr/bin/time -v as an outside check of wall time, CPU time and peak RSS.
# Usage: bench/detect/run.sh [SCALE] [DURATION] [MIN_INTERVAL]
#   defaults: 820 (≈ 50,000 vessels), 24h, 36s (≈ 100 M positions a day)
set -eu
cd "$(dirname "$0")/../.."
scale=${1:-820}
duration=${2:-24h}
interval=${3:-36s}
go build -o /tmp/detect-bench ./bench/detect
flock -x /tmp/accord-cpu.lock /usr/bin/time -v /tmp/detect-bench -scale "$scale" -duration "$duration" -interval "$interval" \
	-json /tmp/detect-bench.json 2>/tmp/detect-bench.stderr
grep -E 'Elapsed|User time|System time|Maximum resident|Percent of CPU' /tmp/detect-bench.stderr
