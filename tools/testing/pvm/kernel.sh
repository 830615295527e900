#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kernel.sh TREE LOCALVERSION [extra config fragment...]
#
# Build TREE's kernel for the test environment in TREE/.out: allnoconfig +
# config/pvm-test.config (+ extra fragments), bzImage and modules, with
# ccache. Incremental: the config is regenerated only when a fragment
# changed, and make does the rest. Writes TREE/.out/pvm-kid, the id the
# smoke suite compares with the running kernel.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"

tree=$(cd "${1:?usage: kernel.sh TREE LOCALVERSION [fragment...]}" && pwd)
localversion=${2:?usage: kernel.sh TREE LOCALVERSION [fragment...]}
shift 2
# KOUT: object directory inside the tree, for a second config of one tree
# PVM_CONFIG_LENIENT=1: fragment lines that do not stick are only reported
kout=${KOUT:-.out}
out=$tree/$kout
fragments=("$here/config/pvm-test.config")
for f in "$@"; do fragments+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done
jobs=${JOBS:-$(nproc)}
export CCACHE_DIR=${PVM_CACHE:-$HOME/.cache/pvguest}/ccache
export KBUILD_BUILD_USER=pvguest KBUILD_BUILD_HOST=pvm
kmake() {
	make -s -C "$tree" O="$kout" ARCH=s390 CROSS_COMPILE=s390x-linux-gnu- \
		CC="ccache s390x-linux-gnu-gcc" "$@"
}

mkdir -p "$out"
want=$( (cat "${fragments[@]}"; echo "CONFIG_LOCALVERSION=\"$localversion\"") | sha1sum)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.pvm-config-sum" 2>/dev/null)" != "$want" ]; then
	phase "configuring $(basename "$tree")/$kout (allnoconfig + ${fragments[*]##*/})"
	echo "CONFIG_LOCALVERSION=\"$localversion\"" > "$out/.pvm-localversion.config"
	kmake allnoconfig > /dev/null
	# merge_config.sh keeps its temporary files in the current directory
	(cd "$out" && "$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"${fragments[@]}" "$out/.pvm-localversion.config" > "$out/.merge.log")
	kmake olddefconfig
	# Every line of every fragment must have survived olddefconfig.
	bad=0
	for f in "${fragments[@]}" "$out/.pvm-localversion.config"; do
		while IFS= read -r line; do
			case $line in
			CONFIG_*=n) sym=${line%%=*}; want_line="# $sym is not set" ;;
			CONFIG_*) want_line=$line ;;
			*) continue ;;
			esac
			grep -qxF "$want_line" "$out/.config" || {
				echo "config: $(basename "$f"): '$line' did not stick" >&2
				bad=1
			}
		done < "$f"
	done
	# PVM_CONFIG_LENIENT: a step of the series may lack later symbols
	[ "$bad" = 0 ] || [ -n "${PVM_CONFIG_LENIENT:-}" ] ||
		die "kernel config for $(basename "$tree") is not what the fragments ask for"
	echo "$want" > "$out/.pvm-config-sum"
fi
phase "building $(basename "$tree")/$kout kernel (-j$jobs, ccache)"
kmake -j"$jobs" bzImage modules
release=$(cat "$out/include/config/kernel.release")
version=$(sed -n 's/^#define UTS_VERSION "\(.*\)"$/\1/p' "$out/include/generated/utsversion.h")
printf '%s %s' "$release" "$version" | sha1sum | cut -d' ' -f1 > "$out/pvm-kid"
phase "kernel ready: $out/arch/s390/boot/bzImage ($release)"
