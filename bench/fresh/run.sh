#!/usr/bin/env bash
# Time to the first screen of command 1 (`make demo`) in a fresh clone, as a new user would see
# it: clones this repository beside ../shared (so the boundary data is found), with cold Go build,
# Go module and npm caches (temporary directories), runs `make demo`, signs in with the demo
# login it prints, and reports the seconds until /api/v1/vessels returns vessels, then whether
# they move over the next 5 s. Needs git, make, go, node/npm, curl, python3.
#
# Environment: PORT (default 18080), KEEP=1 keeps the clone and caches.
# Run absolute figures under the machine's CPU lock:
#   flock -x /tmp/accord-cpu.lock bench/fresh/run.sh
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
port=${PORT:-18080}
clone=$(dirname "$root")/accord-fresh-clone.$$
caches=$(mktemp -d)
cleanup() {
  [[ -n ${pid:-} ]] && kill "$pid" 2>/dev/null
  pkill -f "serve --listen 127.0.0.1:$port" 2>/dev/null
  wait 2>/dev/null
  [[ ${KEEP:-} == 1 ]] && { echo "kept $clone and $caches"; return; }
  rm -rf "$clone" "$caches"
}
trap cleanup EXIT
git clone -q "$root" "$clone" || exit 2
cd "$clone" || exit 2
export GOCACHE=$caches/go GOMODCACHE=$caches/mod npm_config_cache=$caches/npm
echo "machine: $(nproc) cores, $(uptime)"
start=$(date +%s.%N)
make demo LISTEN="127.0.0.1:$port" >"$caches/demo.log" 2>&1 &
pid=$!
api=http://127.0.0.1:$port/api/v1
snapshot() { curl -s -H "Authorization: Bearer $1" "$api/vessels"; }
tok=""
while kill -0 "$pid" 2>/dev/null; do
  if [[ -z $tok ]]; then
    tok=$(curl -s -XPOST "$api/login" -H 'Content-Type: application/json' \
      -d '{"name":"demo","password":"accord-demo-password","kind":"token"}' 2>/dev/null |
      python3 -c 'import sys,json; print(json.load(sys.stdin).get("token",""))' 2>/dev/null)
  fi
  if [[ -n $tok ]]; then
    a=$(snapshot "$tok")
    n=$(python3 -c 'import sys,json; print(len(json.loads(sys.argv[1])))' "$a" 2>/dev/null)
    if [[ -n $n && $n -gt 0 ]]; then
      echo "vessels: $n after $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s (clone, cold build, npm, start)"
      sleep 5
      b=$(snapshot "$tok")
      python3 - "$a" "$b" <<'PY'
import sys, json
a = {v["mmsi"]: (v["lat"], v["lon"]) for v in json.loads(sys.argv[1])}
b = {v["mmsi"]: (v["lat"], v["lon"]) for v in json.loads(sys.argv[2])}
moved = sum(1 for k in a if k in b and a[k] != b[k])
print(f"moved over 5 s: {moved} of {len(a)} vessels")
sys.exit(0 if moved else 1)
PY
      rc=$?
      echo "after: $(uptime)"
      exit $rc
    fi
  fi
  sleep 0.5
done
echo "make demo exited before serving vessels; its log:" >&2
tail -20 "$caches/demo.log" >&2
exit 1
