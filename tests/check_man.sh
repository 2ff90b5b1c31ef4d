#!/usr/bin/env bash
# Renders man pages and fails on any warning: `groff -man -ww -z` (all
# warnings) and `man -l` (man-db, as a reader would) must print nothing on
# standard error.  Usage: check_man.sh PAGE...
set -euo pipefail

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

(($# > 0)) || fail "usage: check_man.sh PAGE..."
command -v man >/dev/null 2>&1 || fail "man not found (Debian package man-db, in deploy/lib.sh QT_DEPS)"
command -v groff >/dev/null 2>&1 || fail "groff not found (Debian package groff-base)"

for page in "$@"; do
	[[ -s $page ]] || fail "$page is missing or empty"
	name=$(basename -- "$page")
	err=$(groff -man -Tutf8 -ww -z -- "$page" 2>&1) || fail "groff failed on $page: $err"
	[[ -z $err ]] || fail "groff warns about $page:"$'\n'"$err"
	out=$(MANWIDTH=80 man -l -- "$page" 2>"${TMPDIR:-/tmp}/check_man.$$") ||
		fail "man -l failed on $page: $(cat "${TMPDIR:-/tmp}/check_man.$$")"
	err=$(cat "${TMPDIR:-/tmp}/check_man.$$")
	rm -f -- "${TMPDIR:-/tmp}/check_man.$$"
	[[ -z $err ]] || fail "man -l warns about $page:"$'\n'"$err"
	grep -q '^NAME' <<<"$out" || fail "$page renders without a NAME section"
	echo "ok: $name"
done
