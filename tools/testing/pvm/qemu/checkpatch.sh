#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.sh - QEMU's checkpatch on the emulator's overlay files and
# patches, as TAP (one test per file).  Uses scripts/checkpatch.pl of the
# QEMU source that build.sh fetched; a warning fails the test like an
# error, so that the tree stays as a QEMU maintainer would take it.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${PVM_CACHE:-$HOME/.cache/pvguest}/qemu
src=$(find "$cache" -maxdepth 1 2>/dev/null -type d -name 'qemu-*' ! -name '*.work*' | sort | tail -n1)
cp=$src/scripts/checkpatch.pl
if [ ! -f "$cp" ]; then
	echo "1..0 # SKIP no QEMU source in $cache (run make qemu)"
	exit 0
fi

mapfile -t overlay < <(cd "$here" && find hw include target -type f \
	\( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)
mapfile -t patches < <(sed '/^[[:space:]]*#/d;/^$/d' "$here/series")
echo "1..$(( ${#overlay[@]} + ${#patches[@]} ))"
n=0
check() {	# name, checkpatch arguments...
	local name=$1 out
	shift
	n=$((n + 1))
	out=$(cd "$src" && perl "$cp" -q --no-tree "$@" 2>&1)
	if [ $? -eq 0 ] && ! grep -q '^WARNING' <<<"$out"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		sed 's/^/# /' <<<"$out" | head -n 20
	fi
}
for f in "${overlay[@]}"; do
	check "$f" -f "$here/$f"
done
for p in "${patches[@]}"; do
	check "patches/$p" "$here/patches/$p"
done
