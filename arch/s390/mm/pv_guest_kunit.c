// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the memory side of a protected virtualization guest:
 * the bounce pool sizing rule, the confidential computing attributes, and
 * sharing pages through set_memory_decrypted()/set_memory_encrypted().
 *
 * They run in any boot. Cases that need a protected guest skip elsewhere;
 * cases about a normal guest skip in a protected one.
 */
#include <kunit/test.h>
#include <linux/cc_platform.h>
#include <linux/dma-direct.h>
#include <linux/gfp.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/set_memory.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/swiotlb.h>
#include <linux/vmalloc.h>
#include <asm/uv.h>

static void bounce_pool_size_rule(struct kunit *test)
{
	/* small guests: an eighth of memory */
	KUNIT_EXPECT_EQ(test, pv_bounce_pool_size(SZ_256M), SZ_32M);
	KUNIT_EXPECT_EQ(test, pv_bounce_pool_size(SZ_128M), SZ_16M);
	/* from 512 MiB: a sixteenth, at least the swiotlb default */
	KUNIT_EXPECT_EQ(test, pv_bounce_pool_size(SZ_512M), IO_TLB_DEFAULT_SIZE);
	KUNIT_EXPECT_EQ(test, pv_bounce_pool_size(SZ_1G), IO_TLB_DEFAULT_SIZE);
	KUNIT_EXPECT_EQ(test, pv_bounce_pool_size(SZ_4G), SZ_256M);
	/* and at most 1 GiB */
	KUNIT_EXPECT_EQ(test, pv_bounce_pool_size(SZ_16G), SZ_1G);
	KUNIT_EXPECT_EQ(test, pv_bounce_pool_size(64UL * SZ_1G), SZ_1G);
}

static void bounce_pool_starts_small_if_it_grows(struct kunit *test)
{
	/* a pool that grows starts with at most the swiotlb default */
	KUNIT_EXPECT_EQ(test, pv_bounce_pool_initial(SZ_256M, true), SZ_32M);
	KUNIT_EXPECT_EQ(test, pv_bounce_pool_initial(SZ_1G, true), IO_TLB_DEFAULT_SIZE);
	KUNIT_EXPECT_EQ(test, pv_bounce_pool_initial(SZ_16G, true), IO_TLB_DEFAULT_SIZE);
	/* one that cannot grow gets the whole rule up front */
	KUNIT_EXPECT_EQ(test, pv_bounce_pool_initial(SZ_256M, false), SZ_32M);
	KUNIT_EXPECT_EQ(test, pv_bounce_pool_initial(SZ_4G, false), SZ_256M);
	KUNIT_EXPECT_EQ(test, pv_bounce_pool_initial(SZ_16G, false), SZ_1G);
}

static void cc_attributes_follow_mode(struct kunit *test)
{
	bool pv = is_prot_virt_guest();

	KUNIT_EXPECT_EQ(test, cc_platform_has(CC_ATTR_MEM_ENCRYPT), pv);
	KUNIT_EXPECT_EQ(test, cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT), pv);
	KUNIT_EXPECT_EQ(test, force_dma_unencrypted(NULL), pv);
	/* attributes of other platforms never apply */
	KUNIT_EXPECT_FALSE(test, cc_platform_has(CC_ATTR_HOST_MEM_ENCRYPT));
	KUNIT_EXPECT_FALSE(test, cc_platform_has(CC_ATTR_GUEST_STATE_ENCRYPT));
	KUNIT_EXPECT_FALSE(test, cc_platform_has(CC_ATTR_GUEST_UNROLL_STRING_IO));
	KUNIT_EXPECT_FALSE(test, cc_platform_has(CC_ATTR_GUEST_SEV_SNP));
}

static bool page_is(const void *page, u8 byte)
{
	return !memchr_inv(page, byte, PAGE_SIZE);
}

/* A page is cleared before it is shared and after it is made secure. */
static void share_round_trip_clears(struct kunit *test)
{
	unsigned long addr;
	long before;

	if (!is_prot_virt_guest())
		kunit_skip(test, "not a protected guest");
	addr = __get_free_page(GFP_KERNEL);
	KUNIT_ASSERT_NE(test, addr, 0UL);
	before = pv_shared_pages();

	memset((void *)addr, 0xa5, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, set_memory_decrypted(addr, 1), 0);
	KUNIT_EXPECT_TRUE(test, page_is((void *)addr, 0));
	KUNIT_EXPECT_EQ(test, pv_shared_pages(), before + 1);

	/* what the host could have written */
	memset((void *)addr, 0x5a, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, set_memory_encrypted(addr, 1), 0);
	KUNIT_EXPECT_TRUE(test, page_is((void *)addr, 0));
	KUNIT_EXPECT_EQ(test, pv_shared_pages(), before);
	free_page(addr);
}

/* Several pages at once, then back. */
static void share_range_counts(struct kunit *test)
{
	const int order = 3, pages = 1 << order;
	unsigned long addr;
	long before;

	if (!is_prot_virt_guest())
		kunit_skip(test, "not a protected guest");
	addr = __get_free_pages(GFP_KERNEL, order);
	KUNIT_ASSERT_NE(test, addr, 0UL);
	before = pv_shared_pages();
	KUNIT_ASSERT_EQ(test, set_memory_decrypted(addr, pages), 0);
	KUNIT_EXPECT_EQ(test, pv_shared_pages(), before + pages);
	KUNIT_ASSERT_EQ(test, set_memory_encrypted(addr, pages), 0);
	KUNIT_EXPECT_EQ(test, pv_shared_pages(), before);
	free_pages(addr, order);
}

/* Memory that is not whole direct-map pages is refused, nothing shared. */
static void share_refuses_bad_ranges(struct kunit *test)
{
	unsigned long addr;
	void *vmem;
	long before;

	if (!is_prot_virt_guest())
		kunit_skip(test, "not a protected guest");
	addr = __get_free_page(GFP_KERNEL);
	KUNIT_ASSERT_NE(test, addr, 0UL);
	vmem = vmalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, vmem);
	before = pv_shared_pages();

	KUNIT_EXPECT_EQ(test, set_memory_decrypted(addr + 64, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, set_memory_decrypted(addr, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, set_memory_decrypted(addr, -1), -EINVAL);
	KUNIT_EXPECT_EQ(test, set_memory_decrypted((unsigned long)vmem, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, set_memory_encrypted(addr + 64, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, pv_shared_pages(), before);
	vfree(vmem);
	free_page(addr);
}

/* On a normal guest there is nothing to share: no call, no count. */
static void normal_guest_shares_nothing(struct kunit *test)
{
	unsigned long addr;

	if (is_prot_virt_guest())
		kunit_skip(test, "a protected guest");
	addr = __get_free_page(GFP_KERNEL);
	KUNIT_ASSERT_NE(test, addr, 0UL);
	memset((void *)addr, 0xa5, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, set_memory_decrypted(addr, 1), 0);
	/* contents untouched: the page was not shared, so not cleared */
	KUNIT_EXPECT_TRUE(test, page_is((void *)addr, 0xa5));
	KUNIT_EXPECT_EQ(test, set_memory_encrypted(addr, 1), 0);
	KUNIT_EXPECT_EQ(test, pv_shared_pages(), 0L);
	KUNIT_EXPECT_TRUE(test, pv_dma_usable());
	free_page(addr);
}

/* The record of shared pages covers the memory of boot, and no more. */
static void share_record_covers_boot_memory(struct kunit *test)
{
	if (!is_prot_virt_guest())
		kunit_skip(test, "not a protected guest");
	KUNIT_EXPECT_TRUE(test, pv_share_recordable(0, max_pfn));
	KUNIT_EXPECT_TRUE(test, pv_share_recordable(max_pfn - 1, 1));
	KUNIT_EXPECT_FALSE(test, pv_share_recordable(max_pfn, 1));
	KUNIT_EXPECT_FALSE(test, pv_share_recordable(max_pfn - 1, 2));
	KUNIT_EXPECT_FALSE(test, pv_share_recordable(1, ULONG_MAX));
	KUNIT_EXPECT_FALSE(test, pv_share_recordable(ULONG_MAX, 2));
}

static struct kunit_case pv_guest_cases[] = {
	KUNIT_CASE(bounce_pool_size_rule),
	KUNIT_CASE(bounce_pool_starts_small_if_it_grows),
	KUNIT_CASE(cc_attributes_follow_mode),
	KUNIT_CASE(share_round_trip_clears),
	KUNIT_CASE(share_range_counts),
	KUNIT_CASE(share_refuses_bad_ranges),
	KUNIT_CASE(share_record_covers_boot_memory),
	KUNIT_CASE(normal_guest_shares_nothing),
	{}
};

static struct kunit_suite pv_guest_suite = {
	.name = "s390_pv_guest",
	.test_cases = pv_guest_cases,
};

kunit_test_suite(pv_guest_suite);

MODULE_DESCRIPTION("KUnit tests for protected virtualization guest memory");
MODULE_LICENSE("GPL");
