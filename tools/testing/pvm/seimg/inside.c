// SPDX-License-Identifier: GPL-2.0
/*
 * A payload started from a pvm-seimg image instead of a kernel: it runs in
 * protected mode entered through diag 308 subcode 10, and checks that the
 * machine says so and that subcodes 8 and 10 are refused from inside
 * protected mode (leave it first: subcode 3).
 */
#include "lib.h"

#define BIT_SHARE	(1UL << (63 - 8))

static struct uv_cb_qui qui;
static u8 iplb[PAGE_SIZE] __aligned(PAGE_SIZE);

static int diag308_pgm(u64 subcode, u64 addr)
{
	expect_pgm();
	diag308(subcode, addr);
	return check_pgm();
}

static int zero(const u8 *p, u64 len)
{
	while (len--)
		if (*p++)
			return 0;
	return 1;
}

int main(void)
{
	int code;

	tap_plan(5);
	uv_query(&qui, sizeof(qui));
	tap_ok(!!(qui.inst_calls_list[0] & BIT_SHARE),
	       "protected mode after subcode 10 (query lists 0x%lx)", qui.inst_calls_list[0]);
	tap_ok(test_facility(169), "keyless: facility 169 installed");
	tap_ok(zero((u8 *)0x100000UL, 2 * PAGE_SIZE),
	       "pages no component names are cleared (IPLB at 0x100000, header at 0x101000)");
	code = diag308_pgm(10, 0);
	tap_ok(code == PGM_SPECIFICATION,
	       "a second subcode 10 from protected mode: pgm 0x%x (want 0x06)", code);
	code = diag308_pgm(8, (u64)iplb);
	tap_ok(code == PGM_SPECIFICATION,
	       "subcode 8 from protected mode: pgm 0x%x (want 0x06)", code);
	return 0;
}
