#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Bounce pool suite: the swiotlb pool exists exactly in a protected guest,
# boots with the size the rule (or swiotlb=) gives, survives pressure from
# many parallel large requests, and gives every slot back; the atomic DMA
# pools exist exactly in a protected guest.
#   pvm.pool=MIB      expected pool size at boot (the runner computes the rule)
#   pvm.pressure=N    parallel 1 MiB O_DIRECT streams (default 16)
#   pvm.tinypool=1    the pool is deliberately too small: it must run full
#                     (swiotlb says so) or grow (dynamic swiotlb adds pools),
#                     and the I/O must still be correct
. /pvm/lib/tap.sh
t=/sys/kernel/debug/swiotlb
streams=$(pvm_arg pressure); streams=${streams:-16}
want=$(pvm_arg pool)
plan 7

slots=$(counter $t/io_tlb_nslabs); slots=${slots:-0}
if protected; then
	[ "$slots" -gt 0 ]; check $? "protected guest: a bounce pool exists ($((slots / 512)) MiB)"
else
	[ "$slots" -eq 0 ]; check $? "normal guest: no bounce pool is allocated ($slots slots)"
fi

# the atomic DMA pools serve only memory that is encrypted (or remapped):
# a protected guest has them, a normal one does not pay for them
dp=/sys/kernel/debug/dma_pools
if protected; then
	ap=$(counter $dp/pool_size_kernel); ap=${ap:-0}
	[ "$ap" -gt 0 ]; check $? "protected guest: an atomic DMA pool exists ($((ap / 1024)) KiB)"
else
	[ ! -d $dp ]; check $? "normal guest: no atomic DMA pool is allocated ($(cat $dp/pool_size_kernel 2>/dev/null || echo none))"
fi

if protected && [ -n "$want" ]; then
	[ "$slots" -eq $((want * 512)) ]
	check $? "the pool boots with the size of the sizing rule or swiotlb= ($want MiB; is $((slots / 512)) MiB)"
else
	skip "pool size" "no pool expected or no size given"
fi

full0=$(dmesg | grep -c 'swiotlb buffer is full')
# slots held before the I/O: receive buffers a NIC keeps posted stay mapped
used0=$(pool_used)
out=$(pvm-blkcheck -d "${PVM_DISK:-/dev/missing-scratch-disk}" -s 128 -j "$streams" -c 1024 -m direct 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
! echo "$out" | grep -q '^not ok' && [ $rc -eq 0 ]
check $? "$streams parallel 1 MiB O_DIRECT streams: no error reaches user space, data intact"

if protected; then
	hw=$(counter $t/io_tlb_used_hiwater); hw=${hw:-0}
	[ "$hw" -gt 0 ]; check $? "the I/O went through the bounce pool (high-water $hw slots)"
	slots_given_back "$used0"
	check $? "every bounce slot the I/O took is given back ($(pool_used) in use, $used0 before)"
else
	skip "bounce pool used" "normal guest"
	skip "bounce slots given back" "normal guest"
fi

full=$(( $(dmesg | grep -c 'swiotlb buffer is full') - full0 ))
grown=$(counter $t/io_tlb_nslabs); grown=${grown:-0}
[ "$grown" -gt "$slots" ] && echo "# the pool grew from $slots to $grown slots"
if [ "$(pvm_arg tinypool)" = 1 ]; then
	[ "$full" -gt 0 ] || [ "$grown" -gt "$slots" ]
	check $? "the tiny pool ran full ($full reports) or grew ($((slots / 512)) to $((grown / 512)) MiB) and the I/O above survived it"
else
	[ "$full" -eq 0 ]; check $? "the default pool never ran full ($full reports)"
fi
