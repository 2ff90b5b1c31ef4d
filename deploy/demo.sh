#!/usr/bin/env bash
# Quartier demo: builds everything, starts a private PostgreSQL cluster and
# quartierd with throwaway TLS certificates and demo data, logs the CLI in
# and shows the registry.  Everything lives in ./build and ./var.
#
#   ./deploy/demo.sh        set up (or refresh) and start the demo
#   ./deploy/demo.sh stop   stop quartierd and the demo cluster
#
# Running it again reuses the cluster, the data and the accounts.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=deploy/lib.sh
. "$ROOT/deploy/lib.sh"

VAR=$ROOT/var
PG_DIR=$VAR/pg
PG_SOCK_DIR=$VAR/run
PG_PORT_FILE=$VAR/pg.port
TLS_DIR=$VAR/tls
CONF=$VAR/quartierd.conf
PID_FILE=$VAR/quartierd.pid
LOG_FILE=$VAR/quartierd.log
BUILD=$ROOT/build
QUARTIERD=$BUILD/server/quartierd
CLI=$BUILD/client/quartier
QT_PORT=${QT_DEMO_PORT:-7433}

# Demo passwords: printed on screen, never use them for anything real.
DEMO_ADMIN_PASSWORD=demo-admin-2026
DEMO_USER_PASSWORD=demo-user-2026

# ------------------------------------------------------------------ quartierd

# server_pid: prints the pid of the demo's quartierd if it is running.  The
# pid file alone is not trusted: the process must run our binary.
server_pid() {
	local pid exe
	[[ -s $PID_FILE ]] || return 1
	pid=$(<"$PID_FILE")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	[[ $exe == "$QUARTIERD" || $exe == "$QUARTIERD (deleted)" ]] || return 1
	printf '%s\n' "$pid"
}

stop_server() {
	local pid i
	if pid=$(server_pid); then
		qt_log "stopping quartierd (pid $pid)"
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 150; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			qt_warn "quartierd did not stop within 15 s; killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	rm -f -- "$PID_FILE"
}

start_server() {
	local pid i
	if qt_port_open 127.0.0.1 "$QT_PORT"; then
		qt_die "port $QT_PORT is in use by another program; stop it or set QT_DEMO_PORT"
	fi
	qt_log "starting quartierd on 127.0.0.1:$QT_PORT (log: var/quartierd.log)"
	printf '\n=== %s demo.sh starts quartierd\n' "$(date -Is)" >>"$LOG_FILE"
	# setsid: its own session, so a Ctrl-C in this terminal later does not reach it.
	setsid "$QUARTIERD" -c "$CONF" </dev/null >>"$LOG_FILE" 2>&1 &
	pid=$!
	printf '%s\n' "$pid" >"$PID_FILE"
	for ((i = 0; i < 150; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			printf 'error: quartierd exited during start; last lines of %s:\n' "$LOG_FILE" >&2
			tail -n 30 "$LOG_FILE" >&2
			rm -f -- "$PID_FILE"
			exit 1
		fi
		if qt_port_open 127.0.0.1 "$QT_PORT"; then
			return 0
		fi
		sleep 0.1
	done
	printf 'error: quartierd does not accept connections after 15 s; last lines of %s:\n' \
		"$LOG_FILE" >&2
	tail -n 30 "$LOG_FILE" >&2
	stop_server
	exit 1
}

# ------------------------------------------------------------------ database

psql_su() { # as the cluster's superuser, on the maintenance database
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$QT_PG_SOCK" -p "$PG_PORT" -U postgres \
		-d postgres "$@"
}
psql_q() { # as the registry's owner, on the registry
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$QT_PG_SOCK" -p "$PG_PORT" -U quartier \
		-d quartier "$@"
}
sql_value() { psql_q -At -c "$1"; }

start_cluster() {
	mkdir -p -- "$VAR"
	PG_PORT=
	[[ -s $PG_PORT_FILE ]] && PG_PORT=$(<"$PG_PORT_FILE")
	[[ $PG_PORT =~ ^[0-9]+$ ]] || PG_PORT=
	# A remembered port that another program took meanwhile is given up.
	if [[ -n $PG_PORT ]] && ! qt_pg_running "$PG_DIR" && qt_port_open 127.0.0.1 "$PG_PORT"; then
		qt_warn "port $PG_PORT is taken by another program; choosing a new one"
		PG_PORT=
	fi
	[[ -n $PG_PORT ]] || PG_PORT=$(qt_free_port)
	if qt_pg_running "$PG_DIR"; then
		QT_PG_DATA=$(qt_pg_datadir "$PG_DIR")
		QT_PG_SOCK=$(qt_pg_datadir "$PG_SOCK_DIR")
		# The port it really listens on (line 4 of postmaster.pid).
		PG_PORT=$(sed -n 4p "$QT_PG_DATA/postmaster.pid")
		qt_log "PostgreSQL is already running on port $PG_PORT"
	else
		qt_pg_init "$PG_DIR" "$PG_SOCK_DIR" "$PG_PORT"
		qt_log "starting PostgreSQL on 127.0.0.1:$PG_PORT (data: var/pg)"
		qt_pg_start "$PG_DIR"
	fi
	printf '%s\n' "$PG_PORT" >"$PG_PORT_FILE"
}

create_database() {
	psql_su -c "DO \$\$ BEGIN
	    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'quartier') THEN
	        CREATE ROLE quartier LOGIN;
	    END IF;
	END \$\$;"
	if [[ -z $(psql_su -At -c "SELECT 1 FROM pg_database WHERE datname = 'quartier'") ]]; then
		qt_log "creating database quartier"
		psql_su -c "CREATE DATABASE quartier OWNER quartier ENCODING 'UTF8' TEMPLATE template0"
	fi
}

# conninfo_quote VALUE: VALUE as a libpq conninfo value in single quotes.
conninfo_quote() {
	local v=${1//\\/\\\\}
	printf "'%s'" "${v//\'/\\\'}"
}

write_config() {
	local new
	new=$(
		cat <<EOF
# quartierd configuration written by deploy/demo.sh — DEMO ONLY.
# Throwaway certificates, trust authentication on a private cluster.
listen_addr = 127.0.0.1
listen_port = $QT_PORT
tls_cert_file = "$TLS_DIR/server.pem"
tls_key_file = "$TLS_DIR/server.key"
db_conninfo = "host=$(conninfo_quote "$QT_PG_SOCK") port=$PG_PORT dbname=quartier user=quartier"
db_pool_size = 4
log_level = info
EOF
	)
	# Rewritten only when it changes, so its age tells whether to restart.
	if [[ ! -f $CONF || "$(<"$CONF")" != "$new" ]]; then
		printf '%s\n' "$new" >"$CONF"
	fi
}

# create_account LOGIN NAME ROLE PASSWORD [quartierd options...]
create_account() {
	local login=$1 name=$2 role=$3 pw=$4
	shift 4
	printf '%s\n' "$pw" | "$QUARTIERD" account-create -c "$CONF" --login "$login" \
		--name "$name" --role "$role" --if-not-exists "$@" >/dev/null ||
		qt_die "account-create $login failed"
}

# ------------------------------------------------------------------ steps

show() { # prints a command like a shell prompt would, then runs it
	printf '\n$ %s\n' "$*"
	"$@"
}

cmd_stop() {
	stop_server
	if [[ -e $PG_DIR ]]; then
		qt_log "stopping PostgreSQL"
		qt_pg_stop "$PG_DIR"
	fi
	qt_log "demo stopped (data kept in var/; remove var/ to start afresh)"
}

cmd_start() {
	local kugel_id kugel_org sozialamt_id sued_id pid

	qt_install_deps
	qt_build "$BUILD" -DQT_TESTS=OFF
	[[ -x $QUARTIERD && -x $CLI ]] || qt_die "build did not produce $QUARTIERD and $CLI"
	PG_BIN=$(qt_pg_bindir)

	start_cluster
	create_database
	qt_make_certs "$TLS_DIR"
	write_config

	qt_log "applying migrations"
	"$QUARTIERD" migrate -c "$CONF" || qt_die "quartierd migrate failed"

	qt_log "loading demo data (deploy/demo-data.sql)"
	psql_q -f "$ROOT/deploy/demo-data.sql" >/dev/null

	qt_log "creating demo accounts"
	sozialamt_id=$(sql_value "SELECT id FROM office WHERE name = 'Sozialamt'")
	kugel_id=$(sql_value "SELECT min(id) FROM project WHERE name LIKE 'KUGEL%'")
	kugel_org=$(sql_value "SELECT carrier_id FROM project WHERE id = $kugel_id")
	[[ -n $sozialamt_id && -n $kugel_id && -n $kugel_org ]] ||
		qt_die "demo data incomplete (Sozialamt or KUGEL missing)"
	create_account admin "Demo Admin" admin "$DEMO_ADMIN_PASSWORD"
	create_account sozialamt "Sozialamt – Sozialplanung (Demo)" office "$DEMO_USER_PASSWORD" \
		--office-id "$sozialamt_id"
	create_account kugel "Quartierskoordination KUGEL (Demo)" coordinator "$DEMO_USER_PASSWORD" \
		--organisation-id "$kugel_org"
	sued_id=$(sql_value "SELECT id FROM district WHERE name = 'Süd'")
	[[ -n $sued_id ]] || qt_die "demo data incomplete (district Süd missing)"
	create_account bezirk-sued "Bezirksvorsteher Süd (Demo)" district_head "$DEMO_USER_PASSWORD" \
		--district-id "$sued_id"
	# Demos made before district heads existed created bezirk-sued as a viewer.
	psql_q -v did="$sued_id" >/dev/null <<'EOF'
UPDATE account SET role = 'district_head', district_id = :did
 WHERE login = 'bezirk-sued' AND role = 'viewer';
EOF
	# The district head is Thomas Weber of the demo data, a member of KUGEL's
	# support group: linked to him (audited; actor NULL: the host), the
	# account sees the contact data of its fellow members.
	psql_q >/dev/null <<'EOF'
SELECT qt_person_update(NULL, p.id, p.version, NULL, NULL, NULL, NULL, NULL, NULL, a.id)
  FROM person p, account a
 WHERE p.name = 'Thomas Weber (Demo)' AND p.account_id IS NULL AND a.login = 'bezirk-sued'
   AND NOT EXISTS (SELECT 1 FROM person q WHERE q.account_id = a.id);
EOF

	# The coordinator of KUGEL, set through qt_project_update so that the
	# change is versioned and audited like any other (actor NULL: the host).
	psql_q -v pid="$kugel_id" >/dev/null <<'EOF'
SELECT qt_project_update(NULL, p.id, p.version, NULL, NULL, false, NULL, false, NULL,
           true, array_append(array(SELECT account_id FROM project_coordinator
                                     WHERE project_id = p.id), a.id),
           false, NULL, false, NULL, false, NULL, NULL)
  FROM project p, account a
 WHERE p.id = :pid AND a.login = 'kugel'
   AND NOT EXISTS (SELECT 1 FROM project_coordinator c
                    WHERE c.project_id = p.id AND c.account_id = a.id);
EOF

	# Keep a running server unless it is older than its binary or config.
	if pid=$(server_pid); then
		if [[ $QUARTIERD -nt $PID_FILE || $CONF -nt $PID_FILE ]]; then
			qt_log "restarting quartierd (new build or configuration)"
			stop_server
			start_server
		else
			qt_log "quartierd is already running (pid $pid)"
		fi
	else
		start_server
	fi

	qt_log "configuring the CLI and logging in as admin"
	"$CLI" config init --host 127.0.0.1 --port "$QT_PORT" --ca "$TLS_DIR/ca.pem" >/dev/null ||
		qt_die "quartier config init failed"
	printf '%s\n' "$DEMO_ADMIN_PASSWORD" | "$CLI" login --user admin --password-stdin >/dev/null ||
		qt_die "quartier login failed"

	printf '\n==================== the registry ====================\n'
	export PATH="$BUILD/client:$PATH"
	show quartier ref districts
	show quartier ref offices
	show quartier project list
	show quartier project show "$kugel_id"
	show quartier group members "$kugel_id"
	show quartier meeting show 1  # inter-office coordination (AGSP): agenda, outcomes, hand-over
	show quartier assessment show "$(sql_value "SELECT max(id) FROM assessment WHERE project_id = $kugel_id")"
	show quartier fund show "$(sql_value "SELECT min(id) FROM fund WHERE project_id = $kugel_id AND year = 2026")"
	show quartier report "$kugel_id" --year 2026  # annual report (Jahresbericht): goals, updates, fund, continuation
	show quartier project list --district Süd

	cat <<EOF

==================== the demo is running ====================
quartierd      127.0.0.1:$QT_PORT (TLS, throwaway CA var/tls/ca.pem)
               pid $(<"$PID_FILE"), log var/quartierd.log, config var/quartierd.conf
PostgreSQL     private cluster in var/pg, port $PG_PORT, socket $QT_PG_SOCK
The CLI is configured and logged in as admin.

DEMO accounts (demo passwords, do not reuse):
  admin        admin        $DEMO_ADMIN_PASSWORD
  sozialamt    office       $DEMO_USER_PASSWORD   (Sozialamt)
  kugel        coordinator  $DEMO_USER_PASSWORD   (coordinator of the KUGEL project)
  bezirk-sued  viewer       $DEMO_USER_PASSWORD

Next steps:
  export PATH="$BUILD/client:\$PATH"
  quartier --help
  quartier project show $kugel_id
  quartier project list --district "Bad Cannstatt"
  printf '%s\n' $DEMO_USER_PASSWORD | quartier login --user kugel --password-stdin
                                     (the coordinator's view; log in as admin again likewise)

Stop everything:   ./deploy/demo.sh stop
EOF
}

case ${1:-start} in
start) cmd_start ;;
stop) cmd_stop ;;
-h | --help | help)
	sed -n '2,9s/^# \{0,1\}//p' "$0"
	;;
*)
	printf 'usage: %s [start|stop]\n' "$0" >&2
	exit 2
	;;
esac
