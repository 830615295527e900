// SPDX-License-Identifier: GPL-2.0
/*
 * Attestation, secret-store and host-key calls of the emulated Ultravisor, against
 * the contract in tools/testing/pvm/qemu/attestation.md. Unlike the guest
 * kernel's /dev/uv, a payload builds the control blocks itself, so every
 * return code is reached here, including the ones the driver cannot
 * produce (length, continuation token, user-data length, bad addresses).
 * -append parameters:
 *   expect=pv|nonpv        the object has start-protected=on (default pv)
 *   drop=attest|secrets|retrieve|keys
 *                          the object drops those calls from the Query list
 *   assoc=N retr=N         the store sizes the object was given (8, 120)
 */
#include "lib.h"

#define UVC_CMD_ATTEST	0x1020
#define UVC_CMD_ADD	0x1031
#define UVC_CMD_LIST	0x1033
#define UVC_CMD_LOCK	0x1034
#define UVC_CMD_RETR	0x1035
#define UVC_CMD_KEYS	0x0002

#define BASE_CALLS	0x80c0000000000000UL	/* 0, 8, 9 */
#define ATTEST_CALL	0x0000000800000000UL	/* 28 */
#define SECRET_CALLS	0x0000000700000000UL	/* 29, 30, 31 */
#define RETR_CALL	0x0000000040000000UL	/* 33 */
#define KEYS_CALL	0x0000000020000000UL	/* 34 */
#define LIST_MAX	85			/* entries in one list page */

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

struct uv_cb_retr {
	struct uv_cb_header header;
	u64 reserved08[2];
	u16 idx;
	u16 reserved1a;
	u32 buf_size;
	u64 buf_addr;
	u64 reserved28[4];
} __attribute__((packed, aligned(8)));

struct uv_cb_keys {
	struct uv_cb_header header;
	u64 reserved08[3];
	u8 hash[15][32];
} __attribute__((packed, aligned(8)));

static const u8 test_phkh[32] = "pvguest emulated UV test hostkey";
static const u8 backup_phkh[32] = "pvguest emulated UV backup key 1";

static struct uv_cb_attest acb;
static struct uv_cb_addr scb;
static struct uv_cb_qui qui;
static u8 rcb[3 * PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 out[3 * PAGE_SIZE] __aligned(PAGE_SIZE);
static struct uv_cb_retr rtb;
static struct uv_cb_keys kcb;
static u8 meas[64], meas2[64], add[128];
static u8 list_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static int pv, attest_on, secrets_on, retr_on, keys_on;
static unsigned int max_assoc, max_retr;
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
		   (secrets_on ? SECRET_CALLS : 0) | (retr_on ? RETR_CALL : 0) |
		   (keys_on ? KEYS_CALL : 0);
	/* types 2-10 and 0x11-0x15, MSB0 */
	u64 types = 0x3fe0000000000000UL | 0x00007c0000000000UL;
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
	       *(u64 *)(q + 0x108) == types,
	       "query: ARCB v1, flags 1-3, secret v1, types 2-10 and 0x11-0x15 (0x%lx)",
	       *(u64 *)(q + 0x108));
	tap_ok(get16(q + 0x110) == max_assoc && get16(q + 0x112) == max_retr,
	       "query: %u association and %u retrievable secrets (want %u, %u)",
	       get16(q + 0x110), get16(q + 0x112), max_assoc, max_retr);
}

static int retrieve(u16 idx, u32 size, u64 addr)
{
	memset(&rtb, 0, sizeof(rtb));
	rtb.header.len = sizeof(rtb);
	rtb.header.cmd = UVC_CMD_RETR;
	rtb.idx = idx;
	rtb.buf_size = size;
	rtb.buf_addr = addr;
	return uvc(&rtb);
}

/* Query Ultravisor Keys with a block of @len bytes (0x200 is right) */
static int query_keys(u16 len, u8 fill)
{
	memset(&kcb, fill, sizeof(kcb));
	kcb.header.len = len;
	kcb.header.cmd = UVC_CMD_KEYS;
	return uvc(&kcb);
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
	if (!retr_on) {
		cc = retrieve(0, 0, 0);
		tap_ok(cc == 1 && rtb.header.rc == 2, "retrieve not installed: cc %d rc 0x%x",
		       cc, rtb.header.rc);
	}
	if (!keys_on) {
		cc = query_keys(sizeof(kcb), 0);
		tap_ok(cc == 1 && kcb.header.rc == 2, "query keys not installed: cc %d rc 0x%x",
		       cc, kcb.header.rc);
	}
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

/*
 * An add-secret request for the test key: type, value length, ID (its
 * first two bytes, the rest is the type). The value is i + type.
 */
static void build_secret(u16 type, u32 len, u16 id)
{
	u8 *ea;
	u32 i;

	build_rcb(1, 0x28 + len, 0, 1);
	ea = enc_area();
	put16(ea, type);
	put32(ea + 4, len);
	memset(ea + 8, type, 32);
	put16(ea + 8, id);
	for (i = 0; i < len; i++)
		ea[0x28 + i] = i + type;
}

static void expect_retr_rc(u16 idx, u32 size, u64 addr, u16 want, const char *what)
{
	int cc = retrieve(idx, size, addr);

	tap_ok(cc == (want != 1) && rtb.header.rc == want,
	       "retrieve %s: cc %d rc 0x%x (want 0x%x)", what, cc, rtb.header.rc, want);
}

static int list_from(u16 start)
{
	memset(list_page, 0xff, sizeof(list_page));
	memset(&scb, 0, sizeof(scb));
	scb.header.len = 0x48;
	scb.header.cmd = UVC_CMD_LIST;
	scb.start_idx = start;
	scb.addr = (u64)list_page;
	return uvc(&scb);
}

/* Query Ultravisor Keys: the host key and the backup host key */
static void test_keys(void)
{
	int cc, i, rest = 1;

	cc = query_keys(sizeof(kcb), 0xff);
	for (i = 2; i < 15; i++)
		rest &= all_zero(kcb.hash[i], 32);
	tap_ok(cc == 0 && kcb.header.rc == 1 && same(kcb.hash[0], test_phkh, 32) &&
	       same(kcb.hash[1], backup_phkh, 32) && rest,
	       "query keys: host key, backup host key, 13 zero hashes (cc %d rc 0x%x)",
	       cc, kcb.header.rc);
	cc = query_keys(sizeof(kcb) - 8, 0);
	tap_ok(cc == 1 && kcb.header.rc == 5 && all_zero(kcb.hash[0], 32),
	       "query keys with length 0x1f8: rc 0x%x, nothing written", kcb.header.rc);
}

static void expect_add_rc(u16 want, const char *what)
{
	int cc = secret_call(UVC_CMD_ADD, 0x48, (u64)rcb);

	tap_ok(cc == (want != 1) && scb.header.rc == want,
	       "add %s: cc %d rc 0x%x (want 0x%x)", what, cc, scb.header.rc, want);
}

/*
 * Retrieve Secret over the six secrets test_secrets() stored: 0 plain (16
 * bytes), 1 association, 2 plain (8192), 3 AES-256, 4 AES-128, 5 P521.
 */
static void test_retrieve(void)
{
	static u8 first[64];
	u32 i;
	int ok;

	if (!retr_on) {
		for (i = 0; i < 11; i++)
			tap_skip("retrieve not installed", "retrieve %u", i);
		return;
	}
	memset(out, 0xee, sizeof(out));
	expect_retr_rc(0, 16, (u64)out, 1, "a plain secret");
	for (i = 0, ok = 1; i < 16; i++)
		ok &= out[i] == (u8)(i + 3);
	tap_ok(ok && out[16] == 0xee, "the plain secret is as stored, nothing beyond it");
	expect_retr_rc(0, 15, (u64)out, 0x109, "into 15 bytes");
	expect_retr_rc(1, 4096, (u64)out, 0x111, "an association secret");
	expect_retr_rc(6, 4096, (u64)out, 0x110, "index 6 of 6");
	expect_retr_rc(0, 16, 1UL << 40, 0x102, "into a buffer outside memory");
	expect_retr_rc(2, 8192, (u64)out, 1, "8192 bytes");
	for (i = 0, ok = 1; i < 8192; i++)
		ok &= out[i] == (u8)(i + 3);
	tap_ok(ok, "all 8192 bytes as stored");

	memset(out, 0, sizeof(out));
	retrieve(3, 64, (u64)out);
	memcpy(first, out, 64);
	retrieve(4, 48, (u64)out + 64);
	retrieve(3, 64, (u64)out + 128);
	for (i = 0, ok = 0; i < 32; i++)
		ok |= first[i] != (u8)(i + 6);	/* not all bytes the clear key's */
	tap_ok(rtb.header.rc == 1 && same(first + 32, out + 64 + 16, 32) &&
	       !all_zero(first + 32, 32), "keys come back wrapped: one verification "
	       "pattern after each key (rc 0x%x)", rtb.header.rc);
	tap_ok(ok && same(first, out + 128, 64) && !same(first, out + 64, 16),
	       "a wrapped key is not the clear key, the same twice, not another key's");
	retrieve(0, 0, 0);
	rtb.header.len = 0x40;
	tap_ok(uvc(&rtb) == 1 && rtb.header.rc == 5, "retrieve UVCB length 0x40: rc 0x%x",
	       rtb.header.rc);
}

static void test_secrets(void)
{
	u32 i, k, n, seen;
	u8 *e;
	int cc;

	if (retr_on)
		expect_retr_rc(0, 16, (u64)out, 0x10f, "from an empty store");
	else
		tap_skip("retrieve not installed", "retrieve from an empty store");
	build_secret(3, 16, 1);
	expect_add_rc(1, "plain secret");
	build_secret(2, 32, 2);
	expect_add_rc(1, "association secret");
	memset(list_page, 0xff, sizeof(list_page));
	cc = secret_call(UVC_CMD_LIST, 0x48, (u64)list_page);
	e = list_page + 0x10;
	tap_ok(cc == 0 && scb.header.rc == 1 && get16(list_page) == 2 &&
	       get16(list_page + 2) == 2 && get16(e) == 0 && get16(e + 2) == 3 &&
	       get32(e + 4) == 16 && e[0x11] == 1 && get16(e + 0x30) == 1 &&
	       get16(e + 0x32) == 2 && get32(e + 0x34) == 32 && e[0x41] == 2 &&
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
	build_secret(0x0b, 16, 3);
	expect_add_rc(0x10b, "type 0x0b (reserved)");
	build_secret(0x16, 32, 3);
	expect_add_rc(0x10b, "type 0x16 (not offered)");
	build_secret(2, 16, 3);
	expect_add_rc(0x10b, "association secret of 16 bytes");
	build_secret(4, 17, 3);
	expect_add_rc(0x10b, "AES-128 key of 17 bytes");
	build_secret(3, 8193, 3);
	expect_add_rc(0x10b, "plain secret of 8193 bytes");
	build_secret(3, 8192, 3);
	expect_add_rc(1, "plain secret of 8192 bytes");
	build_secret(6, 32, 4);
	expect_add_rc(1, "AES-256 key");
	build_secret(4, 16, 5);
	expect_add_rc(1, "AES-128 key");
	build_secret(0x13, 80, 6);
	expect_add_rc(1, "EC P521 key");
	cc = list_from(0);
	e = list_page + 0x10 + 2 * 0x30;
	tap_ok(cc == 0 && get16(list_page) == 6 && get32(e + 4) == 8192 &&
	       get16(e + 0x32) == 6 && get32(e + 0x34) == 64 &&
	       get32(e + 0x64) == 48 && get32(e + 0x94) == 112,
	       "list: plain as stored, keys as protected keys (clear + 32 bytes)");

	test_retrieve();

	/* fill both halves of the store */
	for (i = 1; i < max_assoc; i++) {
		build_secret(2, 32, 0x100 + i);
		secret_call(UVC_CMD_ADD, 0x48, (u64)rcb);
	}
	tap_ok(scb.header.rc == 1, "%u association secrets stored (last rc 0x%x)",
	       max_assoc, scb.header.rc);
	build_secret(2, 32, 0x100);
	expect_add_rc(0x10e, "an association secret beyond the store");
	for (i = 5; i < max_retr; i++) {
		build_secret(3, 4, 0x200 + i);
		secret_call(UVC_CMD_ADD, 0x48, (u64)rcb);
	}
	tap_ok(scb.header.rc == 1, "%u retrievable secrets stored (last rc 0x%x)",
	       max_retr, scb.header.rc);
	build_secret(3, 4, 0x200);
	expect_add_rc(0x10e, "a retrievable secret beyond the store");
	build_secret(2, 32, 0x100);
	expect_add_rc(0x10e, "association: still full");

	/* list the whole store, page by page */
	n = max_assoc + max_retr;
	cc = list_from(0);
	tap_ok(n <= LIST_MAX ? cc == 0 && scb.header.rc == 1 && get16(list_page) == n &&
			       get16(list_page + 4) == 0 :
	       cc == 1 && scb.header.rc == 0x100 && get16(list_page) == LIST_MAX &&
	       get16(list_page + 2) == n && get16(list_page + 4) == LIST_MAX &&
	       get16(list_page + 0x10 + (LIST_MAX - 1) * 0x30) == LIST_MAX - 1,
	       "list page 1: %u entries of %u, next %u, rc 0x%x", get16(list_page),
	       get16(list_page + 2), get16(list_page + 4), scb.header.rc);
	for (i = 0, seen = 0, cc = 1; i < 8 && cc; i++) {
		cc = list_from(seen);
		if (cc > 1 || (cc && scb.header.rc != 0x100) || (!cc && scb.header.rc != 1))
			break;
		for (k = 0; k < get16(list_page); k++)
			if (get16(list_page + 0x10 + k * 0x30) != seen + k)
				break;
		if (k != get16(list_page))
			break;
		seen += k;
		if (cc && get16(list_page + 4) != seen)
			break;
	}
	tap_ok(cc == 0 && seen == n && get16(list_page + 4) == 0 &&
	       all_zero(list_page + 0x10 + get16(list_page) * 0x30,
			PAGE_SIZE - 0x10 - get16(list_page) * 0x30),
	       "list with start index: %u of %u secrets in %d pages, in order", seen, n, i);
	cc = list_from(n);
	tap_ok(cc == 0 && scb.header.rc == 1 && get16(list_page) == 0 &&
	       get16(list_page + 2) == n, "list from index %u: no entries, rc 0x%x", n,
	       scb.header.rc);
	if (retr_on) {
		expect_retr_rc(n - 1, 4, (u64)out, 1, "the last secret of a full store");
		tap_ok(same(out, (const u8 *)"\3\4\5\6", 4), "and its value is as stored");
	} else {
		tap_skip("retrieve not installed", "the last secret of a full store");
		tap_skip("retrieve not installed", "and its value");
	}

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
	if (retr_on) {
		expect_retr_rc(0, 16, (u64)out, 1, "after lock");
	} else {
		tap_skip("retrieve not installed", "retrieve after lock");
	}
}

/* Outside protected mode there is no UVC (no facility 158): every call traps */
static void test_absent(void)
{
	static const u16 cmds[] = { UVC_CMD_ATTEST, UVC_CMD_ADD, UVC_CMD_LIST, UVC_CMD_LOCK,
				    UVC_CMD_RETR, UVC_CMD_KEYS };
	unsigned int i, bad = 0;
	int code;

	expect_pgm();
	uv_query(&qui, sizeof(qui));
	code = check_pgm();
	tap_ok(code == PGM_OPERATION, "not protected: Query is an operation exception (0x%x)",
	       code);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		expect_pgm();
		secret_call(cmds[i], cmds[i] == UVC_CMD_KEYS ? 0x200 : 0x48, (u64)list_page);
		code = check_pgm();
		if (code != PGM_OPERATION) {
			printf("# cmd 0x%x: pgm 0x%x\n", cmds[i], code);
			bad++;
		}
	}
	tap_ok(!bad, "not protected: attestation, secret and host-key calls are operation "
	       "exceptions");
}

int main(void)
{
	int n;

	pv = param_is("expect", "pv", "pv");
	if (!pv) {
		tap_plan(2);
		test_absent();
		return 0;
	}
	attest_on = pv && !param_is("drop", "attest", "none");
	secrets_on = pv && !param_is("drop", "secrets", "none");
	retr_on = secrets_on && !param_is("drop", "retrieve", "none");
	keys_on = pv && !param_is("drop", "keys", "none");
	max_assoc = param_num("assoc", 8);
	max_retr = param_num("retr", 120);
	n = 2 + pv + !attest_on + !secrets_on + !retr_on + !keys_on;
	if (attest_on)
		n += 21;
	if (secrets_on)
		n += 52;
	if (keys_on)
		n += 2;
	tap_plan(n);
	printf("# attestation %s, secret store %s\n", attest_on ? "on" : "off",
	       secrets_on ? "on" : "off");
	test_query();
	test_not_installed();
	if (attest_on)
		test_attest();
	if (keys_on)
		test_keys();
	if (secrets_on)
		test_secrets();
	return 0;
}
