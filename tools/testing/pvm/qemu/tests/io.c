// SPDX-License-Identifier: GPL-2.0
/*
 * Device-side access checking of the emulated Ultravisor: channel programs
 * whose CCWs, IDAWs or data sit in secure pages must be flagged.  With
 * mode=deny the channel program ends in a channel-program check, with
 * mode=audit (and in non-protected mode) it completes.  Needs one ccw device,
 * e.g. -device virtio-rng-ccw.  -append parameters:
 *   expect=pv|nonpv   (default pv)
 *   mode=deny|audit   the object's mode (default deny)
 */
#include "lib.h"

struct ccw1 {
	u8 cmd;
	u8 flags;
	u16 count;
	u32 cda;
} __attribute__((packed, aligned(8)));

struct orb {
	u32 intparm;
	u16 ctrl0;
	u8 lpm;
	u8 ctrl1;
	u32 cpa;
	u32 reserved[5];
} __attribute__((packed, aligned(4)));

struct schib {
	u32 intparm;
	u16 flags;
	u16 devno;
	u8 lpm, pnom, lpum, pim;
	u16 mbi;
	u8 pom, pam;
	u8 chpid[8];
	u32 chars;
	u8 scsw[12];
	u64 mba;
	u8 mda[4];
} __attribute__((packed, aligned(4)));

struct irb {
	u16 flags;
	u16 ctrl;
	u32 cpa;
	u8 dstat;
	u8 cstat;
	u16 count;
	u8 rest[84];
} __attribute__((packed, aligned(4)));

#define CCW_SENSE_ID	0xe4
#define CCW_READ_STATUS	0x72
#define CCW_SET_VIRTIO_REV 0x83
#define CCW_FLAG_SLI	0x20
#define CCW_FLAG_IDA	0x04
#define ORB_FMT1	0x0080
#define ORB_C64		0x0002	/* format-2 (64-bit) IDAWs, 4K blocks */
#define PMCW_ENA	0x0080
#define PMCW_DNV	0x0001
#define CSTAT_PROG_CHECK 0x20

/* one page each so that sharing one never shares another */
static u8 shared_ccw[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 shared_data[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 shared_idaw[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 secure_ccw[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 secure_data[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 secure_idaw[PAGE_SIZE] __aligned(PAGE_SIZE);

static struct schib schib;
static struct orb orb;
static struct irb irb;
static u32 schid;

static int stsch(u32 id, struct schib *s)
{
	register u64 r1 asm("1") = id;
	int cc;

	asm volatile("stsch 0(%2)\n ipm %0\n srl %0,28"
		     : "=d" (cc), "+d" (r1) : "a" (s) : "memory", "cc");
	return cc;
}

static int msch(u32 id, struct schib *s)
{
	register u64 r1 asm("1") = id;
	int cc;

	asm volatile("msch 0(%2)\n ipm %0\n srl %0,28"
		     : "=d" (cc), "+d" (r1) : "a" (s) : "memory", "cc");
	return cc;
}

static int ssch(u32 id, struct orb *o)
{
	register u64 r1 asm("1") = id;
	int cc;

	asm volatile("ssch 0(%2)\n ipm %0\n srl %0,28"
		     : "=d" (cc), "+d" (r1) : "a" (o) : "memory", "cc");
	return cc;
}

static int tsch(u32 id, struct irb *i)
{
	register u64 r1 asm("1") = id;
	int cc;

	asm volatile("tsch 0(%2)\n ipm %0\n srl %0,28"
		     : "=d" (cc), "+d" (r1) : "a" (i) : "memory", "cc");
	return cc;
}

static int find_device(void)
{
	int i;

	for (i = 0; i < 16; i++) {
		if (stsch(0x10000 | i, &schib) == 0 && (schib.flags & PMCW_DNV)) {
			schid = 0x10000 | i;
			schib.flags |= PMCW_ENA;
			return msch(schid, &schib) == 0;
		}
	}
	return 0;
}

/* Run one CCW; returns 0 on normal completion, else the subchannel status. */
static int run_ccw_orb(struct ccw1 *ccw, u16 ctrl0)
{
	int cc, i;

	memset(&orb, 0, sizeof(orb));
	orb.intparm = 0x12345678;
	orb.ctrl0 = ORB_FMT1 | ctrl0;
	orb.lpm = 0xff;
	orb.cpa = (u32)(u64)ccw;
	cc = ssch(schid, &orb);
	if (cc) {
		printf("# ssch cc %d\n", cc);
		return -1;
	}
	for (i = 0; i < 1000; i++) {
		memset(&irb, 0, sizeof(irb));
		if (tsch(schid, &irb) == 0)
			break;
	}
	if (irb.cstat == 0 && (irb.dstat & 0x0c) == 0x0c)
		return 0;
	return irb.cstat << 8 | irb.dstat;
}

static int run_ccw(struct ccw1 *ccw)
{
	return run_ccw_orb(ccw, 0);
}

static struct ccw1 *make_ccw(u8 *page, u8 cmd, u8 flags, u16 count, void *data)
{
	struct ccw1 *ccw = (struct ccw1 *)page;

	ccw->cmd = cmd;
	ccw->flags = flags;
	ccw->count = count;
	ccw->cda = (u32)(u64)data;
	return ccw;
}

static int denied;

static void check(int ret, int secure_involved, const char *what)
{
	if (secure_involved && denied)
		tap_ok(ret != 0 && ((ret >> 8) & CSTAT_PROG_CHECK),
		       "%s: channel-program check (status 0x%x)", what, ret);
	else
		tap_ok(ret == 0, "%s: completes (status 0x%x)", what, ret);
}

static int sense_id(u8 *ccw_page, u8 *data)
{
	memset(data, 0, 8);
	return run_ccw(make_ccw(ccw_page, CCW_SENSE_ID, CCW_FLAG_SLI, 8, data));
}

static int sense_id_ida(u8 *ccw_page, u8 *idaw_page, u8 *data)
{
	*(u64 *)idaw_page = (u64)data;
	memset(data, 0, 8);
	return run_ccw_orb(make_ccw(ccw_page, CCW_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_IDA,
				    8, idaw_page), ORB_C64);
}

int main(void)
{
	int pv = param_is("expect", "pv", "pv");
	u8 *pages[] = { shared_ccw, shared_data, shared_idaw };
	int i, ret, virtio;
	u16 rc;

	denied = pv && param_is("mode", "deny", "deny");
	tap_plan(9);
	printf("# device access checking: %s, mode %s\n", pv ? "protected" : "non-protected",
	       param_str("mode", "deny"));
	if (!find_device()) {
		printf("Bail out! no ccw device (add e.g. -device virtio-rng-ccw)\n");
		tap_done();
	}
	for (i = 0; i < 3; i++) {
		int cc = uv_share((u64)pages[i], UVC_CMD_SET_SHARED, &rc);

		if (pv && (cc || rc != 1))
			printf("# share 0x%lx: cc %d rc 0x%x\n", (u64)pages[i], cc, rc);
	}
	ret = sense_id(shared_ccw, shared_data);
	virtio = shared_data[1] == 0x38 && shared_data[2] == 0x32;
	tap_ok(ret == 0 && shared_data[0] == 0xff,
	       "SENSE ID from shared pages: status 0x%x, cu type %02x%02x", ret,
	       shared_data[1], shared_data[2]);
	check(sense_id(secure_ccw, shared_data), 1, "CCW in a secure page");
	ret = sense_id(shared_ccw, secure_data);
	check(ret, 1, "data in a secure page");
	if (!denied)
		tap_ok(secure_data[0] == 0xff, "data arrived in the secure page (not denied)");
	else
		tap_ok(secure_data[0] == 0, "secure page unchanged (denied)");
	check(sense_id_ida(shared_ccw, shared_idaw, shared_data), 0,
	      "IDAW list and data in shared pages");
	check(sense_id_ida(shared_ccw, secure_idaw, shared_data), 1,
	      "IDAW list in a secure page");
	check(sense_id_ida(shared_ccw, shared_idaw, secure_data), 1,
	      "data via IDAW in a secure page");
	if (virtio) {
		/* virtio-1 devices want a revision first; revinfo {1, 0} */
		*(u32 *)shared_data = 0x00010000;
		ret = run_ccw(make_ccw(shared_ccw, CCW_SET_VIRTIO_REV, 0, 4, shared_data));
		if (ret)
			printf("# set revision: status 0x%x\n", ret);
		check(run_ccw(make_ccw(shared_ccw, CCW_READ_STATUS, 0, 1, secure_data)), 1,
		      "virtio READ STATUS into a secure page");
	} else {
		tap_skip("not a virtio device", "virtio READ STATUS into a secure page");
	}
	/* unsharing makes the page secure again */
	uv_share((u64)shared_data, UVC_CMD_REMOVE_SHARED, &rc);
	check(sense_id(shared_ccw, shared_data), 1, "data page after unshare");
	return 0;
}
