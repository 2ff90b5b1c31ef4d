#!/usr/bin/env bash
# Quartier soak run: the long versions of the reliability checks, ending
# with one line per check, exactly
#   check <name> <figure> PASS|FAIL
# and a non-zero exit status if any check failed.
#
#   fuzz-<target>   each libFuzzer target (tests/fuzz/) for QT_SOAK_FUZZ_SECONDS
#                   (default 600) seconds, continuing the corpus kept in
#                   build-fuzz/corpus/<target>/ from earlier soaks; findings
#                   go to build-fuzz/findings/;
#   ctest label "soak", run in the sanitizer build (build-asan) with
#                   QT_SOAK=1 (tests run their long versions) and
#                   QT_SOAK_REPORT naming a file to which each test appends
#                   its own "check ..." line(s) -- the fault injection test
#                   (fault-alloc, fault-io), and whatever other tests take
#                   the label (kill -9 loop, PostgreSQL crash loop,
#                   slowloris, testssl scan).  A soak test that fails without
#                   writing a line is reported as "check <test> ctest=failed
#                   FAIL"; any sanitizer report fails the "sanitizers" check.
# Checks that no test provides yet print no line at all.
#
# Environment: QT_SOAK_FUZZ_SECONDS (600), QT_SOAK_CHECKS (default "fuzz
# ctest"; e.g. "fuzz" alone).
# shellcheck disable=SC2317 # teardown runs from the EXIT trap
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=deploy/lib.sh
. "$ROOT/deploy/lib.sh"
cd "$ROOT"

ASAN_BUILD=$ROOT/build-asan
FUZZ_BUILD=$ROOT/build-fuzz
FUZZ_SECONDS=${QT_SOAK_FUZZ_SECONDS:-600}
CHECKS=${QT_SOAK_CHECKS:-fuzz ctest}
TMP=
LINES=()
rc=0

teardown() {
	local st=$?
	trap - EXIT
	set +e
	qt_kill_servers "$ASAN_BUILD"
	[[ -z $TMP ]] || qt_test_env_down "$TMP"
	exit "$st"
}

has_check() { [[ " $CHECKS " == *" $1 "* ]]; }

# check NAME FIGURE VERDICT: records one result line.
check() {
	LINES+=("check $1 $2 $3")
	[[ $3 == PASS ]] || rc=1
}

if ! [[ $FUZZ_SECONDS =~ ^[1-9][0-9]*$ ]]; then
	qt_die "QT_SOAK_FUZZ_SECONDS must be a positive number of seconds"
fi

qt_install_deps
TMP=$(mktemp -d /tmp/quartier-soak.XXXXXX)
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
chmod 755 "$TMP" # the postgres user must reach the cluster below it

if has_check fuzz; then
	qt_build_fuzz "$FUZZ_BUILD"
	for t in $QT_FUZZ_TARGETS; do
		qt_log "fuzzing $t for $FUZZ_SECONDS s"
		if figure=$(qt_run_fuzzer "$FUZZ_BUILD" "$t" "$FUZZ_SECONDS" "$FUZZ_BUILD/corpus"); then
			check "fuzz-$t" "$figure" PASS
		else
			check "fuzz-$t" "$figure" FAIL
		fi
	done
fi

if has_check ctest; then
	qt_build "$ASAN_BUILD" -DQT_WERROR=ON -DQUARTIER_SANITIZE=ON
	qt_test_env_up "$TMP"
	mkdir -p "$TMP/soak" && chmod 755 "$TMP/soak"
	QT_TEST_TMPDIR=$TMP/soak
	export QT_SOAK=1 QT_SOAK_REPORT=$TMP/soak-report
	: >"$QT_SOAK_REPORT"
	qt_sanitizer_env "$TMP/soak/reports"
	mapfile -t soak_tests < <(ctest --test-dir "$ASAN_BUILD" -N -L '^soak$' |
		sed -n 's/^ *Test *#[0-9]*: *//p')
	if ((${#soak_tests[@]} == 0)); then
		qt_warn "no ctest test carries the label soak"
	fi
	for t in "${soak_tests[@]}"; do
		before=$(wc -l <"$QT_SOAK_REPORT")
		qt_log "soak test $t"
		st=0
		ctest --test-dir "$ASAN_BUILD" --output-on-failure -R "^$t\$" --timeout 7200 || st=$?
		# The test's own lines; a failure it did not report still shows.
		failed_line=0
		while IFS= read -r line; do
			[[ $line =~ ^check\ [^\ ]+\ .+\ (PASS|FAIL)$ ]] || continue
			LINES+=("$line")
			if [[ $line == *" FAIL" ]]; then
				failed_line=1
				rc=1
			fi
		done < <(tail -n +"$((before + 1))" "$QT_SOAK_REPORT")
		if ((st != 0 && !failed_line)); then
			check "$t" "ctest=failed" FAIL
		fi
	done
	unset ASAN_OPTIONS UBSAN_OPTIONS QT_SOAK QT_SOAK_REPORT
	qt_kill_servers "$ASAN_BUILD"
	reports=$(qt_sanitizer_reports "$TMP/soak")
	n=${reports##*$'\n'}
	if [[ $n != 0 ]]; then
		printf '%s\n' "${reports%$'\n'*}" >&2
		check sanitizers "reports=$n" FAIL
	else
		check sanitizers "reports=0" PASS
	fi
fi

printf '%s\n' "${LINES[@]}"
exit "$rc"
