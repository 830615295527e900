#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh OUTDIR - build qemu-system-s390x with the emulated Ultravisor.
#
# Fetches Debian's qemu source once (apt-get source, Debian patches applied)
# into ${PVM_CACHE:-$HOME/.cache/pvguest}/qemu/, keeps a working copy with our
# quilt series applied and an incremental ninja build directory in it, and
# copies the binary to OUTDIR/qemu-system-s390x.  When series or patches change
# the working copy is reset to pristine and the series re-applied; the build
# directory is kept, and every file a patch touched (before or now) is touched
# so that ninja rebuilds exactly what changed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTDIR}
cache=${PVM_CACHE:-$HOME/.cache/pvguest}/qemu
jobs=${PVM_QEMU_JOBS:-2}
t0=$(date +%s)

phase() { echo "qemu-build: [$(( $(date +%s) - t0 ))s] $*"; }
die() { echo "qemu-build: error: $*" >&2; exit 1; }

mkdir -p "$cache" "$out"
out=$(cd "$out" && pwd)

# 1. pristine source, fetched once.
pristine=$(find "$cache" -maxdepth 1 -type d -name 'qemu-*' ! -name '*.work' | sort | head -n1)
if [ -z "$pristine" ] || [ ! -f "$pristine/.pvguest-pristine" ]; then
	phase "fetching source (apt-get source qemu)"
	rm -rf "$cache"/qemu-* "$cache"/qemu_*
	(cd "$cache" && apt-get source -q qemu) >"$cache/fetch.log" 2>&1 ||
		die "apt-get source qemu failed, see $cache/fetch.log"
	pristine=$(find "$cache" -maxdepth 1 -type d -name 'qemu-*' ! -name '*.work' | sort | head -n1)
	[ -n "$pristine" ] || die "no source tree after apt-get source"
	touch "$pristine/.pvguest-pristine"
fi
work=$pristine.work

# 2. working copy with our series applied.
stamp_of_series() {
	{ cat "$here/series"; sed '/^[[:space:]]*#/d' "$here/series" | while read -r p _; do
		[ -n "$p" ] && cat "$here/patches/$p"; done; } | sha256sum | cut -d' ' -f1
}
patched_files() {	# files touched by the patches in series file $1 / dir $2
	sed '/^[[:space:]]*#/d' "$1" | while read -r p _; do
		[ -n "$p" ] && [ -f "$2/$p" ] && sed -n 's/^+++ \([^[:space:]]*\).*/\1/p' "$2/$p" |
			cut -d/ -f2-
	done | sort -u
}
want=$(stamp_of_series)
have=$(cat "$work/.pvguest-series-stamp" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
	phase "preparing working copy"
	old=()
	if [ -d "$work/.pvguest-applied" ]; then
		mapfile -t old < <(patched_files "$work/.pvguest-applied/series" "$work/.pvguest-applied")
	fi
	mkdir -p "$work"
	rsync -a --delete --exclude=/build --exclude=/.git --exclude=/.pvguest-applied \
		--exclude=/.pvguest-series-stamp "$pristine/" "$work/"
	rm -rf "$work/.pvguest-applied" "$work/.pvguest-series-stamp"
	mkdir -p "$work/.pvguest-applied"
	: >"$work/.pvguest-applied/series"
	sed '/^[[:space:]]*#/d' "$here/series" | while read -r p _; do
		[ -n "$p" ] || continue
		[ -f "$here/patches/$p" ] || die "patch $p listed in series but missing"
		if ! patch -d "$work" -p1 -s -N --no-backup-if-mismatch <"$here/patches/$p"; then
			die "patch $p failed to apply"
		fi
		cp "$here/patches/$p" "$work/.pvguest-applied/"
		echo "$p" >>"$work/.pvguest-applied/series"
		echo "qemu-build: applied $p"
	done
	mapfile -t new < <(patched_files "$work/.pvguest-applied/series" "$work/.pvguest-applied")
	for f in "${old[@]}" "${new[@]}"; do
		[ -e "$work/$f" ] && touch "$work/$f"
	done
	echo "$want" >"$work/.pvguest-series-stamp"
fi

# 3. configure (again only when the options change; meson re-runs itself
# when meson.build files change).  QEMU insists on loading s390-ccw.img even
# with -kernel: use the one Debian's qemu-system-misc installs.
build=$work/build
slirp=--disable-slirp
pkg-config --exists slirp 2>/dev/null && slirp=--enable-slirp
conf=(--target-list=s390x-softmmu --without-default-features --enable-tcg
	--disable-docs --disable-tools --disable-user --disable-guest-agent
	--disable-install-blobs --disable-werror "$slirp"
	--firmwarepath=/usr/share/qemu)
if [ ! -f "$build/build.ninja" ] ||
   [ "${conf[*]}" != "$(cat "$build/.pvguest-configure" 2>/dev/null)" ]; then
	phase "configuring"
	mkdir -p "$build"
	(cd "$build" && ../configure "${conf[@]}") >"$cache/configure.log" 2>&1 ||
		die "configure failed, see $cache/configure.log"
	echo "${conf[*]}" >"$build/.pvguest-configure"
fi
[ -f /usr/share/qemu/s390-ccw.img ] ||
	echo "qemu-build: warning: /usr/share/qemu/s390-ccw.img missing" \
		"(install qemu-system-misc); QEMU will not start" >&2

# 4. build.
phase "building (ninja -j$jobs)"
ninja -C "$build" -j"$jobs" qemu-system-s390x >"$cache/ninja.log" 2>&1 || {
	tail -n 40 "$cache/ninja.log" >&2
	die "ninja failed, see $cache/ninja.log"
}
install -m 0755 "$build/qemu-system-s390x" "$out/qemu-system-s390x"
phase "done: $out/qemu-system-s390x"
