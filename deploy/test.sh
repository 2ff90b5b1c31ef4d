#!/usr/bin/env bash
# Quartier test run, in three stages (all by default; QT_TEST_STAGES picks,
# e.g. QT_TEST_STAGES="plain fuzz"):
#   plain     builds into ./build-test with warnings as errors and runs ctest;
#   sanitize  builds into ./build-asan with AddressSanitizer (and
#             LeakSanitizer) + UndefinedBehaviorSanitizer and runs the whole
#             ctest suite again: any report of any process -- tests, CLI,
#             every quartierd the tests start -- fails the run;
#   fuzz      builds the libFuzzer targets with clang into ./build-fuzz and
#             runs each for QT_FUZZ_SECONDS (default 20) seconds from its
#             seed corpus; a finding fails the run and is kept in
#             ./build-fuzz/findings/ (deploy/soak.sh runs them for long).
# One private PostgreSQL cluster on a free port with throwaway TLS
# certificates in a temporary directory serves both ctest runs; everything
# is torn down at the end.  Exits non-zero if any stage failed; the last
# lines name each stage with its result and duration.
#
# The tests find their environment in:
#   QT_TEST_PG_BINDIR  PostgreSQL server binaries (initdb, pg_ctl, postgres, psql)
#   QT_TEST_PGHOST     the cluster's Unix socket directory
#   QT_TEST_PGPORT     the cluster's port (also on 127.0.0.1)
#   QT_TEST_PGUSER     its superuser (postgres, trust authentication)
#   QT_TEST_CERT_DIR   ca.pem, ca.key, server.pem, server.key (localhost, 127.0.0.1)
#   QT_TEST_TMPDIR     scratch directory, removed afterwards (mode 755)
#   QT_TEST_RUN_AS     user to run PostgreSQL binaries as (postgres when root, else empty)
# and, in the sanitize stage, ASAN_OPTIONS / UBSAN_OPTIONS with a log_path
# under QT_TEST_TMPDIR (tests/harness.c moves the server's reports into the
# test's own directory).
# shellcheck disable=SC2317 # teardown and its helpers run from the EXIT trap
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=deploy/lib.sh
. "$ROOT/deploy/lib.sh"
cd "$ROOT"

BUILD=$ROOT/build-test
ASAN_BUILD=$ROOT/build-asan
FUZZ_BUILD=$ROOT/build-fuzz
STAGES=${QT_TEST_STAGES:-plain sanitize fuzz}
FUZZ_SECONDS=${QT_FUZZ_SECONDS:-20}
TMP=
SUMMARY=()

# kill_leftover_servers: ends quartierd processes still running the binary of
# one of this run's builds (tests that crashed before stopping theirs),
# matched by their executable's exact path.
kill_leftover_servers() {
	local b p exe pids=() i
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		for b in "$BUILD" "$ASAN_BUILD"; do
			if [[ $exe == "$b/server/quartierd" || $exe == "$b/server/quartierd (deleted)" ]]; then
				pids+=("${p#/proc/}")
			fi
		done
	done
	((${#pids[@]} > 0)) || return 0
	qt_warn "stopping leftover quartierd: ${pids[*]}"
	kill -TERM "${pids[@]}" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "${pids[@]}" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "${pids[@]}" 2>/dev/null || true
}

teardown() {
	local rc=$? pidfile
	trap - EXIT
	set +e
	kill_leftover_servers
	if [[ -n $TMP && -d $TMP ]]; then
		qt_pg_stop "$TMP/pg" >/dev/null 2>&1
		# Clusters the tests started themselves and left running.
		while IFS= read -r pidfile; do
			qt_warn "stopping leftover PostgreSQL in ${pidfile%/postmaster.pid}"
			qt_pg_stop "${pidfile%/postmaster.pid}" immediate >/dev/null 2>&1
		done < <(find "$TMP" -name postmaster.pid 2>/dev/null)
		rm -rf -- "$TMP"
	fi
	exit "$rc"
}

has_stage() { [[ " $STAGES " == *" $1 "* ]]; }

# stage_done NAME RC START: records one line of the summary.
stage_done() {
	local verdict=PASS
	(($2 == 0)) || verdict=FAIL
	SUMMARY+=("stage $1 $verdict $((SECONDS - $3)) s")
}

# sanitizer_reports DIR: prints every sanitizer report file under DIR and
# the number of them on the last line.
sanitizer_reports() {
	local f n=0
	while IFS= read -r f; do
		n=$((n + 1))
		printf -- '---- %s\n' "${f#"$1"/}"
		head -n 60 -- "$f"
	done < <(find "$1" -type f \( -name 'asan.*' -o -name 'ubsan.*' -o \
		-name 'sanitizer-quartierd.*' \) 2>/dev/null | sort)
	echo "$n"
}

# run_fuzzer NAME: runs build-fuzz's fuzz_NAME for FUZZ_SECONDS from a copy
# of its seed corpus; findings go to build-fuzz/findings/NAME-*.
run_fuzzer() {
	local t=$1 work=$TMP/fuzz/$1 out rc=0
	mkdir -p "$work" "$FUZZ_BUILD/findings"
	out=$TMP/fuzz/$t.log
	"$FUZZ_BUILD/tests/fuzz/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$FUZZ_BUILD/findings/$t-" \
		"$work" "$ROOT/tests/fuzz/corpus/$t" >"$out" 2>&1 || rc=$?
	if ((rc != 0)); then
		qt_warn "fuzz_$t found a failure (exit $rc); last lines of its output:"
		tail -n 40 "$out" >&2
		return 1
	fi
	qt_log "fuzz_$t: $(grep -m1 '^Done' "$out" || echo 'no summary')"
}

qt_install_deps
rc=0

TMP=$(mktemp -d /tmp/quartier-test.XXXXXX)
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
chmod 755 "$TMP" # the postgres user must reach the cluster below it

if has_stage plain || has_stage sanitize; then
	PG_PORT=$(qt_free_port)
	qt_pg_init "$TMP/pg" "$TMP/run" "$PG_PORT"
	qt_pg_start "$TMP/pg"
	qt_make_certs "$TMP/tls"

	export QT_TEST_PG_BINDIR QT_TEST_PGHOST QT_TEST_PGPORT QT_TEST_PGUSER \
		QT_TEST_CERT_DIR QT_TEST_TMPDIR QT_TEST_RUN_AS
	QT_TEST_PG_BINDIR=$(qt_pg_bindir)
	QT_TEST_PGHOST=$QT_PG_SOCK
	QT_TEST_PGPORT=$PG_PORT
	QT_TEST_PGUSER=postgres
	QT_TEST_CERT_DIR=$TMP/tls
	if ((EUID == 0)); then QT_TEST_RUN_AS=postgres; else QT_TEST_RUN_AS=; fi
fi

if has_stage plain; then
	start=$SECONDS st=0
	qt_build "$BUILD" -DQT_WERROR=ON
	QT_TEST_TMPDIR=$TMP/plain
	mkdir -p "$QT_TEST_TMPDIR" && chmod 755 "$QT_TEST_TMPDIR"
	qt_log "running tests (PostgreSQL on port $PG_PORT, scratch $QT_TEST_TMPDIR)"
	ctest --test-dir "$BUILD" --output-on-failure || st=$?
	stage_done plain "$st" "$start"
	((st == 0)) || rc=1
fi

if has_stage sanitize; then
	start=$SECONDS st=0
	qt_build "$ASAN_BUILD" -DQT_WERROR=ON -DQUARTIER_SANITIZE=ON
	QT_TEST_TMPDIR=$TMP/sanitize
	mkdir -p "$QT_TEST_TMPDIR/reports" && chmod 755 "$QT_TEST_TMPDIR"
	# Reports go to files (the server's stderr is its log, a test's is
	# Criterion's): asan.<pid>, ubsan.<pid>, or sanitizer-quartierd.<pid> in
	# the test's directory.  Leaks are checked at every process exit.
	export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_string_checks=1:log_path=$QT_TEST_TMPDIR/reports/asan"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$QT_TEST_TMPDIR/reports/ubsan"
	qt_log "running tests under ASan+UBSan (scratch $QT_TEST_TMPDIR)"
	ctest --test-dir "$ASAN_BUILD" --output-on-failure || st=$?
	unset ASAN_OPTIONS UBSAN_OPTIONS
	kill_leftover_servers
	reports=$(sanitizer_reports "$QT_TEST_TMPDIR")
	n=${reports##*$'\n'}
	if [[ $n != 0 ]]; then
		printf '%s\n' "${reports%$'\n'*}" >&2
		qt_warn "the sanitizers reported $n error(s); see above"
		st=1
	fi
	stage_done sanitize "$st" "$start"
	((st == 0)) || rc=1
fi

if has_stage fuzz; then
	start=$SECONDS st=0
	qt_build_fuzz "$FUZZ_BUILD"
	for t in $QT_FUZZ_TARGETS; do
		run_fuzzer "$t" || st=1
	done
	stage_done fuzz "$st" "$start"
	((st == 0)) || rc=1
fi

printf '%s\n' "${SUMMARY[@]}"
exit "$rc"
