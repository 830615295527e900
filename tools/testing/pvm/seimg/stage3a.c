// SPDX-License-Identifier: GPL-2.0
/*
 * Plaintext loader of a pvm-seimg protected image (the role of s390-tools'
 * stage3a): hands the type-5 IPL parameter block that pvm-seimg placed at
 * IPLB_ADDR to the machine (diag 308 subcode 8) and asks it to unpack the
 * image and start it in protected mode (subcode 10).  Subcode 10 only
 * comes back if the machine refused; the reason is printed, decoded the
 * way stage3a does, and the CPUs are stopped.
 */
#include "lib.h"

#define IPLB_ADDR	0x100000UL	/* pvm-seimg puts the IPLB here */
#define DIAG308_PV_SET	8
#define DIAG308_PV_START 10

int main(void)
{
	u64 rc;

	printf("pvm-stage3a: entering protected mode\n");
	if (!test_facility(161)) {
		printf("pvm-stage3a: facility 161 (unpack) is not installed\n");
		return 0;
	}
	rc = diag308(DIAG308_PV_SET, IPLB_ADDR);
	if (rc != 1) {
		printf("pvm-stage3a: diag 308 subcode 8 failed: rc 0x%lx\n", rc);
		return 0;
	}
	rc = diag308(DIAG308_PV_START, 0);
	printf("pvm-stage3a: diag 308 subcode 10 failed: 0x%016lx "
	       "(command %lu, UV rc 0x%04lx rrc 0x%04lx, diag rc 0x%04lx)\n",
	       rc, rc >> 48, (rc >> 16) & 0xffff, (rc >> 32) & 0xffff, rc & 0xffff);
	return 0;
}
