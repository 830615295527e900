// SPDX-License-Identifier: GPL-2.0
/*
 * The exposure detector of the emulated Ultravisor: pages holding a
 * planted pattern (the object's canary=) must be counted when the host can
 * read them, and only then.  The cases file gives the object two patterns,
 * P1 and P2 below, and expects the counters; a case without canary=
 * expects nothing counted.
 *   page 1: P1, stays secure            (never counted)
 *   page 2: P1, then shared             (counted when it becomes shared)
 *   page 3: shared, then P2 written     (counted by the scan at exit)
 *   page 4: P1, shared, unshared        (counted once, at share)
 *   page 5: a near miss of P1, shared   (not counted)
 *   a run of 256 shared pages, then P2 in one (the pool, found at exit)
 *   P1 straddling pool pages 200 and 201 (counted once, for page 200)
 *   P2 straddling a shared page and a secure one (not counted: the host
 *   sees only half of it)
 */
#include "lib.h"

static const char p1[] = "PVMcPayloadOne!!";
static const char p2[] = "PVMcPayloadTwo??";
static u8 pages[5][PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 pool[256][PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 pair[2][PAGE_SIZE] __aligned(PAGE_SIZE);

static void plant(u8 *page, const char *pat, int off)
{
	memcpy(page + off, pat, 16);
}

static int sh(u8 *page, u16 cmd)
{
	u16 rc;

	return uv_share((u64)page, cmd, &rc) == 0 && rc == 1;
}

int main(void)
{
	int i, ok = 1;

	tap_plan(7);
	plant(pages[0], p1, 100);
	plant(pages[1], p1, 4096 - 16);		/* the last bytes of the page */
	plant(pages[3], p1, 0);
	plant(pages[4], p1, 200);
	pages[4][200 + 15] ^= 1;		/* one bit off */
	tap_ok(sh(pages[1], UVC_CMD_SET_SHARED), "page 2 (holds P1) shared");
	tap_ok(sh(pages[2], UVC_CMD_SET_SHARED), "page 3 shared, then P2 written to it");
	plant(pages[2], p2, 2000);
	tap_ok(sh(pages[3], UVC_CMD_SET_SHARED) && sh(pages[3], UVC_CMD_REMOVE_SHARED),
	       "page 4 (holds P1) shared and unshared");
	tap_ok(sh(pages[4], UVC_CMD_SET_SHARED), "page 5 (a near miss of P1) shared");
	for (i = 0; i < 256; i++)
		ok &= sh(pool[i], UVC_CMD_SET_SHARED);
	plant(pool[100], p2, 8);
	tap_ok(ok, "a run of 256 pages shared, then P2 written to one of them");
	plant(pool[200], p1, PAGE_SIZE - 8);	/* 8 bytes here, 8 in pool[201] */
	tap_ok(pool[201][7] == '!', "P1 straddles pool pages 200 and 201");
	plant(pair[0], p2, PAGE_SIZE - 8);
	tap_ok(sh(pair[0], UVC_CMD_SET_SHARED), "P2 straddles a shared and a secure page");
	printf("# the counters are the emulator's verdict (see the cases file)\n");
	return 0;
}
