/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Channel I/O for the emulated-Ultravisor payloads: one ccw device found by
 * STSCH, enabled by MSCH, and single CCWs run with SSCH and polled with
 * TSCH.  Included by one payload each (the state below is per payload).
 */
#ifndef PVM_TEST_CSS_H
#define PVM_TEST_CSS_H

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

static struct schib schib;
static struct orb orb;
static struct irb irb;
static u32 schid;

static inline int stsch(u32 id, struct schib *s)
{
	register u64 r1 asm("1") = id;
	int cc;

	asm volatile("stsch 0(%2)\n ipm %0\n srl %0,28"
		     : "=d" (cc), "+d" (r1) : "a" (s) : "memory", "cc");
	return cc;
}

static inline int msch(u32 id, struct schib *s)
{
	register u64 r1 asm("1") = id;
	int cc;

	asm volatile("msch 0(%2)\n ipm %0\n srl %0,28"
		     : "=d" (cc), "+d" (r1) : "a" (s) : "memory", "cc");
	return cc;
}

static inline int ssch(u32 id, struct orb *o)
{
	register u64 r1 asm("1") = id;
	int cc;

	asm volatile("ssch 0(%2)\n ipm %0\n srl %0,28"
		     : "=d" (cc), "+d" (r1) : "a" (o) : "memory", "cc");
	return cc;
}

static inline int tsch(u32 id, struct irb *i)
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

#endif
