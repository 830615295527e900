#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fault-injection suite: the emulated Ultravisor refuses some Set/Remove
# Shared Access calls. The guest must stay up, count what failed, and its
# I/O must either work with correct data or fail with an error; data that
# comes back must never be wrong. Afterwards a device is set offline, so
# that its shared memory is unshared (and, if that fails, leaked).
#   pvm.leaks=1   unsharing is made to fail: leaked pages must be counted
. /pvm/lib/tap.sh
d=/sys/kernel/debug/s390/pv_guest
plan 5

protected; check $? "the guest is still a protected guest"

if [ -n "$PVM_DISK" ]; then
	out=$(pvm-blkcheck -E -d "$PVM_DISK" -s 64 -j 4 -m direct,buffered 2>&1)
	echo "$out" | sed 's/^/# /'
	! echo "$out" | grep -q '^not ok'
	check $? "I/O works or fails with an error, and no data read back is wrong"
else
	dmesg | grep -E 'devices are refused|not set online|prot_virt: (Set|Remove) Shared Access' | head -3 | sed 's/^/# /'
	dmesg | grep -qE 'devices are refused|not set online'
	check $? "no disk: the kernel says the bounce pool is not shared and refuses devices"
fi

# unsharing: take the virtio-net device offline, its rings are freed
net=$(ls -d /sys/bus/virtio/drivers/virtio_net/virtio* 2>/dev/null | head -1)
if [ -n "$net" ]; then
	ccw=$(basename "$(readlink -f "$net/..")")
	echo 0 > "/sys/bus/ccw/devices/$ccw/online"
	[ "$(cat "/sys/bus/ccw/devices/$ccw/online")" = 0 ]
	check $? "virtio-net ($ccw) set offline, its shared memory given back"
else
	skip "virtio-net offline" "no virtio-net device is up"
fi

errors=$(counter $d/uv_errors); leaked=$(counter $d/leaked_pages)
[ -n "$errors" ] && [ "$errors" -gt 0 ]
check $? "the guest counted the refused calls (uv_errors ${errors:-none})"
if [ "$(pvm_arg leaks)" = 1 ]; then
	[ -n "$leaked" ] && [ "$leaked" -gt 0 ] && [ "$leaked" -le "$errors" ]
	check $? "pages whose unsharing failed are counted as leaked (${leaked:-none})"
else
	[ -n "$leaked" ] && [ "$leaked" -le "$errors" ]
	check $? "leaked pages are at most the refused calls (${leaked:-none} <= $errors)"
fi
