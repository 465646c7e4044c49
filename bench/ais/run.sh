#!/usr/bin/env bash
# AIS decoding throughput: `accord ais decode --format gpsd` against gpsd's `gpsdecode -u -j`
# (and libais `aisdecode` when it runs) on the same corpus, plus the in-process benchmark.
#
# The corpus repeats the shared AIS sample files (../shared/data/ais from the repository root)
# until it holds about SENTENCES sentences (default 1,000,000), in a temporary directory that is
# removed on exit. Rates are sentences per second of wall time, best of RUNS runs (default 3).
#
# Environment: SENTENCES, RUNS, AIS_DATA (data directory), ACCORD_BIN (use this binary instead of
# building bin/accord), LIBAIS_SENTENCES (libais corpus size, default 100,000: it is slow).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
data=${AIS_DATA:-$root/../shared/data/ais}
target=${SENTENCES:-1000000}
runs=${RUNS:-3}
libais_target=${LIBAIS_SENTENCES:-100000}

if [[ ! -d $data ]]; then
  echo "run.sh: AIS data not found at $data; set AIS_DATA" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ -z ${ACCORD_BIN:-} ]]; then
  echo "building bin/accord ..."
  (cd "$root" && go build -o bin/accord ./cmd/accord)
  ACCORD_BIN=$root/bin/accord
fi

# Corpus: the sample files whose gpsd outputs are the conformance references.
base=$tmp/base.nmea
for f in gpsd/sample.aivdm libais/test.aivdm libais/typeexamples.nmea pyais/nmea_data_sample.txt dma/stream_example.txt; do
  cat "$data/$f" >>"$base"
  echo >>"$base"
done
per=$(grep -c 'VD[MO],' "$base" || true)
if ((per == 0)); then
  echo "run.sh: no AIVDM/AIVDO sentences in $base" >&2
  exit 1
fi
corpus=$tmp/corpus.nmea
reps=$(((target + per - 1) / per))
for ((i = 0; i < reps; i++)); do cat "$base"; done >"$corpus"
sentences=$((reps * per))
echo "corpus: $sentences sentences ($reps x $per), $(wc -c <"$corpus") bytes"

# best_ns CMD...: best wall time in nanoseconds over $runs runs, output discarded.
best_ns() {
  local best=0 t0 t1 d
  for ((r = 0; r < runs; r++)); do
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    d=$((t1 - t0))
    if ((best == 0 || d < best)); then best=$d; fi
  done
  echo "$best"
}

rate() { awk -v n="$1" -v ns="$2" 'BEGIN { printf "%.0f", n / (ns / 1e9) }'; }

accord_cmd=("$ACCORD_BIN" ais decode --format gpsd "$corpus")
gpsd_cmd=(sh -c 'gpsdecode -u -j <"$1"' sh "$corpus")

echo "output lines: accord $("${accord_cmd[@]}" 2>/dev/null | wc -l), gpsdecode $(gpsdecode -u -j <"$corpus" 2>/dev/null | wc -l)"

load0=$(cut -d' ' -f1-3 /proc/loadavg)
if command -v hyperfine >/dev/null; then
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$tmp/h.json" \
    "${accord_cmd[*]} >/dev/null" "gpsdecode -u -j <$corpus >/dev/null 2>&1" >&2
  mapfile -t means < <(grep -o '"mean": *[0-9.e+-]*' "$tmp/h.json" | sed 's/.*: *//')
  accord_ns=$(awk -v s="${means[0]}" 'BEGIN { printf "%.0f", s * 1e9 }')
  gpsd_ns=$(awk -v s="${means[1]}" 'BEGIN { printf "%.0f", s * 1e9 }')
  how="hyperfine mean of $runs runs"
  # CPU time (user + system) as well: on a shared machine wall time includes waiting for a core.
  mapfile -t users < <(grep -o '"user": *[0-9.e+-]*' "$tmp/h.json" | sed 's/.*: *//')
  mapfile -t syss < <(grep -o '"system": *[0-9.e+-]*' "$tmp/h.json" | sed 's/.*: *//')
  cpu_line=$(awk -v n="$sentences" -v au="${users[0]}" -v as="${syss[0]}" -v gu="${users[1]}" -v gs="${syss[1]}" \
    'BEGIN { a = n / (au + as); g = n / (gu + gs); printf "per CPU second (user+system): accord %.0f, gpsdecode %.0f sentences/s, ratio %.2f", a, g, a / g }')
else
  accord_ns=$(best_ns "${accord_cmd[@]}")
  gpsd_ns=$(best_ns "${gpsd_cmd[@]}")
  how="best of $runs runs"
fi
accord_rate=$(rate "$sentences" "$accord_ns")
gpsd_rate=$(rate "$sentences" "$gpsd_ns")
echo "accord ais decode --format gpsd: $accord_rate sentences/s ($how)"
echo "gpsdecode -u -j:                 $gpsd_rate sentences/s"
awk -v a="$accord_rate" -v g="$gpsd_rate" 'BEGIN { printf "ratio accord/gpsdecode: %.2f\n", a / g }'
if [[ -n ${cpu_line:-} ]]; then echo "$cpu_line"; fi
echo "load average before the timings: $load0 on $(nproc) cores (figures are trustworthy near or below the core count)"

# libais, on a smaller corpus (Python): only when it runs here.
if [[ -x /usr/bin/aisdecode && -x /usr/bin/python3 ]] && /usr/bin/python3 /usr/bin/aisdecode </dev/null >/dev/null 2>&1; then
  small=$tmp/small.nmea
  lreps=$(((libais_target + per - 1) / per))
  for ((i = 0; i < lreps; i++)); do cat "$base"; done >"$small"
  lib_ns=$(runs=1 best_ns sh -c '/usr/bin/python3 /usr/bin/aisdecode <"$1"' sh "$small")
  lib_rate=$(rate "$((lreps * per))" "$lib_ns")
  echo "libais aisdecode:                $lib_rate sentences/s (one run, $((lreps * per)) sentences)"
  awk -v a="$accord_rate" -v g="$lib_rate" 'BEGIN { printf "ratio accord/libais: %.1f\n", a / g }'
else
  echo "libais aisdecode: not available"
fi

# In-process: decode only, one core, no I/O.
echo "in-process (go test -bench BenchmarkDecodePosition, GOMAXPROCS=1):"
(cd "$root" && GOMAXPROCS=1 go test ./internal/ais -run '^$' -bench 'BenchmarkDecodePosition|BenchmarkAppendGPSD' -benchtime 2s) |
  awk '/^Benchmark/ { printf "  %s %s ns/op = %.0f messages/s, %s allocs/op\n", $1, $3, 1e9 / $3, $7 }'
