#!/usr/bin/env bash
# Black-box releasability probe: builds accord, creates users of six agencies and eight roles in
# a fresh store, starts `accord serve`, and runs bench/leakprobe against it through the HTTP API.
# Runs on SQLite, then on PostgreSQL when a server answers on 127.0.0.1:5432 (a scratch
# database is created and dropped). Exit status non-zero when any run finds a leak.
#
#   bench/leakprobe/run.sh            # both stores
#   LEAKPROBE_PG=0 bench/leakprobe/run.sh   # SQLite only
#   LEAKPROBE_SQLITE=0 bench/leakprobe/run.sh          # PostgreSQL only
#   LEAKPROBE_LOGS=DIR bench/leakprobe/run.sh          # keep each run's server log in DIR
#   LEAKPROBE_FLAGS='-mutate-oracle red' bench/leakprobe/run.sh  # self-test: must report leaks
#   ACCORD_SRC=/path/to/tree bench/leakprobe/run.sh    # build accord from another checkout
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
src=${ACCORD_SRC:-$repo}
work=$(mktemp -d /tmp/leakprobe.XXXXXX)
serve_pid=""
pgdb=""
cleanup() {
	if [[ -n $serve_pid ]]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
	if [[ -n $pgdb ]]; then psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $pgdb" postgres >/dev/null 2>&1 || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "building accord from $src and the probe"
(cd "$src" && go build -o "$work/accord" ./cmd/accord)
(cd "$repo" && go build -o "$work/leakprobe" ./bench/leakprobe)

# name agency roles: creators (analyst,watch_officer) of SEMAR, FGR, USCG; other roles elsewhere.
users="semar_an SEMAR analyst,watch_officer
semar_an2 SEMAR analyst
semar_legal SEMAR legal
semar_mon SEMAR monitor
sedena_an SEDENA analyst
sedena_monan SEDENA monitor,analyst
fgr_an FGR analyst,watch_officer
fgr_consular FGR consular
uscg_an USCG analyst,watch_officer
uscg_appr USCG approver
uscg_mon USCG monitor
dea_an DEA analyst
dea_over DEA oversight
cbp_admin CBP admin
cbp_an CBP analyst"

# A simulated AIS feed so that the detectors raise alerts (docs/detect.md: an alert is marked
# with its feed's originator and most restrictive TLP). The probe maps each vessel to its feed
# through the ground truth; it accepts several feeds (TRUTH=ORIGINATOR/TLP,...; an alert is
# marked from the feeds of the vessels it names), e.g.
# LEAKPROBE_FEEDS="FGR/CLEAR USCG/AMBER+STRICT". By default one SEMAR AMBER feed is used: SEMAR
# reads its alerts and opens cases, the others must not.
feeds=""
alertfeeds=""
simstart=$(date -u -d '-20 hours' +%Y-%m-%dT%H:%M:%SZ)
i=0
for mark in ${LEAKPROBE_FEEDS:-SEMAR/AMBER}; do
	i=$((i + 1))
	"$work/accord" simulate --scenario planted --seed $((i + 10)) --start "$simstart" --out "$work/feed$i.nmea" --truth "$work/truth$i.json" 2>/dev/null
	feeds="$feeds${feeds:+,}{\"name\":\"sim$i\",\"kind\":\"file\",\"paths\":[\"$work/feed$i.nmea\"],\"originator\":\"${mark%%/*}\",\"tlp\":\"${mark#*/}\"}"
	alertfeeds="$alertfeeds${alertfeeds:+,}$work/truth$i.json=$mark"
done
echo "{\"feeds\":[$feeds]}" >"$work/config.json"

# run LABEL STOREFLAG...: a fresh node, its users, serve, the probe.
run() {
	local label=$1; shift
	local dir="$work/$label"
	mkdir -p "$dir/data"
	"$work/accord" init "$@" >"$dir/init.log" 2>&1
	: >"$dir/users.txt"
	while read -r name agency roles; do
		pw="pw-$name-$RANDOM$RANDOM-long"
		ACCORD_PASSWORD=$pw "$work/accord" user add "$@" --name "$name" --agency "$agency" --role "$roles" >>"$dir/init.log" 2>&1
		echo "$name $agency $roles $pw" >>"$dir/users.txt"
	done <<<"$users"
	expired=$("$work/accord" user token "$@" --name dea_an --ttl 1s --label leakprobe-expired 2>>"$dir/init.log" | tail -1)
	(cd "$repo" && exec "$work/accord" serve --config "$work/config.json" "$@" --listen 127.0.0.1:0 --boundaries "$repo" >"$dir/serve.log" 2>&1) &
	serve_pid=$!
	local url=""
	for _ in $(seq 1 100); do
		url=$(grep -o 'serving on http://[0-9.:]*' "$dir/serve.log" | head -1 | sed 's/serving on //') || true
		[[ -n $url ]] && break
		sleep 0.2
	done
	if [[ -z $url ]]; then echo "serve did not start:"; cat "$dir/serve.log"; return 2; fi
	echo "[$label] accord serve at $url"
	local rc=0
	"$work/leakprobe" ${LEAKPROBE_FLAGS:-} -base "$url" -users "$dir/users.txt" -expired-token "$expired" -alert-feeds "$alertfeeds" -label "$label" || rc=$?
	kill "$serve_pid" 2>/dev/null || true
	wait "$serve_pid" 2>/dev/null || true
	serve_pid=""
	if [[ -n ${LEAKPROBE_LOGS:-} ]]; then mkdir -p "$LEAKPROBE_LOGS" && cp "$dir/serve.log" "$LEAKPROBE_LOGS/serve-$label.log"; fi
	if grep -q 'level=ERROR' "$dir/serve.log"; then
		echo "[$label] server errors logged (other than missing ports data):"
		grep "level=ERROR" "$dir/serve.log" | grep -v "ports and anchorages" | sed "s/^time=[^ ]* //" | sort | uniq -c | head -20 || true
	fi
	return $rc
}

status=0
if [[ ${LEAKPROBE_SQLITE:-1} != 0 ]]; then run sqlite --data "$work/sqlite/data" || status=$?; fi
if [[ ${LEAKPROBE_PG:-1} != 0 ]] && psql -h 127.0.0.1 -U postgres -qAtc 'select 1' postgres >/dev/null 2>&1; then
	pgdb="leakprobe_$$"
	psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $pgdb" postgres >/dev/null
	# The data directory still holds the node's keys and caches with a DSN (docs/config.md).
	mkdir -p "$work/postgres/data"
	ACCORD_DATA="$work/postgres/data" run postgres --dsn "postgres://postgres@127.0.0.1:5432/$pgdb?sslmode=disable" || status=$((status > 0 ? status : $?))
	psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $pgdb" postgres >/dev/null 2>&1 || true
	pgdb=""
else
	echo "PostgreSQL run skipped (LEAKPROBE_PG=0 or no server on 127.0.0.1:5432)"
fi
exit $status
