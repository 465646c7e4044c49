#!/usr/bin/env bash
# End-to-end ingest rate into the embedded SQLite store: the real binary, `accord ingest --data
# DIR FILE`, from reading the file to the last acknowledged (fsynced, synchronous=FULL, WAL)
# transaction and the process's exit.
#
# Two corpora, each of at least MESSAGES AIS messages (default 1,000,000):
#   dma  the DMA sample feed (../shared/data/ais/dma: $PGHP-timestamped receiver output, plain
#        NMEA, multipart statics) concatenated and repeated;
#   sim  `accord simulate --scenario SCENARIO` (default demo) output, tag-blocked NMEA, for as
#        many simulated hours as it takes.
# Each corpus is ingested RUNS times (default 3), each run into a new, empty data directory.
# A run's rate is acknowledged messages (the count `accord ingest` reports as persisted) per
# second of wall time of the whole command (process start, store open and migrations, reading,
# decoding, batching, writing, final commit, exit). The script also prints the process's CPU
# time (user+sys) and, when python3 has sqlite3, checks the positions table against the
# acknowledged counts: persisted must equal acknowledged.
#
# Run absolute figures under the machine's CPU lock:
#   flock -x /tmp/accord-cpu.lock bench/ingest/run.sh
#
# Environment: MESSAGES, RUNS, SCENARIO, AIS_DATA (directory with dma/), ACCORD_BIN (use this
# binary instead of building bin/accord), BENCH_TMP (where corpora and stores go; default a new
# temporary directory, removed on exit), CPUPROFILE_DIR (write a pprof CPU profile per run there).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
data=${AIS_DATA:-$root/../shared/data/ais}
target=${MESSAGES:-1000000}
runs=${RUNS:-3}
scenario=${SCENARIO:-demo}

if [[ ! -d $data/dma ]]; then
  echo "run.sh: DMA sample feed not found at $data/dma; set AIS_DATA to the directory holding dma/" >&2
  exit 1
fi

if [[ -n ${BENCH_TMP:-} ]]; then
  tmp=$BENCH_TMP
  mkdir -p "$tmp"
else
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
fi

if [[ -z ${ACCORD_BIN:-} ]]; then
  echo "building bin/accord ..."
  (cd "$root" && go build -o bin/accord ./cmd/accord)
  ACCORD_BIN=$root/bin/accord
fi

# messages FILE: the number of AIS messages the decoder completes in FILE.
messages() {
  "$ACCORD_BIN" ais decode --stats "$1" 2>&1 >/dev/null | sed -n 's/.*messages \([0-9]*\),.*/\1/p'
}

# DMA corpus: every sample file of the feed, repeated until it holds $target messages.
base=$tmp/dma-base.nmea
: >"$base"
for f in "$data"/dma/*.txt; do
  [[ $(basename "$f") == LICENSE.txt ]] && continue
  cat "$f" >>"$base"
  [[ -z $(tail -c1 "$f") ]] || echo >>"$base"
done
per=$(messages "$base")
if [[ -z $per || $per -eq 0 ]]; then
  echo "run.sh: no AIS messages decoded from $data/dma" >&2
  exit 1
fi
reps=$(((target + per - 1) / per))
dma=$tmp/dma.nmea
for ((i = 0; i < reps; i++)); do cat "$base"; done >"$dma"
echo "dma corpus: $(messages "$dma") messages ($reps x $per), $(wc -l <"$dma") lines, $(wc -c <"$dma") bytes"

# Simulator corpus: an hour first to learn the scenario's message rate, then enough hours.
sim=$tmp/sim.nmea
"$ACCORD_BIN" simulate --scenario "$scenario" --seed 1 --duration 1h --out "$sim" >/dev/null 2>&1
hourly=$(messages "$sim")
if [[ -z $hourly || $hourly -eq 0 ]]; then
  echo "run.sh: scenario $scenario produced no messages" >&2
  exit 1
fi
hours=1 have=$hourly
while ((have < target)); do
  hours=$((hours + (target - have + hourly - 1) / hourly + 1))
  "$ACCORD_BIN" simulate --scenario "$scenario" --seed 1 --duration "${hours}h" --out "$sim" >/dev/null 2>&1
  have=$(messages "$sim")
done
echo "sim corpus: $have messages (scenario $scenario, seed 1, ${hours} h), $(wc -l <"$sim") lines, $(wc -c <"$sim") bytes"

have_sqlite=0
if python3 -c 'import sqlite3' 2>/dev/null; then have_sqlite=1; fi

# run NAME CORPUS I: one timed ingest into a new store; prints one result line.
run() {
  local name=$1 corpus=$2 i=$3 dir=$tmp/store-$1-$3 out t0 t1 ack msgs dropped extra=() persisted=""
  rm -rf "$dir"
  if [[ -n ${CPUPROFILE_DIR:-} ]]; then
    mkdir -p "$CPUPROFILE_DIR"
    extra=(--cpuprofile "$CPUPROFILE_DIR/$name-$i.pprof")
  fi
  local TIMEFORMAT='%U %S'
  t0=$(date +%s%N)
  { time "$ACCORD_BIN" ingest --data "$dir" --log-level warn "${extra[@]}" "$corpus" >"$tmp/out" 2>"$tmp/err"; } 2>"$tmp/time"
  t1=$(date +%s%N)
  out=$(cat "$tmp/out")
  ack=$(sed -n 's/.* \([0-9,]*\) acknowledged (persisted).*/\1/p' <<<"$out" | tr -d ,)
  msgs=$(sed -n 's/.* \([0-9,]*\) messages, .*/\1/p' <<<"$out" | tr -d ,)
  dropped=$(sed -n 's/.*dropped \([0-9]*\);.*/\1/p' <<<"$out")
  if [[ -z $ack ]]; then
    echo "run.sh: $name run $i: no summary from accord ingest:" >&2
    cat "$tmp/out" "$tmp/err" >&2
    exit 1
  fi
  if ((ack != msgs || dropped != 0)); then
    echo "run.sh: $name run $i: $msgs messages decoded but $ack acknowledged, $dropped dropped" >&2
    exit 1
  fi
  if ((have_sqlite)); then
    persisted=$(python3 - "$dir/accord.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print(db.execute("SELECT count(*) FROM positions").fetchone()[0])
EOF
)
    persisted=", $persisted position rows"
  fi
  read -r usr sys <"$tmp/time"
  awk -v n="$name" -v i="$i" -v a="$ack" -v ns="$((t1 - t0))" -v u="$usr" -v s="$sys" -v p="$persisted" 'BEGIN {
    w = ns / 1e9
    printf "%-4s run %d: %d messages acknowledged in %.2f s wall = %.0f msg/s; CPU %.2f s (user %.2f + sys %.2f) = %.0f msg/CPU-s%s\n",
      n, i, a, w, a / w, u + s, u, s, a / (u + s), p
  }'
  awk -v a="$ack" -v ns="$((t1 - t0))" 'BEGIN { printf "%.0f\n", a / (ns / 1e9) }' >>"$tmp/rates-$name"
  rm -rf "$dir"
}

echo "binary: $ACCORD_BIN ($("$ACCORD_BIN" version 2>/dev/null | head -1)); $(nproc) CPUs; $(date -u +%FT%TZ)"
for name in dma sim; do
  corpus=$tmp/$name.nmea
  : >"$tmp/rates-$name"
  for ((i = 1; i <= runs; i++)); do run "$name" "$corpus" "$i"; done
  sort -n "$tmp/rates-$name" | awk -v n="$name" '{ r[NR] = $1 } END {
    printf "%-4s sustained end-to-end ingest rate: median %d msg/s, best %d msg/s over %d runs\n", n, r[int((NR + 1) / 2)], r[NR], NR
  }'
done
