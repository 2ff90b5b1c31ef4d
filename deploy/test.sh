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
# and, in the sanitize stage, ASAN_OPTIONS with a log_path under
# QT_TEST_TMPDIR (tests/harness.c moves the server's reports into the test's
# own directory) and UBSAN_OPTIONS.
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

teardown() {
	local rc=$?
	trap - EXIT
	set +e
	qt_kill_servers "$BUILD" "$ASAN_BUILD"
	[[ -z $TMP ]] || qt_test_env_down "$TMP"
	exit "$rc"
}

has_stage() { [[ " $STAGES " == *" $1 "* ]]; }

# stage_done NAME RC START: records one line of the summary.
stage_done() {
	local verdict=PASS
	(($2 == 0)) || verdict=FAIL
	SUMMARY+=("stage $1 $verdict $((SECONDS - $3)) s")
}

qt_install_deps
rc=0

TMP=$(mktemp -d /tmp/quartier-test.XXXXXX)
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
chmod 755 "$TMP" # the postgres user must reach the cluster below it

if has_stage plain || has_stage sanitize; then
	qt_test_env_up "$TMP"
fi

if has_stage plain; then
	start=$SECONDS st=0
	qt_build "$BUILD" -DQT_WERROR=ON
	QT_TEST_TMPDIR=$TMP/plain
	mkdir -p "$QT_TEST_TMPDIR" && chmod 755 "$QT_TEST_TMPDIR"
	qt_log "running tests (PostgreSQL on port $QT_TEST_PGPORT, scratch $QT_TEST_TMPDIR)"
	ctest --test-dir "$BUILD" --output-on-failure || st=$?
	stage_done plain "$st" "$start"
	((st == 0)) || rc=1
fi

if has_stage sanitize; then
	start=$SECONDS st=0
	qt_build "$ASAN_BUILD" -DQT_WERROR=ON -DQUARTIER_SANITIZE=ON
	QT_TEST_TMPDIR=$TMP/sanitize
	mkdir -p "$QT_TEST_TMPDIR/reports" && chmod 755 "$QT_TEST_TMPDIR"
	# ASan reports go to files (the server's stderr is its log, a test's is
	# Criterion's): asan.<pid>, or sanitizer-quartierd.<pid> in the test's
	# directory.  Leaks are checked at every process exit.  UBSan reports
	# land on stderr and abort the process.
	qt_sanitizer_env "$QT_TEST_TMPDIR/reports"
	qt_log "running tests under ASan+UBSan (scratch $QT_TEST_TMPDIR)"
	ctest --test-dir "$ASAN_BUILD" --output-on-failure || st=$?
	unset ASAN_OPTIONS UBSAN_OPTIONS
	qt_kill_servers "$ASAN_BUILD"
	reports=$(qt_sanitizer_reports "$QT_TEST_TMPDIR")
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
		if out=$(qt_run_fuzzer "$FUZZ_BUILD" "$t" "$FUZZ_SECONDS" "$TMP/fuzz"); then
			qt_log "fuzz_$t: $out"
		else
			qt_warn "fuzz_$t: $out"
			st=1
		fi
	done
	stage_done fuzz "$st" "$start"
	((st == 0)) || rc=1
fi

printf '%s\n' "${SUMMARY[@]}"
exit "$rc"
