#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# distro-build.sh BUILD_DIR [defconfig] [debian]
#
# make distro-build: the patched tree (ours, BUILD_DIR/linux) and the base
# tree (upstream, BUILD_DIR/linux-upstream) built with the configurations
# distributions start from, and their warnings compared:
#
#   defconfig  s390 defconfig + kernel/configs/pv_guest.config
#   debian     Debian's own s390x configuration (package linux-config-6.12,
#              config.s390x_none_s390x) + pv_guest.config, without debug
#              info and module signing (they change no warning)
#
# Each configuration is built in TREE/.out-distro-NAME (vmlinux, bzImage,
# modules, ccache), then every C file the series adds or edits is built
# again with W=1. Logs and the summary go to BUILD_DIR/distro/. A warning
# is compared without its line and column (the series moves lines). The
# job fails on an error in ours or on a warning in ours that upstream's
# build of the same configuration does not have. Not part of make check:
# run it before a series change that touches Kconfig or exports.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
. "$here/lib/common.sh"

build=$(cd "${1:?usage: distro-build.sh BUILD_DIR [defconfig] [debian]}" && pwd)
shift
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(defconfig debian)
out=$build/distro
cache=${PVM_CACHE:-$HOME/.cache/pvguest}
jobs=${JOBS:-$(nproc)}
export CCACHE_DIR=$cache/ccache
export KBUILD_BUILD_USER=pvguest KBUILD_BUILD_HOST=pvm
mkdir -p "$out"

# kmake TREE KOUT ARGS...: kbuild for s390 with ccache, quiet
kmake() {
	local tree=$1 kout=$2
	shift 2
	make -s -C "$tree" O="$kout" ARCH=s390 CROSS_COMPILE=s390x-linux-gnu- \
		CC="ccache s390x-linux-gnu-gcc" "$@"
}

# debian_config: Debian's s390x configuration for the base tree's version
debian_config() {
	local ver dir deb
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	dir=$cache/linux-config-$ver
	if [ ! -f "$dir/config.s390x" ]; then
		mkdir -p "$dir"
		(cd "$dir" && apt-get download -q "linux-config-6.12=$ver") > "$dir/fetch.log" 2>&1 ||
			die "apt-get download linux-config-6.12=$ver failed (see $dir/fetch.log)"
		deb=$(ls "$dir"/linux-config-6.12_*.deb)
		dpkg-deb -x "$deb" "$dir/x"
		xz -dc "$(find "$dir/x" -name 'config.s390x_none_s390x.xz')" > "$dir/config.s390x"
	fi
	echo "$dir/config.s390x"
}

# configure TREE KOUT NAME
configure() {
	local tree=$1 kout=$2 name=$3
	mkdir -p "$tree/$kout"
	case $name in
	defconfig)
		kmake "$tree" "$kout" defconfig > /dev/null ;;
	debian)
		cp "$(debian_config)" "$tree/$kout/.config"
		"$tree/scripts/config" --file "$tree/$kout/.config" \
			--disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT --disable DEBUG_INFO_DWARF5 \
			--disable DEBUG_INFO_BTF --enable DEBUG_INFO_NONE \
			--disable MODULE_SIG --disable MODULE_SIG_ALL \
			--set-str MODULE_SIG_KEY "" --set-str SYSTEM_TRUSTED_KEYS "" \
			--set-str SYSTEM_REVOCATION_KEYS "" --set-str BUILD_SALT "" ;;
	*) die "unknown configuration $name (defconfig, debian)" ;;
	esac
	(cd "$tree/$kout" && "$tree/scripts/kconfig/merge_config.sh" -m -O . .config \
		"$repo/kernel/configs/pv_guest.config" > merge.log)
	kmake "$tree" "$kout" olddefconfig > /dev/null
}

# touched_c: the C files the series adds (overlay) or edits (patches)
touched_c() {
	{
		(cd "$repo" && find arch drivers kernel include -name '*.c' 2>/dev/null)
		sed -n 's|^+++ b/\(.*\.c\)$|\1|p' "$repo"/patches/*.patch
	} | sort -u
}

# build_one TREE NAME SIDE: full build, then W=1 for the touched files
build_one() {
	local tree=$1 name=$2 side=$3 kout=.out-distro-$name f obj
	local log=$out/$name.$side.log w1=$out/$name.$side.w1.log
	phase "configuring $side ($name)"
	configure "$tree" "$kout" "$name"
	grep -q '^CONFIG_PROTECTED_VIRTUALIZATION_GUEST=y' "$tree/$kout/.config" ||
		[ "$side" = upstream ] ||
		die "$name: CONFIG_PROTECTED_VIRTUALIZATION_GUEST did not stick in ours"
	phase "building $side ($name, -j$jobs): $log"
	if ! kmake "$tree" "$kout" -j"$jobs" vmlinux bzImage modules > "$log" 2>&1; then
		echo "BUILD FAILED" >> "$log"
	fi
	phase "W=1 for the files of the series ($side, $name): $w1"
	: > "$w1"
	for f in $(touched_c); do
		[ -f "$tree/$f" ] || continue
		obj=${f%.c}.o
		# only objects this configuration builds
		[ -f "$tree/$kout/$obj" ] || continue
		rm -f "$tree/$kout/$obj"
		kmake "$tree" "$kout" W=1 "$obj" >> "$w1" 2>&1 || echo "W=1 BUILD FAILED: $obj" >> "$w1"
	done
}

# warnings LOG...: "file: warning: text" without line and column, sorted
warnings() {
	cat "$@" | sed -n 's|^\([^: ]*\):[0-9]*:[0-9]*: \(warning\|error\): |\1: \2: |p' |
		sed "s|$build/linux-upstream/||; s|$build/linux/||" | sort
}

: > "$out/summary"
fail=0
for name in "${configs[@]}"; do
	build_one "$build/linux-upstream" "$name" upstream
	build_one "$build/linux" "$name" ours
	warnings "$out/$name.upstream.log" "$out/$name.upstream.w1.log" > "$out/$name.upstream.warnings"
	warnings "$out/$name.ours.log" "$out/$name.ours.w1.log" > "$out/$name.ours.warnings"
	comm -13 "$out/$name.upstream.warnings" "$out/$name.ours.warnings" > "$out/$name.new-warnings"
	errors=$(grep -c ': error: ' "$out/$name.ours.warnings" || true)
	failed=$(cat "$out/$name.ours.log" "$out/$name.ours.w1.log" | grep -c 'BUILD FAILED' || true)
	new=$(wc -l < "$out/$name.new-warnings")
	printf '%s: ours %s warnings, upstream %s, new in ours %s, errors %s, failed builds %s\n' \
		"$name" "$(wc -l < "$out/$name.ours.warnings")" \
		"$(wc -l < "$out/$name.upstream.warnings")" "$new" "$errors" "$failed" |
		tee -a "$out/summary"
	[ "$new" = 0 ] && [ "$errors" = 0 ] && [ "$failed" = 0 ] || {
		sed 's/^/  new: /' "$out/$name.new-warnings"
		fail=1
	}
done
exit $fail
