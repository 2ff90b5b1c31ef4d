# shellcheck shell=bash
# Helpers shared by deploy/demo.sh and deploy/test.sh: package installation,
# the CMake build, a private PostgreSQL cluster, free ports and throwaway TLS
# certificates.  Source it from bash; every function is prefixed qt_.

QT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

# Debian packages needed to build, test and run the demo.  systemd brings
# systemd-analyze and systemd-sysusers for tests/check_systemd_unit.sh;
# man-db (man, groff) and dpkg-dev (dpkg-shlibdeps for CPack's Depends)
# for tests/check_man.sh and tests/check_deb.sh;
# postgresql-contrib brings btree_gist for the exclusion constraint on
# support group memberships (server/migrations/0002_support_groups.sql);
# gettext brings xgettext, msgmerge and msgfmt for the CLI's message
# catalogue (client/po/); locales the locale data QT_LOCALES are built from;
# clang with libclang-rt-dev (libFuzzer, the sanitizer runtimes) for the
# fuzz targets and llvm for llvm-symbolizer (readable sanitizer reports);
# testssl.sh for tests/test_tls.c's scan.
QT_DEPS=(build-essential cmake pkg-config libuv1-dev libprotobuf-c-dev
	protobuf-c-compiler libpq-dev libssl-dev libcriterion-dev libargon2-dev
	libsystemd-dev postgresql postgresql-contrib postgresql-client openssl
	ca-certificates python3 python3-protobuf protobuf-compiler procps iproute2
	util-linux systemd man-db dpkg-dev libsqlite3-dev gettext locales clang
	libclang-rt-dev llvm testssl.sh)

# Locales the CLI is tested in (tests/test_cli_i18n.c runs it with
# LANG=de_DE.UTF-8); a fresh Debian has none but C and C.UTF-8.
QT_LOCALES=(de_DE.UTF-8)

# ------------------------------------------------------------------ messages

qt_log() { printf '==> %s\n' "$*" >&2; }
qt_warn() { printf 'warning: %s\n' "$*" >&2; }
qt_die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# qt_run_quiet LABEL CMD...: runs CMD with its output captured; prints the
# captured output only if CMD fails, then returns CMD's status.
qt_run_quiet() {
	local label=$1 out rc=0
	shift
	out=$(mktemp "${TMPDIR:-/tmp}/quartier-out.XXXXXX")
	"$@" >"$out" 2>&1 || rc=$?
	if ((rc != 0)); then
		printf 'error: %s failed (exit %d):\n' "$label" "$rc" >&2
		tail -n 40 "$out" >&2
	fi
	rm -f -- "$out"
	return "$rc"
}

# ------------------------------------------------------------------ packages

# qt_install_deps: installs the packages of QT_DEPS that are missing, then
# generates the locales of QT_LOCALES that are missing.  Does nothing (and
# needs no network) when all are there.
qt_install_deps() {
	local p st missing=() sudo=()

	command -v dpkg-query >/dev/null 2>&1 ||
		qt_die "dpkg-query not found: these scripts expect Debian 12 (or a derivative)"
	for p in "${QT_DEPS[@]}"; do
		st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) || st=
		[[ $st == installed ]] || missing+=("$p")
	done
	if ((${#missing[@]} > 0)); then
		if ((EUID != 0)); then
			command -v sudo >/dev/null 2>&1 ||
				qt_die "missing packages (${missing[*]}); run as root or install sudo"
			sudo=(sudo)
		fi
		qt_log "installing packages: ${missing[*]}"
		qt_run_quiet "apt-get update" "${sudo[@]}" apt-get update -q || return 1
		qt_run_quiet "apt-get install" "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends "${missing[@]}" || return 1
	fi
	qt_install_locales
}

# qt_locale_known NAME: true if `locale -a` lists NAME (de_DE.UTF-8 is
# listed as de_DE.utf8).
qt_locale_known() {
	local want
	want=$(printf '%s' "$1" | tr 'A-Z' 'a-z' | tr -d -- '-')
	# Here-strings, not pipes into grep -q: under pipefail an early exit of
	# grep would fail the writer with SIGPIPE.
	grep -qxF -- "$want" <<<"$(locale -a 2>/dev/null | tr 'A-Z' 'a-z' | tr -d -- '-')"
}

# qt_install_locales: generates the locales of QT_LOCALES that are missing
# the Debian way: enabled in /etc/locale.gen (so that later runs of
# locale-gen, e.g. on upgrades of the locales package, keep them) and built
# by locale-gen.
qt_install_locales() {
	local l missing=() sudo=()

	for l in "${QT_LOCALES[@]}"; do
		qt_locale_known "$l" || missing+=("$l")
	done
	((${#missing[@]} > 0)) || return 0
	if ((EUID != 0)); then
		command -v sudo >/dev/null 2>&1 ||
			qt_die "missing locales (${missing[*]}); run as root or install sudo"
		sudo=(sudo)
	fi
	command -v locale-gen >/dev/null 2>&1 || qt_die "locale-gen not found (Debian package locales)"
	qt_log "generating locales: ${missing[*]}"
	for l in "${missing[@]}"; do
		# "de_DE.UTF-8 UTF-8": the locale and its character set.
		if grep -qE "^[#[:space:]]*${l//./\\.} ${l##*.}\$" /etc/locale.gen 2>/dev/null; then
			"${sudo[@]}" sed -i -E "s/^[#[:space:]]*(${l//./\\.} ${l##*.})\$/\\1/" \
				/etc/locale.gen || return 1
		else
			printf '%s %s\n' "$l" "${l##*.}" | "${sudo[@]}" tee -a /etc/locale.gen >/dev/null ||
				return 1
		fi
	done
	qt_run_quiet locale-gen "${sudo[@]}" locale-gen || return 1
	for l in "${missing[@]}"; do
		qt_locale_known "$l" || qt_die "locale $l is still missing after locale-gen"
	done
}

# ------------------------------------------------------------------ build

# qt_build DIR [CMAKE_ARGS...]: configures the source tree into DIR and builds it.
qt_build() {
	local dir=$1
	shift
	qt_log "building into ${dir#"$PWD"/}"
	cmake -S "$QT_ROOT" -B "$dir" --log-level=WARNING \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" || qt_die "cmake configure failed"
	cmake --build "$dir" -j"$(nproc)" || qt_die "build failed"
}

# The libFuzzer targets of tests/fuzz/ (fuzz_<name>).
QT_FUZZ_TARGETS="frame envelope dispatch"

# qt_build_fuzz DIR: configures the tree with clang and QUARTIER_FUZZ=ON into
# DIR and builds only the fuzz targets (the code they cover is instrumented
# for coverage, AddressSanitizer and UndefinedBehaviorSanitizer).
qt_build_fuzz() {
	local dir=$1 t targets=()
	for t in $QT_FUZZ_TARGETS; do targets+=(--target "fuzz_$t"); done
	qt_log "building the fuzz targets into ${dir#"$PWD"/}"
	cmake -S "$QT_ROOT" -B "$dir" --log-level=WARNING -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_C_COMPILER=clang -DQT_WERROR=ON -DQUARTIER_FUZZ=ON -DQT_TESTS=OFF ||
		qt_die "cmake configure (fuzz) failed"
	cmake --build "$dir" -j"$(nproc)" "${targets[@]}" || qt_die "build (fuzz) failed"
}

# qt_run_fuzzer BUILD NAME SECONDS WORKDIR: runs BUILD's fuzz_NAME for
# SECONDS from WORKDIR/NAME (created; new inputs are kept there) and the
# seed corpus tests/fuzz/corpus/NAME.  Prints one line, "runs=N seconds=S
# corpus=C", or on a finding (crash, leak, timeout) the output's tail on
# stderr and "runs=N finding=PATH" (kept under BUILD/findings/), and then
# returns 1.
qt_run_fuzzer() {
	local build=$1 t=$2 secs=$3 work=$4/$2 log rc=0 runs finding
	mkdir -p "$work" "$build/findings"
	log=$4/$t.log
	"$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$build/findings/$t-" \
		"$work" "$QT_ROOT/tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if ((rc != 0)); then
		finding=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
		tail -n 40 "$log" >&2
		printf 'runs=%s finding=%s\n' "${runs:-?}" "${finding:-none}"
		return 1
	fi
	printf 'runs=%s seconds=%s corpus=%s\n' "${runs:-?}" "$secs" \
		"$(find "$work" -type f | wc -l)"
}

# ------------------------------------------------------------------ sanitizers

# qt_sanitizer_env DIR: exports ASAN_OPTIONS and UBSAN_OPTIONS for a run of
# sanitizer builds: ASan/LSan reports of every process go to DIR/asan.<pid>
# (tests/harness.c moves the server's into its test's directory), leaks are
# checked at every exit; UBSan reports go to stderr and abort the process.
qt_sanitizer_env() {
	mkdir -p -- "$1"
	export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_string_checks=1:log_path=$1/asan"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
}

# qt_sanitizer_reports DIR: prints every sanitizer report under DIR and the
# number of them on the last line: ASan/LSan report files, and server logs
# with a UBSan report (GCC's UBSan writes to stderr, whatever log_path says;
# it also aborts the process, which fails its test by itself).
qt_sanitizer_reports() {
	local f n=0
	while IFS= read -r f; do
		n=$((n + 1))
		printf -- '---- %s\n' "${f#"$1"/}"
		if [[ $f == *.log ]]; then
			grep -A 20 -m 1 'runtime error:' -- "$f"
		else
			head -n 60 -- "$f"
		fi
	done < <({
		find "$1" -type f \( -name 'asan.*' -o -name 'ubsan.*' -o \
			-name 'sanitizer-quartierd.*' \) 2>/dev/null
		grep -rl --include='*.log' 'runtime error:' "$1" 2>/dev/null
	} | sort)
	echo "$n"
}

# ------------------------------------------------------------------ PostgreSQL

# qt_pg_bindir: prints the directory holding initdb, pg_ctl, postgres and psql.
# QT_PG_BINDIR overrides the search.
qt_pg_bindir() {
	local d
	if [[ -n ${QT_PG_BINDIR:-} ]]; then
		printf '%s\n' "$QT_PG_BINDIR"
		return 0
	fi
	if command -v pg_config >/dev/null 2>&1; then
		d=$(pg_config --bindir 2>/dev/null) || d=
		if [[ -n $d && -x $d/initdb && -x $d/pg_ctl ]]; then
			printf '%s\n' "$d"
			return 0
		fi
	fi
	d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
		printf '%s\n' "$d"
		return 0
	fi
	qt_die "PostgreSQL server binaries (initdb, pg_ctl) not found"
}

# PostgreSQL refuses to run as root: as root the cluster belongs to the
# system user postgres, otherwise to the calling user.
qt_pg_os_user() {
	if ((EUID == 0)); then echo postgres; else id -un; fi
}

# qt_pg_as CMD...: runs CMD as the cluster's owner, from / so that a working
# directory the postgres user cannot enter does not make initdb/pg_ctl fail.
qt_pg_as() {
	if ((EUID == 0)); then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# qt_pg_place_dir PATH KIND: makes PATH usable by the cluster's owner and
# prints the real directory to use.  As root, when the postgres user cannot
# reach PATH's parent (e.g. under /root), or for a socket directory whose
# path is too long for a Unix socket, the real directory lives under
# /var/tmp/quartier-pg-<hash of PATH>/KIND and PATH becomes a symlink to it.
qt_pg_place_dir() {
	local req=$1 kind=$2 parent abs real base hash move=0

	if [[ -L $req ]]; then
		real=$(readlink -- "$req")
		if [[ -d $real ]]; then
			printf '%s\n' "$real"
			return 0
		fi
		qt_warn "$req pointed to the missing $real; starting afresh"
		rm -f -- "$req"
	fi
	mkdir -p -- "$(dirname -- "$req")"
	parent=$(cd "$(dirname -- "$req")" && pwd -P)
	abs=$parent/$(basename -- "$req")

	if ((EUID == 0)) && ! runuser -u postgres -- test -x "$parent" 2>/dev/null; then
		move=1
	fi
	# sun_path holds 107 bytes; leave room for "/.s.PGSQL.NNNNN.lock".
	if [[ $kind == run ]] && ((${#abs} > 80)); then
		move=1
	fi

	if ((move)); then
		hash=$(printf '%s' "$abs" | sha256sum | cut -c1-16)
		base=/var/tmp/quartier-pg-$hash
		real=$base/$kind
		if [[ -d $abs ]]; then
			rmdir -- "$abs" 2>/dev/null ||
				qt_die "$abs exists, is not empty and cannot be reached by $(qt_pg_os_user)"
		elif [[ -d $real ]]; then
			# PATH was removed but its hidden directory is still there: the
			# caller asked for a fresh start, so the old contents go.
			if [[ -f $real/postmaster.pid ]]; then qt_pg_stop "$real" immediate || true; fi
			rm -rf -- "$real"
		fi
		mkdir -p -- "$real"
		chmod 755 -- "$base"
		((EUID != 0)) || chown postgres:postgres -- "$base"
		ln -sfn -- "$real" "$abs"
		abs=$real
	else
		mkdir -p -- "$abs"
	fi
	((EUID != 0)) || chown postgres:postgres -- "$abs"
	if [[ $kind == data ]]; then chmod 700 -- "$abs"; else chmod 755 -- "$abs"; fi
	printf '%s\n' "$abs"
}

# qt_pg_datadir PATH: the real data directory behind PATH (follows the symlink).
qt_pg_datadir() {
	if [[ -L $1 ]]; then readlink -- "$1"; else printf '%s\n' "$1"; fi
}

# qt_pg_init DATADIR SOCKDIR PORT: creates the cluster if DATADIR holds none,
# and (re)writes its settings: listen on 127.0.0.1:PORT and in SOCKDIR.
# Sets QT_PG_DATA and QT_PG_SOCK to the real directories.
qt_pg_init() {
	local data sock port=$3 bindir loc
	bindir=$(qt_pg_bindir)
	data=$(qt_pg_place_dir "$1" data)
	sock=$(qt_pg_place_dir "$2" run)

	if [[ ! -f $data/PG_VERSION ]]; then
		loc=C
		if grep -qixE 'c\.utf-?8' <<<"$(locale -a 2>/dev/null)"; then loc=C.UTF-8; fi
		qt_log "creating PostgreSQL cluster in $1"
		qt_run_quiet initdb qt_pg_as "$bindir/initdb" -D "$data" -A trust -U postgres \
			--encoding=UTF8 --locale="$loc" || qt_die "initdb failed"
		printf "\n# Settings written by deploy/lib.sh\ninclude_if_exists = 'quartier.conf'\n" \
			>>"$data/postgresql.conf"
	fi
	cat >"$data/quartier.conf" <<EOF
# Written by deploy/lib.sh (qt_pg_init); rewritten on every run.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '${sock//\'/\'\'}'
max_connections = 200
idle_in_transaction_session_timeout = '60s'
EOF
	((EUID != 0)) || chown postgres:postgres -- "$data/quartier.conf"
	# shellcheck disable=SC2034 # results for the caller
	QT_PG_DATA=$data QT_PG_SOCK=$sock
}

# qt_pg_running DATADIR: true if the cluster's postmaster is running.
qt_pg_running() {
	local data
	data=$(qt_pg_datadir "$1")
	[[ -f $data/PG_VERSION ]] || return 1
	qt_pg_as "$(qt_pg_bindir)/pg_ctl" status -D "$data" >/dev/null 2>&1
}

# qt_pg_start DATADIR: starts the cluster (no-op if running) and waits until it
# accepts connections.  The server log is DATADIR/postgresql.log.
qt_pg_start() {
	local data
	data=$(qt_pg_datadir "$1")
	[[ -f $data/PG_VERSION ]] || qt_die "no PostgreSQL cluster in $1 (run qt_pg_init first)"
	qt_pg_running "$data" && return 0
	if ! qt_pg_as "$(qt_pg_bindir)/pg_ctl" start -D "$data" -l "$data/postgresql.log" \
		-w -t 60 -s >/dev/null; then
		printf 'error: PostgreSQL did not start; last lines of %s:\n' "$data/postgresql.log" >&2
		tail -n 20 "$data/postgresql.log" >&2 || true
		return 1
	fi
}

# qt_pg_stop DATADIR [MODE]: stops the cluster (fast shutdown by default);
# no-op if it is not running.
qt_pg_stop() {
	local data
	data=$(qt_pg_datadir "$1")
	qt_pg_running "$data" || return 0
	qt_pg_as "$(qt_pg_bindir)/pg_ctl" stop -D "$data" -m "${2:-fast}" -w -t 60 -s >/dev/null
}

# ------------------------------------------------------------------ ports

# qt_free_port: prints a TCP port on 127.0.0.1 that nothing listens on now.
qt_free_port() {
	python3 - <<'EOF' 2>/dev/null && return 0
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
	local p
	for ((p = 20000 + RANDOM % 20000; p < 65000; p++)); do
		if [[ -z $(ss -Hltn "sport = :$p" 2>/dev/null) ]]; then
			echo "$p"
			return 0
		fi
	done
	qt_die "no free TCP port found"
}

# qt_port_open HOST PORT: true if a TCP connection to HOST:PORT succeeds.
qt_port_open() {
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# ------------------------------------------------------------------ TLS

# qt_certs_valid DIR: true if DIR holds a CA and a server certificate for
# localhost/127.0.0.1 signed by it, valid for at least one more day, with
# the matching key.
qt_certs_valid() {
	local d=$1 f
	for f in ca.pem ca.key server.pem server.key; do
		[[ -s $d/$f ]] || return 1
	done
	openssl verify -CAfile "$d/ca.pem" -verify_hostname localhost -verify_ip 127.0.0.1 \
		"$d/server.pem" >/dev/null 2>&1 || return 1
	openssl x509 -in "$d/ca.pem" -noout -checkend 86400 >/dev/null 2>&1 || return 1
	openssl x509 -in "$d/server.pem" -noout -checkend 86400 >/dev/null 2>&1 || return 1
	[[ "$(openssl x509 -in "$d/server.pem" -noout -pubkey 2>/dev/null)" == \
		"$(openssl pkey -in "$d/server.key" -pubout 2>/dev/null)" ]]
}

# qt_make_certs DIR: a throwaway CA (ca.pem, ca.key) and a server certificate
# for DNS:localhost and IP:127.0.0.1 (server.pem, server.key), all ECDSA P-256.
# Keeps existing files if they are still valid.  Not for production use.
qt_make_certs() {
	local d=$1
	mkdir -p -- "$d"
	if qt_certs_valid "$d"; then
		return 0
	fi
	qt_log "creating throwaway TLS certificates in $d"
	(
		set -e
		umask 077
		cd "$d"
		rm -f ca.pem ca.key server.pem server.key server.csr server.ext
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
		openssl req -x509 -new -key ca.key -sha256 -days 3650 \
			-subj "/O=Quartier demo/CN=Quartier throwaway CA" \
			-addext "basicConstraints=critical,CA:TRUE" \
			-addext "keyUsage=critical,keyCertSign,cRLSign" \
			-addext "subjectKeyIdentifier=hash" -out ca.pem
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server.key
		openssl req -new -key server.key -subj "/O=Quartier demo/CN=localhost" -out server.csr
		cat >server.ext <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
			-set_serial "0x$(openssl rand -hex 16)" -days 825 -sha256 \
			-extfile server.ext -out server.pem
		rm -f server.csr server.ext
		chmod 600 ca.key server.key
		chmod 644 ca.pem server.pem
	) >/dev/null 2>"$d/.openssl.err" || {
		cat "$d/.openssl.err" >&2
		rm -f -- "$d/.openssl.err"
		qt_die "creating certificates in $d failed"
	}
	rm -f -- "$d/.openssl.err"
	qt_certs_valid "$d" || qt_die "certificates in $d do not verify"
}

# ------------------------------------------------------------------ test runs

# qt_test_env_up DIR: a private PostgreSQL cluster on a free port (DIR/pg,
# socket in DIR/run) and throwaway certificates (DIR/tls) for the tests;
# exports the QT_TEST_* variables the tests read (see deploy/test.sh),
# with QT_TEST_TMPDIR=DIR.  DIR must exist and be reachable by the
# cluster's owner.
qt_test_env_up() {
	local dir=$1 port
	port=$(qt_free_port)
	qt_pg_init "$dir/pg" "$dir/run" "$port"
	qt_pg_start "$dir/pg"
	qt_make_certs "$dir/tls"
	export QT_TEST_PG_BINDIR QT_TEST_PGHOST QT_TEST_PGPORT QT_TEST_PGUSER \
		QT_TEST_CERT_DIR QT_TEST_TMPDIR QT_TEST_RUN_AS
	QT_TEST_PG_BINDIR=$(qt_pg_bindir)
	QT_TEST_PGHOST=$QT_PG_SOCK
	QT_TEST_PGPORT=$port
	QT_TEST_PGUSER=postgres
	QT_TEST_CERT_DIR=$dir/tls
	QT_TEST_TMPDIR=$dir
	if ((EUID == 0)); then QT_TEST_RUN_AS=postgres; else QT_TEST_RUN_AS=; fi
}

# qt_test_env_down DIR: stops the cluster of qt_test_env_up and any the
# tests started below DIR and left running, and removes DIR.
qt_test_env_down() {
	local dir=$1 pidfile
	[[ -d $dir ]] || return 0
	qt_pg_stop "$dir/pg" >/dev/null 2>&1
	while IFS= read -r pidfile; do
		qt_warn "stopping leftover PostgreSQL in ${pidfile%/postmaster.pid}"
		qt_pg_stop "${pidfile%/postmaster.pid}" immediate >/dev/null 2>&1
	done < <(find "$dir" -name postmaster.pid 2>/dev/null)
	rm -rf -- "$dir"
}

# qt_kill_servers BUILD...: ends quartierd processes still running a server
# binary of one of the builds (server/quartierd, tests/quartierd-fault) --
# left behind by tests that crashed before stopping theirs -- matched by
# their executable's exact path: SIGTERM, then SIGKILL after 5 s.
qt_kill_servers() {
	local b p exe pids=() i
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		exe=${exe% (deleted)}
		for b in "$@"; do
			if [[ $exe == "$b/server/quartierd" || $exe == "$b/tests/quartierd-fault" ]]; then
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
