#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fuzz suite: checksummed block I/O and network traffic while the
# emulated Ultravisor's fuzzing host (fuzz=on) mutates what the host hands
# the guest. I/O may fail with an error; data read back must never be
# wrong. Whether the kernel survived (no panic, oops, KASAN or UBSAN
# report, no hang) is the runner's verdict from the console
# (pvm-run fuzz); this suite reports what user space saw. The tools' own
# TAP is quoted, not nested: the failures they tolerate are not ours.
# Each part gets 40 s, then SIGKILL: a host that stops serving a queue
# only denies service, which it always can. A tool still there 10 s after
# the kill is stuck in the kernel: the part fails and says where the
# tool's tasks wait (the campaign counts it as a hang). Both parts fit
# in the 120 s the fuzz boots give a suite (pvm.timeout).
#   pvm.blk=MIB,STREAMS   scratch-disk I/O (default 16 MiB, 2 streams)
. /pvm/lib/tap.sh
arg=$(pvm_arg blk)
mib=${arg%%,*}
streams=${arg#*,}
[ -n "$arg" ] || { mib=16; streams=2; }
[ "$streams" != "$arg" ] || streams=2
plan 2

if [ -n "$PVM_DISK" ]; then
	bounded /tmp/fuzz-blk.out pvm-blkcheck -E -d "$PVM_DISK" -s "$mib" \
		-j "$streams" -m direct,buffered
	stuck=$?
	out=$(cat /tmp/fuzz-blk.out)
	echo "$out" | sed 's/^/# | /'
	if [ $stuck != 0 ]; then
		check 1 "block I/O: pvm-blkcheck is stuck in the kernel 10 s after SIGKILL"
	else
		! echo "$out" | grep -q 'mismatch'
		check $? "block I/O: no data read back is wrong (errors are allowed)"
	fi
else
	skip "block I/O" "no scratch disk (refused or not found)"
fi

# the NICs of a device (virtio-net), not the kernel's own (lo, sit0)
nics=$(for n in /sys/class/net/*; do
	[ -e "$n/device" ] && echo "${n##*/}"
done | head -2 | tr '\n' ,)
nics=${nics%,}
case $nics in
*,*)
	bounded /tmp/fuzz-net.out pvm-canary -d "${PVM_DISK:-/dev/null}" \
		-c PVMfuzzNoCanary1 -s 2 -j 2 -n "$nics"
	stuck=$?
	out=$(cat /tmp/fuzz-net.out)
	echo "$out" | sed 's/^/# | /'
	# lost datagrams, or a queue the host stopped serving, are the host's
	# to cause; a datagram that reaches user space damaged is the guest's
	damaged=$(echo "$out" | sed -n 's/.* datagrams, \([0-9]*\) damaged$/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	if [ $stuck != 0 ]; then
		check 1 "network: pvm-canary is stuck in the kernel 10 s after SIGKILL"
	else
		[ "$damaged" = 0 ]
		check $? "network: no datagram from ${nics%,*} reached ${nics#*,} damaged ($damaged)"
	fi
	;;
*)
	skip "network" "fewer than two NICs are up (${nics:-none})"
	;;
esac
