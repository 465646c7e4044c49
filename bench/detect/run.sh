#!/bin/sh
# Replays simulated traffic through every behaviour detector (see README.md).
# Usage: bench/detect/run.sh [SCALE] [DURATION]   (defaults: 820 ≈ 50,000 vessels, 24h)
set -eu
cd "$(dirname "$0")/../.."
scale=${1:-820}
duration=${2:-24h}
go build -o /tmp/detect-bench ./bench/detect
flock -x /tmp/accord-cpu.lock /usr/bin/time -v /tmp/detect-bench -mode sim -scale "$scale" -duration "$duration" 2>&1 | grep -E 'mode|Elapsed|User time|Maximum resident'
flock -x /tmp/accord-cpu.lock /usr/bin/time -v /tmp/detect-bench -scale "$scale" -duration "$duration" 2>&1 | grep -E 'mode|detector|alerts|Elapsed|User time|Maximum resident'
