#!/usr/bin/env bash
# Checks the systemd files in deploy/ without systemd running as PID 1:
#   - `systemd-analyze verify --man=no` prints nothing for quartierd.service
#     (it exits 0 on unknown directives, so any output is a failure; verify
#     needs the ExecStart= binary to exist, so a copy of the unit points at
#     the freshly built quartierd);
#   - `systemd-analyze security --offline=true` rates its overall exposure
#     at MAX_EXPOSURE (default 1.2) or lower;
#   - quartier.sysusers creates the user the unit runs as, in a scratch root.
# Usage: check_systemd_unit.sh QUARTIERD_BINARY DEPLOY_DIR [MAX_EXPOSURE]
set -euo pipefail

quartierd=$1
deploy=$2
max=${3:-1.2}
unit=$deploy/quartierd.service

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

command -v systemd-analyze >/dev/null 2>&1 ||
	fail "systemd-analyze not found (Debian package systemd, in deploy/lib.sh QT_DEPS)"
[[ -x $quartierd ]] || fail "$quartierd is not an executable"
[[ -r $unit ]] || fail "$unit not found"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/quartier-unit.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

# verify, on a copy whose ExecStart= names the built binary.
sed "s|^ExecStart=/usr/sbin/quartierd |ExecStart=$quartierd |" "$unit" >"$tmp/quartierd.service"
grep -q "^ExecStart=$quartierd " "$tmp/quartierd.service" ||
	fail "$unit: no line 'ExecStart=/usr/sbin/quartierd ...' to point at the build"
rc=0
out=$(cd "$tmp" && systemd-analyze verify --man=no ./quartierd.service 2>&1) || rc=$?
if ((rc != 0)) || [[ -n $out ]]; then
	printf '%s\n' "$out" >&2
	fail "systemd-analyze verify is not clean (exit $rc)"
fi
echo "systemd-analyze verify: clean"

# security: the line reads "→ Overall exposure level for quartierd.service: 1.0 OK 🙂".
out=$(systemd-analyze security --offline=true "$unit" 2>&1) ||
	{
		printf '%s\n' "$out" >&2
		fail "systemd-analyze security failed"
	}
line=$(grep 'Overall exposure level' <<<"$out") || {
	printf '%s\n' "$out" >&2
	fail "no 'Overall exposure level' line in the output of systemd-analyze security"
}
level=$(sed -E 's/.*: ([0-9]+(\.[0-9]+)?).*/\1/' <<<"$line")
[[ $level =~ ^[0-9]+(\.[0-9]+)?$ ]] || fail "cannot read the exposure level from: $line"
echo "systemd-analyze security: $line"
if ! awk -v l="$level" -v m="$max" 'BEGIN { exit !(l <= m) }'; then
	grep '✗' <<<"$out" >&2 || true
	fail "overall exposure $level is above $max"
fi

# sysusers: the user of User=/Group= comes from quartier.sysusers.
if command -v systemd-sysusers >/dev/null 2>&1; then
	mkdir -p "$tmp/root/etc"
	systemd-sysusers --root="$tmp/root" "$deploy/quartier.sysusers" >/dev/null 2>&1 ||
		fail "systemd-sysusers rejects $deploy/quartier.sysusers"
	user=$(sed -n 's/^User=//p' "$unit")
	grep -q "^$user:" "$tmp/root/etc/passwd" ||
		fail "$deploy/quartier.sysusers does not create the user '$user' of User="
	echo "systemd-sysusers: creates user $user"
fi
