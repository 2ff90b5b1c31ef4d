#!/usr/bin/env bash
# Builds the Debian package with CPack into a scratch directory, unpacks it
# with `dpkg-deb -x` into a scratch root and checks the layout the unit and
# the docs promise: the binaries (and quartier-backup), the unit (whose ExecStart= binary must
# exist in the root), the sysusers.d snippet (creating the unit's User=),
# the example configuration (and no /etc/quartier/quartierd.conf), man pages
# that render without warnings, the bash completion, the CLI's German
# messages (found by the packaged binary itself); and that Depends names
# Debian packages of the libraries the binaries link.
# Usage: check_deb.sh CPACK BUILD_DIR TESTS_DIR
set -euo pipefail

cpack=$1
build=$2
tests=$3

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}
ok() { printf 'ok: %s\n' "$*"; }

for t in dpkg-deb dpkg-shlibdeps dpkg-query; do
	command -v "$t" >/dev/null 2>&1 || fail "$t not found (Debian packages dpkg, dpkg-dev)"
done
[[ -r $build/CPackConfig.cmake ]] || fail "$build/CPackConfig.cmake not found"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/quartier-deb.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

# ---------------------------------------------------------------- build
if ! "$cpack" --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1; then
	cat "$tmp/cpack.log" >&2
	fail "cpack -G DEB failed"
fi
shopt -s nullglob
debs=("$tmp"/pkg/*.deb)
shopt -u nullglob
((${#debs[@]} == 1)) || fail "expected one .deb, found: ${debs[*]:-none}"
deb=${debs[0]}
version=$(dpkg-deb -f "$deb" Version)
arch=$(dpkg --print-architecture)
[[ $(basename -- "$deb") == "quartier_${version}_${arch}.deb" ]] ||
	fail "package file $(basename -- "$deb") is not quartier_${version}_${arch}.deb"
[[ $(dpkg-deb -f "$deb" Package) == quartier ]] || fail "Package is not quartier"
[[ $(dpkg-deb -f "$deb" Architecture) == "$arch" ]] || fail "Architecture is not $arch"
ok "built $(basename -- "$deb")"

# ---------------------------------------------------------------- Depends
depends=$(dpkg-deb -f "$deb" Depends)
[[ -n $depends ]] || fail "the package has no Depends"
echo "Depends: $depends"
# Every alternative is a Debian package name (known to dpkg here, since the
# build links against them), and the libraries linked are all there.
mapfile -t names < <(tr ',|' '\n\n' <<<"$depends" | sed -E 's/\(.*\)//; s/:any$//; s/^ +| +$//g' |
	grep -v '^$')
for n in "${names[@]}"; do
	[[ $n =~ ^[a-z0-9][a-z0-9.+-]+$ ]] || fail "Depends entry '$n' is not a Debian package name"
	dpkg-query -W -f='${Package}\n' "$n" >/dev/null 2>&1 || fail "Depends names '$n', not a known package"
done
for n in libc6 libuv1 libprotobuf-c1 libpq5 libssl3 libargon2-1 libsystemd0; do
	grep -qx -- "$n" <<<"$(printf '%s\n' "${names[@]}")" || fail "Depends lacks $n"
done
ok "Depends lists Debian packages"

# ---------------------------------------------------------------- maintainer scripts
dpkg-deb -e "$deb" "$tmp/control"
[[ -x $tmp/control/postinst ]] || fail "no executable postinst"
grep -q systemd-sysusers "$tmp/control/postinst" || fail "postinst does not run systemd-sysusers"
if grep -Eq 'systemctl[^#]*(start|enable|restart)' "$tmp/control/postinst"; then
	fail "postinst enables or starts the service"
fi
sh -n "$tmp/control/postinst" || fail "postinst is not valid sh"
ok "maintainer scripts"

# ---------------------------------------------------------------- layout
root=$tmp/root
dpkg-deb -x "$deb" "$root"
echo "contents:"
dpkg-deb -c "$deb" | awk '{print "  " $NF}'

[[ -x $root/usr/sbin/quartierd ]] || fail "usr/sbin/quartierd missing"
[[ -x $root/usr/bin/quartier ]] || fail "usr/bin/quartier missing"
"$root/usr/sbin/quartierd" --version >/dev/null || fail "the packaged quartierd does not run"
"$root/usr/bin/quartier" --version >/dev/null || fail "the packaged quartier does not run"
[[ -x $root/usr/sbin/quartier-backup ]] || fail "usr/sbin/quartier-backup missing"
grep -q '^Usage: quartier-backup dump' <<<"$("$root/usr/sbin/quartier-backup" --help)" ||
	fail "the packaged quartier-backup does not run"
[[ ! -e $root/etc/quartier/quartierd.conf ]] || fail "the package must not ship /etc/quartier/quartierd.conf"
[[ -s $root/usr/share/doc/quartier/examples/quartierd.conf ]] ||
	fail "usr/share/doc/quartier/examples/quartierd.conf missing"

unit=
for d in usr/lib/systemd/system lib/systemd/system; do
	[[ -f $root/$d/quartierd.service ]] && unit=$root/$d/quartierd.service
done
[[ -n $unit ]] || fail "quartierd.service not in (usr/)lib/systemd/system"
exec_start=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
[[ $exec_start == /usr/sbin/quartierd ]] || fail "ExecStart= runs '$exec_start', not /usr/sbin/quartierd"
[[ -x $root$exec_start ]] || fail "ExecStart= binary $exec_start is not in the package"
ok "unit ${unit#"$root"/} starts $exec_start"

sysusers=$root/usr/lib/sysusers.d/quartier.conf
[[ -s $sysusers ]] || fail "usr/lib/sysusers.d/quartier.conf missing"
if command -v systemd-sysusers >/dev/null 2>&1; then
	mkdir -p "$tmp/sysroot/etc"
	systemd-sysusers --root="$tmp/sysroot" "$sysusers" >/dev/null 2>&1 ||
		fail "systemd-sysusers rejects the packaged quartier.conf"
	user=$(sed -n 's/^User=//p' "$unit")
	grep -q "^$user:" "$tmp/sysroot/etc/passwd" || fail "the sysusers snippet does not create User=$user"
	ok "sysusers creates $user"
fi

"$tests/check_man.sh" "$root/usr/share/man/man1/quartier.1" \
	"$root/usr/share/man/man5/quartierd.conf.5" "$root/usr/share/man/man8/quartierd.8"
# quartierd.conf(5) lists every key quartierd knows.
while read -r key; do
	grep -qx "\.B $key" "$root/usr/share/man/man5/quartierd.conf.5" ||
		fail "quartierd.conf(5) does not list the key $key"
done < <("$root/usr/sbin/quartierd" --print-example-config | sed -n 's/^\([a-z0-9_]*\) *=.*/\1/p')
ok "quartierd.conf(5) lists every key"

comp=$root/usr/share/bash-completion/completions/quartier
[[ -s $comp ]] || fail "usr/share/bash-completion/completions/quartier missing"
got=$(PATH="$root/usr/bin:$PATH" bash --norc -c '
	. "$1" || exit 1
	COMP_WORDS=(quartier pro); COMP_CWORD=1; _quartier; echo "${COMPREPLY[*]}"
	COMP_WORDS=(quartier meeting ex); COMP_CWORD=2; _quartier; echo "${COMPREPLY[*]}"
	COMP_WORDS=(quartier project list --dis); COMP_CWORD=3; _quartier; echo "${COMPREPLY[*]}"' _ "$comp") ||
	fail "sourcing the bash completion failed"
[[ $got == $'project\nexport-ics\n--district' ]] || fail "bash completion answers: $got"
ok "bash completion"

# The CLI's German messages; the unpacked binary finds them relative to its
# own directory (../share/locale), as the installed one does.  LANGUAGE=de
# under C.UTF-8 selects German without needing the de_DE locale here.
mo=$root/usr/share/locale/de/LC_MESSAGES/quartier.mo
[[ -s $mo ]] || fail "usr/share/locale/de/LC_MESSAGES/quartier.mo missing"
got=$(env -i PATH=/usr/bin:/bin LC_ALL=C.UTF-8 LANGUAGE=de "$root/usr/bin/quartier" --help |
	sed -n 1p)
[[ $got == "Aufruf: quartier "* ]] || fail "the packaged quartier does not speak German: $got"
got=$(env -i PATH=/usr/bin:/bin LC_ALL=C.UTF-8 "$root/usr/bin/quartier" --help | sed -n 1p)
[[ $got == "Usage: quartier "* ]] || fail "the packaged quartier does not speak English: $got"
ok "German messages in usr/share/locale/de/LC_MESSAGES/quartier.mo"
