#!/usr/bin/env bash
# Side-by-side: the jurisdiction engine against PostGIS (geography distances) on random points
# of the region 0–35°N, 125–55°W. See README.md beside this file.
#
#   bench/jurisdiction/run.sh                 # N=NPG=1000000: every point in both (≈ 10–20 min)
#   NPG=50000 bench/jurisdiction/run.sh       # a quicker PostGIS sample
#
# Needs: PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres) with postgresql-15-postgis-3,
# node_modules (npm ci) and ../shared/data. Each timed phase (a PostGIS chunk of CHUNK points,
# the engine run) holds flock -x /tmp/accord-cpu.lock for itself only, so that other
# benchmarks can run between the chunks.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-1000000}
NPG=${NPG:-$N}
CHUNK=${CHUNK:-100000}
MARGIN=${MARGIN:-0.05}
SEED=${SEED:-1}
OUT=${OUT:-/tmp/accord-jurisdiction-bench}
DB=${DB:-accord_jurisdiction_bench}
PGARGS=(-h 127.0.0.1 -p 5432 -U postgres)
PSQL=(psql "${PGARGS[@]}" -X -q -v ON_ERROR_STOP=1 -d "$DB")
LOCK=/tmp/accord-cpu.lock
mkdir -p "$OUT"

if ! psql "${PGARGS[@]}" -X -qAtc "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'" postgres | grep -q 1; then
  echo "PostGIS is not installed: apt-get install postgresql-15-postgis-3" >&2
  exit 1
fi

go build -o "$OUT/jbench" ./bench/jurisdiction
echo "== engine geometry and $N random points (seed $SEED)"
"$OUT/jbench" geometry "$OUT/geometry.tsv"
"$OUT/jbench" points "$N" "$SEED" "$OUT/points.csv"
awk -F'\t' '!/^#/ {n[$1]++} END {for (k in n) printf "  %s %d\n", k, n[k]}' "$OUT/geometry.tsv" | sort

echo "== PostGIS: load the same geometry and the first $NPG points into a scratch database $DB"
dropdb "${PGARGS[@]}" --if-exists "$DB"
createdb "${PGARGS[@]}" "$DB"
# The scratch database is dropped at the end (kept after a failure, for inspection).
"${PSQL[@]}" -c "CREATE EXTENSION postgis; CREATE TABLE geo_in (kind text, state text, place text, wkt text); CREATE TABLE pts (id int PRIMARY KEY, lat float8, lon float8)"
grep -v '^#' "$OUT/geometry.tsv" | "${PSQL[@]}" -c "\copy geo_in FROM STDIN"
head -n "$NPG" "$OUT/points.csv" | "${PSQL[@]}" -c "\copy pts FROM STDIN (FORMAT csv)"
start=$(date +%s.%N)
"${PSQL[@]}" -f bench/jurisdiction/prepare.sql
echo "  prepared (ring pieces, segment groups, GiST indexes, points) in $(echo "$(date +%s.%N) - $start" | bc) s"

echo "== PostGIS: classify $NPG points in chunks of $CHUNK (one backend, set-based)"
: > "$OUT/postgis.csv"
pg_s=0
for ((lo = 1; lo <= NPG; lo += CHUNK)); do
  hi=$((lo + CHUNK - 1 < NPG ? lo + CHUNK - 1 : NPG))
  t=$(flock -x "$LOCK" bash -c 'start=$(date +%s.%N); "$@" >> '"$OUT/postgis.csv"'; echo "$(date +%s.%N) - $start" | bc' _ \
    "${PSQL[@]}" -v lo="$lo" -v hi="$hi" -f bench/jurisdiction/classify.sql)
  pg_s=$(echo "$pg_s + $t" | bc)
  printf '  points %d–%d in %.1f s (load %s)\n' "$lo" "$hi" "$t" "$(cut -d' ' -f1-3 /proc/loadavg)"
done
pg_rate=$(echo "$NPG / $pg_s" | bc -l)
printf '  %d points in %.1f s under the lock: %.0f points/s\n' "$NPG" "$pg_s" "$pg_rate"

echo "== engine: $N points (one goroutine, GOMAXPROCS=1)"
flock -x "$LOCK" "$OUT/jbench" engine "$OUT/points.csv" "$OUT/engine.csv" > "$OUT/engine.rates"
eng_one=$(awk '/engine_single_lookups_per_s/ {print $2}' "$OUT/engine.rates")
eng_rate=$(awk '/engine_batch_lookups_per_s/ {print $2}' "$OUT/engine.rates")
printf '  Lookup: %.0f lookups/s; LookupBatch: %.0f lookups/s (load %s)\n' "$eng_one" "$eng_rate" "$(cut -d' ' -f1-3 /proc/loadavg)"

echo "== agreement on the $NPG PostGIS points, excluding points within $MARGIN nm of a limit"
"$OUT/jbench" compare "$OUT/postgis.csv" "$OUT/engine.csv" "$MARGIN"
printf '== throughput: engine %.0f/s (LookupBatch; Lookup %.0f/s), PostGIS %.0f/s, ratio %.0fx (Lookup: %.0fx)\n' \
  "$eng_rate" "$eng_one" "$pg_rate" "$(echo "$eng_rate / $pg_rate" | bc -l)" "$(echo "$eng_one / $pg_rate" | bc -l)"
dropdb "${PGARGS[@]}" --if-exists "$DB"
