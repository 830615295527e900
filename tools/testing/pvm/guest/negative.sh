#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Negative suite: the test module (module/pvm_test_hooks.c, not part of the
# series) makes the guest misbehave, and each check that watches it must
# see it.
# - The scratch disk's DMA bypasses the bounce buffers, so the device is
#   handed secure memory: the runner expects the emulated Ultravisor's
#   violation counter to be non-zero after this suite (in audit mode the
#   data still arrives, so the I/O itself succeeds).
# - A storage key instruction is executed: in a keyless guest it must
#   trap, and the runner expects the emulator's key-trap counter > 0.
# - A bounce slot is held and not given back: the pool suite's check
#   (slots_given_back) must fail, and pass again once it is unmapped.
# - A deliberate leak: the run's canary written to the scratch disk,
#   printed on the console and, where the boot has two NICs, sent in a
#   datagram; the runner expects the exposure detector's exposed-pool and
#   exposed-net and its own host-exposed-console counters to be non-zero.
# - A tool stuck in the kernel (reading the hook "stuck" sleeps 20 s
#   uninterruptibly): the bounded run of the fuzz suite must report it.
. /pvm/lib/tap.sh
plan 13

test_hooks; check $? "the test module is loaded ($hooks)"
hook=$hooks/dma_bypass
echo "$PVM_DISK" > $hook 2>/dev/null
[ "$(cat $hook 2>/dev/null)" != off ] && [ -n "$(cat $hook 2>/dev/null)" ]
check $? "DMA of the scratch disk ($PVM_DISK) bypasses the bounce buffers ($(cat $hook 2>/dev/null))"
out=$(pvm-blkcheck -d "$PVM_DISK" -s 4 -j 1 -c 64 -m direct 2>&1)
echo "$out" | sed 's/^/# /'
! echo "$out" | grep -q '^not ok'
check $? "unbounced I/O went to the device (the emulator audits, it does not block)"
echo off > $hook
[ "$(cat $hook 2>/dev/null)" = off ]; check $? "bouncing restored"
k=$hooks/iske
[ "$(cat $k 2>/dev/null)" = trapped ]
check $? "a storage key instruction traps in the protected guest ($(cat $k 2>/dev/null))"
used0=$(pool_used)
echo "$PVM_DISK" > $hooks/leak_slot
[ "$(cat $hooks/leak_slot 2>/dev/null)" != off ]
check $? "a bounce slot of the scratch disk is held ($(cat $hooks/leak_slot 2>/dev/null))"
pvm-blkcheck -d "$PVM_DISK" -s 1 -j 1 -c 16 -m direct >/dev/null 2>&1
! slots_given_back "$used0"
check $? "the pool check sees the slot not given back ($(pool_used) in use, $used0 before)"
echo off > $hooks/leak_slot
slots_given_back "$used0"
check $? "once unmapped, the pool check passes ($(pool_used) in use, $used0 before)"
canary=$(pvm_arg canary)
[ -n "$canary" ]; check $? "the run has a canary (pvm.canary=)"
set --
[ -e /sys/class/net/eth0 ] && [ -e /sys/class/net/eth1 ] && set -- -n eth0,eth1
out=$(pvm-canary -d "$PVM_DISK" -c "$canary" -s 4 -j 1 -l "$@" 2>&1)
echo "$out" | sed 's/^/# /'
echo "$out" | grep -q '^ok [0-9]* - leak'
check $? "the canary was sent to the host on purpose (disk and console)"
bounded_kill=2 bounded /tmp/stuck.out cat $hooks/stuck > /tmp/stuck.why
rc=$?
sed 's/^/# /' /tmp/stuck.why
[ $rc = 1 ]
check $? "a tool SIGKILL does not end is reported stuck (bounded)"
grep -q 'state D' /tmp/stuck.why
check $? "the report says where it waits (state D)"
bounded_kill=1 bounded /tmp/killed.out sleep 30 > /dev/null
check $? "a tool SIGKILL ends is not reported stuck (bounded)"
