# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the pvguest build scripts (sourced, not executed).

PVM_T0=${PVM_T0:-$(date +%s)}

# phase NAME: print the phase with the elapsed time since the job started.
phase() {
	printf '==> [%4ss] %s\n' "$(( $(date +%s) - PVM_T0 ))" "$*"
}

die() {
	echo "error: $*" >&2
	exit 1
}

# base_tarball: the Debian linux-source-6.12 tarball (the base tree).
base_tarball() {
	local t=/usr/src/linux-source-6.12.tar.xz
	[ -r "$t" ] || die "$t missing; run 'make deps' (package linux-source-6.12)"
	echo "$t"
}

# base_version: "6.12.N (linux-source-6.12 DEBVERSION)".
base_version() {
	local deb
	deb=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) || deb=unknown
	echo "linux-source-6.12 $deb"
}

# extract_base DIR: unpack the base tree into DIR (which must not exist).
extract_base() {
	local dir=$1 tmp
	tmp=$(mktemp -d "$(dirname "$dir")/.extract.XXXXXX")
	tar -C "$tmp" -xf "$(base_tarball)" || die "cannot extract $(base_tarball)"
	mv "$tmp"/linux-source-6.12 "$dir"
	rmdir "$tmp"
}

# kernel_release DIR: VERSION.PATCHLEVEL.SUBLEVEL of a tree.
kernel_release() {
	awk '/^VERSION =/{v=$3} /^PATCHLEVEL =/{p=$3} /^SUBLEVEL =/{s=$3}
	     END{print v "." p "." s}' "$1/Makefile"
}

# series_patches DIR: the patches listed in DIR/series, in order.
series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$1/series" | awk '{print $1}'
}

# patch_overlay PATCH: the overlay files a patch claims ("Overlay: path"
# lines in its notes, between "---" and the diff).
patch_overlay() {
	sed -n 's/^Overlay:[[:space:]]*//p' "$1"
}
