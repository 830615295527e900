#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh OUTDIR - build qemu-system-s390x with the emulated Ultravisor.
#
# PVM_QEMU_SERIES names another series file (patches from patches/), and
# PVM_QEMU_WORK another working copy: steps.sh builds the series patch by
# patch that way, beside the main working copy.
#
# The emulator is Debian's bookworm-backports QEMU (10.0) with
#   - the overlay: whole new files under this directory that mirror QEMU's
#     tree (hw/, include/), copied in as they are, and
#   - the patches listed in series: only the edits to existing QEMU files.
#
# The source is fetched once into ${PVM_CACHE:-$HOME/.cache/pvguest}/qemu/.
# A working copy there gets overlay and series; its ninja build directory
# is kept.  When the overlay or the series change, the working copy is
# reset to pristine and both are put in again; every file they touched
# (before or now) is touched, so that ninja rebuilds exactly what changed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTDIR}
cache=${PVM_CACHE:-$HOME/.cache/pvguest}/qemu
jobs=${PVM_QEMU_JOBS:-2}
series=${PVM_QEMU_SERIES:-$here/series}
suite=bookworm-backports
# overlay roots: directories of this one that mirror QEMU's tree
overlay_roots=(hw include target)
t0=$(date +%s)

phase() { echo "qemu-build: [$(( $(date +%s) - t0 ))s] $*"; }
die() { echo "qemu-build: error: $*" >&2; exit 1; }

mkdir -p "$cache" "$out"
out=$(cd "$out" && pwd)

# 1. pristine source, fetched once.  Debian's "+ds" orig tarball is QEMU's
# release without bundled wheels and firmware.  When apt-get source cannot
# fetch the whole source package (the .dsc and debian.tar.xz of the
# backport have answered 404), the orig tarball it did fetch is checked
# against the archive's checksum and unpacked by hand: Debian's own patches
# are not needed for a TCG-only s390x-softmmu build.
version=$(apt-cache showsrc -t "$suite" qemu 2>/dev/null |
	sed -n 's/^Version: //p' | grep '~bpo' | sort -V | tail -n1)
[ -n "$version" ] || die "no qemu source in $suite (run make deps)"
upstream_version=${version#*:}
upstream_version=${upstream_version%-*}
pristine=$cache/qemu-$upstream_version
if [ ! -f "$pristine/.pvguest-pristine" ]; then
	phase "fetching source (apt-get source qemu=$version, from $suite)"
	rm -rf "$cache"/qemu-* "$cache"/qemu_*
	(cd "$cache" && apt-get source -q "qemu=$version") \
		>"$cache/fetch.log" 2>&1 || true
	if [ ! -d "$pristine" ]; then
		orig=qemu_$upstream_version.orig.tar.xz
		[ -f "$cache/$orig" ] ||
			die "apt-get source qemu failed, see $cache/fetch.log"
		want=$(apt-cache showsrc qemu | awk -v v="$version" -v f="$orig" '
			/^Version: / { ours = ($2 == v) }
			/^Checksums-Sha256:/ { sums = 1; next }
			/^[^ ]/ { sums = 0 }
			ours && sums && $3 == f && !done { print $1; done = 1 }')
		have=$(sha256sum "$cache/$orig" | cut -d' ' -f1)
		[ -n "$want" ] && [ "$want" = "$have" ] ||
			die "$orig: checksum ${have} does not match the archive's (${want:-none})"
		phase "unpacking $orig (checksum verified; no Debian patches)"
		tar -C "$cache" -xf "$cache/$orig"
		[ -d "$pristine" ] || mv "$cache/qemu-${upstream_version%+*}" "$pristine"
	fi
	[ -f "$pristine/VERSION" ] || die "no source tree after apt-get source"
	touch "$pristine/.pvguest-pristine"
fi
work=$pristine.${PVM_QEMU_WORK:-work}

# 2. working copy with the overlay and the series.
overlay_files() {
	(cd "$here" && for d in "${overlay_roots[@]}"; do
		if [ -d "$d" ]; then find "$d" -type f; fi; done | sort)
}
stamp_of_tree() {
	{ cat "$series"; sed '/^[[:space:]]*#/d' "$series" | while read -r p _; do
		[ -n "$p" ] && cat "$here/patches/$p"; done
	  overlay_files | while read -r f; do echo "$f"; cat "$here/$f"; done
	} | sha256sum | cut -d' ' -f1
}
patched_files() {	# files touched by the patches in series file $1 / dir $2
	sed '/^[[:space:]]*#/d' "$1" | while read -r p _; do
		[ -n "$p" ] && [ -f "$2/$p" ] && sed -n 's/^+++ \([^[:space:]]*\).*/\1/p' "$2/$p" |
			cut -d/ -f2-
	done | sort -u
}
want=$(stamp_of_tree)
have=$(cat "$work/.pvguest-series-stamp" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
	phase "preparing working copy"
	old=()
	if [ -d "$work/.pvguest-applied" ]; then
		mapfile -t old < <(patched_files "$work/.pvguest-applied/series" \
			"$work/.pvguest-applied"; cat "$work/.pvguest-applied/overlay")
	fi
	mkdir -p "$work"
	rsync -a --delete --exclude=/build --exclude=/.git --exclude=/.pvguest-applied \
		--exclude=/.pvguest-series-stamp "$pristine/" "$work/"
	rm -rf "$work/.pvguest-applied" "$work/.pvguest-series-stamp"
	mkdir -p "$work/.pvguest-applied"
	: >"$work/.pvguest-applied/series"
	overlay_files >"$work/.pvguest-applied/overlay"
	while read -r f; do
		[ ! -e "$pristine/$f" ] ||
			die "overlay file $f exists in QEMU: edit it with a patch"
		install -D -m 0644 "$here/$f" "$work/$f"
	done <"$work/.pvguest-applied/overlay"
	echo "qemu-build: overlay: $(wc -l <"$work/.pvguest-applied/overlay") files"
	sed '/^[[:space:]]*#/d' "$series" | while read -r p _; do
		[ -n "$p" ] || continue
		[ -f "$here/patches/$p" ] || die "patch $p listed in series but missing"
		if ! patch -d "$work" -p1 -s -N -F0 --no-backup-if-mismatch <"$here/patches/$p"; then
			die "patch $p failed to apply"
		fi
		cp "$here/patches/$p" "$work/.pvguest-applied/"
		echo "$p" >>"$work/.pvguest-applied/series"
		echo "qemu-build: applied $p"
	done
	mapfile -t new < <(patched_files "$work/.pvguest-applied/series" \
		"$work/.pvguest-applied"; cat "$work/.pvguest-applied/overlay")
	for f in "${old[@]}" "${new[@]}"; do
		[ -e "$work/$f" ] && touch "$work/$f"
	done
	echo "$want" >"$work/.pvguest-series-stamp"
fi

# 3. configure (again only when the options change; meson re-runs itself
# when meson.build files change).  QEMU insists on loading s390-ccw.img even
# with -kernel: use the one Debian's qemu-system-s390x of the same version
# installs (make deps takes it from the same suite).
build=$work/build
# logs per working copy: steps.sh builds beside the main one
logs=$cache/logs.${PVM_QEMU_WORK:-work}
mkdir -p "$logs"
slirp=--disable-slirp
pkg-config --exists slirp 2>/dev/null && slirp=--enable-slirp
conf=(--python=/usr/bin/python3 --target-list=s390x-softmmu
	--without-default-features --enable-tcg
	--disable-docs --disable-tools --disable-user --disable-guest-agent
	--disable-install-blobs --disable-werror "$slirp"
	--firmwarepath=/usr/share/qemu)
if [ ! -f "$build/build.ninja" ] ||
   [ "${conf[*]}" != "$(cat "$build/.pvguest-configure" 2>/dev/null)" ]; then
	phase "configuring"
	mkdir -p "$build"
	(cd "$build" && ../configure "${conf[@]}") >"$logs/configure.log" 2>&1 ||
		die "configure failed, see $logs/configure.log"
	echo "${conf[*]}" >"$build/.pvguest-configure"
fi
fw=/usr/share/qemu/s390-ccw.img
fwpkg=$(dpkg-query -S "$fw" 2>/dev/null | cut -d: -f1 | head -n1)
if [ -z "$fwpkg" ]; then
	echo "qemu-build: warning: $fw missing (make deps installs it); QEMU will not start" >&2
elif [ "$(dpkg-query -W -f='${Version}' "$fwpkg")" != "$version" ]; then
	echo "qemu-build: warning: $fw is from $fwpkg" \
		"$(dpkg-query -W -f='${Version}' "$fwpkg"), not $version" >&2
fi

# 4. build.
phase "building QEMU $upstream_version (ninja -j$jobs)"
ninja -C "$build" -j"$jobs" qemu-system-s390x >"$logs/ninja.log" 2>&1 || {
	tail -n 40 "$logs/ninja.log" >&2
	die "ninja failed, see $logs/ninja.log"
}
install -m 0755 "$build/qemu-system-s390x" "$out/qemu-system-s390x"
phase "done: $out/qemu-system-s390x"
