// SPDX-License-Identifier: GPL-2.0
/*
 * Test hooks that make a protected guest do what it must never do, to
 * prove that the checks watching it (the Ultravisor, or the test
 * environment's emulated one) catch it. In /sys/kernel/debug/s390/:
 *
 * pv_dma_bypass: let one block device's DMA bypass the bounce buffers. In
 * a protected guest every DMA mapping is bounced through memory shared
 * with the host; this takes a block device's DMA device out of swiotlb, so
 * that its I/O buffers reach the device unshared.
 *
 *   echo /dev/vda > /sys/kernel/debug/s390/pv_dma_bypass   start bypassing
 *   echo off > /sys/kernel/debug/s390/pv_dma_bypass        bounce again
 *   cat /sys/kernel/debug/s390/pv_dma_bypass               what is bypassed
 *
 * Switch only while the device is idle: mappings made before a switch are
 * unmapped after it.
 *
 * pv_iske: reading it executes ISKE (insert storage key extended) on a
 * page of the kernel. A protected guest has no storage keys: the
 * instruction must raise a special-operation exception, which the hook
 * catches and reports as "trapped"; elsewhere it reports the key.
 */
#define KMSG_COMPONENT "prot_virt"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/swiotlb.h>
#include <linux/uaccess.h>
#include <asm/asm-extable.h>
#include <asm/uv.h>

static DEFINE_MUTEX(bypass_lock);
static struct device *bypass_dev;
static struct io_tlb_mem *bypass_saved;

/* The device that DMA-maps for @disk: the transport device of virtio-blk. */
static struct device *bypass_dma_dev(struct gendisk *disk)
{
	struct device *dev = disk_to_dev(disk)->parent;

	while (dev && !dev->dma_mask)
		dev = dev->parent;
	return dev;
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
	struct file *bdev_file;
	struct device *dev;

	bdev_file = bdev_file_open_by_path(path, BLK_OPEN_READ, NULL, NULL);
	if (IS_ERR(bdev_file))
		return PTR_ERR(bdev_file);
	dev = bypass_dma_dev(file_bdev(bdev_file)->bd_disk);
	if (dev)
		get_device(dev);
	fput(bdev_file);
	if (!dev)
		return -ENODEV;
	bypass_stop();
	bypass_dev = dev;
	bypass_saved = dev->dma_io_tlb_mem;
	dev->dma_io_tlb_mem = NULL;
	pr_warn("test hook: DMA of %s (%s) now bypasses the bounce buffers\n",
		dev_name(dev), path);
	return 0;
}

static ssize_t bypass_write(struct file *file, const char __user *ubuf, size_t len,
			    loff_t *ppos)
{
	char buf[64];
	int rc;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	strim(buf);
	mutex_lock(&bypass_lock);
	if (!strcmp(buf, "off")) {
		bypass_stop();
		rc = 0;
	} else {
		rc = bypass_start(buf);
	}
	mutex_unlock(&bypass_lock);
	return rc ? rc : len;
}

static int bypass_show(struct seq_file *m, void *v)
{
	mutex_lock(&bypass_lock);
	seq_printf(m, "%s\n", bypass_dev ? dev_name(bypass_dev) : "off");
	mutex_unlock(&bypass_lock);
	return 0;
}

static int bypass_open(struct inode *inode, struct file *file)
{
	return single_open(file, bypass_show, NULL);
}

static const struct file_operations bypass_fops = {
	.owner = THIS_MODULE,
	.open = bypass_open,
	.read = seq_read,
	.write = bypass_write,
	.llseek = seq_lseek,
	.release = single_release,
};

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

static int __init pv_test_hooks_init(void)
{
	debugfs_create_file("pv_iske", 0400, arch_debugfs_dir, NULL, &iske_fops);
	if (!is_prot_virt_guest())
		return 0;
	debugfs_create_file("pv_dma_bypass", 0600, arch_debugfs_dir, NULL, &bypass_fops);
	return 0;
}
late_initcall(pv_test_hooks_init);
