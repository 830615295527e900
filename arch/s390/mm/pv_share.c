// SPDX-License-Identifier: GPL-2.0
/*
 * Sharing pages of a protected virtualization guest with the host.
 *
 * A protected guest's memory is inaccessible to the host; pages the host
 * must see (bounce buffers, channel-I/O control blocks) are made shared
 * with the Ultravisor's Set Shared Access call, one 4 KiB page at a time,
 * and made secure again with Remove Shared Access. Sharing is in place:
 * the host sees the page's plaintext. So a page is cleared before it is
 * shared (no stale kernel data reaches the host) and after it is made
 * secure again (no host-written bytes survive into private memory); the
 * contents of a page do not survive either transition.
 *
 * Failures are returned to the caller. A page whose unsharing failed is
 * still visible to the host and must never be reused: the caller leaks it
 * (the generic DMA code does so on an error from set_memory_encrypted())
 * and it is counted here. "pv_share_failure=panic" on the command line
 * restores the old policy of stopping the machine on any failure.
 *
 * A bitmap records which pages are shared, so that all of them can be made
 * secure again before another kernel takes over the memory (kexec): the
 * new kernel must not inherit pages the host can read. It covers the
 * memory known at boot; pages beyond it are never shared, and memory
 * added later is refused when it would be onlined.
 */
#define KMSG_COMPONENT "prot_virt"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/bitmap.h>
#include <linux/init.h>
#include <linux/instruction_pointer.h>
#include <linux/io.h>
#include <linux/mem_encrypt.h>
#include <linux/memblock.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/panic.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/set_memory.h>
#include <linux/string.h>
#include <asm/uv.h>

/* Pages between two chances to reschedule during a large range. */
#define PV_SHARE_BATCH	256

static bool pv_share_panic __ro_after_init;

static atomic_long_t pv_shared_now;
static atomic_long_t pv_shared_peak;
static atomic_long_t pv_leaked;
static atomic_long_t pv_uv_errors;
/* one bit per page frame: shared with the host */
static unsigned long *pv_shared_map __ro_after_init;
static unsigned long pv_shared_map_pfns __ro_after_init;
/* kexec: no page changes its state once set; conversions in flight */
static bool pv_share_frozen;
static atomic_t pv_share_busy = ATOMIC_INIT(0);

/**
 * pv_share_init() - prepare the record of shared pages
 *
 * Called once in a protected guest while memblock is still in charge,
 * before the first page is shared.
 */
void __init pv_share_init(void)
{
	pv_shared_map_pfns = max_pfn;
	pv_shared_map = memblock_alloc(BITS_TO_LONGS(max_pfn) * sizeof(long),
				       sizeof(long));
	if (!pv_shared_map)
		pr_warn("no memory to record shared pages: kexec cannot make them secure\n");
}

static void pv_share_mark(unsigned long paddr, bool shared)
{
	unsigned long pfn = PFN_DOWN(paddr);

	if (!pv_shared_map || pfn >= pv_shared_map_pfns)
		return;
	if (shared)
		set_bit(pfn, pv_shared_map);
	else
		clear_bit(pfn, pv_shared_map);
}

static int __init pv_share_failure_setup(char *arg)
{
	if (!arg)
		return -EINVAL;
	if (!strcmp(arg, "panic"))
		pv_share_panic = true;
	else if (!strcmp(arg, "error"))
		pv_share_panic = false;
	else
		return -EINVAL;
	return 0;
}
early_param("pv_share_failure", pv_share_failure_setup);

static void pv_share_account(long delta)
{
	long now = atomic_long_add_return(delta, &pv_shared_now);
	long peak = atomic_long_read(&pv_shared_peak);

	while (now > peak && !atomic_long_try_cmpxchg(&pv_shared_peak, &peak, now))
		;
}

/* One Set or Remove Shared Access call; busy answers are retried. */
static int pv_share_call(unsigned long paddr, u16 cmd)
{
	struct uv_cb_share uvcb = {
		.header.cmd = cmd,
		.header.len = sizeof(uvcb),
		.paddr = paddr,
	};

	if (!uv_call(0, (u64)&uvcb)) {
		pv_share_mark(paddr, cmd == UVC_CMD_SET_SHARED_ACCESS);
		return 0;
	}
	atomic_long_inc(&pv_uv_errors);
	pr_err_ratelimited("%s Shared Access for 0x%lx failed: rc 0x%04x rrc 0x%04x\n",
			   cmd == UVC_CMD_SET_SHARED_ACCESS ? "Set" : "Remove",
			   paddr, uvcb.header.rc, uvcb.header.rrc);
	if (pv_share_panic)
		panic("pv_share_failure=panic: the host may see memory it must not\n");
	return -EIO;
}

/**
 * pv_share_recordable() - can the record of shared pages hold these pages?
 * @pfn: the first page frame
 * @nr_pages: the number of pages
 *
 * Return: true if every page of the range is covered by the record of
 * shared pages, which pv_unshare_all() walks before kexec.
 */
bool pv_share_recordable(unsigned long pfn, unsigned long nr_pages)
{
	return nr_pages <= pv_shared_map_pfns && pfn <= pv_shared_map_pfns - nr_pages;
}

/*
 * Only whole pages of the direct map, inside the record of shared pages,
 * can be shared; @caller is for the log.
 */
static bool pv_share_range_ok(unsigned long addr, int numpages, unsigned long caller)
{
	if (PAGE_ALIGNED(addr) && numpages > 0 && virt_addr_valid(addr) &&
	    virt_addr_valid(addr + (numpages - 1) * PAGE_SIZE) &&
	    pv_share_recordable(PFN_DOWN(__pa(addr)), numpages))
		return true;
	pr_warn_once("refusing to share %d page(s) at %p for %pS: not page-aligned direct-map memory known at boot\n",
		     numpages, (void *)addr, (void *)caller);
	return false;
}

static void pv_share_maybe_resched(int done)
{
	if (done % PV_SHARE_BATCH == PV_SHARE_BATCH - 1 &&
	    IS_ENABLED(CONFIG_PREEMPT_COUNT) && preemptible())
		cond_resched();
}

/* Make @numpages pages at @addr secure again; see the file comment. */
static int pv_unshare_range(unsigned long addr, int numpages, unsigned long caller)
{
	int i, rc, err = 0;

	if (!pv_share_range_ok(addr, numpages, caller))
		return -EINVAL;
	for (i = 0; i < numpages; i++) {
		void *page = (void *)(addr + i * PAGE_SIZE);

		rc = pv_share_call(virt_to_phys(page), UVC_CMD_REMOVE_SHARED_ACCESS);
		if (rc) {
			/* still visible to the host: the caller must leak it */
			atomic_long_inc(&pv_leaked);
			err = rc;
			continue;
		}
		pv_share_account(-1);
		clear_page(page);
		pv_share_maybe_resched(i);
	}
	return err;
}

/* Share @numpages pages at @addr; on failure nothing stays shared by us. */
static int pv_share_range(unsigned long addr, int numpages, unsigned long caller)
{
	int i, rc;

	if (!pv_share_range_ok(addr, numpages, caller))
		return -EINVAL;
	for (i = 0; i < numpages; i++) {
		void *page = (void *)(addr + i * PAGE_SIZE);

		clear_page(page);
		rc = pv_share_call(virt_to_phys(page), UVC_CMD_SET_SHARED_ACCESS);
		if (rc) {
			/* undo; what cannot be undone is counted as leaked */
			if (i)
				pv_unshare_range(addr, i, caller);
			return rc;
		}
		pv_share_account(1);
		pv_share_maybe_resched(i);
	}
	return 0;
}

/* A conversion starts, unless pv_share_freeze() stopped them all. */
static bool pv_share_enter(void)
{
	atomic_inc(&pv_share_busy);
	/* pairs with the barrier in pv_share_freeze() */
	smp_mb__after_atomic();
	if (!READ_ONCE(pv_share_frozen))
		return true;
	atomic_dec(&pv_share_busy);
	return false;
}

static void pv_share_exit(void)
{
	atomic_dec(&pv_share_busy);
}

/**
 * pv_share_freeze() - stop all sharing and unsharing, for kexec
 *
 * From now on set_memory_decrypted() and set_memory_encrypted() fail with
 * -EBUSY and change nothing; returns once no conversion is in flight, so
 * that the record of shared pages is final for pv_unshare_all().
 */
void pv_share_freeze(void)
{
	if (!is_prot_virt_guest())
		return;
	WRITE_ONCE(pv_share_frozen, true);
	/* the flag before the count: pairs with pv_share_enter() */
	smp_mb();
	while (atomic_read(&pv_share_busy))
		cpu_relax();
}

/**
 * set_memory_decrypted() - share pages with the host
 * @addr: page-aligned direct-map address
 * @numpages: number of pages
 *
 * The pages are cleared, then shared. On a machine that is not a protected
 * guest nothing needs to be done.
 *
 * Return: 0, -EINVAL for memory that cannot be shared, -EBUSY after
 * pv_share_freeze(), or -EIO if the Ultravisor refused (then none of the
 * pages stays shared, or those that do are counted as leaked).
 */
int set_memory_decrypted(unsigned long addr, int numpages)
{
	int rc;

	if (!is_prot_virt_guest())
		return 0;
	if (!pv_share_enter())
		return -EBUSY;
	rc = pv_share_range(addr, numpages, _RET_IP_);
	pv_share_exit();
	return rc;
}

/**
 * set_memory_encrypted() - make shared pages secure again
 * @addr: page-aligned direct-map address
 * @numpages: number of pages
 *
 * Each page is unshared, then cleared.
 *
 * Return: 0, -EINVAL for a bad range, -EBUSY after pv_share_freeze()
 * (the pages stay shared), or -EIO if the Ultravisor refused
 * for at least one page; such pages are still shared and must be leaked
 * by the caller.
 */
int set_memory_encrypted(unsigned long addr, int numpages)
{
	int rc;

	if (!is_prot_virt_guest())
		return 0;
	if (!pv_share_enter())
		return -EBUSY;
	rc = pv_unshare_range(addr, numpages, _RET_IP_);
	pv_share_exit();
	return rc;
}

/**
 * pv_unshare_all() - make every page this kernel shared secure again
 *
 * For kexec: called after pv_share_freeze(), with devices shut down and
 * the other CPUs stopped, right before the new kernel is started. Pages
 * are cleared after they are made secure.
 *
 * Return: the number of pages that are still shared (Remove Shared Access
 * failed, or shared pages were not recorded), 0 if none is.
 */
long pv_unshare_all(void)
{
	unsigned long pfn, done = 0;
	long left;

	if (!is_prot_virt_guest())
		return 0;
	if (!pv_shared_map)
		return pv_shared_pages();
	for_each_set_bit(pfn, pv_shared_map, pv_shared_map_pfns) {
		if (pv_share_call(PFN_PHYS(pfn), UVC_CMD_REMOVE_SHARED_ACCESS))
			continue;
		pv_share_account(-1);
		clear_page(phys_to_virt(PFN_PHYS(pfn)));
		done++;
	}
	left = pv_shared_pages();
	pr_info("made %lu shared pages secure again, %ld still shared\n", done, left);
	return left;
}

/**
 * pv_shared_pages() - number of pages this kernel has shared right now
 *
 * Return: the number of pages shared and not yet unshared.
 */
long pv_shared_pages(void)
{
	return atomic_long_read(&pv_shared_now);
}

/*
 * Memory onlined after boot lies beyond the record of shared pages: a page
 * of it shared with the host could not be made secure again before kexec.
 */
static int pv_share_memory_notify(struct notifier_block *nb, unsigned long action,
				  void *data)
{
	struct memory_notify *arg = data;

	if (action != MEM_GOING_ONLINE ||
	    pv_share_recordable(arg->start_pfn, arg->nr_pages))
		return NOTIFY_OK;
	pr_warn_ratelimited("refusing to online memory at 0x%llx-0x%llx: it is outside the record of shared pages\n",
			    (unsigned long long)PFN_PHYS(arg->start_pfn),
			    (unsigned long long)PFN_PHYS(arg->start_pfn + arg->nr_pages) - 1);
	return NOTIFY_BAD;
}

static int __init pv_share_hotplug_init(void)
{
	if (!is_prot_virt_guest())
		return 0;
	return hotplug_memory_notifier(pv_share_memory_notify, DEFAULT_CALLBACK_PRI);
}
core_initcall(pv_share_hotplug_init);

static int pv_share_get(void *data, u64 *val)
{
	*val = atomic_long_read(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(pv_share_fops, pv_share_get, NULL, "%llu\n");

static int __init pv_share_debugfs_init(void)
{
	struct dentry *dir;

	if (!is_prot_virt_guest())
		return 0;
	dir = debugfs_create_dir("pv_guest", arch_debugfs_dir);
	debugfs_create_file_unsafe("shared_pages", 0444, dir, &pv_shared_now, &pv_share_fops);
	debugfs_create_file_unsafe("shared_pages_peak", 0444, dir, &pv_shared_peak,
				   &pv_share_fops);
	debugfs_create_file_unsafe("leaked_pages", 0444, dir, &pv_leaked, &pv_share_fops);
	debugfs_create_file_unsafe("uv_errors", 0444, dir, &pv_uv_errors, &pv_share_fops);
	return 0;
}
late_initcall(pv_share_debugfs_init);
