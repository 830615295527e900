#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fuzz suite: checksummed block I/O and network traffic while the
# emulated Ultravisor's fuzzing host (fuzz=on) mutates what the host hands
# the guest. I/O may fail with an error; data read back must never be
# wrong. Whether the kernel survived (no panic, oops, KASAN or UBSAN
# report, no hang) is the runner's verdict from the console
# (pvm-run fuzz); this suite reports what user space saw. The tools' own
# TAP is quoted, not nested: the failures they tolerate are not ours.
# Each part gets 40 s: a host that stops serving a queue only denies
# service, which it always can; a task stuck in the kernel is not killed
# by the timeout and shows as a hang.
#   pvm.blk=MIB,STREAMS   scratch-disk I/O (default 16 MiB, 2 streams)
. /pvm/lib/tap.sh
arg=$(pvm_arg blk)
mib=${arg%%,*}
streams=${arg#*,}
[ -n "$arg" ] || { mib=16; streams=2; }
[ "$streams" != "$arg" ] || streams=2
plan 2

if [ -n "$PVM_DISK" ]; then
	# to a file, not a pipe: the streams a timeout leaves behind must not
	# hold the suite
	timeout -s KILL 40 pvm-blkcheck -E -d "$PVM_DISK" -s "$mib" -j "$streams" \
		-m direct,buffered > /tmp/fuzz-blk.out 2>&1
	out=$(cat /tmp/fuzz-blk.out)
	echo "$out" | sed 's/^/# | /'
	! echo "$out" | grep -q 'mismatch'
	check $? "block I/O: no data read back is wrong (errors are allowed)"
else
	skip "block I/O" "no scratch disk (refused or not found)"
fi

nics=$(ls /sys/class/net | grep -v '^lo$' | head -2 | tr '\n' ,)
nics=${nics%,}
case $nics in
*,*)
	timeout -s KILL 40 pvm-canary -d "${PVM_DISK:-/dev/null}" -c PVMfuzzNoCanary1 -s 2 -j 2 \
		-n "$nics" > /tmp/fuzz-net.out 2>&1
	out=$(cat /tmp/fuzz-net.out)
	echo "$out" | sed 's/^/# | /'
	# lost datagrams, or a queue the host stopped serving, are the host's
	# to cause; a datagram that reaches user space damaged is the guest's
	damaged=$(echo "$out" | sed -n 's/.* datagrams, \([0-9]*\) damaged$/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	[ "$damaged" = 0 ]
	check $? "network: no datagram from ${nics%,*} reached ${nics#*,} damaged ($damaged)"
	;;
*)
	skip "network" "fewer than two NICs are up (${nics:-none})"
	;;
esac
