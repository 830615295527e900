// SPDX-License-Identifier: GPL-2.0
/*
 * DIAGNOSE 0x308 subcodes 0 and 1 in protected mode: the reset unshares
 * every page but keeps memory secure and intact, and the guest stays
 * protected.  Runs across two resets; the state lives in memory, which
 * these resets keep (so does the TAP numbering).  Needs mode=deny,
 * start-protected=on and a ccw device (-device virtio-rng-ccw).
 */
#include "css.h"

static u8 ccw_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 data_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static volatile int phase;
static volatile u64 canary;

/* SENSE ID with CCW and data in the two pages; 0 when it completes */
static int sense_id(void)
{
	return run_ccw(make_ccw(ccw_page, CCW_SENSE_ID, CCW_FLAG_SLI, 8, data_page));
}

static void reset(int subcode)
{
	register u64 r2 asm("2") = 0;
	register u64 r4 asm("4") = subcode;

	/* load normal starts from the short PSW at absolute 0 */
	*(volatile u64 *)0 = 0x0008000080000000UL | 0x10000;
	asm volatile(".insn rs,0x83000000,%0,%1,0x308(%%r0)"
		     : "+d" (r2) : "d" (r4) : "memory", "cc");
	printf("Bail out! diag 308 subcode %d returned\n", subcode);
	stop_all_cpus();
}

static int shared_io_works(void)
{
	u16 rc;

	uv_share((u64)ccw_page, UVC_CMD_SET_SHARED, &rc);
	uv_share((u64)data_page, UVC_CMD_SET_SHARED, &rc);
	return sense_id() == 0;
}

int main(void)
{
	static struct uv_cb_qui qui;

	if (!find_device()) {
		tap_plan(1);
		printf("Bail out! no ccw device (add -device virtio-rng-ccw)\n");
		tap_done();
	}
	switch (phase) {
	case 0:
		tap_plan(7);
		tap_ok(shared_io_works(), "I/O from shared pages completes");
		canary = 0x5ec2e7ca9a21UL;
		phase = 1;
		reset(1);
		break;
	case 1:
		tap_ok(sense_id() != 0, "after subcode 1 the pages are unshared again");
		tap_ok(canary == 0x5ec2e7ca9a21UL, "memory kept across subcode 1");
		uv_query(&qui, sizeof(qui));
		tap_ok(qui.inst_calls_list[0] == 0x80c0000f60000000UL,
		       "still protected after subcode 1 (query 0x%lx)", qui.inst_calls_list[0]);
		tap_ok(shared_io_works(), "sharing again works");
		phase = 2;
		reset(0);
		break;
	default:
		tap_ok(sense_id() != 0, "after subcode 0 the pages are unshared again");
		tap_ok(canary == 0x5ec2e7ca9a21UL, "memory kept across subcode 0");
		break;
	}
	return 0;
}
