#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Negative suite: the scratch disk's DMA is made to bypass the bounce
# buffers (CONFIG_S390_PV_TEST_HOOKS), so the device is handed secure
# memory. The emulated Ultravisor must flag it: the runner expects its
# violation counter to be non-zero after this suite (in audit mode the
# data still arrives, so the I/O itself succeeds). Then a storage key
# instruction is executed: in a keyless guest it must trap, and the
# runner expects the emulator's key-trap counter to be non-zero.
# Last, a deliberate leak: the run's canary written to the scratch disk,
# printed on the console and, where the boot has two NICs, sent in a
# datagram; the runner expects the exposure detector's exposed-pool and
# exposed-net and its own host-exposed-console counters to be non-zero.
. /pvm/lib/tap.sh
hook=/sys/kernel/debug/s390/pv_dma_bypass
plan 7

[ -w $hook ]; check $? "the bypass hook exists in this protected guest"
echo "$PVM_DISK" > $hook 2>/dev/null
[ "$(cat $hook 2>/dev/null)" != off ] && [ -n "$(cat $hook 2>/dev/null)" ]
check $? "DMA of the scratch disk ($PVM_DISK) bypasses the bounce buffers ($(cat $hook 2>/dev/null))"
out=$(pvm-blkcheck -d "$PVM_DISK" -s 4 -j 1 -c 64 -m direct 2>&1)
echo "$out" | sed 's/^/# /'
! echo "$out" | grep -q '^not ok'
check $? "unbounced I/O went to the device (the emulator audits, it does not block)"
echo off > $hook
[ "$(cat $hook 2>/dev/null)" = off ]; check $? "bouncing restored"
k=/sys/kernel/debug/s390/pv_iske
[ "$(cat $k 2>/dev/null)" = trapped ]
check $? "a storage key instruction traps in the protected guest ($(cat $k 2>/dev/null))"
canary=$(pvm_arg canary)
[ -n "$canary" ]; check $? "the run has a canary (pvm.canary=)"
set --
[ -e /sys/class/net/eth0 ] && [ -e /sys/class/net/eth1 ] && set -- -n eth0,eth1
out=$(pvm-canary -d "$PVM_DISK" -c "$canary" -s 4 -j 1 -l "$@" 2>&1)
echo "$out" | sed 's/^/# /'
echo "$out" | grep -q '^ok [0-9]* - leak'
check $? "the canary was sent to the host on purpose (disk and console)"
