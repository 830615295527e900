#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# initramfs.sh TREE OUT.cpio.gz
#
# The test initramfs: busybox-static (s390x), our init, the cross-built
# guest test programs and suites, and the kselftests of TREE installed with
# the selftests' own "install" target (run inside by run_kselftest.sh).
# The same initramfs boots our kernel and upstream's; the test module
# (module/, built against TREE's kernel, which must be built first) loads
# only in TREE's kernel.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"

tree=$(cd "${1:?usage: initramfs.sh TREE OUT}" && pwd)
out=${2:?usage: initramfs.sh TREE OUT}
out=$(mkdir -p "$(dirname "$out")" && cd "$(dirname "$out")" && pwd)/$(basename "$out")
work=$(dirname "$out")/initramfs-work
root=$work/root
cross=s390x-linux-gnu-
# kselftest targets installed into the initramfs
KSELFTESTS=${KSELFTESTS:-drivers/s390x/pv_guest drivers/s390x/uvdevice}

busybox=/bin/busybox
file -L "$busybox" 2>/dev/null | grep -q 'IBM S/390.*statically linked' ||
	die "$busybox is not busybox-static for s390x; run 'make deps'"

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,root,pvm/bin,pvm/suites}
install -m 755 "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 755 "$here/initramfs/init" "$root/init"
# applets are linked at boot: the build machine cannot run s390x busybox
sed -i 's|^export PATH=.*|&\n/bin/busybox --install -s /bin|' "$root/init"

phase "cross-building guest test programs"
mkdir -p "$work/bin"
for src in "$here"/guest/*.c; do
	prog=$(basename "$src" .c)
	"${cross}gcc" -O2 -Wall -Wextra -Werror -static -o "$work/bin/$prog" "$src"
	install -m 755 "$work/bin/$prog" "$root/pvm/bin/$prog"
done
for s in "$here"/guest/*.sh; do
	install -m 755 "$s" "$root/pvm/suites/$(basename "$s" .sh)"
done
# shell helpers the suites source
install -D -m 644 "$here/guest/lib/tap.sh" "$root/pvm/lib/tap.sh"

phase "building kselftests ($KSELFTESTS)"
make -s -C "$tree" O=.out ARCH=s390 CROSS_COMPILE=$cross headers >/dev/null
rm -rf "$work/kselftest"
make -s -C "$tree/tools/testing/selftests" ARCH=s390 CROSS_COMPILE=$cross \
	KHDR_INCLUDES="-isystem $tree/.out/usr/include" \
	O="$work/kselftest-build" TARGETS="$KSELFTESTS" \
	INSTALL_PATH="$work/kselftest" install >/dev/null
cp -a "$work/kselftest" "$root/pvm/kselftest"
cat > "$root/pvm/suites/kselftest" <<SH
#!/bin/sh
# kselftests installed from the kernel tree, run by their own runner. The
# test guests are thrown away after the run: the uvdevice suite may lock
# the secret store (UVDEVICE_TEST_LOCK=1, off by default). It compares
# Query Ultravisor Keys with the hashes of the emulator's host keys (known
# when this initramfs is built) and performs the Ultravisor requests the
# runner made for this boot (init unpacks them).
export UVDEVICE_TEST_LOCK=1
export UVDEVICE_HOST_KEYS=${PVM_HOST_KEYS:-}
export UVDEVICE_REQUESTS=\${PVM_REQUESTS:-}
export UVDEVICE_RESPONSES=\${PVM_RESPONSES:-}
cd /pvm/kselftest && exec ./run_kselftest.sh
SH
chmod 755 "$root/pvm/suites/kselftest"

phase "building the test module (module/ against $(basename "$tree")/.out)"
[ -f "$tree/.out/Module.symvers" ] ||
	die "$tree/.out has no built kernel: build it first (make kernel)"
rm -rf "$work/module"
cp -a "$here/module" "$work/module"
make -s -C "$tree" O=.out ARCH=s390 CROSS_COMPILE=$cross \
	CC="ccache ${cross}gcc" M="$work/module" modules
install -D -m 644 "$work/module/pvm_test_hooks.ko" "$root/pvm/modules/pvm_test_hooks.ko"

phase "packing $out"
(cd "$root" && find . | sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
phase "initramfs ready: $out ($(du -h "$out" | cut -f1))"
