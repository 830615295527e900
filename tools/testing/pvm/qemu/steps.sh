#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# steps.sh - each patch of the emulator's series builds: QEMU with the
# overlay and patches 1..k, for every k, in a working copy of its own
# (build.sh with PVM_QEMU_SERIES and PVM_QEMU_WORK), as TAP.  The overlay
# is inert until the patch that adds it to meson.  The first step is a
# full build (about 10 minutes on 2 cores), the others incremental.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mapfile -t patches < <(sed '/^[[:space:]]*#/d;/^$/d' "$here/series")
echo "1..${#patches[@]}"
for k in "${!patches[@]}"; do
	n=$((k + 1))
	printf '%s\n' "${patches[@]:0:n}" >"$tmp/series"
	if PVM_QEMU_SERIES=$tmp/series PVM_QEMU_WORK=work-steps \
	   bash "$here/build.sh" "$tmp/out" >"$tmp/log" 2>&1; then
		echo "ok $n - builds with ${patches[k]}"
	else
		echo "not ok $n - builds with ${patches[k]}"
		tail -n 20 "$tmp/log" | sed 's/^/# /'
	fi
done
