// SPDX-License-Identifier: GPL-2.0
/*
 * mode=hardware of the emulated Ultravisor (the default): device access to
 * a secure page has a real machine's outcome.  A device that reads a
 * secure page sees ciphertext, not the page's bytes; a device that writes
 * one stops the guest (the Ultravisor's integrity check).  Needs one
 * virtio ccw device, e.g. -device virtio-rng-ccw.  The cases file expects
 * the counters (hw-cipher-reads, hw-write-stops).
 */
#include "css.h"

#define CCW_WRITE_STATUS	0x31
#define CCW_READ_STATUS		0x72

static u8 shared_ccw[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 shared_data[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 secure_data[PAGE_SIZE] __aligned(PAGE_SIZE);

static u64 tod(void)
{
	u64 t;

	asm volatile("stck %0" : "=Q" (t) : : "cc");
	return t;
}

int main(void)
{
	u64 end;
	u16 rc;
	int ret, wret;

	tap_plan(2);
	if (!find_device()) {
		printf("Bail out! no ccw device (add e.g. -device virtio-rng-ccw)\n");
		tap_done();
	}
	uv_share((u64)shared_ccw, UVC_CMD_SET_SHARED, &rc);
	uv_share((u64)shared_data, UVC_CMD_SET_SHARED, &rc);
	ret = run_ccw(make_ccw(shared_ccw, 0xe4, 0x20, 8, shared_data));
	*(u32 *)shared_data = 0x00010000;	/* virtio revision 1 */
	ret |= run_ccw(make_ccw(shared_ccw, 0x83, 0, 4, shared_data));
	tap_ok(ret == 0, "SENSE ID and SET VIRTIO REVISION from shared pages (status 0x%x)",
	       ret);

	/* the device reads status 0 from a secure page: it must not see 0 */
	secure_data[0] = 0;
	wret = run_ccw(make_ccw(shared_ccw, CCW_WRITE_STATUS, 0, 1, secure_data));
	shared_data[0] = 0;
	ret = run_ccw(make_ccw(shared_ccw, CCW_READ_STATUS, 0, 1, shared_data));
	tap_ok(wret != 0 || (ret == 0 && shared_data[0] != 0),
	       "a device reading a secure page does not see its bytes (WRITE STATUS "
	       "0x%x, status now 0x%02x)", wret, shared_data[0]);

	printf("# a device write into a secure page: the guest must be stopped\n");
	run_ccw(make_ccw(shared_ccw, 0xe4, 0x20, 8, secure_data));
	for (end = tod() + 5000000UL * 4096; tod() < end;)
		;
	printf("Bail out! the guest still runs 5 s after a device wrote a secure page\n");
	tap_done();
}
