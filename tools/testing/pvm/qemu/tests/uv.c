// SPDX-License-Identifier: GPL-2.0
/*
 * Ultravisor-call, facility, keyless and diag 308 tests for the emulated
 * Ultravisor.  -append parameters:
 *   expect=pv|nonpv   the object has start-protected=on (pv, default) or not
 *   drop=share|unshare  the object drops that call from the Query list
 *   qlen=N            the object's query-len (default 0x120): a shorter
 *                     block gets rc 0x100, the full one rc 1
 *   edat=1            the CPU has the enhanced-DAT facility 1 (-cpu qemu,edat=on):
 *                     PFMF and SSKE's multiple-block control are tested
 */
#include "lib.h"

static struct uv_cb_qui qui;
static struct uv_cb_header hdr;
static u8 page[PAGE_SIZE] __aligned(PAGE_SIZE);
static u64 key_psw[2] __aligned(8);

#define BIT_QUI		(1UL << 63)
#define BIT_SHARE	(1UL << (63 - 8))
#define BIT_UNSHARE	(1UL << (63 - 9))
#define BITS_ATTEST_SECRETS	(0xfUL << (63 - 31) | 0x3UL << (63 - 34)) /* 28-31, 33, 34 */

static int pv;
static u8 big_qui[0x1000] __aligned(8);

static int uvc_cmd(u16 cmd, u16 len, u16 *rc)
{
	int cc;

	memset(&qui, 0, sizeof(qui));
	qui.header.len = len;
	qui.header.cmd = cmd;
	cc = uvc(&qui);
	*rc = qui.header.rc;
	return cc;
}

static void test_query(void)
{
	u64 want = BIT_QUI;
	int cc, i, clean;

	if (pv) {
		if (!param_is("drop", "share", "none"))
			want |= BIT_SHARE;
		if (!param_is("drop", "unshare", "none"))
			want |= BIT_UNSHARE;
		want |= BITS_ATTEST_SECRETS;	/* attest.c tests them */
	}
	cc = uv_query(&qui, sizeof(qui));
	tap_ok(param_num("qlen", 0x120) > 0x120 ? cc == 1 && qui.header.rc == 0x100 :
	       cc == 0 && qui.header.rc == 1, "query len 0x120: cc %d rc 0x%x",
	       cc, qui.header.rc);
	tap_ok(qui.inst_calls_list[0] == want && !qui.inst_calls_list[1] &&
	       !qui.inst_calls_list[2] && !qui.inst_calls_list[3],
	       "query lists 0x%lx (want 0x%lx)", qui.inst_calls_list[0], want);
	cc = uv_query(&qui, 0xa0);
	tap_ok(cc == 1 && qui.header.rc == 5, "query len 0xa0: cc %d rc 0x%x (want cc 1 rc 5)",
	       cc, qui.header.rc);
	memset(&qui, 0xa5, sizeof(qui));
	qui.header.len = 0xa8;
	qui.header.cmd = UVC_CMD_QUI;
	cc = uvc(&qui);
	clean = 1;
	for (i = 0xa8; i < (int)sizeof(qui); i++)
		if (((u8 *)&qui)[i] != 0xa5)
			clean = 0;
	tap_ok(cc == 1 && qui.header.rc == 0x100,
	       "query len 0xa8: cc %d rc 0x%x (want cc 1 rc 0x100)", cc, qui.header.rc);
	tap_ok(clean && qui.inst_calls_list[0] == want,
	       "query len 0xa8 fills the list and nothing beyond 0xa8");
	cc = uv_query(&qui, 0x100);
	tap_ok(cc == 1 && qui.header.rc == 0x100, "query len 0x100: cc %d rc 0x%x",
	       cc, qui.header.rc);
}

/* query-len: a newer Ultravisor's block is longer than today's 0x120 */
static void test_query_len(void)
{
	u64 qlen = param_num("qlen", 0x120);
	struct uv_cb_qui *q = (struct uv_cb_qui *)big_qui;
	int cc, clean = 1;
	u64 i;

	cc = uv_query(&qui, sizeof(qui));
	if (qlen > 0x120)
		tap_ok(cc == 1 && qui.header.rc == 0x100,
		       "query len 0x120 of 0x%lx: cc %d rc 0x%x (want cc 1 rc 0x100)",
		       qlen, cc, qui.header.rc);
	else
		tap_ok(cc == 0 && qui.header.rc == 1,
		       "query len 0x120 is the full block: cc %d rc 0x%x", cc, qui.header.rc);
	memset(big_qui, 0xa5, sizeof(big_qui));
	q->header.len = qlen + 0x40;
	q->header.cmd = UVC_CMD_QUI;
	cc = uvc(q);
	for (i = qlen; i < sizeof(big_qui); i++)
		if (big_qui[i] != 0xa5)
			clean = 0;
	tap_ok(cc == 0 && q->header.rc == 1 && clean,
	       "query len 0x%lx (0x40 past the full 0x%lx): cc %d rc 0x%x, "
	       "nothing stored past the block", qlen + 0x40, qlen, cc, q->header.rc);
}

/* key facilities a keyless guest lacks (facility 169 implies them off) */
static void test_keyless_facilities(void)
{
	static const int fac[] = { 10, 14, 66, 145, 149 };
	unsigned int i;

	for (i = 0; i < sizeof(fac) / sizeof(fac[0]); i++) {
		if (pv)
			tap_ok(!test_facility(fac[i]),
			       "facility %d (key handling) absent in protected mode", fac[i]);
		else
			tap_skip("what the CPU model has",
				 "facility %d outside protected mode: %s", fac[i],
				 test_facility(fac[i]) ? "installed" : "absent");
	}
}

static void test_share(void)
{
	u64 pa = (u64)page;
	int share_ok = pv && !param_is("drop", "share", "none");
	int unshare_ok = pv && !param_is("drop", "unshare", "none");
	u16 rc, want;
	int cc;

	cc = uv_share(pa, UVC_CMD_SET_SHARED, &rc);
	if (share_ok)
		tap_ok(cc == 0 && rc == 1, "share page: cc %d rc 0x%x", cc, rc);
	else
		tap_ok(cc == 1 && rc == 2, "share not available: cc %d rc 0x%x (want rc 2)",
		       cc, rc);
	cc = uv_share(pa, UVC_CMD_SET_SHARED, &rc);
	tap_ok(share_ok ? (cc == 0 && rc == 1) : (cc == 1 && rc == 2),
	       "share again (idempotent): cc %d rc 0x%x", cc, rc);
	cc = uv_share(pa, UVC_CMD_REMOVE_SHARED, &rc);
	if (unshare_ok)
		tap_ok(cc == 0 && rc == 1, "unshare page: cc %d rc 0x%x", cc, rc);
	else
		tap_ok(cc == 1 && rc == 2, "unshare not available: cc %d rc 0x%x (want rc 2)",
		       cc, rc);
	cc = uv_share(pa, UVC_CMD_REMOVE_SHARED, &rc);
	tap_ok(unshare_ok ? (cc == 0 && rc == 1) : (cc == 1 && rc == 2),
	       "unshare a secure page (idempotent): cc %d rc 0x%x", cc, rc);
	if (!pv) {
		tap_skip("not protected", "share error paths");
		return;
	}

	/* short blocks (a dropped command answers rc 2 before any check) */
	memset(&qui, 0, sizeof(qui));
	qui.header.len = 0x28;
	qui.header.cmd = UVC_CMD_SET_SHARED;
	((struct uv_cb_share *)&qui)->paddr = pa;
	cc = uvc(&qui);
	want = share_ok ? 5 : 2;
	tap_ok(cc == 1 && qui.header.rc == want,
	       "share len 0x28: cc %d rc 0x%x (want rc 0x%x)", cc, qui.header.rc, want);
	qui.header.cmd = UVC_CMD_REMOVE_SHARED;
	cc = uvc(&qui);
	want = unshare_ok ? 5 : 2;
	tap_ok(cc == 1 && qui.header.rc == want,
	       "unshare len 0x28: cc %d rc 0x%x (want rc 0x%x)", cc, qui.header.rc, want);
	/* outside guest memory */
	cc = uv_share(1UL << 40, UVC_CMD_SET_SHARED, &rc);
	want = share_ok ? 0x101 : 2;
	tap_ok(cc == 1 && rc == want, "share outside memory: cc %d rc 0x%x (want 0x%x)",
	       cc, rc, want);
	cc = uv_share(1UL << 40, UVC_CMD_REMOVE_SHARED, &rc);
	want = unshare_ok ? 0x101 : 2;
	tap_ok(cc == 1 && rc == want, "unshare outside memory: cc %d rc 0x%x (want 0x%x)",
	       cc, rc, want);
	/* unaligned */
	cc = uv_share(pa + 8, UVC_CMD_SET_SHARED, &rc);
	want = share_ok ? 0x102 : 2;
	tap_ok(cc == 1 && rc == want, "share unaligned: cc %d rc 0x%x (want 0x%x)",
	       cc, rc, want);
	cc = uv_share(pa + 8, UVC_CMD_REMOVE_SHARED, &rc);
	want = unshare_ok ? 0x102 : 2;
	tap_ok(cc == 1 && rc == want, "unshare unaligned: cc %d rc 0x%x (want 0x%x)",
	       cc, rc, want);
}

static void test_other_commands(void)
{
	/* attestation and secret commands last: installed in a protected guest */
	/* the last four are installed in protected mode (attest.c tests them) */
	static const u16 cmds[] = { 0x000f, 0x0100, 0x0200, 0x0301, 0x1234,
				    0x0002, 0x1020, 0x1031, 0x1035 };
	int i, bad = 0, n = sizeof(cmds) / sizeof(cmds[0]) - (pv ? 4 : 0);
	u16 rc;

	for (i = 0; i < n; i++) {
		int cc = uvc_cmd(cmds[i], 0x200 > sizeof(qui) ? sizeof(qui) : 0x200, &rc);

		if (cc != 1 || rc != 2) {
			printf("# cmd 0x%x: cc %d rc 0x%x\n", cmds[i], cc, rc);
			bad++;
		}
	}
	tap_ok(!bad, "host-only, unknown%s commands: cc 1 rc 2",
	       pv ? "" : ", host-key, attestation and secret");
}

static void test_exceptions(void)
{
	int code;

	memset(&hdr, 0, sizeof(hdr));
	hdr.len = sizeof(qui);
	hdr.cmd = UVC_CMD_QUI;
	expect_pgm();
	enter_problem_state();
	uvc(&qui);
	code = check_pgm();
	tap_ok(code == PGM_PRIVILEGED, "UVC in problem state: pgm 0x%x (want 0x02)", code);

	uv_query(&qui, sizeof(qui));
	expect_pgm();
	asm volatile("	.insn	rrf,0xB9A40000,%[r1],%[r2],4,2\n"
		     : : [r1] "d" (0UL), [r2] "a" (&qui) : "memory", "cc");
	code = check_pgm();
	tap_ok(code == PGM_SPECIFICATION, "UVC with non-zero unused fields: pgm 0x%x (want 0x06)",
	       code);
	expect_pgm();
	uvc((u8 *)&qui + 4);
	code = check_pgm();
	tap_ok(code == PGM_SPECIFICATION, "UVC with unaligned UVCB: pgm 0x%x (want 0x06)", code);
}

/*
 * Outside protected mode the guest has no facility 158, as a KVM guest
 * that is not protected: the UVC instruction is an operation exception,
 * whatever the command, also in problem state.
 */
static void test_uvc_absent(void)
{
	u16 rc;
	int code;

	expect_pgm();
	uv_query(&qui, sizeof(qui));
	code = check_pgm();
	tap_ok(code == PGM_OPERATION, "Query outside protected mode: pgm 0x%x (want 0x01)", code);
	expect_pgm();
	uv_share((u64)&page, UVC_CMD_SET_SHARED, &rc);
	code = check_pgm();
	tap_ok(code == PGM_OPERATION, "Set Shared Access outside protected mode: pgm 0x%x",
	       code);
	expect_pgm();
	enter_problem_state();
	uvc(&qui);
	code = check_pgm();
	tap_ok(code == PGM_OPERATION, "UVC in problem state outside protected mode: pgm 0x%x",
	       code);
}

static void check_key_insn(const char *name, int code)
{
	if (pv)
		tap_ok(code == PGM_SPECIAL_OP, "%s traps in protected mode: pgm 0x%x",
		       name, code);
	else
		tap_ok(code == 0, "%s works in non-protected mode: pgm 0x%x", name, code);
}

/* PSW key via EPSW (QEMU TCG has no IPK) */
static u64 psw_key(void)
{
	u64 hi = 0, lo = 0;

	asm volatile("epsw %0,%1" : "+d" (hi), "+d" (lo));
	return (hi >> 20) & 0xf;
}

static void test_keys(void)
{
	register u64 r2 asm("2");
	u64 addr = (u64)page, key;
	u64 *svc_new_psw = (u64 *)0x1c0;
	int code, ilc;

	expect_pgm();
	asm volatile("iske %0,%1" : "=d" (key) : "d" (addr) : "memory");
	check_key_insn("ISKE", check_pgm());
	expect_pgm();
	asm volatile("sske %0,%1" : : "d" (0UL), "d" (addr) : "memory");
	check_key_insn("SSKE", check_pgm());
	expect_pgm();
	asm volatile("rrbe %0,%1" : : "d" (0UL), "d" (addr) : "memory", "cc");
	check_key_insn("RRBE", check_pgm());
	expect_pgm();
	asm volatile("spka 0x10" : : : "memory");
	code = check_pgm();
	check_key_insn("SPKA with key 1", code);
	asm volatile("spka 0" : : : "memory");
	expect_pgm();
	asm volatile("spka 0" : : : "memory");
	tap_ok(check_pgm() == 0, "SPKA with key 0 never traps");

	key_psw[0] = 0x0010000180000000UL;	/* key 1, 64-bit, DAT off */
	expect_pgm();
	asm volatile("	larl	%%r1,0f\n"
		     "	stg	%%r1,8(%[p])\n"
		     "	lpswe	0(%[p])\n"
		     "0:\n" : : [p] "a" (key_psw) : "r1", "memory");
	code = check_pgm();
	key = psw_key();
	asm volatile("spka 0" : : : "memory");
	check_key_insn("LPSWE with key 1", code);
	if (!pv)
		tap_ok(key == 1, "LPSWE loaded key 1 (key %lu)", key);
	else
		tap_ok(key == 0, "PSW key stays 0 (key %lu)", key);

	/* an interruption whose new PSW has a key: here the SVC new PSW */
	svc_new_psw[0] = 0x0010000180000000UL;	/* key 1, 64-bit, DAT off */
	expect_pgm();
	asm volatile("	larl	%%r1,0f\n"
		     "	stg	%%r1,8(%[p])\n"
		     "	svc	0\n"
		     "0:\n" : : [p] "a" (svc_new_psw) : "r1", "memory");
	code = check_pgm();
	ilc = *(volatile u16 *)0x8c;
	key = psw_key();
	asm volatile("spka 0" : : : "memory");
	svc_new_psw[0] = 0;
	if (pv)
		tap_ok(code == PGM_SPECIFICATION && (ilc & 6) == 0,
		       "an interruption new PSW with key 1: specification exception, "
		       "ILC 0 (pgm 0x%x, ILC %d)", code, ilc & 6);
	else
		tap_ok(code == 0 && key == 1,
		       "an interruption new PSW with key 1 loads (pgm 0x%x, key %lu)",
		       code, key);

	r2 = addr;
	expect_pgm();
	asm volatile("tprot 0(%0),0x10" : : "a" (r2) : "memory", "cc");
	check_key_insn("TPROT with key 1", check_pgm());
}

/* ---- enhanced-DAT facility 1: PFMF and SSKE with multiple blocks ---- */

#define FRAME		0x1000000UL	/* a 1 MiB frame the payload does not use */
#define PFMF_SK		0x20000UL
#define PFMF_CF		0x10000UL
#define PFMF_FSC_1M	0x01000UL
#define PFMF_NQ		0x00800UL
#define CR0_LAP		0x10000000UL

/* PFMF with R1 = fmi and R2 = *addr; *addr gets R2 back; the pgm code */
static int pfmf(u64 fmi, u64 *addr)
{
	u64 a = *addr;

	expect_pgm();
	asm volatile(".insn rre,0xb9af0000,%[f],%[a]"
		     : [a] "+a" (a) : [f] "d" (fmi) : "memory");
	*addr = a;
	return check_pgm();
}

static int sske_mb(u64 key, u64 *addr)
{
	u64 a = *addr;

	expect_pgm();
	asm volatile(".insn rrf,0xb22b0000,%[k],%[a],1,0"
		     : [a] "+a" (a) : [k] "d" (key) : "memory");
	*addr = a;
	return check_pgm();
}

static u8 iske(u64 addr)
{
	u64 key = 0;

	asm volatile("iske %0,%1" : "+d" (key) : "d" (addr) : "memory");
	return key & 0xf8;	/* access-control and fetch-protection bits */
}

/* the bytes of [p, p + len) all equal c */
static int all_bytes(const volatile u8 *p, unsigned long len, u8 c)
{
	while (len--)
		if (*p++ != c)
			return 0;
	return 1;
}

static void set_cr0(u64 val)
{
	asm volatile("lctlg 0,0,%0" : : "Q" (val) : "memory");
}

static u64 get_cr0(void)
{
	u64 val;

	asm volatile("stctg 0,0,%0" : "=Q" (val) : : "memory");
	return val;
}

static void test_pfmf_common(void)
{
	volatile u8 *frame = (volatile u8 *)FRAME;
	u64 a, cr0;
	int code;

	memset(page, 0x5a, sizeof(page));
	a = (u64)page;
	code = pfmf(PFMF_CF, &a);
	tap_ok(code == 0 && a == (u64)page && all_bytes(page, sizeof(page), 0),
	       "PFMF clear frame (4 KiB): zeroed, R2 unchanged (pgm 0x%x)", code);

	memset((void *)FRAME, 0x6b, 1UL << 20);
	a = FRAME + 0x5000;
	code = pfmf(PFMF_CF | PFMF_FSC_1M, &a);
	tap_ok(code == 0 && a == FRAME + (1UL << 20) &&
	       all_bytes(frame + 0x4000, 0x1000, 0x6b) &&
	       all_bytes(frame + 0x5000, (1UL << 20) - 0x5000, 0),
	       "PFMF clear frame (1 MiB) from block 5: to the frame's end, R2 = next frame "
	       "(pgm 0x%x, R2 0x%lx)", code, a);

	memset(page, 0x5a, sizeof(page));
	a = (u64)page;
	code = pfmf(PFMF_CF | 0x1, &a);
	tap_ok(code == PGM_SPECIFICATION && page[0] == 0x5a,
	       "PFMF with a reserved bit: specification, nothing cleared (pgm 0x%x)", code);
	code = pfmf(PFMF_CF | 0x2000, &a);
	code = code << 8 | pfmf(PFMF_CF | 0x3000, &a);
	tap_ok(code == (PGM_SPECIFICATION << 8 | PGM_SPECIFICATION) && page[0] == 0x5a,
	       "PFMF frame-size codes 2 (no EDAT-2) and 3: specification (pgm 0x%x)", code);
	code = pfmf(PFMF_CF | PFMF_NQ, &a);
	tap_ok(code == PGM_SPECIFICATION && page[0] == 0x5a,
	       "PFMF nonquiescing without facility 14: specification (pgm 0x%x)", code);

	expect_pgm();
	enter_problem_state();
	asm volatile(".insn rre,0xb9af0000,%[f],%[a]"
		     : : [a] "a" (page), [f] "d" (PFMF_CF) : "memory");
	code = check_pgm();
	tap_ok(code == PGM_PRIVILEGED && page[0] == 0x5a,
	       "PFMF in problem state: privileged operation (pgm 0x%x)", code);

	a = 1UL << 42;
	code = pfmf(PFMF_CF, &a);
	tap_ok(code == PGM_ADDRESSING, "PFMF beyond memory: addressing (pgm 0x%x)", code);

	cr0 = get_cr0();
	set_cr0(cr0 | CR0_LAP);
	a = 0x1000;
	code = pfmf(PFMF_CF, &a);
	set_cr0(cr0);
	tap_ok(code == PGM_PROTECTION,
	       "PFMF clear frame of real page 1 with low-address protection: protection "
	       "(pgm 0x%x)", code);
}

static void test_pfmf_keys(void)
{
	u64 a;
	int code;

	if (pv) {
		memset(page, 0x5a, sizeof(page));
		a = (u64)page;
		code = pfmf(PFMF_SK | PFMF_CF | 0x30, &a);
		tap_ok(code == PGM_SPECIAL_OP && page[0] == 0x5a,
		       "PFMF set key (and clear) traps in protected mode, nothing cleared "
		       "(pgm 0x%x)", code);
		a = FRAME;
		code = pfmf(PFMF_SK | PFMF_FSC_1M | 0x20, &a);
		tap_ok(code == PGM_SPECIAL_OP && a == FRAME,
		       "PFMF set key (1 MiB) traps in protected mode, R2 unchanged (pgm 0x%x)",
		       code);
		a = FRAME;
		code = sske_mb(0x40, &a);
		tap_ok(code == PGM_SPECIAL_OP && a == FRAME,
		       "SSKE with multiple blocks traps in protected mode (pgm 0x%x)", code);
		return;
	}
	a = (u64)page;
	code = pfmf(PFMF_SK | 0x30, &a);
	tap_ok(code == 0 && iske((u64)page) == 0x30,
	       "PFMF set key (4 KiB): key 0x%x (pgm 0x%x)", iske((u64)page), code);
	pfmf(PFMF_SK, &a);

	a = FRAME + 0x5000;
	code = pfmf(PFMF_SK | PFMF_FSC_1M | 0x20, &a);
	tap_ok(code == 0 && a == FRAME + (1UL << 20) && iske(FRAME + 0x5000) == 0x20 &&
	       iske(FRAME + 0xff000) == 0x20 && iske(FRAME + 0x4000) == 0,
	       "PFMF set key (1 MiB) from block 5: keys 0x%x 0x%x, block 4 0x%x, R2 0x%lx "
	       "(pgm 0x%x)", iske(FRAME + 0x5000), iske(FRAME + 0xff000),
	       iske(FRAME + 0x4000), a, code);

	a = FRAME + 0x3123;
	code = sske_mb(0x40, &a);
	tap_ok(code == 0 && a == FRAME + (1UL << 20) + 0x123 &&
	       iske(FRAME + 0x3000) == 0x40 && iske(FRAME + 0xff000) == 0x40 &&
	       iske(FRAME + 0x2000) == 0,
	       "SSKE with multiple blocks from block 3: keys to the 1 MiB boundary, "
	       "R2 0x%lx (pgm 0x%x)", a, code);
	a = FRAME;
	pfmf(PFMF_SK | PFMF_FSC_1M, &a);
}

/* tests: 2 without facility 8, 12 with it */
static void test_edat1(int edat)
{
	u64 a = (u64)page;
	int code;

	tap_ok(test_facility(8) == edat, "facility 8 (enhanced DAT 1) %s",
	       edat ? "installed" : "absent");
	if (!edat) {
		code = pfmf(PFMF_CF, &a);
		tap_ok(code == PGM_OPERATION,
		       "PFMF without facility 8: operation exception (pgm 0x%x)", code);
		return;
	}
	test_pfmf_common();	/* 8 */
	test_pfmf_keys();	/* 3 */
}

static void test_diag308(void)
{
	static const int subcodes[] = { 4, 7, 8, 9, 10 };
	int i, code;

	for (i = 0; i < 5; i++) {
		if (!pv) {
			tap_skip(subcodes[i] < 8 ? "would IPL in non-protected mode" :
				 "tested outside protected mode by ipl.elf",
				 "diag 308 subcode %d", subcodes[i]);
			continue;
		}
		expect_pgm();
		diag308(subcodes[i], (u64)page);
		code = check_pgm();
		tap_ok(code == PGM_SPECIFICATION,
		       "diag 308 subcode %d in protected mode: pgm 0x%x (want 0x06)",
		       subcodes[i], code);
	}
}

int main(void)
{
	int edat = param_num("edat", 0);

	pv = param_is("expect", "pv", "pv");
	tap_plan((pv ? 44 : 25) + (edat ? 12 : 2));
	printf("# emulated Ultravisor: expect %s\n", pv ? "protected" : "non-protected");
	tap_ok(test_facility(158) == pv, "facility 158 (UV call) %s (as a KVM guest sees it)",
	       pv ? "installed" : "absent");
	tap_ok(test_facility(161), "facility 161 (unpack) installed");
	tap_ok(test_facility(169) == pv, "facility 169 (storage-key removal) %s",
	       pv ? "installed" : "absent");
	test_keyless_facilities();	/* 5 */
	if (pv) {
		test_query();		/* 6 */
		test_query_len();	/* 2 */
		test_share();		/* 10 */
		test_other_commands();	/* 1 */
		test_exceptions();	/* 3 */
	} else {
		test_uvc_absent();	/* 3 */
	}
	test_keys();		/* 9 */
	test_edat1(edat);	/* 2 or 12 */
	test_diag308();		/* 5 */
	return 0;
}
