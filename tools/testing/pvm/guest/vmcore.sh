#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The crash kernel (pvm.then=kdump, run as after-kdump.vmcore): it started
# after the first kernel's panic, in the same protected guest, and it can
# read the crashed kernel's memory as /proc/vmcore.
. /pvm/lib/tap.sh
plan 3
if [ "$(pvm_arg then)" != kdump ] || [ "$(pvm_arg stage)" != 2 ]; then
	for t in "crash kernel" "vmcore" "protection"; do
		skip "$t" "not the second stage of a kdump round trip"
	done
	exit 0
fi
[ -r /proc/vmcore ]
check $? "this is a crash kernel: /proc/vmcore exists"
magic=$(head -c 4 /proc/vmcore 2>/dev/null | od -An -tx1 | tr -d ' \n')
[ "$magic" = 7f454c46 ]
check $? "/proc/vmcore reads as an ELF core (starts with $magic)"
if [ "$PV_GUEST_EXPECT" = pv ]; then
	protected
	check $? "the crash kernel knows it runs in a protected guest"
else
	! protected
	check $? "normal guest: the crash kernel is not protected"
fi
