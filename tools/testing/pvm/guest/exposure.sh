#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Exposure suite: plant the run's canary (pvm.canary=, which the emulator
# looks for wherever the host can read guest memory) in buffers that
# O_DIRECT reads fill, in memory an exited process freed and in new page
# cache pages, then read the scratch disk in several streams
# (pvm.exposure=MIB,STREAMS, default 32,4); bring up the two NICs of the
# emulated hub and send datagrams from one to the other; and, in a
# protected guest, hand the canary to the Ultravisor as attestation user
# data and as a secret (with the requests the runner made for this boot,
# $PVM_REQUESTS/canary).  The TAP here says the I/O
# worked; the emulator's exposed-* counters say whether a canary reached a
# page the host can read, and the Makefile decides what they must be.
. /pvm/lib/tap.sh
canary=$(pvm_arg canary)
arg=$(pvm_arg exposure)
mib=${arg%%,*}
streams=${arg#*,}
[ -n "$arg" ] || { mib=32; streams=4; }
[ "$streams" != "$arg" ] || streams=4
if [ -z "$canary" ]; then
	plan 1
	skip "canary planting" "no pvm.canary= on the command line (pvm-run --no-canary)"
	exit 0
fi
set -- -d "${PVM_DISK:-/dev/missing-scratch-disk}" -c "$canary" -s "$mib" -j "$streams"
[ -e /sys/class/net/eth0 ] && [ -e /sys/class/net/eth1 ] && set -- "$@" -n eth0,eth1
protected && [ -c /dev/uv ] && [ -d "$PVM_REQUESTS/canary" ] && set -- "$@" -u "$PVM_REQUESTS/canary"
exec pvm-canary "$@"
