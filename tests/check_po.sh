#!/usr/bin/env bash
# Checks that the CLI's message catalogues are complete: every message the
# sources hold today (quartier.pot, extracted at build time) is translated in
# each client/po/LANG.po, none is fuzzy, the format strings agree (msgfmt
# --check), and no translation is left over for a message the code no
# longer has.
# Usage: check_po.sh POT PO...
set -euo pipefail

pot=$1
shift

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}
ok() { printf 'ok: %s\n' "$*"; }

for t in msgmerge msgfmt msgattrib; do
	command -v "$t" >/dev/null 2>&1 || fail "$t not found (Debian package gettext)"
done
[[ -s $pot ]] || fail "$pot missing (built by the quartier-pot target)"
((${#@} > 0)) || fail "no catalogue given"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/quartier-po.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

# "725 translated messages." and, when there are any, ", 3 fuzzy
# translations" and ", 2 untranslated messages" (msgfmt's statistics).
count() {
	local what=$1 stats=$2
	sed -n "s/.*\\b\\([0-9][0-9]*\\) $what.*/\\1/p" <<<"$stats" | head -n 1
}

total=$(msgattrib --no-obsolete "$pot" 2>/dev/null | grep -c '^msgid ' || true)
total=$((total - 1)) # the header entry
((total > 0)) || fail "$pot holds no messages"

for po in "$@"; do
	name=$(basename -- "$po")
	[[ -s $po ]] || fail "$po missing"
	stats=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1) || {
		printf '%s\n' "$stats" >&2
		fail "$name does not pass msgfmt --check"
	}
	merged=$tmp/$name
	msgmerge --quiet --no-location -o "$merged" "$po" "$pot" ||
		fail "msgmerge $name with the sources' messages failed"
	stats=$(msgfmt --check --statistics -o /dev/null "$merged" 2>&1) || {
		printf '%s\n' "$stats" >&2
		fail "$name, merged with the sources' messages, does not pass msgfmt --check"
	}
	echo "$name: $stats"
	translated=$(count 'translated' "$stats")
	fuzzy=$(count 'fuzzy' "$stats")
	untranslated=$(count 'untranslated' "$stats")
	if [[ -n $fuzzy || -n $untranslated ]]; then
		msgattrib --only-fuzzy --no-obsolete "$merged" >"$tmp/fuzzy" 2>/dev/null || true
		msgattrib --untranslated --no-obsolete "$merged" >"$tmp/untranslated" 2>/dev/null || true
		sed -n 's/^msgid //p' "$tmp/fuzzy" "$tmp/untranslated" | grep -vx '""' | head -n 40 >&2
		fail "$name: ${fuzzy:-0} fuzzy and ${untranslated:-0} untranslated messages" \
			"(cmake --build BUILD --target quartier-po-update, then translate)"
	fi
	[[ ${translated:-0} -eq $total ]] ||
		fail "$name translates ${translated:-0} of $total messages"
	obsolete=$(msgattrib --only-obsolete "$merged" 2>/dev/null | grep -c '^#~ msgid ' || true)
	((obsolete == 0)) ||
		fail "$name holds $obsolete translations of messages the code no longer has" \
			"(cmake --build BUILD --target quartier-po-update removes them)"
	ok "$name: $translated of $total messages translated, none fuzzy or left over"
done
