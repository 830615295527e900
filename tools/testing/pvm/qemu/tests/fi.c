// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection of the emulated Ultravisor as seen by the caller.  The
 * -append parameters repeat the object's fault-injection properties so the
 * payload knows what to expect:
 *   busy=K      busy-count=K: every share/unshare answers cc 2 K times first
 *   nth=N       fail-nth=N: the Nth share/unshare call fails
 *   every=N     fail-every=N: every Nth call fails
 *   percent=P   fail-percent=P: about P% of the calls fail
 *   rc=X        fail-rc=X (default 0x10a)
 *   calls=C     number of calls to make (default 16)
 */
#include "lib.h"

static u8 page[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 failed[256];

int main(void)
{
	u64 busy = param_num("busy", 0), nth = param_num("nth", 0);
	u64 every = param_num("every", 0), percent = param_num("percent", 0);
	u64 want_rc = param_num("rc", 0x10a), calls = param_num("calls", 16);
	int busy_ok = 1, pattern_ok = 1, rc_ok = 1, success_ok = 1;
	int first_cc = -1, nfail = 0;
	u64 i;

	if (calls > sizeof(failed))
		calls = sizeof(failed);
	tap_plan(5);
	printf("# fault injection: busy=%lu nth=%lu every=%lu percent=%lu rc=0x%lx calls=%lu\n",
	       busy, nth, every, percent, want_rc, calls);

	for (i = 1; i <= calls; i++) {
		u16 cmd = (i & 1) ? UVC_CMD_SET_SHARED : UVC_CMD_REMOVE_SHARED;
		int nbusy = 0, cc, expect_fail;
		u16 rc;

		if (i == 1) {
			/* one single attempt first, as __uv_call() would */
			first_cc = uv_share((u64)page, cmd, &rc);
			if (first_cc == 2)
				nbusy = 1;
		}
		if (i != 1 || first_cc == 2) {
			int more;

			cc = uv_share_retry((u64)page, cmd, &rc, &more);
			nbusy += more;
		} else {
			cc = first_cc;
		}
		if ((u64)nbusy != busy) {
			printf("# call %lu: %d busy answers\n", i, nbusy);
			busy_ok = 0;
		}
		failed[i - 1] = cc != 0;
		nfail += cc != 0;
		expect_fail = (nth && i == nth) || (every && i % every == 0) ||
			      percent == 100;
		if (!percent || percent == 100)
			if (failed[i - 1] != expect_fail) {
				printf("# call %lu: cc %d rc 0x%x, expected %s\n", i, cc, rc,
				       expect_fail ? "failure" : "success");
				pattern_ok = 0;
			}
		if (cc && (cc != 1 || rc != want_rc)) {
			printf("# call %lu: cc %d rc 0x%x\n", i, cc, rc);
			rc_ok = 0;
		}
		if (!cc && rc != 1)
			success_ok = 0;
	}
	tap_ok(busy_ok && (busy ? first_cc == 2 : first_cc != 2),
	       "every call answered busy (cc 2) %lu times before completing", busy);
	tap_ok(pattern_ok, "failures at the expected calls");
	tap_ok(rc_ok, "injected failures return cc 1 rc 0x%lx", want_rc);
	tap_ok(success_ok, "other calls return cc 0 rc 1");
	if (percent && percent < 100)
		tap_ok(nfail > 0 && (u64)nfail < calls, "%d of %lu calls failed at %lu%%",
		       nfail, calls, percent);
	else
		tap_ok(1, "%d of %lu calls failed", nfail, calls);
	return 0;
}
