// SPDX-License-Identifier: GPL-2.0
/*
 * pvm_test_hooks - make a protected guest do what it must never do, so
 * that the checks watching it (the emulated Ultravisor of the test
 * environment, and the guest suites' own checks) can be shown to catch it.
 *
 * A test module of tools/testing/pvm: it is not part of the kernel series
 * and no product kernel carries it.  Files in /sys/kernel/debug/pvm_test_hooks/:
 *
 * dma_bypass: one block device's DMA bypasses the bounce buffers.  In a
 *	protected guest every DMA mapping is bounced through memory shared
 *	with the host; this takes the disk's DMA device out of swiotlb, so
 *	that its I/O buffers reach the device unshared (secure memory).
 *	  echo /dev/vdb > dma_bypass	start bypassing
 *	  echo off > dma_bypass		bounce again
 *	Switch only while the device is idle.
 *
 * iske: reading it executes ISKE on a kernel page.  A protected guest has
 *	no storage keys: the instruction must raise a special-operation
 *	exception, which is caught and reported as "trapped"; elsewhere the
 *	key is shown.
 *
 * leak_slot: one bounce slot is mapped for the disk's DMA device and not
 *	given back, as a driver that forgets an unmap would do.
 *	  echo /dev/vdb > leak_slot	map one page and keep it
 *	  echo off > leak_slot		unmap it
 *	  cat leak_slot			the device, or "off"
 *
 * stuck: reading it sleeps 20 s uninterruptibly, as a task stuck in the
 *	kernel does: a SIGKILL does not end the reader before.  The suites'
 *	bounded runs (lib/tap.sh) must report such a tool as stuck.
 *
 * Everything is undone when the module is removed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/swiotlb.h>
#include <linux/uaccess.h>
#include <asm/asm-extable.h>
#include <asm/uv.h>

static DEFINE_MUTEX(hooks_lock);
static struct dentry *hooks_dir;

/* bypass */
static struct device *bypass_dev;
static struct io_tlb_mem *bypass_saved;

/* leak */
static struct device *leak_dev;
static void *leak_buf;
static dma_addr_t leak_dma;

/* The device that DMA-maps for the disk at @path (virtio-blk: its transport). */
static struct device *disk_dma_dev(const char *path)
{
	struct file *bdev_file;
	struct device *dev;

	bdev_file = bdev_file_open_by_path(path, BLK_OPEN_READ, NULL, NULL);
	if (IS_ERR(bdev_file))
		return ERR_CAST(bdev_file);
	dev = disk_to_dev(file_bdev(bdev_file)->bd_disk)->parent;
	while (dev && !dev->dma_mask)
		dev = dev->parent;
	if (dev)
		get_device(dev);
	fput(bdev_file);
	return dev ? dev : ERR_PTR(-ENODEV);
}

/* what the user wrote, without the newline */
static int hook_arg(char *buf, size_t size, const char __user *ubuf, size_t len)
{
	if (len >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	strim(buf);
	return 0;
}

static void bypass_stop(void)
{
	if (!bypass_dev)
		return;
	bypass_dev->dma_io_tlb_mem = bypass_saved;
	pr_info("DMA of %s is bounced again\n", dev_name(bypass_dev));
	put_device(bypass_dev);
	bypass_dev = NULL;
}

static int bypass_start(const char *path)
{
	struct device *dev = disk_dma_dev(path);

	if (IS_ERR(dev))
		return PTR_ERR(dev);
	bypass_stop();
	bypass_dev = dev;
	bypass_saved = dev->dma_io_tlb_mem;
	dev->dma_io_tlb_mem = NULL;
	pr_warn("DMA of %s (%s) now bypasses the bounce buffers\n", dev_name(dev), path);
	return 0;
}

static void leak_stop(void)
{
	if (!leak_dev)
		return;
	dma_unmap_single(leak_dev, leak_dma, PAGE_SIZE, DMA_TO_DEVICE);
	free_page((unsigned long)leak_buf);
	pr_info("the bounce slot of %s is given back\n", dev_name(leak_dev));
	put_device(leak_dev);
	leak_dev = NULL;
}

static int leak_start(const char *path)
{
	struct device *dev = disk_dma_dev(path);
	void *buf;

	if (IS_ERR(dev))
		return PTR_ERR(dev);
	leak_stop();
	buf = (void *)get_zeroed_page(GFP_KERNEL);
	if (!buf) {
		put_device(dev);
		return -ENOMEM;
	}
	leak_dma = dma_map_single(dev, buf, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, leak_dma)) {
		free_page((unsigned long)buf);
		put_device(dev);
		return -EIO;
	}
	leak_dev = dev;
	leak_buf = buf;
	pr_warn("a bounce slot of %s (%s) is held and not given back\n", dev_name(dev), path);
	return 0;
}

static ssize_t hook_write(const char __user *ubuf, size_t len,
			  int (*start)(const char *), void (*stop)(void))
{
	char buf[64];
	int rc;

	rc = hook_arg(buf, sizeof(buf), ubuf, len);
	if (rc)
		return rc;
	mutex_lock(&hooks_lock);
	if (!strcmp(buf, "off")) {
		stop();
		rc = 0;
	} else {
		rc = start(buf);
	}
	mutex_unlock(&hooks_lock);
	return rc ? rc : len;
}

static int hook_show(struct seq_file *m, struct device **dev)
{
	mutex_lock(&hooks_lock);
	seq_printf(m, "%s\n", *dev ? dev_name(*dev) : "off");
	mutex_unlock(&hooks_lock);
	return 0;
}

/* the debugfs file of a hook: write a disk or "off", read what is hooked */
#define HOOK_FILE(name, dev)						\
static ssize_t name##_write(struct file *file, const char __user *ubuf,	\
			    size_t len, loff_t *ppos)			\
{									\
	return hook_write(ubuf, len, name##_start, name##_stop);	\
}									\
									\
static int name##_show(struct seq_file *m, void *v)			\
{									\
	return hook_show(m, &(dev));					\
}									\
									\
static int name##_open(struct inode *inode, struct file *file)		\
{									\
	return single_open(file, name##_show, NULL);			\
}									\
									\
static const struct file_operations name##_fops = {			\
	.owner = THIS_MODULE,						\
	.open = name##_open,						\
	.read = seq_read,						\
	.write = name##_write,						\
	.llseek = seq_lseek,						\
	.release = single_release,					\
}

HOOK_FILE(bypass, bypass_dev);
HOOK_FILE(leak, leak_dev);

/* ISKE on @addr; -EPERM if it raised a program check (caught). */
static int iske_checked(unsigned long addr, unsigned long *key)
{
	int rc = -EPERM;

	asm volatile("	iske	%[key],%[addr]\n"
		     "0:	lhi	%[rc],0\n"
		     "1:\n"
		     EX_TABLE(0b, 1b)
		     : [rc] "+d" (rc), [key] "=d" (*key)
		     : [addr] "a" (addr)
		     : "cc");
	return rc;
}

static int iske_show(struct seq_file *m, void *v)
{
	unsigned long key = 0;

	if (iske_checked((unsigned long)m & PAGE_MASK, &key))
		seq_puts(m, "trapped\n");
	else
		seq_printf(m, "key 0x%02lx\n", key & 0xff);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(iske);

static int stuck_show(struct seq_file *m, void *v)
{
	msleep(20 * MSEC_PER_SEC);
	seq_puts(m, "woke\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stuck);

static int __init pvm_test_hooks_init(void)
{
	hooks_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("iske", 0400, hooks_dir, NULL, &iske_fops);
	debugfs_create_file("dma_bypass", 0600, hooks_dir, NULL, &bypass_fops);
	debugfs_create_file("leak_slot", 0600, hooks_dir, NULL, &leak_fops);
	debugfs_create_file("stuck", 0400, hooks_dir, NULL, &stuck_fops);
	pr_warn("loaded: test hooks that make this guest misbehave (%s guest)\n",
		is_prot_virt_guest() ? "protected" : "not a protected");
	return 0;
}

static void __exit pvm_test_hooks_exit(void)
{
	debugfs_remove_recursive(hooks_dir);
	mutex_lock(&hooks_lock);
	bypass_stop();
	leak_stop();
	mutex_unlock(&hooks_lock);
}

module_init(pvm_test_hooks_init);
module_exit(pvm_test_hooks_exit);
MODULE_DESCRIPTION("pvguest test hooks: make a protected guest misbehave");
MODULE_LICENSE("GPL");
