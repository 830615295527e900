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
#include "css.h"

/* one page each so that sharing one never shares another */
static u8 shared_ccw[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 shared_data[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 shared_idaw[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 secure_ccw[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 secure_data[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 secure_idaw[PAGE_SIZE] __aligned(PAGE_SIZE);

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
	/* outside protected mode there is no UVC: everything is the guest's */
	for (i = 0; pv && i < 3; i++) {
		int cc = uv_share((u64)pages[i], UVC_CMD_SET_SHARED, &rc);

		if (cc || rc != 1)
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
	if (pv)
		uv_share((u64)shared_data, UVC_CMD_REMOVE_SHARED, &rc);
	check(sense_id(shared_ccw, shared_data), 1, "data page after unshare");
	return 0;
}
