#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kselftest-build.sh TREE OUTDIR
#
# Our kselftest targets build on every architecture and skip where they
# cannot run: build them for the build machine's architecture (not s390)
# against TREE's uapi headers, run each test program and check that it
# skips or passes there. Prints TAP (one test per program, plus the build).
set -uo pipefail
tree=$(cd "${1:?usage: kselftest-build.sh TREE OUTDIR}" && pwd)
out=$(mkdir -p "${2:?usage: kselftest-build.sh TREE OUTDIR}" && cd "$2" && pwd)
TARGETS="drivers/s390x/pv_guest drivers/s390x/uvdevice"
arch=$(uname -m)

hdr=$out/headers
log=$out/build.log
: >"$log"
ok=1
if [ ! -f "$hdr/usr/include/linux/types.h" ] || [ "$tree/Makefile" -nt "$hdr/.stamp" ]; then
	{ make -s -C "$tree" O="$hdr" defconfig && make -s -C "$tree" O="$hdr" headers &&
	  touch "$hdr/.stamp"; } >>"$log" 2>&1 || ok=0
fi
rm -rf "$out/build"
if [ $ok = 1 ]; then
	make -s -C "$tree/tools/testing/selftests" TARGETS="$TARGETS" \
		KHDR_INCLUDES="-isystem $hdr/usr/include" O="$out/build" >>"$log" 2>&1 || ok=0
fi
mapfile -t progs < <(find "$out/build" -type f -perm -u+x 2>/dev/null | sort)
echo "TAP version 13"
echo "1..$(( 1 + ${#progs[@]} ))"
if [ $ok = 1 ] && [ ${#progs[@]} -gt 0 ]; then
	echo "ok 1 - $TARGETS build for $arch (${#progs[@]} programs)"
else
	echo "not ok 1 - $TARGETS build for $arch"
	sed 's/^/# /' "$log" | tail -n 20
fi
n=1
for p in "${progs[@]}"; do
	n=$((n + 1))
	res=$("$p" 2>&1); rc=$?
	name=${p#"$out/build/"}
	# kselftest: exit 4 is a skip; a run on the wrong architecture must
	# skip (or pass what needs no s390), never fail
	if { [ $rc -eq 0 ] || [ $rc -eq 4 ]; } && ! grep -q '^not ok' <<<"$res"; then
		echo "ok $n - $name on $arch: $(grep -m1 -E '^1\.\.|# (PASSED|FAILED|Totals)' <<<"$res" | tail -c 100)"
	else
		echo "not ok $n - $name on $arch (exit $rc)"
		sed 's/^/# /' <<<"$res" | tail -n 10
	fi
done
