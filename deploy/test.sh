#!/usr/bin/env bash
# Quartier test run: builds into ./build-test with warnings as errors,
# starts a private PostgreSQL cluster on a free port with throwaway TLS
# certificates in a temporary directory, runs ctest and always tears down.
# Exits with ctest's status.
#
# The tests find their environment in:
#   QT_TEST_PG_BINDIR  PostgreSQL server binaries (initdb, pg_ctl, postgres, psql)
#   QT_TEST_PGHOST     the cluster's Unix socket directory
#   QT_TEST_PGPORT     the cluster's port (also on 127.0.0.1)
#   QT_TEST_PGUSER     its superuser (postgres, trust authentication)
#   QT_TEST_CERT_DIR   ca.pem, ca.key, server.pem, server.key (localhost, 127.0.0.1)
#   QT_TEST_TMPDIR     scratch directory, removed afterwards (mode 755)
#   QT_TEST_RUN_AS     user to run PostgreSQL binaries as (postgres when root, else empty)
# shellcheck disable=SC2317 # teardown and its helpers run from the EXIT trap
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=deploy/lib.sh
. "$ROOT/deploy/lib.sh"
cd "$ROOT"

BUILD=$ROOT/build-test
TMP=

# kill_leftover_servers: ends quartierd processes still running the binary of
# this build (tests that crashed before stopping theirs), matched by their
# executable's exact path.
kill_leftover_servers() {
	local exe_path=$BUILD/server/quartierd p exe pids=() i
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		if [[ $exe == "$exe_path" || $exe == "$exe_path (deleted)" ]]; then
			pids+=("${p#/proc/}")
		fi
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

qt_install_deps
qt_build "$BUILD" -DQT_WERROR=ON

TMP=$(mktemp -d /tmp/quartier-test.XXXXXX)
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
chmod 755 "$TMP" # the postgres user must reach the cluster below it

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
QT_TEST_TMPDIR=$TMP
if ((EUID == 0)); then QT_TEST_RUN_AS=postgres; else QT_TEST_RUN_AS=; fi

qt_log "running tests (PostgreSQL on port $PG_PORT, scratch $TMP)"
rc=0
ctest --test-dir "$BUILD" --output-on-failure || rc=$?
exit "$rc"
