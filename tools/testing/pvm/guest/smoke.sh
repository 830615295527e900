#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Smoke suite: the kernel under test is the one that was just built, and
# the test devices the runner attached are there.
echo "TAP version 13"
echo "1..3"

kid=$(printf '%s %s' "$(uname -r)" "$(uname -v)" | sha1sum | cut -d' ' -f1)
if [ -z "$PVM_KID" ]; then
	echo "not ok 1 - running kernel is the one just built # no pvm.kid on the command line"
elif [ "$kid" = "$PVM_KID" ]; then
	echo "ok 1 - running kernel is the one just built ($(uname -r))"
else
	echo "not ok 1 - running kernel is the one just built"
	echo "# running: $(uname -r) $(uname -v) (id $kid), expected id $PVM_KID"
fi

if [ -n "$PVM_DISK" ] && [ -b "$PVM_DISK" ]; then
	echo "ok 2 - virtio-blk scratch disk is present ($PVM_DISK)"
else
	echo "not ok 2 - virtio-blk scratch disk (serial pvmscratch) is present"
fi

if ls /sys/bus/virtio/drivers/virtio_net/virtio* >/dev/null 2>&1; then
	echo "ok 3 - virtio-net device is bound to virtio_net"
else
	echo "not ok 3 - virtio-net device is bound to virtio_net"
fi
