#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tree.sh ours|upstream BUILD_DIR
#
# ours:     base tree + overlay (whole new files from the repo root) + the
#           quilt series in patches/, synced into BUILD_DIR/linux.
# upstream: the unmodified base tree in BUILD_DIR/linux-upstream.
#
# Trees are rebuilt in a staging directory and synced with checksums, so
# files that did not change keep their timestamps and kernel rebuilds in
# BUILD_DIR/<tree>/.out stay incremental.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
. "$here/lib/common.sh"

which=${1:?usage: tree.sh ours|upstream BUILD_DIR}
build=$(mkdir -p "${2:?usage: tree.sh ours|upstream BUILD_DIR}" && cd "$2" && pwd)

# Overlay roots: whole new kernel files live at the repo root.
OVERLAY_ROOTS="arch drivers include kernel lib mm Documentation tools/testing/selftests"

overlay_files() {
	(cd "$repo" && for r in $OVERLAY_ROOTS; do
		[ -d "$r" ] && find "$r" -type f
	done) | sort
}

# check_overlay: every overlay file is claimed by exactly one patch.
check_overlay() {
	local claimed f n
	claimed=$(for p in $(series_patches "$repo/patches"); do
		patch_overlay "$repo/patches/$p" | sed "s|\$| $p|"
	done)
	for f in $(overlay_files); do
		n=$(echo "$claimed" | awk -v f="$f" '$1 == f' | wc -l)
		[ "$n" = 1 ] && continue
		[ "$n" = 0 ] && die "overlay file $f is not claimed by any patch" \
			"(add 'Overlay: $f' to the notes of the patch that adds it)"
		die "overlay file $f is claimed by more than one patch"
	done
	echo "$claimed" | while read -r f p; do
		[ -z "$f" ] || [ -f "$repo/$f" ] ||
			die "patch $p claims overlay file $f, which does not exist"
	done
}

stage_ours() {
	local stage=$1 p f out
	# quilt refuses patches without a diff; patches that only add overlay
	# files are left out of the series quilt sees.
	export QUILT_PATCHES="$repo/patches" QUILT_PC=.pc
	export QUILT_SERIES="$build/.series-ours"
	for p in $(series_patches "$repo/patches"); do
		[ -f "$repo/patches/$p" ] || die "series names $p, which is not in patches/"
		grep -q '^+++ ' "$repo/patches/$p" && echo "$p"
	done > "$QUILT_SERIES"
	for p in $(series_patches "$repo/patches"); do
		for f in $(patch_overlay "$repo/patches/$p"); do
			[ -e "$stage/$f" ] &&
				die "patch $p: overlay file $f exists in the base tree; edit it with a patch instead"
			install -D -m "$(stat -c %a "$repo/$f")" "$repo/$f" "$stage/$f"
		done
		grep -q '^+++ ' "$repo/patches/$p" || continue
		if ! out=$(cd "$stage" && quilt push --fuzz=0 -q 2>&1); then
			echo "$out" >&2
			f=$(echo "$out" | sed -n 's/.*FAILED.*saving rejects to file \(.*\)\.rej.*/\1/p;s/^patching file \(.*\)/\1/p' | tail -1)
			die "patch $p does not apply${f:+ (file $f)}"
		fi
	done
}

case $which in
ours) dest=$build/linux ;;
upstream) dest=$build/linux-upstream ;;
*) die "usage: tree.sh ours|upstream BUILD_DIR" ;;
esac

stage=$build/.stage-$which
rm -rf "$stage"
phase "extracting $(base_version) for the $which tree"
extract_base "$stage"
if [ "$which" = ours ]; then
	phase "checking the overlay"
	check_overlay
	phase "applying overlay and quilt series ($(series_patches "$repo/patches" | wc -l) patches)"
	stage_ours "$stage"
fi
# touched_files: what the overlay and the patches changed in the stage
# (quilt keeps a backup of every file a patch touches under .pc/PATCH/).
touched_files() {
	(cd "$stage" && {
		[ -d .pc ] && find .pc -mindepth 2 -type f ! -name .timestamp | cut -d/ -f3-
		for p in $(series_patches "$repo/patches"); do
			patch_overlay "$repo/patches/$p"
		done
	}) | sort -u
}

# The tree in $dest is the base plus what the last run touched. Only the
# union of the files touched then and now is synced (copied where the
# content differs, removed where the stage has no such file), so unchanged
# files keep their timestamps and kernel rebuilds stay incremental. A new
# base version replaces the tree.
if [ -d "$dest" ] && [ "$(cut -d' ' -f2- "$dest.version" 2>/dev/null)" = "$(base_version)" ]; then
	phase "syncing into $dest"
	touched_files > "$stage/.pvm-touched"
	{ cat "$stage/.pvm-touched"; cat "$dest/.pvm-touched" 2>/dev/null || true; } | sort -u |
	while read -r f; do
		if [ -f "$stage/$f" ]; then
			if ! cmp -s "$stage/$f" "$dest/$f"; then
				mkdir -p "$(dirname "$dest/$f")"
				cp -p "$stage/$f" "$dest/$f"
				touch "$dest/$f"
			fi
		else
			rm -f "$dest/$f"
		fi
	done
	rm -rf "$dest/.pc"
	if [ -d "$stage/.pc" ]; then cp -a "$stage/.pc" "$dest/.pc"; fi
	cp "$stage/.pvm-touched" "$dest/.pvm-touched"
	rm -rf "$stage"
else
	if [ "$which" = ours ]; then touched_files > "$stage/.pvm-touched"; fi
	for d in "$dest"/.out*; do
		if [ -d "$d" ]; then mv "$d" "$stage/"; fi
	done
	rm -rf "$dest"
	mv "$stage" "$dest"
fi
echo "$(kernel_release "$dest") $(base_version)" > "$dest.version"
phase "$which tree ready: $dest ($(cat "$dest.version"))"
