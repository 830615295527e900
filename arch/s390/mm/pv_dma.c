// SPDX-License-Identifier: GPL-2.0
/*
 * DMA in a protected virtualization guest.
 *
 * Devices cannot read or write the guest's secure memory, so every DMA
 * mapping is bounced through swiotlb, whose pool is shared with the host
 * once at boot, and coherent allocations are shared page by page by the
 * generic DMA code (set_memory_decrypted()). Virtio devices must go
 * through the DMA API (VIRTIO_F_ACCESS_PLATFORM).
 *
 * The pool is sized by a rule (pv_bounce_pool_size()) that "swiotlb=" on
 * the command line overrides. With CONFIG_SWIOTLB_DYNAMIC the guest boots
 * with at most the swiotlb default and swiotlb adds pools, shared and
 * cleared as they are allocated, when mappings need them: sharing and
 * clearing the whole rule's pool is not paid at every boot. If the pool
 * cannot be shared, no device can do I/O without exposing or corrupting
 * data; pv_dma_usable() then says so and device drivers refuse to bring
 * devices up.
 */
#define KMSG_COMPONENT "prot_virt"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/device.h>
#include <linux/dma-direct.h>
#include <linux/init.h>
#include <linux/memblock.h>
#include <linux/minmax.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/swiotlb.h>
#include <linux/virtio_anchor.h>
#include <linux/virtio_config.h>
#include <asm/uv.h>

static bool pv_dma_broken __ro_after_init;

/**
 * pv_bounce_pool_size() - bounce buffer pool size for a protected guest
 * @ram: bytes of memory the guest has
 *
 * One sixteenth of memory, at least the swiotlb default (64 MiB) and at
 * most 1 GiB. Guests with less than 512 MiB get one eighth of their memory
 * instead of the default, so that the pool does not crowd out the rest.
 *
 * Return: the pool size in bytes.
 */
unsigned long pv_bounce_pool_size(unsigned long ram)
{
	if (ram < 8 * IO_TLB_DEFAULT_SIZE)
		return ram / 8;
	return clamp(ram / 16, IO_TLB_DEFAULT_SIZE, (unsigned long)SZ_1G);
}

/**
 * pv_bounce_pool_initial() - bounce buffer pool a protected guest boots with
 * @ram: bytes of memory the guest has
 * @can_grow: swiotlb adds pools when mappings need them (SWIOTLB_DYNAMIC)
 *
 * Return: pv_bounce_pool_size(), or at most the swiotlb default (64 MiB)
 * if the pool can grow.
 */
unsigned long pv_bounce_pool_initial(unsigned long ram, bool can_grow)
{
	unsigned long size = pv_bounce_pool_size(ram);

	return can_grow ? min(size, IO_TLB_DEFAULT_SIZE) : size;
}

/* Say why a device is refused, then let the virtio core refuse it. */
static bool pv_virtio_restricted(struct virtio_device *vdev)
{
	if (!__virtio_test_bit(vdev, VIRTIO_F_ACCESS_PLATFORM))
		dev_err(&vdev->dev,
			"refused in a protected virtualization guest: the device does not offer VIRTIO_F_ACCESS_PLATFORM (iommu_platform=on) and would access secure memory\n");
	return true;
}

/* In a protected guest every device goes through the shared bounce pool. */
bool force_dma_unencrypted(struct device *dev)
{
	return is_prot_virt_guest();
}

/**
 * pv_dma_usable() - can devices do DMA?
 *
 * Return: false in a protected guest whose bounce buffer pool could not be
 * shared with the host; true otherwise.
 */
bool pv_dma_usable(void)
{
	return !pv_dma_broken;
}
EXPORT_SYMBOL_GPL(pv_dma_usable);

/* Called from mem_init(), before memblock hands memory to the allocator. */
void __init pv_dma_init(void)
{
	int rc;

	if (!is_prot_virt_guest())
		return;
	virtio_set_mem_acc_cb(pv_virtio_restricted);
	/* record what is shared, for kexec to make it secure again */
	pv_share_init();
	/* no effect if a size was given with "swiotlb=" */
	swiotlb_adjust_size(pv_bounce_pool_initial(memblock_phys_mem_size(),
						   IS_ENABLED(CONFIG_SWIOTLB_DYNAMIC)));
	/* streaming DMA on s390 has a 64-bit mask: the pool may lie anywhere */
	swiotlb_init(true, SWIOTLB_FORCE | SWIOTLB_ANY | SWIOTLB_VERBOSE);
	rc = swiotlb_update_mem_attributes();
	if (rc) {
		pv_dma_broken = true;
		pr_err("the bounce buffer pool could not be shared with the host (%d): devices are refused\n",
		       rc);
	}
}
