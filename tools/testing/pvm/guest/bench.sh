#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmark suite of "make bench" (not part of make check): runs
# pvm-bench on the scratch disk with pvm.bench=MIB (0: boot only).
. /pvm/lib/tap.sh
mib=$(pvm_arg bench); mib=${mib:-256}
if [ "$mib" = 0 ]; then
	echo "TAP version 13"; echo "1..0 # SKIP boot-only run"
	exit 0
fi
plan 1
pvm-bench "${PVM_DISK:-/dev/missing-scratch-disk}" "$mib"
check $? "pvm-bench ran ($mib MiB)"
