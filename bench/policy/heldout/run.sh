#!/usr/bin/env bash
# Held-out policy scenarios: builds accord, runs `accord policy check` on each scenario of
# scenarios.json and compares with the expectations written from ../shared/LAW.md.
# Usage: bench/policy/heldout/run.sh   (from anywhere; JOBS=3 parallel checks by default;
# REGION limits the jurisdiction engine to a box that holds every scenario, faster loads).
# Prints a line a scenario, then "agree N/M"; exit 1 on any disagreement.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jobs=${JOBS:-3}
region=${REGION:-12,-110,31,-79}

(cd "$root" && go build -o "$tmp/accord" ./cmd/accord)
mkdir -p "$tmp/in" "$tmp/out"
python3 - "$here/scenarios.json" "$tmp/in" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1], encoding="utf-8")):
    with open(f"{sys.argv[2]}/{s['name']}.json", "w", encoding="utf-8") as f:
        json.dump(s["input"], f, ensure_ascii=False)
PY
export tmp root region
ls "$tmp/in" | xargs -P "$jobs" -I{} sh -c \
  'cd "$root" && "$tmp/accord" policy check --region "$region" "$tmp/in/{}" >"$tmp/out/{}" 2>"$tmp/out/{}.err" || echo "check failed: {}" >&2'
if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$tmp"/out/*.json "$KEEP"/; fi
python3 "$here/compare.py" "$here/scenarios.json" "$tmp/out"
