#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install everything pvguest needs from Debian's archive. Idempotent:
# packages already present are skipped, a deb-src entry is added once.
#
# deps.sh --ensure (what "make" and "make check" run first): nothing to do
# if everything is there; else install it when run as root, or say
# exactly what to run.
set -euo pipefail

die() { echo "deps: $*" >&2; exit 1; }

# Host packages: cross compiler, kernel build prerequisites, emulator,
# QEMU build dependencies (for the software Ultravisor), test tooling.
host_pkgs=(
	linux-source-6.12 quilt make gcc g++ bc bison flex libelf-dev libssl-dev
	cpio xz-utils rsync kmod perl python3 git ccache file
	gcc-s390x-linux-gnu libc6-dev-s390x-cross
	dpkg-dev ninja-build pkgconf libglib2.0-dev libpixman-1-dev
	zlib1g-dev libfdt-dev libslirp-dev
	gnuplot-nox jq python3-ply python3-git python3-cryptography
)
# From bookworm-backports: the stock emulator of the comparisons (and the
# s390-ccw.img firmware our QEMU loads) and meson >= 1.5, which QEMU 10.0's
# configure needs, with python3-pycotap that its dependency check asks
# for (only QEMU's own tests use it).  They must be of the backports version, so they are
# installed with -t and checked by version below.
bpo_pkgs=(qemu-system-misc qemu-system-data meson python3-pycotap)
# s390x userland for the initramfs.
foreign_pkgs=(busybox-static:s390x)

bpo_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null | grep -c '~bpo' || true; }
missing() {
	local p out=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || out+=("$p")
	done
	echo "${out[@]}"
}

if [ "${1:-}" = --ensure ]; then
	want=$(missing "${host_pkgs[@]}" "${foreign_pkgs[@]}")
	for p in "${bpo_pkgs[@]}"; do
		[ "$(bpo_version "$p")" = 1 ] || want="$want $p"
	done
	command -v apt-cache >/dev/null && [ -n "$(apt-cache showsrc qemu 2>/dev/null | head -1)" ] ||
		want="$want (deb-src)"
	want=${want# }
	[ -z "$want" ] && exit 0
	if [ "$(id -u)" != 0 ]; then
		echo "deps: missing: $want" >&2
		die "run 'sudo make deps' once (it installs them from Debian's archive), then make again"
	fi
	echo "deps: missing: $want; installing (make deps)"
fi

[ "$(id -u)" = 0 ] || die "must run as root (apt-get install); try: sudo make deps"
[ -r /etc/debian_version ] && command -v apt-get >/dev/null ||
	die "this is not a Debian system; install the packages listed in $0 by hand"

export DEBIAN_FRONTEND=noninteractive
updated=
apt_update() {
	[ -n "$updated" ] && return
	apt-get update -q || die "apt-get update failed"
	updated=1
}

if ! dpkg --print-foreign-architectures | grep -qx s390x; then
	echo "deps: adding foreign architecture s390x"
	dpkg --add-architecture s390x
	updated=
	apt_update
fi

# bookworm-backports, the standard Debian way (one sources entry, deb and
# deb-src); apt never takes packages from it unless asked with -t.
bpo=/etc/apt/sources.list.d/pvguest-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	echo "deps: adding bookworm-backports in $bpo"
	cat > "$bpo" <<'BPO'
Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
BPO
	updated= new_sources=1
fi

# deb-src so that "apt-get source qemu" works (the emulator series).
src=/etc/apt/sources.list.d/pvguest-src.sources
if ! grep -rqs --exclude="$(basename "$bpo")" '^Types:.*deb-src\|^deb-src ' \
	/etc/apt/sources.list /etc/apt/sources.list.d/; then
	echo "deps: adding deb-src entries in $src"
	cat > "$src" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	updated= new_sources=1
fi

todo=$(missing "${host_pkgs[@]}" "${foreign_pkgs[@]}")
if [ -n "$todo" ]; then
	apt_update
	echo "deps: installing $todo"
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $todo ||
		die "apt-get install failed for: $todo"
else
	echo "deps: all packages present"
fi

# backports: installed from bookworm-backports (upgraded if bookworm's
# version is there), so that QEMU and the firmware match the source we build
todo=()
for p in "${bpo_pkgs[@]}"; do
	[ "$(bpo_version "$p")" = 1 ] || todo+=("$p")
done
if [ ${#todo[@]} -gt 0 ]; then
	apt_update
	echo "deps: installing from bookworm-backports: ${todo[*]}"
	apt-get install -y -q --no-install-recommends -t bookworm-backports "${todo[@]}" ||
		die "apt-get install -t bookworm-backports failed for: ${todo[*]}"
fi
# apt lists for deb-src must exist even when every package was there.
if [ -n "${new_sources:-}" ] || [ -z "$(apt-cache showsrc qemu 2>/dev/null)" ]; then
	apt_update
fi
echo "deps: ok"
