// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of what swiotlb puts into a bounce slot, and so hands to a
 * device: in a pool the host can read (decrypted in a confidential guest)
 * a DMA_FROM_DEVICE mapping must not carry the buffer's old contents;
 * elsewhere it keeps today's "unwritten bytes are preserved" rule.  Each
 * case runs against the default pool as it is on this machine and checks
 * the rule that applies to it.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-direction.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/swiotlb.h>

#define BUF_LEN		2048
#define SECRET		0xa5
#define DEVICE_DATA	0x11

struct swiotlb_case {
	struct device *dev;
	struct io_tlb_pool *pool;
	u8 *buf;
	phys_addr_t tlb;
};

/*
 * Map a new buffer, filled with SECRET, for @dir (a case's first mapping
 * also registers its device); skip if this machine has no pool.
 */
static void map(struct kunit *test, struct swiotlb_case *c,
		enum dma_data_direction dir)
{
	if (!c->dev) {
		c->dev = kunit_device_register(test, "swiotlb-kunit");
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c->dev);
		/* a device that reaches all memory: the pool's limits apply */
		c->dev->coherent_dma_mask = DMA_BIT_MASK(64);
		c->dev->dma_mask = &c->dev->coherent_dma_mask;
	}
	if (!c->dev->dma_io_tlb_mem || !c->dev->dma_io_tlb_mem->nslabs)
		kunit_skip(test, "no swiotlb pool on this machine");
	c->buf = kunit_kmalloc(test, BUF_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->buf);
	memset(c->buf, SECRET, BUF_LEN);
	c->tlb = swiotlb_tbl_map_single(c->dev, virt_to_phys(c->buf), BUF_LEN,
					0, dir, 0);
	KUNIT_ASSERT_NE(test, c->tlb, (phys_addr_t)DMA_MAPPING_ERROR);
	c->pool = swiotlb_find_pool(c->dev, c->tlb);
	KUNIT_ASSERT_NOT_NULL(test, c->pool);
	kunit_info(test, "pool %s", c->pool->decrypted ?
		   "decrypted (readable by the host)" : "not decrypted");
}

static u8 *slot(struct swiotlb_case *c)
{
	return c->pool->vaddr + (c->tlb - c->pool->start);
}

static void unmap(struct swiotlb_case *c, enum dma_data_direction dir)
{
	swiotlb_tbl_unmap_single(c->dev, c->tlb, BUF_LEN, dir, 0);
}

/* The number of bytes of @p[0..len) that equal @v. */
static size_t count(const u8 *p, size_t len, u8 v)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += p[i] == v;
	return n;
}

/* FROM_DEVICE: the slot holds zeros in a decrypted pool, the buffer else */
static void swiotlb_from_device_map(struct kunit *test)
{
	struct swiotlb_case c = {};
	bool decrypted;

	map(test, &c, DMA_FROM_DEVICE);
	decrypted = c.pool->decrypted;
	if (decrypted)
		KUNIT_EXPECT_EQ(test, count(slot(&c), BUF_LEN, 0), BUF_LEN);
	else
		KUNIT_EXPECT_EQ(test, count(slot(&c), BUF_LEN, SECRET), BUF_LEN);
	unmap(&c, DMA_FROM_DEVICE);
	/* the device wrote nothing: zeros or the buffer's own bytes back */
	KUNIT_EXPECT_EQ(test, count(c.buf, BUF_LEN, decrypted ? 0 : SECRET),
			BUF_LEN);
}

/* A partial device write: the rest reads back as zeros, or preserved. */
static void swiotlb_from_device_partial_write(struct kunit *test)
{
	struct swiotlb_case c = {};
	bool decrypted;

	map(test, &c, DMA_FROM_DEVICE);
	decrypted = c.pool->decrypted;
	memset(slot(&c), DEVICE_DATA, BUF_LEN / 2);
	unmap(&c, DMA_FROM_DEVICE);
	KUNIT_EXPECT_EQ(test, count(c.buf, BUF_LEN / 2, DEVICE_DATA), BUF_LEN / 2);
	KUNIT_EXPECT_EQ(test, count(c.buf + BUF_LEN / 2, BUF_LEN / 2,
				    decrypted ? 0 : SECRET), BUF_LEN / 2);
}

/* TO_DEVICE and BIDIRECTIONAL: the driver's bytes are meant to be sent */
static void swiotlb_to_device_and_bidirectional(struct kunit *test)
{
	struct swiotlb_case c = {};

	map(test, &c, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, count(slot(&c), BUF_LEN, SECRET), BUF_LEN);
	unmap(&c, DMA_TO_DEVICE);
	map(test, &c, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_EQ(test, count(slot(&c), BUF_LEN, SECRET), BUF_LEN);
	memset(slot(&c), DEVICE_DATA, BUF_LEN);
	unmap(&c, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_EQ(test, count(c.buf, BUF_LEN, DEVICE_DATA), BUF_LEN);
}

/*
 * Syncing a FROM_DEVICE mapping for the device copies nothing to the slot:
 * what the CPU put in the buffer after a sync for the CPU stays private.
 */
static void swiotlb_from_device_sync_for_device(struct kunit *test)
{
	struct swiotlb_case c = {};

	map(test, &c, DMA_FROM_DEVICE);
	memset(slot(&c), DEVICE_DATA, BUF_LEN);
	swiotlb_sync_single_for_cpu(c.dev, c.tlb, BUF_LEN, DMA_FROM_DEVICE);
	KUNIT_EXPECT_EQ(test, count(c.buf, BUF_LEN, DEVICE_DATA), BUF_LEN);
	memset(c.buf, SECRET, BUF_LEN);
	swiotlb_sync_single_for_device(c.dev, c.tlb, BUF_LEN, DMA_FROM_DEVICE);
	KUNIT_EXPECT_EQ(test, count(slot(&c), BUF_LEN, SECRET), 0);
	unmap(&c, DMA_FROM_DEVICE);
}

/* A partial sync for the CPU copies exactly its range. */
static void swiotlb_partial_sync_for_cpu(struct kunit *test)
{
	struct swiotlb_case c = {};

	map(test, &c, DMA_FROM_DEVICE);
	memset(slot(&c), DEVICE_DATA, BUF_LEN);
	swiotlb_sync_single_for_cpu(c.dev, c.tlb + 512, 512, DMA_FROM_DEVICE);
	KUNIT_EXPECT_EQ(test, count(c.buf, 512, SECRET), 512);
	KUNIT_EXPECT_EQ(test, count(c.buf + 512, 512, DEVICE_DATA), 512);
	KUNIT_EXPECT_EQ(test, count(c.buf + 1024, BUF_LEN - 1024, SECRET),
			BUF_LEN - 1024);
	unmap(&c, DMA_FROM_DEVICE);
}

/*
 * CVE-2022-0854: no stale slot data of an earlier mapping reaches the
 * caller of a FROM_DEVICE mapping the device does not write.
 */
static void swiotlb_no_stale_slot_data(struct kunit *test)
{
	struct swiotlb_case c = {};
	int i;

	for (i = 0; i < 16; i++) {
		map(test, &c, DMA_TO_DEVICE);
		memset(slot(&c), 0x77, BUF_LEN);
		unmap(&c, DMA_TO_DEVICE);
		map(test, &c, DMA_FROM_DEVICE);
		unmap(&c, DMA_FROM_DEVICE);
		KUNIT_EXPECT_EQ(test, count(c.buf, BUF_LEN, 0x77), 0);
	}
}

static struct kunit_case swiotlb_cases[] = {
	KUNIT_CASE(swiotlb_from_device_map),
	KUNIT_CASE(swiotlb_from_device_partial_write),
	KUNIT_CASE(swiotlb_to_device_and_bidirectional),
	KUNIT_CASE(swiotlb_from_device_sync_for_device),
	KUNIT_CASE(swiotlb_partial_sync_for_cpu),
	KUNIT_CASE(swiotlb_no_stale_slot_data),
	{}
};

static struct kunit_suite swiotlb_suite = {
	.name = "swiotlb_bounce",
	.test_cases = swiotlb_cases,
};

kunit_test_suite(swiotlb_suite);

MODULE_DESCRIPTION("KUnit tests of swiotlb bounce slot contents");
MODULE_LICENSE("GPL");
