#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Block I/O suite: checksummed pattern through virtio-blk, O_DIRECT and
# through the page cache. Size and
# streams come from pvm.blk=MIB,STREAMS (default 64 MiB, 1 stream).
arg=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^pvm.blk=//p')
mib=${arg%%,*}
streams=${arg#*,}
[ -n "$arg" ] || { mib=64; streams=1; }
[ "$streams" != "$arg" ] || streams=1
exec pvm-blkcheck -d "${PVM_DISK:-/dev/missing-scratch-disk}" -s "$mib" -j "$streams" -m direct,buffered
