// SPDX-License-Identifier: GPL-2.0
/*
 * Virtqueue checks of the emulated Ultravisor: a minimal virtio-blk driver
 * (virtio-ccw revision 1, one split queue, polled) reads one sector in a
 * protected guest.  Needs exactly one ccw device, a virtio-blk-ccw (with
 * iommu_platform=on or off).  -append parameters:
 *   scenario=ok            every ring and buffer page shared (default)
 *   scenario=secure        the data buffer in a secure page
 *   scenario=data-unshare  the data page unshared while the device holds
 *                          it (use a slow disk: null-co latency-ns)
 *   scenario=ring-unshare  the used ring unshared while a request is out
 * The TAP says what the driver saw; the cases file's counter expectations
 * say what the emulator must have flagged (violations, dma-after-unshare).
 */
#include "css.h"

#define CCW_WRITE_FEAT		0x11
#define CCW_READ_FEAT		0x12
#define CCW_SET_VQ		0x13
#define CCW_WRITE_STATUS	0x31
#define CCW_READ_VQ_CONF	0x32

#define VIRTIO_ACK		1
#define VIRTIO_DRIVER		2
#define VIRTIO_DRIVER_OK	4
#define VIRTIO_FEATURES_OK	8

#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define QSIZE			8

struct vring_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
} __attribute__((packed));

struct blk_req {
	u32 type;
	u32 ioprio;
	u64 sector;
} __attribute__((packed));

/* one page each, so that sharing or unsharing one touches nothing else */
static u8 ccw_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 ccw_data[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 desc_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 avail_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 used_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 hdr_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 data_page[PAGE_SIZE] __aligned(PAGE_SIZE);

static u16 le16(u16 v) { return __builtin_bswap16(v); }
static u32 le32(u32 v) { return __builtin_bswap32(v); }
static u64 le64(u64 v) { return __builtin_bswap64(v); }

static int ccw(u8 cmd, u16 count)
{
	return run_ccw(make_ccw(ccw_page, cmd, 0, count, ccw_data));
}

static int write_status(u8 status)
{
	ccw_data[0] = status;
	return ccw(CCW_WRITE_STATUS, 1);
}

static int share(u8 *page, u16 cmd)
{
	u16 rc;
	int cc = uv_share((u64)page, cmd, &rc);

	if (cc || rc != 1)
		printf("# %s 0x%lx: cc %d rc 0x%x\n",
		       cmd == UVC_CMD_SET_SHARED ? "share" : "unshare", (u64)page, cc, rc);
	return !cc && rc == 1;
}

static u64 tod(void)
{
	u64 t;

	asm volatile("stck %0" : "=Q" (t) : : "cc");
	return t;
}

/* the device: virtio-blk; features VERSION_1 and, if offered, ACCESS_PLATFORM */
static int setup(int *iommu)
{
	u32 want = 1;	/* bit 32: VIRTIO_F_VERSION_1 */
	u32 offered;

	memset(ccw_data, 0, 8);
	if (run_ccw(make_ccw(ccw_page, 0xe4, 0x20, 8, ccw_data)) ||
	    ccw_data[1] != 0x38 || ccw_data[2] != 0x32 || ccw_data[3] != 2) {
		printf("# not a virtio-blk device: %02x%02x model %02x\n",
		       ccw_data[1], ccw_data[2], ccw_data[3]);
		return 0;
	}
	*(u32 *)ccw_data = 0x00010000;	/* revision 1, no data */
	if (run_ccw(make_ccw(ccw_page, 0x83, 0, 4, ccw_data)) ||
	    write_status(0) || write_status(VIRTIO_ACK) ||
	    write_status(VIRTIO_ACK | VIRTIO_DRIVER))
		return 0;
	memset(ccw_data, 0, 8);
	ccw_data[4] = 1;		/* feature word 1: bits 32-63 */
	if (ccw(CCW_READ_FEAT, 5))
		return 0;
	offered = le32(*(u32 *)ccw_data);
	*iommu = offered & 2;		/* bit 33: VIRTIO_F_ACCESS_PLATFORM */
	want |= offered & 2;
	*(u32 *)ccw_data = le32(want);
	ccw_data[4] = 1;
	if (ccw(CCW_WRITE_FEAT, 5))
		return 0;
	*(u32 *)ccw_data = 0;
	ccw_data[4] = 0;
	if (ccw(CCW_WRITE_FEAT, 5) ||
	    write_status(VIRTIO_ACK | VIRTIO_DRIVER | VIRTIO_FEATURES_OK))
		return 0;
	memset(ccw_data, 0, 32);
	*(u64 *)(ccw_data + 0) = (u64)desc_page;
	*(u16 *)(ccw_data + 12) = 0;		/* queue index */
	*(u16 *)(ccw_data + 14) = QSIZE;
	*(u64 *)(ccw_data + 16) = (u64)avail_page;
	*(u64 *)(ccw_data + 24) = (u64)used_page;
	if (ccw(CCW_SET_VQ, 32))
		return 0;
	return !write_status(VIRTIO_ACK | VIRTIO_DRIVER | VIRTIO_FEATURES_OK |
			     VIRTIO_DRIVER_OK);
}

/* one read of sector 0: header, data, status in descriptors 0-2 */
static void submit(void)
{
	struct vring_desc *d = (struct vring_desc *)desc_page;
	struct blk_req *req = (struct blk_req *)hdr_page;
	u8 *status = hdr_page + 64;
	u16 *avail = (u16 *)avail_page;

	req->type = le32(0);		/* VIRTIO_BLK_T_IN */
	req->ioprio = 0;
	req->sector = le64(0);
	*status = 0xff;
	d[0].addr = le64((u64)req);
	d[0].len = le32(sizeof(*req));
	d[0].flags = le16(VRING_DESC_F_NEXT);
	d[0].next = le16(1);
	d[1].addr = le64((u64)data_page);
	d[1].len = le32(512);
	d[1].flags = le16(VRING_DESC_F_NEXT | VRING_DESC_F_WRITE);
	d[1].next = le16(2);
	d[2].addr = le64((u64)status);
	d[2].len = le32(1);
	d[2].flags = le16(VRING_DESC_F_WRITE);
	d[2].next = 0;
	avail[2] = 0;			/* ring[0]: descriptor head 0 */
	barrier();
	avail[1] = le16(1);		/* idx */
	barrier();
}

static long kick(void)
{
	register unsigned long nr asm("1") = 3;	/* virtio-ccw notify */
	register unsigned long id asm("2") = 0x10000;
	register unsigned long queue asm("3") = 0;
	register long cookie asm("4") = 0;

	id = (u64)schid;
	asm volatile("diag 2,4,0x500" : "+d" (id)
		     : "d" (nr), "d" (queue), "d" (cookie) : "memory", "cc");
	return id;
}

/* wait up to 10 s (TOD: 4096 units per microsecond) for the used index */
static int wait_used(void)
{
	volatile u16 *used = (volatile u16 *)used_page;
	u64 end = tod() + 10000000UL * 4096;

	while (tod() < end)
		if (le16(used[1]) == 1)
			return 1;
	return 0;
}

int main(void)
{
	const char *sc = param_str("scenario", "ok");
	u8 *pages[] = { ccw_page, ccw_data, desc_page, avail_page, used_page, hdr_page,
			data_page };
	int secure = param_is("scenario", "secure", "ok");
	int data_unshare = param_is("scenario", "data-unshare", "ok");
	int ring_unshare = param_is("scenario", "ring-unshare", "ok");
	int i, ok = 1, iommu = 0, done;
	long rc;

	tap_plan(4);
	printf("# virtqueue scenario %s\n", sc);
	if (!find_device()) {
		printf("Bail out! no ccw device (add -device virtio-blk-ccw)\n");
		tap_done();
	}
	for (i = 0; i < (int)(sizeof(pages) / sizeof(pages[0])); i++)
		if (pages[i] != data_page || !secure)
			ok &= share(pages[i], UVC_CMD_SET_SHARED);
	tap_ok(ok, "ring, request and %s pages shared", secure ? "status (not data)" : "data");
	memset(data_page, 0x5a, PAGE_SIZE);
	ok = setup(&iommu);
	tap_ok(ok, "virtio-blk set up (revision 1, one queue of %d, ACCESS_PLATFORM %s)",
	       QSIZE, iommu ? "negotiated" : "not offered");
	if (!ok)
		tap_done();
	submit();
	rc = kick();
	if (data_unshare)
		share(data_page, UVC_CMD_REMOVE_SHARED);
	if (ring_unshare)
		share(used_page, UVC_CMD_REMOVE_SHARED);
	tap_ok(rc >= 0, "kick (diag 500): %ld", rc);
	done = wait_used();
	if (ring_unshare)
		tap_ok(done, "request completed with the used ring unshared (audit lets "
		       "the device's write through; the emulator must flag it)");
	else
		tap_ok(done && hdr_page[64] == 0 && data_page[0] == 0,
		       "request completed: status %d, data %s", hdr_page[64],
		       data_page[0] == 0 ? "read (zeroes)" : "not read");
	return 0;
}
