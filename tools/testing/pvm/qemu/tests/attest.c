// SPDX-License-Identifier: GPL-2.0
/*
 * Attestation and secret-store calls of the emulated Ultravisor, against
 * the contract in tools/testing/pvm/qemu/attestation.md. Unlike the guest
 * kernel's /dev/uv, a payload builds the control blocks itself, so every
 * return code is reached here, including the ones the driver cannot
 * produce (length, continuation token, user-data length, bad addresses).
 * -append parameters:
 *   expect=pv|nonpv        the object has start-protected=on (default pv)
 *   drop=attest|secrets    the object drops those calls from the Query list
 */
#include "lib.h"

#define UVC_CMD_ATTEST	0x1020
#define UVC_CMD_ADD	0x1031
#define UVC_CMD_LIST	0x1033
#define UVC_CMD_LOCK	0x1034

#define BASE_CALLS	0x80c0000000000000UL	/* 0, 8, 9 */
#define ATTEST_CALL	0x0000000800000000UL	/* 28 */
#define SECRET_CALLS	0x0000000700000000UL	/* 29, 30, 31 */

#define PAF_NONCE	(1UL << 62)
#define PAF_IMAGE	(1UL << 61)
#define PAF_ATTEST	(1UL << 60)
#define PAF_UNSUPP	(1UL << 59)	/* secret-store state: not offered */

#define KS_LEN		80
#define HDR_END		0xe0
#define TAG_LEN		16

struct uv_cb_attest {
	struct uv_cb_header header;
	u64 reserved08[2];
	u64 arcb_addr;
	u64 cont_token;
	u8 reserved28[6];
	u16 user_data_len;
	u8 user_data[256];
	u32 reserved130[3];
	u32 meas_len;
	u64 meas_addr;
	u8 config_uid[16];
	u32 reserved158;
	u32 add_data_len;
	u64 add_data_addr;
	u64 reserved168[4];
} __attribute__((packed, aligned(8)));

struct uv_cb_addr {
	struct uv_cb_header header;
	u64 reserved08[2];
	u8 reserved18[6];
	u16 start_idx;
	u64 addr;
	u64 reserved28[4];
} __attribute__((packed, aligned(8)));

static const u8 test_phkh[32] = "pvguest emulated UV test hostkey";

static struct uv_cb_attest acb;
static struct uv_cb_addr scb;
static struct uv_cb_qui qui;
static u8 rcb[2 * PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 meas[64], meas2[64], add[128];
static u8 list_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static int pv, attest_on, secrets_on;
static u64 ram_end;

static void put16(u8 *p, u16 v) { p[0] = v >> 8; p[1] = v; }
static void put32(u8 *p, u32 v) { put16(p, v >> 16); put16(p + 2, v); }
static void put64(u8 *p, u64 v) { put32(p, v >> 32); put32(p + 4, v); }
static u16 get16(const u8 *p) { return p[0] << 8 | p[1]; }
static u32 get32(const u8 *p) { return (u32)get16(p) << 16 | get16(p + 2); }

static int all_zero(const u8 *p, int n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

static int same(const u8 *a, const u8 *b, int n)
{
	while (n--)
		if (*a++ != *b++)
			return 0;
	return 1;
}

/* A request sealed for the test key (or @phkh_ok = 0: for another key). */
static u32 build_rcb(u8 nks, u32 sea, u64 flags, int phkh_ok)
{
	u32 len = HDR_END + nks * KS_LEN + sea + TAG_LEN, i;

	memset(rcb, 0, sizeof(rcb));
	put32(rcb + 0x08, 0x0100);
	put32(rcb + 0x0c, len);
	rcb[0x27] = nks;
	put32(rcb + 0x2c, sea);
	put64(rcb + 0x30, flags);
	for (i = 0; i < nks; i++) {
		memcpy(rcb + HDR_END + i * KS_LEN, test_phkh, 32);
		if (!phkh_ok)
			rcb[HDR_END + i * KS_LEN] ^= 0xff;
	}
	return len;
}

static u8 *enc_area(void)
{
	return rcb + HDR_END + rcb[0x27] * KS_LEN;
}

static void build_arcb(u64 paf)
{
	u8 *ea;
	int i;

	build_rcb(1, paf & PAF_NONCE ? 80 : 64, paf, 1);
	put32(rcb + 0x38, 1);			/* HMAC-SHA512 */
	ea = enc_area();
	for (i = 0; i < 64; i++)
		ea[i] = 0x40 + i;		/* measurement key */
	for (i = 0; i < 16 && (paf & PAF_NONCE); i++)
		ea[64 + i] = 0xa0 + i;		/* nonce */
}

static int attest(u64 arcb_addr, u32 meas_len, u32 add_len, u8 *out)
{
	memset(&acb, 0, sizeof(acb));
	acb.header.len = sizeof(acb);
	acb.header.cmd = UVC_CMD_ATTEST;
	acb.arcb_addr = arcb_addr;
	acb.user_data_len = 4;
	memcpy(acb.user_data, "user", 4);
	acb.meas_len = meas_len;
	acb.meas_addr = (u64)out;
	acb.add_data_len = add_len;
	acb.add_data_addr = (u64)add;
	return uvc(&acb);
}

static void expect_attest_rc(u16 want, const char *what)
{
	int cc = uvc(&acb);

	tap_ok(cc == 1 && acb.header.rc == want, "attest %s: cc %d rc 0x%x (want 0x%x)",
	       what, cc, acb.header.rc, want);
}

static void test_query(void)
{
	u64 want = BASE_CALLS | (attest_on ? ATTEST_CALL : 0) |
		   (secrets_on ? SECRET_CALLS : 0);
	u8 *q = (u8 *)&qui;

	if (!pv)
		want = 1UL << 63;
	uv_query(&qui, sizeof(qui));
	tap_ok(qui.inst_calls_list[0] == want, "query lists 0x%lx (want 0x%lx)",
	       qui.inst_calls_list[0], want);
	ram_end = *(u64 *)(q + 0x80) + 1;
	if (!pv) {
		tap_ok(all_zero(q + 0xe0, 0x32), "not protected: no attestation/secret fields");
		return;
	}
	tap_ok(*(u64 *)(q + 0xe0) == 1UL << 63 && *(u64 *)(q + 0xe8) == 0x7UL << 60 &&
	       *(u64 *)(q + 0xf8) == 1UL << 63 && *(u64 *)(q + 0x100) == 0 &&
	       *(u64 *)(q + 0x108) == 0x3UL << 60 && get16(q + 0x110) == 8,
	       "query: ARCB v1, flags 1-3, secret v1, types 2 and 3, 8 secrets");
}

/* Calls that are not installed: rc 2 whatever the block. */
static void test_not_installed(void)
{
	int cc;

	build_arcb(0);
	cc = attest((u64)rcb, 64, 0, meas);
	if (!attest_on)
		tap_ok(cc == 1 && acb.header.rc == 2, "attest not installed: cc %d rc 0x%x",
		       cc, acb.header.rc);
	if (secrets_on)
		return;		/* a lock now would spoil test_secrets() */
	memset(&scb, 0, sizeof(scb));
	scb.header.len = 0x40;
	scb.header.cmd = UVC_CMD_LOCK;
	cc = uvc(&scb);
	tap_ok(cc == 1 && scb.header.rc == 2, "lock not installed: cc %d rc 0x%x",
		       cc, scb.header.rc);
}

static void test_attest(void)
{
	u8 uid[16];
	int cc, code;

	build_arcb(0);
	cc = attest((u64)rcb, 64, 0, meas);
	tap_ok(cc == 0 && acb.header.rc == 1 && !all_zero(meas, 64) &&
	       !all_zero(acb.config_uid, 16),
	       "attest sealed for the test key: cc %d rc 0x%x, measurement and UID set",
	       cc, acb.header.rc);
	memcpy(uid, acb.config_uid, 16);
	attest((u64)rcb, 64, 0, meas2);
	tap_ok(same(meas, meas2, 64) && same(uid, acb.config_uid, 16),
	       "same request, same measurement and UID");
	acb.user_data[0] ^= 1;
	acb.meas_addr = (u64)meas2;
	cc = uvc(&acb);
	tap_ok(cc == 0 && !same(meas, meas2, 64), "other user data, other measurement");

	build_arcb(PAF_IMAGE | PAF_ATTEST | PAF_NONCE);
	memset(add, 0, sizeof(add));
	cc = attest((u64)rcb, 64, sizeof(add), meas);
	tap_ok(cc == 0 && acb.add_data_len == 80 && same(add, test_phkh, 32) &&
	       same(add + 32, test_phkh, 32) && add[64] == 0xa0 && add[79] == 0xaf,
	       "additional data: image PHKH, attestation PHKH, nonce (cc %d len %u)",
	       cc, acb.add_data_len);

	/* every check, in the documented order */
	build_arcb(0);
	attest((u64)rcb, 64, 0, meas);
	acb.header.len = 0x187;
	expect_attest_rc(5, "UVCB length 0x187");
	acb.header.len = 0x189;
	expect_attest_rc(5, "UVCB length 0x189");
	acb.header.len = sizeof(acb);
	acb.cont_token = 1;
	expect_attest_rc(0x101, "continuation token");
	acb.cont_token = 0;
	acb.user_data_len = 257;
	expect_attest_rc(0x102, "user data 257 bytes");
	acb.user_data_len = 4;
	acb.arcb_addr = 1UL << 40;
	expect_attest_rc(0x103, "ARCB outside memory");
	acb.arcb_addr = (u64)rcb;
	put32(rcb + 0x08, 0x0200);
	expect_attest_rc(0x106, "ARCB version 2");
	build_arcb(0);
	put32(rcb + 0x0c, 0x100001);
	expect_attest_rc(0x107, "ARCB longer than 1 MiB");
	build_arcb(0);
	rcb[0x27] = 0;
	expect_attest_rc(0x108, "no key slots");
	build_arcb(PAF_UNSUPP);
	expect_attest_rc(0x10a, "unsupported flag");
	build_arcb(0);
	put32(rcb + 0x2c, 80);
	expect_attest_rc(0x109, "80-byte encrypted area without nonce");
	build_arcb(0);
	put32(rcb + 0x0c, get32(rcb + 0x0c) + 16);
	expect_attest_rc(0x107, "length does not match the key slots");
	build_arcb(0);
	if (ram_end > 0x1000) {
		memcpy((u8 *)(ram_end - 0x40), rcb, 0x40);
		acb.arcb_addr = ram_end - 0x40;
		expect_attest_rc(0x103, "ARCB header readable, body outside memory");
		acb.arcb_addr = (u64)rcb;
	} else {
		tap_skip("memory size unknown", "ARCB body outside memory");
	}
	put32(rcb + 0x38, 2);
	expect_attest_rc(0x10b, "measurement algorithm 2");
	build_arcb(0);
	acb.meas_len = 32;
	expect_attest_rc(0x10d, "measurement length 32");
	acb.meas_len = 64;
	build_arcb(PAF_IMAGE);
	acb.add_data_len = 16;
	expect_attest_rc(0x10e, "additional data 16 bytes for a 32-byte PHKH");
	acb.add_data_len = 0;
	build_rcb(2, 64, 0, 0);
	put32(rcb + 0x38, 1);
	expect_attest_rc(0x10c, "sealed for other keys");

	/* output areas behave like the UVCB itself */
	build_arcb(0);
	acb.meas_addr = 1UL << 40;
	expect_pgm();
	uvc(&acb);
	code = check_pgm();
	tap_ok(code == 0x05, "measurement address outside memory: addressing exception (0x%x)",
	       code);
}

static int secret_call(u16 cmd, u16 len, u64 addr)
{
	memset(&scb, 0, sizeof(scb));
	scb.header.len = len;
	scb.header.cmd = cmd;
	scb.addr = addr;
	return uvc(&scb);
}

/* An add-secret request for the test key: type, value length, ID byte. */
static void build_secret(u16 type, u32 len, u8 id)
{
	u8 *ea;
	u32 i;

	build_rcb(1, 0x28 + len, 0, 1);
	ea = enc_area();
	put16(ea, type);
	put32(ea + 4, len);
	memset(ea + 8, id, 32);
	for (i = 0; i < len; i++)
		ea[0x28 + i] = i;
}

static void expect_add_rc(u16 want, const char *what)
{
	int cc = secret_call(UVC_CMD_ADD, 0x48, (u64)rcb);

	tap_ok(cc == (want != 1) && scb.header.rc == want,
	       "add %s: cc %d rc 0x%x (want 0x%x)", what, cc, scb.header.rc, want);
}

static void test_secrets(void)
{
	u8 *e;
	int cc, i;

	build_secret(3, 16, 1);
	expect_add_rc(1, "plain secret");
	build_secret(2, 32, 2);
	expect_add_rc(1, "association secret");
	memset(list_page, 0xff, sizeof(list_page));
	cc = secret_call(UVC_CMD_LIST, 0x48, (u64)list_page);
	e = list_page + 0x10;
	tap_ok(cc == 0 && scb.header.rc == 1 && get16(list_page) == 2 &&
	       get16(list_page + 2) == 2 && get16(e) == 0 && get16(e + 2) == 3 &&
	       get32(e + 4) == 16 && e[0x10] == 1 && get16(e + 0x30) == 1 &&
	       get16(e + 0x32) == 2 && get32(e + 0x34) == 32 && e[0x40] == 2 &&
	       all_zero(e + 0x60, 64),
	       "list: two entries with index, type, length and ID (cc %d rc 0x%x n %u)",
	       cc, scb.header.rc, get16(list_page));

	build_secret(3, 8, 1);
	expect_add_rc(0x10d, "same ID again");
	build_secret(3, 8, 3);
	cc = secret_call(UVC_CMD_ADD, 0x40, (u64)rcb);
	tap_ok(cc == 1 && scb.header.rc == 5, "add UVCB length 0x40: rc 0x%x", scb.header.rc);
	cc = secret_call(UVC_CMD_ADD, 0x48, 1UL << 40);
	tap_ok(cc == 1 && scb.header.rc == 0x103, "add request outside memory: rc 0x%x",
	       scb.header.rc);
	put32(rcb + 0x08, 0x0101);
	expect_add_rc(0x106, "version 0x0101");
	build_secret(3, 8, 3);
	put32(rcb + 0x0c, 0xe0);
	expect_add_rc(0x107, "length 0xe0");
	build_secret(3, 8, 3);
	rcb[0x27] = 0;
	expect_add_rc(0x108, "no key slots");
	build_secret(3, 8, 3);
	put64(rcb + 0x30, 1);
	expect_add_rc(0x10a, "control flags");
	build_rcb(1, 0x20, 0, 1);
	expect_add_rc(0x109, "encrypted area 0x20");
	build_secret(3, 8, 3);
	put32(rcb + 0x0c, get32(rcb + 0x0c) - 8);
	expect_add_rc(0x107, "length does not match");
	build_secret(3, 8, 3);
	rcb[HDR_END] ^= 0xff;
	expect_add_rc(0x10c, "sealed for another key");
	build_secret(3, 8, 3);
	put32(enc_area() + 4, 9);
	expect_add_rc(0x109, "secret length does not fill the encrypted area");
	build_secret(5, 16, 3);
	expect_add_rc(0x10b, "type 5");
	build_secret(2, 16, 3);
	expect_add_rc(0x10b, "association secret of 16 bytes");
	for (i = 3; i <= 8; i++) {
		build_secret(3, 4, i);
		secret_call(UVC_CMD_ADD, 0x48, (u64)rcb);
	}
	tap_ok(scb.header.rc == 1, "store filled to 8 (last rc 0x%x)", scb.header.rc);
	build_secret(3, 4, 9);
	expect_add_rc(0x10e, "a ninth secret");
	cc = secret_call(UVC_CMD_LIST, 0x48, (u64)list_page);
	tap_ok(cc == 0 && get16(list_page) == 8 && get16(list_page + 2) == 8,
	       "list: 8 entries");
	cc = secret_call(UVC_CMD_LIST, 0x40, (u64)list_page);
	tap_ok(cc == 1 && scb.header.rc == 5, "list UVCB length 0x40: rc 0x%x",
	       scb.header.rc);
	cc = secret_call(UVC_CMD_LOCK, 0x48, 0);
	tap_ok(cc == 1 && scb.header.rc == 5, "lock UVCB length 0x48: rc 0x%x",
	       scb.header.rc);
	cc = secret_call(UVC_CMD_LOCK, 0x40, 0);
	tap_ok(cc == 0 && scb.header.rc == 1, "lock: cc %d rc 0x%x", cc, scb.header.rc);
	build_secret(3, 4, 10);
	expect_add_rc(0x102, "after lock");
	cc = secret_call(UVC_CMD_LOCK, 0x40, 0);
	tap_ok(cc == 1 && scb.header.rc == 0x102, "lock again: cc %d rc 0x%x", cc,
	       scb.header.rc);
}

int main(void)
{
	int n;

	pv = param_is("expect", "pv", "pv");
	attest_on = pv && !param_is("drop", "attest", "none");
	secrets_on = pv && !param_is("drop", "secrets", "none");
	n = 2 + !attest_on + !secrets_on;
	if (attest_on)
		n += 21;
	if (secrets_on)
		n += 24;
	tap_plan(n);
	printf("# attestation %s, secret store %s\n", attest_on ? "on" : "off",
	       secrets_on ? "on" : "off");
	test_query();
	test_not_installed();
	if (attest_on)
		test_attest();
	if (secrets_on)
		test_secrets();
	return 0;
}
