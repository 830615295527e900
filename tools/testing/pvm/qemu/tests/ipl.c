// SPDX-License-Identifier: GPL-2.0
/*
 * diag 308 subcodes 8, 9 and 10 outside protected mode: the validity rules
 * of a type-5 (protected) IPL parameter block, storing it back, and a
 * subcode 10 that must fail and come back after the DIAGNOSE with the
 * reason in R1 + 1 (tools/testing/pvm/seimg/README.md).  Run without
 * start-protected.
 */
#include "lib.h"

#define RC_OK		0x0001
#define RC_NO_CONF	0x0102
#define RC_INVALID	0x0402
#define IPLB_LEN(n)	(0x88 + 24 * (n))

static u8 iplb[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 back[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 hdr[PAGE_SIZE] __aligned(PAGE_SIZE);

static void put32(u8 *p, u32 v) { *(u32 *)p = v; }	/* big endian host */
static void put64(u8 *p, u64 v) { *(u64 *)p = v; }

/* A block with @n components: addresses 1 MiB + i pages, tweaks i + 1. */
static void build(u32 n, u32 len)
{
	u32 i;

	memset(iplb, 0, sizeof(iplb));
	put32(iplb, len);
	put32(iplb + 0x08, len - 8);
	iplb[0x0c] = 5;
	put32(iplb + 0x74, n);
	put64(iplb + 0x78, (u64)hdr);
	put64(iplb + 0x80, 0x2c0);
	for (i = 0; i < n && 0x88 + 24 * (i + 1) <= sizeof(iplb); i++) {
		put64(iplb + 0x88 + 24 * i, i + 1);
		put64(iplb + 0x90 + 24 * i, 0x100000 + i * PAGE_SIZE);
		put64(iplb + 0x98 + 24 * i, PAGE_SIZE);
	}
}

static void expect(u64 subcode, u64 want, const char *what)
{
	u64 rc = diag308(subcode, (u64)iplb);

	tap_ok(rc == want, "subcode %lu %s: rc 0x%lx (want 0x%lx)", subcode, what, rc, want);
}

int main(void)
{
	u64 rc;
	int same, i;

	tap_plan(11);
	rc = diag308(9, (u64)back);
	tap_ok(rc == RC_NO_CONF, "subcode 9 before any subcode 8: rc 0x%lx (want 0x102)", rc);
	build(0, IPLB_LEN(0) + 24);
	expect(8, RC_INVALID, "without components");
	build(2, IPLB_LEN(2));
	put32(iplb + 0x74, 200);
	expect(8, RC_INVALID, "with more components than its length holds");
	build(2, IPLB_LEN(2));
	put64(iplb + 0x90 + 24, 0x100800);
	expect(8, RC_INVALID, "with a component 2 KiB off a page boundary");
	build(2, IPLB_LEN(2));
	put64(iplb + 0x88 + 24, 1);
	expect(8, RC_INVALID, "with tweak prefixes not increasing");
	build(2, IPLB_LEN(2));
	put64(iplb + 0x80, 3 * PAGE_SIZE);
	expect(8, RC_INVALID, "with a header longer than 2 pages");
	build(2, IPLB_LEN(2));
	expect(8, RC_OK, "valid block");
	memset(back, 0xff, sizeof(back));
	rc = diag308(9, (u64)back);
	same = 1;
	for (i = 0; i < IPLB_LEN(2); i++)
		if (back[i] != iplb[i])
			same = 0;
	tap_ok(rc == RC_OK && same, "subcode 9 stores the block back unchanged (rc 0x%lx)", rc);
	/* the header is all zeros: refused at Set Secure Config Parameters */
	rc = diag308(10, 0);
	tap_ok(rc == 0x00020000010a0a02UL,
	       "subcode 10 with a zero header comes back: 0x%016lx (want command 2, rc 0x10a)",
	       rc);
	expect_pgm();
	uv_query((struct uv_cb_qui *)back, sizeof(struct uv_cb_qui));
	rc = check_pgm();
	tap_ok(rc == PGM_OPERATION && !test_facility(158),
	       "still not protected (no facility 158, UVC is an operation exception: 0x%lx)",
	       rc);
	tap_ok(!test_facility(169), "keys still usable (facility 169 absent)");
	return 0;
}
