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
touch "$stage/.pvm-extracted"
if [ "$which" = ours ]; then
	phase "checking the overlay"
	check_overlay
	phase "applying overlay and quilt series ($(series_patches "$repo/patches" | wc -l) patches)"
	stage_ours "$stage"
fi
# Files the overlay and the patches touched get fresh timestamps; where
# their content equals what is already in $dest, keep the old timestamp
# so that make does not rebuild what did not change. The base files keep
# the tarball's timestamps, so rsync's quick check skips them.
if [ -d "$dest" ]; then
	phase "syncing into $dest"
	(cd "$stage" && find . -type f -newer .pvm-extracted ! -path './.pc/*') |
	while read -r f; do
		cmp -s "$stage/$f" "$dest/$f" && touch -r "$dest/$f" "$stage/$f"
	done
	rm -f "$stage/.pvm-extracted"
	rsync -a --delete --exclude=/.out "$stage"/ "$dest"/
	rm -rf "$stage"
else
	rm -f "$stage/.pvm-extracted"
	mv "$stage" "$dest"
fi
echo "$(kernel_release "$dest") $(base_version)" > "$dest.version"
phase "$which tree ready: $dest ($(cat "$dest.version"))"
