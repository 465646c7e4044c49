#!/usr/bin/env bash
# AIS conformance on data the project has not seen: fetches public AIS sentence files at run time
# into a temporary directory (removed on exit; nothing is kept or committed), decodes each with
# `accord ais decode --format gpsd` and with gpsd's `gpsdecode -u -j`, and compares them with
# ../shared/tools/ais_compare.py. Bar: at least 99.5 % of gpsdecode's messages identical per file.
#
# Sources (each skipped, with a message, when it cannot be fetched):
#   - Debian source package gpsd (3.22 on bookworm): the AIS logs of test/daemon/ other than
#     ais-nmea.log, which is under shared/data. Needs deb-src lines for apt (see below).
#   - Debian source package python-libais: the sentences quoted in its C++ and Python unit tests
#     (libais's test/data files are under shared/data; these are not). Many are deliberately odd.
#   - npm ggencoder: test/FeedSample/AisHubSample.nmea (an AISHub feed sample) and the sentences
#     quoted in its tests.
#   - npm ais-stream-decoder: the sentences quoted in its code and README.
#   - npm ais-decoder: the sentences quoted in its code, tests and README, in file order.
#
# Needs: gpsdecode (apt-get install gpsd-clients), python3, apt-get, npm, go (unless ACCORD_BIN).
# For `apt-get source`, apt needs a deb-src entry, e.g. /etc/apt/sources.list.d/debsrc.sources:
#   Types: deb-src
#   URIs: http://deb.debian.org/debian
#   Suites: bookworm
#   Components: main
#   Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
# then `apt-get update`.
#
# Environment: ACCORD_BIN (use this binary instead of building one), KEEP=1 (keep the temporary
# directory and print its path, to look at the inputs and outputs).
# Exit status: 0 when every file meets the bar, 1 when one does not, 2 when a tool is missing.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
compare=$root/../shared/tools/ais_compare.py
for tool in gpsdecode python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "unseen.sh: $tool not found (gpsdecode: apt-get install gpsd-clients)" >&2
    exit 2
  fi
done
if [[ ! -f $compare ]]; then
  echo "unseen.sh: $compare not found" >&2
  exit 2
fi

tmp=$(mktemp -d)
if [[ ${KEEP:-} == 1 ]]; then
  echo "keeping $tmp"
else
  trap 'rm -rf "$tmp"' EXIT
fi
mkdir -p "$tmp/src" "$tmp/npm" "$tmp/in" "$tmp/out"

if [[ -z ${ACCORD_BIN:-} ]]; then
  (cd "$root" && go build -o "$tmp/accord" ./cmd/accord) || exit 2
  ACCORD_BIN=$tmp/accord
fi

# Sentences quoted in source code: !xxVDM/!xxVDO up to the checksum, in file order.
sentence_re='[!][A-Z]{2}VD[MO],[^"'"'"' ]*\*[0-9A-Fa-f]{2}'

# Debian sources. apt-get source may fail on a missing Debian patch tarball while the upstream
# tarball arrived: only the upstream tarball is used.
(cd "$tmp/src" && apt-get source -qq --download-only gpsd python-libais >"$tmp/apt.log" 2>&1)
for t in "$tmp"/src/*.orig.tar.*; do
  [[ -f $t ]] && tar xf "$t" -C "$tmp/src"
done
if [[ -d $(echo "$tmp"/src/gpsd-*/test/daemon) ]]; then
  for f in "$tmp"/src/gpsd-*/test/daemon/*.log; do
    [[ $(basename "$f") == ais-nmea.log ]] && continue
    grep -qE '[!][A-Z]{2}VD[MO],' "$f" && cp "$f" "$tmp/in/gpsd_$(basename "$f")"
  done
else
  echo "gpsd source not fetched (deb-src missing?): $(tail -n 1 "$tmp/apt.log")" >&2
fi
libais=$(ls -d "$tmp"/src/libais-* 2>/dev/null | head -n 1)
if [[ -n $libais ]]; then
  grep -ohE "$sentence_re" "$libais"/src/test/*.cc >"$tmp/in/libais_cc_tests.nmea"
  grep -ohE "$sentence_re" "$libais"/test/*.py "$libais"/test/*/*.py >"$tmp/in/libais_py_tests.nmea"
else
  echo "python-libais source not fetched: $(tail -n 1 "$tmp/apt.log")" >&2
fi

# npm packages.
if (cd "$tmp/npm" && npm pack --silent ggencoder ais-stream-decoder ais-decoder >/dev/null 2>"$tmp/npm.log"); then
  for t in "$tmp"/npm/*.tgz; do
    d=${t%.tgz}
    mkdir -p "$d" && tar xzf "$t" -C "$d"
  done
  gg=$(ls -d "$tmp"/npm/ggencoder-*/package | head -n 1)
  cp "$gg/test/FeedSample/AisHubSample.nmea" "$tmp/in/ggencoder_AisHubSample.nmea"
  grep -ohE "$sentence_re" "$gg"/test/*.js "$gg/README.md" >"$tmp/in/ggencoder_tests.nmea"
  asd=$(ls -d "$tmp"/npm/ais-stream-decoder-*/package | head -n 1)
  grep -ohE "$sentence_re" "$asd"/dist/*.js "$asd/README.md" >"$tmp/in/ais-stream-decoder.nmea"
  ad=$(ls -d "$tmp"/npm/ais-decoder-*/package | head -n 1)
  find "$ad" -type f | LC_ALL=C sort | xargs grep -ohE "$sentence_re" >"$tmp/in/ais-decoder.nmea"
else
  echo "npm pack failed: $(tail -n 1 "$tmp/npm.log")" >&2
fi

below=0 files=0
printf '%-42s %10s %10s %9s  %s\n' file expected identical percent "not paired"
for f in "$tmp"/in/*; do
  [[ -s $f ]] || continue
  b=$(basename "$f")
  gpsdecode -u -j <"$f" >"$tmp/out/$b.gpsd.json" 2>/dev/null
  "$ACCORD_BIN" ais decode --format gpsd "$f" >"$tmp/out/$b.accord.json" 2>/dev/null
  python3 "$compare" "$tmp/out/$b.gpsd.json" "$tmp/out/$b.accord.json" --show 20 >"$tmp/out/$b.cmp"
  last=$(tail -n 1 "$tmp/out/$b.cmp")
  if [[ $last =~ identical\ ([0-9]+)/([0-9]+)\ \(([0-9.]+)%\) ]]; then
    same=${BASH_REMATCH[1]} exp=${BASH_REMATCH[2]} pct=${BASH_REMATCH[3]}
  else
    echo "$b: cannot read the comparison: $last" >&2
    below=$((below + 1))
    continue
  fi
  ((exp == 0)) && continue # gpsd decodes nothing in it: nothing to compare
  files=$((files + 1))
  extra=$(sed -n 's/^actual messages not paired with any expected one: //p' "$tmp/out/$b.cmp")
  printf '%-42s %10d %10d %8s%%  %s\n' "$b" "$exp" "$same" "$pct" "$extra"
  if awk -v p="$pct" 'BEGIN { exit !(p < 99.5) }'; then
    below=$((below + 1))
    grep -E '^(missing|differs):' "$tmp/out/$b.cmp" | sed 's/^/    /'
  fi
done
echo "files compared: $files, below 99.5 %: $below"
((below == 0))
