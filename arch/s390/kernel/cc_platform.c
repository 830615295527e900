// SPDX-License-Identifier: GPL-2.0
/*
 * Confidential computing attributes of s390: what generic code (DMA,
 * swiotlb, vmcore, drivers) learns from cc_platform_has().
 */
#include <linux/cc_platform.h>
#include <linux/export.h>
#include <asm/uv.h>

/**
 * cc_platform_has() - confidential computing attributes of this machine
 * @attr: the attribute asked for
 *
 * The memory of a protected virtualization guest is inaccessible to the
 * host unless the guest shares it page by page. That is what
 * CC_ATTR_MEM_ENCRYPT and CC_ATTR_GUEST_MEM_ENCRYPT stand for: device
 * access must go through shared bounce buffers. No other attribute applies.
 *
 * Return: true if @attr applies to this machine.
 */
bool cc_platform_has(enum cc_attr attr)
{
	switch (attr) {
	case CC_ATTR_MEM_ENCRYPT:
	case CC_ATTR_GUEST_MEM_ENCRYPT:
		return is_prot_virt_guest();
	default:
		return false;
	}
}
EXPORT_SYMBOL_GPL(cc_platform_has);
