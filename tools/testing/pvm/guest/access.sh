#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Restricted memory access: the runner attaches a second virtio-blk disk
# without VIRTIO_F_ACCESS_PLATFORM (iommu_platform=off). A protected guest
# must refuse it and say why; a normal guest uses it (the control case).
. /pvm/lib/tap.sh
plan 2
why=$(dmesg | grep 'VIRTIO_F_ACCESS_PLATFORM' | head -1)
[ -n "$why" ] && echo "# $why"
if protected; then
	[ -z "$(disk_by_serial pvmnoiommu)" ]
	check $? "protected guest: the disk without ACCESS_PLATFORM is refused"
	echo "$why" | grep -q 'protected virtualization guest'
	check $? "the refusal says it is the protected guest that needs ACCESS_PLATFORM"
else
	[ -n "$(disk_by_serial pvmnoiommu)" ]
	check $? "normal guest: the disk without ACCESS_PLATFORM is used"
	[ -z "$why" ]; check $? "normal guest: no refusal message"
fi
