#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install everything pvguest needs from Debian's archive. Idempotent:
# packages already present are skipped, a deb-src entry is added once.
set -euo pipefail

die() { echo "deps: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (apt-get install); try: sudo make deps"
[ -r /etc/debian_version ] && command -v apt-get >/dev/null ||
	die "this is not a Debian system; install the packages listed in $0 by hand"

# Host packages: cross compiler, kernel build prerequisites, emulator,
# QEMU build dependencies (for the software Ultravisor), test tooling.
host_pkgs=(
	linux-source-6.12 quilt make gcc g++ bc bison flex libelf-dev libssl-dev
	cpio xz-utils rsync kmod perl python3 git ccache file
	gcc-s390x-linux-gnu libc6-dev-s390x-cross
	qemu-system-misc
	dpkg-dev meson ninja-build pkgconf libglib2.0-dev libpixman-1-dev
	zlib1g-dev libfdt-dev libslirp-dev
	gnuplot-nox jq python3-ply python3-git
)
# s390x userland for the initramfs.
foreign_pkgs=(busybox-static:s390x)

export DEBIAN_FRONTEND=noninteractive
updated=
apt_update() {
	[ -n "$updated" ] && return
	apt-get update -q || die "apt-get update failed"
	updated=1
}

missing() {
	local p out=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || out+=("$p")
	done
	echo "${out[@]}"
}

if ! dpkg --print-foreign-architectures | grep -qx s390x; then
	echo "deps: adding foreign architecture s390x"
	dpkg --add-architecture s390x
	updated=
	apt_update
fi

# deb-src so that "apt-get source qemu" works (the emulator series).
src=/etc/apt/sources.list.d/pvguest-src.sources
if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
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
	updated=
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
# apt lists for deb-src must exist even when every package was there.
if ! apt-cache showsrc qemu >/dev/null 2>&1 || [ -z "$(apt-cache showsrc qemu 2>/dev/null)" ]; then
	apt_update
fi
echo "deps: ok"
