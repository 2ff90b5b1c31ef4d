#!/usr/bin/env bash
# Quartier benchmark: quartierd (TLS + protobuf + permission check + audit
# row + change-feed row) against pgbench with the equivalent SQL, on the
# same machine, the same private PostgreSQL and at the same concurrency,
# in one run.  Builds into ./build-bench, loads a registry of realistic
# size (deploy/bench-data.sql), runs every goal of the performance issue
# and ends with one line per goal:
#
#   goal <workload> measured <value> target <value> PASS|FAIL
#
# Everything (cluster, certificates, server, logs) lives in a temporary
# directory that is removed at the end; the raw results (quartier-bench
# JSON, pgbench output, the server log) are copied to build-bench/bench/.
#
# Environment:
#   QT_BENCH_SECONDS   measured seconds per throughput run (8, as the
#                      issue's pgbench figures)
#   QT_BENCH_CLIENTS   concurrency of the throughput goals (32)
#   QT_BENCH_THREADS   threads of pgbench and quartier-bench (2)
#   QT_BENCH_DEPTH     requests each quartier-bench client keeps in flight
#                      in the update-32 and get-32 goals (8): the protocol
#                      pipelines, pgbench sends one statement at a time;
#                      the same runs at depth 1 are printed for context
#   QT_BENCH_BIG       connections of the idle and big fanout goals (10000)
#   QT_BENCH_PROJECTS, QT_BENCH_PERSONS, QT_BENCH_MEMBERSHIPS, QT_BENCH_AGENDA
#                      size of the registry (10000, 20000, 100000, 5000)
#   QT_BENCH_LOG_LEVEL quartierd's log_level (info, as in production)
#   QT_BENCH_ROUNDS    rounds of every goal but the idle one (3); a goal's
#                      value is the median of its rounds, each round's is
#                      printed, so that one stall of a shared machine
#                      neither passes nor fails a goal on its own
# shellcheck disable=SC2317 # teardown runs from the EXIT trap
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=deploy/lib.sh
. "$ROOT/deploy/lib.sh"
cd "$ROOT"

SECONDS_RUN=${QT_BENCH_SECONDS:-8}
CLIENTS=${QT_BENCH_CLIENTS:-32}
THREADS=${QT_BENCH_THREADS:-2}
DEPTH=${QT_BENCH_DEPTH:-8}
BIG=${QT_BENCH_BIG:-10000}
PROJECTS=${QT_BENCH_PROJECTS:-10000}
PERSONS=${QT_BENCH_PERSONS:-20000}
MEMBERSHIPS=${QT_BENCH_MEMBERSHIPS:-100000}
AGENDA=${QT_BENCH_AGENDA:-5000}
LOG_LEVEL=${QT_BENCH_LOG_LEVEL:-info}
ROUNDS=${QT_BENCH_ROUNDS:-3}

BUILD=$ROOT/build-bench
OUT=$BUILD/bench
TMP=
QT_PID=

teardown() {
	local rc=$?
	trap - EXIT
	set +e
	if [[ -n $QT_PID ]] && kill -0 "$QT_PID" 2>/dev/null; then
		kill -TERM "$QT_PID"
		for ((i = 0; i < 100; i++)); do
			kill -0 "$QT_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$QT_PID" 2>/dev/null
		wait "$QT_PID" 2>/dev/null
	fi
	if [[ -n $TMP && -d $TMP ]]; then
		[[ -f $TMP/quartierd.log ]] && cp -- "$TMP/quartierd.log" "$OUT/" 2>/dev/null
		[[ -f $TMP/pg/postgresql.log ]] && cp -- "$TMP/pg/postgresql.log" "$OUT/" 2>/dev/null
		qt_pg_stop "$TMP/pg" >/dev/null 2>&1
		rm -rf -- "$TMP"
	fi
	exit "$rc"
}

# json FILE EXPR: a value from quartier-bench's JSON output (python3).
json() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"d": d}))' "$1" "$2"
}

# calc EXPR: floating-point arithmetic.
calc() {
	python3 -c "print($1)"
}

# median VALUE...: the median of the values (the mean of the middle two
# for an even count).
median() {
	python3 -c 'import statistics, sys; print(statistics.median(float(v) for v in sys.argv[1:]))' "$@"
}

# rounds NAME UNIT VALUE...: prints the rounds' values for the record.
rounds() {
	local name=$1 unit=$2
	shift 2
	printf '  %-16s %s\n' "$name" "$(python3 -c 'import sys; u = sys.argv[1]
print(" ".join("%.2f%s" % (float(v), u) for v in sys.argv[2:]))' "$unit" "$@")"
}

# goal NAME MEASURED TARGET UNIT CMP: prints the goal line; CMP is ge or le.
GOALS=()
goal() {
	local name=$1 measured=$2 target=$3 unit=$4 cmp=$5 verdict
	if [[ $(calc "int(($measured) $([[ $cmp == ge ]] && echo '>=' || echo '<=') ($target))") == 1 ]]; then
		verdict=PASS
	else
		verdict=FAIL
	fi
	GOALS+=("$(printf 'goal %s measured %s%s target %s%s %s' "$name" \
		"$(calc "'%.2f' % ($measured)")" "$unit" "$(calc "'%.2f' % ($target)")" "$unit" "$verdict")")
}

# checkpoint: writes out what the previous run left dirty, so that no run
# pays for its predecessor's checkpoint (pgbench and quartier-bench alike).
checkpoint() {
	"${PSQL[@]}" -d quartier -c CHECKPOINT >/dev/null
}

# pgbench_tps NAME CLIENTS SCRIPT: runs pgbench and prints its tps.
pgbench_tps() {
	local name=$1 clients=$2 script=$3 threads=$THREADS
	((threads <= clients)) || threads=$clients
	checkpoint
	"$PG_BIN/pgbench" -n -M prepared -h "$QT_PG_SOCK" -p "$PG_PORT" -U postgres \
		-c "$clients" -j "$threads" -T "$SECONDS_RUN" -f "$script" quartier \
		>"$OUT/pgbench-$name.txt" 2>&1 || {
		cat "$OUT/pgbench-$name.txt" >&2
		qt_die "pgbench $name failed"
	}
	sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$OUT/pgbench-$name.txt"
}

# qbench NAME ARGS...: runs quartier-bench with JSON output into OUT/NAME.json
# and shows its text summary; a failed run (exit 1) is reported, not fatal.
qbench() {
	local name=$1 rc=0
	shift
	checkpoint
	"$BENCH" "${BENCH_ARGS[@]}" --json "$@" >"$OUT/$name.json" 2>"$OUT/$name.err" || rc=$?
	if ((rc == 2)) || [[ ! -s $OUT/$name.json ]]; then
		cat "$OUT/$name.err" >&2
		qt_die "quartier-bench $name could not run"
	fi
	printf '  %-16s %s\n' "$name" "$(python3 - "$OUT/$name.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
if d["workload"] == "sync-initial":
    print(f'{d["records"]} records in {d["latency_ms"]["max"] / 1000:.2f} s '
          f'({d["ok"]} snapshot(s), errors {d["errors"]})')
elif "throughput" in d:
    l = d["latency_ms"]
    print(f'{d["throughput"]:.1f}/s ok {d["ok"]} errors {d["errors"]} conflicts {d["conflicts"]} '
          f'p50 {l["p50"]:.2f} p99 {l["p99"]:.2f} p99.9 {l["p999"]:.2f} ms')
elif "push_latency_ms" in d:
    l = d["push_latency_ms"]
    print(f'{d["subscribers"]} subscribers, {d["writes"]} writes, missed {d["missed"]}, '
          f'push p50 {l["p50"]:.1f} p99 {l["p99"]:.1f} p99.9 {l["p999"]:.1f} ms')
elif "rss_growth_mib" in d:
    print(f'{d["held"]}/{d["connections"]} held, RSS +{d["rss_growth_mib"]:.1f} MiB '
          f'({d["per_connection_kib"]:.1f} KiB per connection)')
if d.get("first_error"):
    print("    first error: " + d["first_error"])
EOF
)"
	return 0
}

qt_install_deps
qt_build "$BUILD" -DQT_TESTS=OFF -DQT_WERROR=ON
mkdir -p -- "$OUT"
rm -f -- "$OUT"/*.json "$OUT"/*.err "$OUT"/*.txt "$OUT"/*.log

TMP=$(mktemp -d /tmp/quartier-bench.XXXXXX)
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
chmod 755 "$TMP"

# Ten thousand connections: descriptors for the server and the client.
ulimit -Hn 65536 2>/dev/null || true
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (($(ulimit -n) < BIG + 200)); then
	qt_warn "only $(ulimit -n) file descriptors; the $BIG-connection goals will fail"
fi

PG_BIN=$(qt_pg_bindir)
PG_PORT=$(qt_free_port)
qt_pg_init "$TMP/pg" "$TMP/run" "$PG_PORT"
qt_pg_start "$TMP/pg"
qt_make_certs "$TMP/tls"
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$QT_PG_SOCK" -p "$PG_PORT" -U postgres)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE quartier"

QT_PORT=$(qt_free_port)
cat >"$TMP/quartierd.conf" <<EOF
# written by deploy/bench.sh
listen_addr = 127.0.0.1
listen_port = $QT_PORT
tls_cert_file = "$TMP/tls/server.pem"
tls_key_file = "$TMP/tls/server.key"
db_conninfo = "host=$QT_PG_SOCK port=$PG_PORT user=postgres dbname=quartier"
log_level = $LOG_LEVEL
metrics_port = 0
max_connections = $((BIG + 1000))
max_connections_per_address = $((BIG + 1000))
idle_timeout = 900
EOF
qt_log "starting quartierd (port $QT_PORT, log_level $LOG_LEVEL)"
"$BUILD/server/quartierd" -c "$TMP/quartierd.conf" >"$TMP/quartierd.log" 2>&1 &
QT_PID=$!
for ((i = 0; i < 200; i++)); do
	qt_port_open 127.0.0.1 "$QT_PORT" && break
	kill -0 "$QT_PID" 2>/dev/null || {
		cat "$TMP/quartierd.log" >&2
		qt_die "quartierd did not start"
	}
	sleep 0.1
done
for ((i = 0; i < 200; i++)); do
	[[ $("${PSQL[@]}" -d quartier -Atc "SELECT to_regclass('public.change_log') IS NOT NULL") == t ]] && break
	sleep 0.1
done

qt_log "loading the registry: $PROJECTS projects, $PERSONS persons, $MEMBERSHIPS memberships, $AGENDA agenda items"
t0=$(date +%s.%N)
"${PSQL[@]}" -d quartier -v projects="$PROJECTS" -v persons="$PERSONS" \
	-v memberships="$MEMBERSHIPS" -v agenda="$AGENDA" -f "$ROOT/deploy/bench-data.sql"
qt_log "loaded in $(calc "'%.1f' % ($(date +%s.%N) - $t0)") s"

PASSWORD="bench-$(openssl rand -hex 12)"
printf '%s\n' "$PASSWORD" >"$TMP/password"
chmod 600 "$TMP/password"
printf '%s\n' "$PASSWORD" | "$BUILD/server/quartierd" account-create -c "$TMP/quartierd.conf" \
	--login bench --name "Benchmark" --role admin >/dev/null

BENCH=$BUILD/client/bench/quartier-bench
BENCH_ARGS=(-H 127.0.0.1 -p "$QT_PORT" --ca-file "$TMP/tls/ca.pem" -U bench
	--password-file "$TMP/password")

# pgbench's tables: a 10,000-row table of ~200-byte rows for the upsert;
# the select reads the real project table by primary key.
"${PSQL[@]}" -d quartier <<'EOF'
CREATE TABLE pgbench_upsert (id bigint PRIMARY KEY, payload text NOT NULL);
INSERT INTO pgbench_upsert SELECT g, repeat('x', 200) FROM generate_series(1, 10000) g;
ANALYZE pgbench_upsert;
EOF
cat >"$TMP/upsert.sql" <<'EOF'
\set id random(1, 10000)
INSERT INTO pgbench_upsert (id, payload) VALUES (:id, left(repeat(md5(random()::text), 7), 200)) ON CONFLICT (id) DO UPDATE SET payload = EXCLUDED.payload;
EOF
cat >"$TMP/select.sql" <<EOF
\\set id random(1, $PROJECTS)
SELECT id, version, name, kind, status, carrier_id, start_date, end_date, description FROM project WHERE id = :id;
EOF
# For context (no goal): pgbench running quartierd's own SQL for a get (the
# project_v row) and for an update (the load, then the change wrapped as
# req_mutate wraps it; the row is locked first so the version always fits).
ACTOR=$("${PSQL[@]}" -d quartier -Atc "SELECT id FROM account WHERE login = 'bench'")
PROJECT_COLS="id, version, name, kind, status, carrier_id, carrier_name, start_date, end_date,
description, created_at, updated_at, quarter_ids, quarter_names, lead_office_ids,
lead_office_names, coordinator_ids, district_names"
cat >"$TMP/get-sql.sql" <<EOF
\\set id random(1, $PROJECTS)
SELECT ${PROJECT_COLS//$'\n'/ } FROM project_v WHERE id = :id;
EOF
cat >"$TMP/update-sql.sql" <<EOF
\\set id random(1, $PROJECTS)
SELECT ${PROJECT_COLS//$'\n'/ } FROM project_v WHERE id = :id;
SELECT qt_q.*, qt_feed_mark($ACTOR) AS qt_cursor FROM (SELECT * FROM qt_project_update($ACTOR, :id, (SELECT version FROM project WHERE id = :id FOR UPDATE), NULL, NULL, false, '{}', false, '{}', false, '{}', false, NULL, false, NULL, false, NULL, left(repeat(md5(random()::text), 7), 200)) OFFSET 0) qt_q;
EOF

((ROUNDS >= 1)) || qt_die "QT_BENCH_ROUNDS must be at least 1"

# The initial sync first, on the registry as loaded: the update runs below
# add tens of thousands of versions, audit rows and feed rows, and a sync
# after them takes longer, by how many rounds ran.
SYNC_S=() COPY_S=()
for ((k = 1; k <= ROUNDS; k++)); do
	qt_log "initial sync of the whole registry against psql \\copy of the same rows, round $k of $ROUNDS"
	qbench sync-initial-r$k -c 1 sync-initial
	SYNC_S+=("$(json "$OUT/sync-initial-r$k.json" 'd["latency_ms"]["max"] / 1000')")
	t0=$(date +%s.%N)
	"${PSQL[@]}" -d quartier >/dev/null <<'EOF'
\copy (SELECT * FROM district ORDER BY id) to stdout
\copy (SELECT * FROM quarter ORDER BY id) to stdout
\copy (SELECT * FROM office ORDER BY id) to stdout
\copy (SELECT * FROM organisation ORDER BY id) to stdout
\copy (SELECT * FROM project_v ORDER BY id) to stdout
\copy (SELECT * FROM person_v ORDER BY id) to stdout
\copy (SELECT * FROM membership_v ORDER BY id) to stdout
\copy (SELECT * FROM agenda_item_v ORDER BY id) to stdout
EOF
	COPY_S+=("$(calc "$(date +%s.%N) - $t0")")
	printf '  %-16s %.2f s\n' "psql \\copy" "${COPY_S[-1]}"
done

W=2
# Each round runs pgbench and quartier-bench back to back, so a ratio
# compares runs of the same minute.
UPD_TPS=() UPD_RATIO=() GET_RATIO=() UPD1_RATIO=() GET1_RATIO=()
for ((k = 1; k <= ROUNDS; k++)); do
	qt_log "throughput at $CLIENTS clients, $SECONDS_RUN s each, round $k of $ROUNDS (pgbench -M prepared, quartier-bench at depth $DEPTH and 1 after ${W} s warm-up)"
	upsert=$(pgbench_tps upsert-$CLIENTS-r$k "$CLIENTS" "$TMP/upsert.sql")
	printf '  %-16s %s tx/s\n' "pgbench upsert" "$upsert"
	qbench update-$CLIENTS-r$k -c "$CLIENTS" -j "$THREADS" -d "$DEPTH" -T "$SECONDS_RUN" -W "$W" update
	tps=$(json "$OUT/update-$CLIENTS-r$k.json" 'd["throughput"]')
	UPD_TPS+=("$tps")
	UPD_RATIO+=("$(calc "'%.4f' % ($tps / $upsert)")")
	qbench update-$CLIENTS-d1-r$k -c "$CLIENTS" -j "$THREADS" -T "$SECONDS_RUN" -W "$W" update
	tps=$(json "$OUT/update-$CLIENTS-d1-r$k.json" 'd["throughput"]')
	UPD1_RATIO+=("$(calc "'%.4f' % ($tps / $upsert)")")
	select=$(pgbench_tps select-$CLIENTS-r$k "$CLIENTS" "$TMP/select.sql")
	printf '  %-16s %s tx/s\n' "pgbench select" "$select"
	qbench get-$CLIENTS-r$k -c "$CLIENTS" -j "$THREADS" -d "$DEPTH" -T "$SECONDS_RUN" -W "$W" get
	tps=$(json "$OUT/get-$CLIENTS-r$k.json" 'd["throughput"]')
	GET_RATIO+=("$(calc "'%.4f' % ($tps / $select)")")
	qbench get-$CLIENTS-d1-r$k -c "$CLIENTS" -j "$THREADS" -T "$SECONDS_RUN" -W "$W" get
	tps=$(json "$OUT/get-$CLIENTS-d1-r$k.json" 'd["throughput"]')
	GET1_RATIO+=("$(calc "'%.4f' % ($tps / $select)")")
done
qt_log "context (no goal): pgbench with quartierd's own SQL, and updates without mutation ids"
printf '  %-16s %s tx/s\n' "pgbench get SQL" \
	"$(pgbench_tps get-sql-$CLIENTS "$CLIENTS" "$TMP/get-sql.sql")"
printf '  %-16s %s tx/s\n' "pgbench upd. SQL" \
	"$(pgbench_tps update-sql-$CLIENTS "$CLIENTS" "$TMP/update-sql.sql")"
qbench update-nomid -c "$CLIENTS" -j "$THREADS" -T "$SECONDS_RUN" -W "$W" --no-mutation-ids update

HALF=$(calc "'%.0f' % max(1, $(median "${UPD_TPS[@]}") / 2)")
HALF_P99=()
for ((k = 1; k <= ROUNDS; k++)); do
	qt_log "update at half the median maximum ($HALF/s, open loop), round $k of $ROUNDS"
	qbench update-half-r$k -c "$CLIENTS" -j "$THREADS" -T "$SECONDS_RUN" -W "$W" -R "$HALF" update
	HALF_P99+=("$(json "$OUT/update-half-r$k.json" 'd["latency_ms"]["p99"]')")
done

qt_log "idle: $BIG TLS connections"
qbench idle-$BIG -c "$BIG" -j "$THREADS" -T 10 --server-pid "$QT_PID" idle

# A fanout run that lost pushes fails its goal whatever its latency.
FAN1=() FANB=()
for ((k = 1; k <= ROUNDS; k++)); do
	qt_log "fanout: one writer, 1000 and $BIG subscribers, round $k of $ROUNDS"
	qbench fanout-1000-r$k -c 1000 -j "$THREADS" --writes 20 --interval-ms 500 --drain 60 fanout
	qbench fanout-$BIG-r$k -c "$BIG" -j "$THREADS" --writes 10 --interval-ms 2000 --drain 120 fanout
	FAN1+=("$(json "$OUT/fanout-1000-r$k.json" \
		'd["push_latency_ms"]["p99"] if d["missed"] == 0 and d["errors"] == 0 else 1e9')")
	FANB+=("$(json "$OUT/fanout-$BIG-r$k.json" \
		'd["push_latency_ms"]["p99"] if d["missed"] == 0 and d["errors"] == 0 else 1e9')")
done

qt_log "the rounds of each goal (the goal takes their median; -d1: at depth 1, for context)"
rounds "update-$CLIENTS" x "${UPD_RATIO[@]}"
rounds "get-$CLIENTS" x "${GET_RATIO[@]}"
rounds "update-$CLIENTS-d1" x "${UPD1_RATIO[@]}"
rounds "get-$CLIENTS-d1" x "${GET1_RATIO[@]}"
rounds sync-initial s "${SYNC_S[@]}"
rounds "psql \\copy" s "${COPY_S[@]}"
rounds fanout-1000-p99 ms "${FAN1[@]}"
rounds "fanout-$BIG-p99" ms "${FANB[@]}"
rounds update-half-p99 ms "${HALF_P99[@]}"

# Every goal, measured in this run.
SYNC_MED=$(median "${SYNC_S[@]}")
goal "update-$CLIENTS" "$(median "${UPD_RATIO[@]}")" 1.0 x ge
goal "get-$CLIENTS" "$(median "${GET_RATIO[@]}")" 1.0 x ge
goal sync-initial "$SYNC_MED" 2.0 s le
goal sync-initial-vs-copy "$SYNC_MED / $(median "${COPY_S[@]}")" 2.0 x le
goal fanout-1000-p99 "$(median "${FAN1[@]}")" 20 ms le
goal "fanout-$BIG-p99" "$(median "${FANB[@]}")" 100 ms le
# An idle run that lost connections fails its goal whatever its memory.
IDLE=$(json "$OUT/idle-$BIG.json" \
	'd["rss_growth_mib"] if d["held"] == d["connections"] else 1e9')
goal "idle-$BIG-rss" "$IDLE" "320 * $BIG / 10000" MiB le
goal update-half-p99 "$(median "${HALF_P99[@]}")" 5 ms le

printf '%s\n' "${GOALS[@]}" >"$OUT/goals.txt"
echo
printf '%s\n' "${GOALS[@]}"
