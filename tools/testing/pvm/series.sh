#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# series.sh export BUILD_DIR   - git format-patch series in BUILD_DIR/series/
# series.sh verify BUILD_DIR   - TAP: git am onto a fresh base, compare with
#                                BUILD_DIR/linux, checkpatch --strict each patch
# series.sh steps BUILD_DIR    - TAP: the kernel builds after each patch (one
#                                incremental object directory, test config)
#
# Each file in patches/ is a mail-format patch (From:, Subject:, body,
# Signed-off-by, "---", optional "Overlay: path" notes, diff). Overlay files
# it claims are added in the same commit, so every commit is one logical
# change that carries both its edits and its new files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
. "$here/lib/common.sh"

cmd=${1:?usage: series.sh export|verify BUILD_DIR}
build=$(mkdir -p "${2:?usage: series.sh export|verify BUILD_DIR}" && cd "$2" && pwd)
out=$build/series
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_DATE="2026-01-01T00:00:00Z"
export GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"
git_id() {
	git -C "$repo" config "user.$1" || die "git config user.$1 is not set"
}

# base_repo DIR: a fresh checkout of the unmodified base tree, as a git
# repository whose base commit is tagged pvm-base. The extracted base is
# committed once per base version and cloned from there.
base_repo() {
	local dir=$1 cache
	cache=$build/.base-git-$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null | tr -c 'A-Za-z0-9.\n' _)
	if [ ! -d "$cache/.git" ]; then
		rm -rf "$cache"
		extract_base "$cache"
		git -C "$cache" init -q -b base
		git -C "$cache" config gc.auto 0
		# Debian's .gitignore ignores the top level: force the add.
		git -C "$cache" add -A -f
		git -C "$cache" -c user.name="$(git_id name)" -c user.email="$(git_id email)" \
			commit -q -m "base: $(kernel_release "$cache") ($(base_version))"
		git -C "$cache" tag pvm-base
	fi
	rm -rf "$dir"
	git clone -q --local "$cache" "$dir"
	git -C "$dir" config user.name "$(git_id name)"
	git -C "$dir" config user.email "$(git_id email)"
	git -C "$dir" checkout -q -b pvguest pvm-base
}

export_series() {
	local work=$build/.series-work p info msg diff author email f n=0
	phase "exporting the series: preparing a git base tree"
	base_repo "$work"
	for p in $(series_patches "$repo/patches"); do
		msg=$work/.git/pvm-msg diff=$work/.git/pvm-diff
		info=$(git -C "$work" mailinfo "$msg" "$diff" < "$repo/patches/$p") ||
			die "patch $p: not a mail-format patch"
		author=$(echo "$info" | sed -n 's/^Author: //p')
		email=$(echo "$info" | sed -n 's/^Email: //p')
		[ -n "$author" ] && [ -n "$email" ] || die "patch $p: no From: line"
		{ echo "$info" | sed -n 's/^Subject: //p'; echo; cat "$msg"; } > "$msg.full"
		grep -q '^Signed-off-by: ' "$msg.full" || die "patch $p: no Signed-off-by"
		if grep -q "^+++ " "$diff"; then
			git -C "$work" apply --index "$diff" ||
				die "patch $p does not apply with git apply"
		fi
		for f in $(patch_overlay "$repo/patches/$p"); do
			install -D -m "$(stat -c %a "$repo/$f")" "$repo/$f" "$work/$f"
			git -C "$work" add -f "$f"
		done
		git -C "$work" commit -q --author "$author <$email>" -F "$msg.full"
		n=$((n + 1))
	done
	rm -rf "$out"
	git -C "$work" format-patch -q --cover-letter --no-signature -o "$out" pvm-base
	fill_cover "$out"/0000-cover-letter.patch
	carry_notes
	# keep the work repository: verify compares against a fresh one
	phase "series exported: $n patches in $out"
}

# carry_notes: copy each patch's "Checkpatch-ignore:" explanations into the
# notes of the exported patch (after "---", where git am ignores them).
carry_notes() {
	local k=0 p exported notes
	mapfile -t exported < <(ls "$out"/*.patch | grep -v '/0000-cover-letter.patch$')
	for p in $(series_patches "$repo/patches"); do
		notes=$(grep '^Checkpatch-ignore: ' "$repo/patches/$p" || true)
		if [ -n "$notes" ]; then
			NOTES="$notes" python3 - "${exported[$k]}" <<'PY'
import os, sys
path = sys.argv[1]
text = open(path).read()
head, sep, rest = text.partition('\n---\n')
open(path, 'w').write(head + sep + os.environ['NOTES'] + '\n\n' + rest)
PY
		fi
		k=$((k + 1))
	done
}

# fill_cover FILE: replace format-patch's placeholders with patches/cover-letter
# (first line: subject; the rest: body).
fill_cover() {
	local cover=$1 subj body
	subj=$(head -1 "$repo/patches/cover-letter")
	body=$(tail -n +3 "$repo/patches/cover-letter")
	python3 - "$cover" "$subj" "$body" <<'PY'
import sys
path, subj, body = sys.argv[1:4]
text = open(path).read()
text = text.replace("*** SUBJECT HERE ***", subj).replace("*** BLURB HERE ***", body)
open(path, "w").write(text)
PY
}

verify_series() {
	local work=$build/.series-verify patches p i=0 total bad
	[ -d "$out" ] || die "no exported series in $out; run 'make series'"
	mapfile -t patches < <(ls "$out"/*.patch | grep -v '/0000-cover-letter.patch$')
	[ ${#patches[@]} -gt 0 ] || die "the exported series in $out has no patches"
	total=$(( ${#patches[@]} + 2 ))
	echo "TAP version 13"
	echo "1..$total"
	base_repo "$work" >/dev/null
	: > "$work.diff.log"
	i=$((i + 1))
	if git -C "$work" am -q "${patches[@]}" > "$work.am.log" 2>&1; then
		echo "ok $i - git am applies ${#patches[@]} patches to $(base_version)"
	else
		echo "not ok $i - git am failed"; sed 's/^/# /' "$work.am.log"
		git -C "$work" am --abort 2>/dev/null || true
	fi
	# Both trees come from the same base tarball, so only the files either
	# side changed can differ: the series' files and what make tree touched.
	i=$((i + 1))
	local f ndiff=0
	[ "$(cut -d' ' -f2- "$build/linux.version")" = "$(base_version)" ] ||
		echo "# make tree was built from another base: $(cat "$build/linux.version")" > "$work.diff.log"
	for f in $( { git -C "$work" diff --name-only pvm-base HEAD; cat "$build/linux/.pvm-touched"; } | sort -u); do
		if [ -f "$work/$f" ] || [ -f "$build/linux/$f" ]; then
			cmp -s "$work/$f" "$build/linux/$f" || { echo "# differs: $f"; ndiff=$((ndiff + 1)); }
		fi
	done >> "$work.diff.log"
	if [ "$ndiff" = 0 ] && ! grep -q 'another base' "$work.diff.log"; then
		echo "ok $i - git am result is identical to 'make tree'"
	else
		echo "not ok $i - git am result differs from 'make tree'"
		head -20 "$work.diff.log"
	fi
	# A warning that cannot be fixed is explained in the patch's notes with
	# "Checkpatch-ignore: TYPE reason"; only those types are ignored.
	local ignore
	for p in "${patches[@]}"; do
		i=$((i + 1))
		ignore=$(sed -n 's/^Checkpatch-ignore: \([A-Z_]*\).*/\1/p' "$p" | paste -sd, -)
		# spdxcheck.py needs Debian's python3 (python3-ply, python3-git)
		if (cd "$work" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict -q \
			--no-summary --show-types ${ignore:+--ignore "$ignore"} "$p") \
			> "$work.cp.log" 2>&1; then
			echo "ok $i - checkpatch --strict $(basename "$p")${ignore:+ (explained: $ignore)}"
		else
			echo "not ok $i - checkpatch --strict $(basename "$p")"
			sed 's/^/# /' "$work.cp.log"
		fi
	done
}

# steps_series: check out each commit of the exported series in turn and
# build it, with the test configuration of our kernel; symbols that a patch
# has not introduced yet are left out. One object directory serves every
# step, so each build recompiles only what the patch changed.
steps_series() {
	local work=$build/.series-work steps=$build/.series-steps c i=0 subj log
	[ -d "$work/.git" ] || die "no exported series; run 'make series'"
	mapfile -t commits < <(git -C "$work" rev-list --reverse pvm-base..HEAD)
	echo "TAP version 13"
	echo "1..${#commits[@]}"
	if [ ! -d "$steps/.git" ]; then
		rm -rf "$steps"
		git clone -q --local "$work" "$steps"
	fi
	git -C "$steps" fetch -q "$work" HEAD
	# PVM_STEPS=FIRST-LAST builds only those steps (the others are skipped)
	local first=1 last=${#commits[@]}
	if [ -n "${PVM_STEPS:-}" ]; then
		first=${PVM_STEPS%-*} last=${PVM_STEPS#*-}
	fi
	for c in "${commits[@]}"; do
		i=$((i + 1))
		subj=$(git -C "$work" log -1 --format=%s "$c")
		if [ "$i" -lt "$first" ] || [ "$i" -gt "$last" ]; then
			echo "ok $i - builds after patch $i: $subj # SKIP not in PVM_STEPS=$PVM_STEPS"
			continue
		fi
		git -C "$steps" checkout -q -f "$c"
		rm -f "$steps/.out/.pvm-config-sum"
		log=$build/.series-steps.$i.log
		if PVM_CONFIG_LENIENT=1 bash "$here/kernel.sh" "$steps" -step \
			"$here/config/pvm-test-ours.config" > "$log" 2>&1; then
			echo "ok $i - builds after patch $i: $subj"
		else
			echo "not ok $i - builds after patch $i: $subj"
			grep -E 'error|Error' "$log" | head -20 | sed 's/^/# /'
		fi
	done
}

case $cmd in
export) export_series ;;
verify) verify_series ;;
steps) steps_series ;;
*) die "usage: series.sh export|verify|steps BUILD_DIR" ;;
esac
