// SPDX-License-Identifier: GPL-2.0
/*
 * Attestation, secret-store and host-key calls of the emulated Ultravisor
 * (tools/testing/pvm/qemu/attestation.md). Unlike the guest kernel's
 * /dev/uv, a payload builds the control blocks itself, so every return
 * code is reached here, including the ones the driver cannot produce
 * (UVCB length, continuation token, user-data length, bad addresses).
 *
 * The requests that must succeed are sealed for the emulator's host keys,
 * which a payload cannot do: the runner makes them (pvm/requests.py,
 * payload_blob()) and QEMU's generic loader puts them at REQS_ADDR
 * (@REQUESTS@ in the cases file). A request of the blob is named: att-*
 * attestation requests, sec-* add-secret requests, fill-a-* and fill-r-*
 * association and plain secrets to fill the store, lock-after one for a
 * locked store; NAME.value is the value sealed in sec-NAME. The checks
 * before unsealing need no key: their requests name no host key.
 *
 * -append parameters:
 *   expect=pv|nonpv        the object has start-protected=on (default pv)
 *   drop=attest|secrets|retrieve|keys
 *                          the object drops those calls from the Query list
 *   assoc=N retr=N         the store sizes the object was given (8, 120)
 *   phkh=HEX[:HEX]         the hashes of the object's host keys (host-key=)
 *   nokeys=1               the object has no host keys (the requests are
 *                          for keys it does not hold)
 */
#include "lib.h"

#define NULL ((void *)0)

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
#define PAF_STORE	(1UL << 59)
#define PAF_FIRMWARE	(1UL << 58)	/* firmware state: not offered */

#define KS_LEN		80
#define TAG_LEN		16
#define ARCB_SLOTS	0xe0
#define ASRCB_SLOTS	0x4b8
#define SECRET_HDR	0x30
#define EXT_LEN		32

/* where the runner's requests are (QEMU's generic loader puts them) */
#define REQS_ADDR	0x2000000UL
#define REQS_MAGIC	"PVMREQS1"
#define REQS_ENTRY	48

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


static struct uv_cb_attest acb;
static struct uv_cb_addr scb;
static struct uv_cb_qui qui;
static u8 rcb[3 * PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 out[3 * PAGE_SIZE] __aligned(PAGE_SIZE);
static struct uv_cb_retr rtb;
static struct uv_cb_keys kcb;
static u8 meas[64], meas2[64], add[256], add2[256];
static u8 list_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 phkh[2][32];
static int pv, attest_on, secrets_on, retr_on, keys_on, nkeys;
static unsigned int max_assoc, max_retr;
static u64 ram_end;

static void put32(u8 *p, u32 v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static void put64(u8 *p, u64 v) { put32(p, v >> 32); put32(p + 4, v); }
static u16 get16(const u8 *p) { return p[0] << 8 | p[1]; }
static u32 get32(const u8 *p) { return (u32)get16(p) << 16 | get16(p + 2); }

static int all_zero(const u8 *p, u32 n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

static int same(const u8 *a, const u8 *b, u32 n)
{
	while (n--)
		if (*a++ != *b++)
			return 0;
	return 1;
}

static int name_is(const u8 *entry, const char *name)
{
	u32 i;

	for (i = 0; i < 32 && name[i]; i++)
		if (entry[i] != (u8)name[i])
			return 0;
	return i < 32 && !entry[i];
}

/* Request @name of the runner's blob, or NULL (and *len 0) */
static const u8 *req(const char *name, u32 *len)
{
	const u8 *blob = (const u8 *)REQS_ADDR, *e;
	u32 i, n;

	*len = 0;
	if (!same(blob, (const u8 *)REQS_MAGIC, 8))
		return NULL;
	n = get32(blob + 8);
	for (i = 0; i < n; i++) {
		e = blob + 16 + i * REQS_ENTRY;
		if (name_is(e, name)) {
			*len = get32(e + 36);
			return blob + get32(e + 32);
		}
	}
	return NULL;
}

/* Copy request @name to rcb; its length, 0 if the blob lacks it */
static u32 load(const char *name)
{
	const u8 *r;
	u32 len;

	r = req(name, &len);
	if (!r || len > sizeof(rcb)) {
		printf("# no request %s from the runner\n", name);
		memset(rcb, 0, sizeof(rcb));
		return 0;
	}
	memcpy(rcb, r, len);
	return len;
}

/*
 * A request no host key opens: the slots name no host key. @slots is
 * where they start, @mid the plaintext bytes after them, @sea the size of
 * the encrypted area.
 */
static u32 build_rcb(const char *magic, u32 slots, u8 nks, u32 mid, u32 sea)
{
	u32 len = slots + nks * KS_LEN + mid + sea + TAG_LEN, i;

	memset(rcb, 0, sizeof(rcb));
	for (i = 0; magic[i]; i++)
		rcb[i] = magic[i];
	put32(rcb + 0x08, 0x0100);
	put32(rcb + 0x0c, len);
	memset(rcb + 0x10, 0xa5, 12);
	rcb[0x27] = nks;
	put32(rcb + 0x2c, sea);
	memset(rcb + slots, 0x6b, nks * KS_LEN);
	return len;
}

static void build_arcb(u8 nks, u64 paf)
{
	build_rcb("", ARCB_SLOTS, nks, 0, paf & PAF_NONCE ? 80 : 64);
	put64(rcb + 0x30, paf);
	put32(rcb + 0x38, 1);			/* HMAC-SHA512 */
	memset(rcb + 0x40, 0x5a, 160);		/* customer key: no point */
}

static void build_asrcb(u8 nks, u16 type, u32 len)
{
	u8 *h;

	build_rcb("asrcbM", ASRCB_SLOTS, nks, SECRET_HDR, len + EXT_LEN);
	memset(rcb + 0x418, 0x5a, 160);
	h = rcb + ASRCB_SLOTS + nks * KS_LEN;
	h[3] = type;
	put32(h + 4, len);
	memset(h + 16, 0x77, 32);
}

static int attest(u64 arcb_addr, u32 meas_len, u32 add_len, u8 *m, u8 *a)
{
	memset(&acb, 0, sizeof(acb));
	acb.header.len = sizeof(acb);
	acb.header.cmd = UVC_CMD_ATTEST;
	acb.arcb_addr = arcb_addr;
	acb.user_data_len = 4;
	memcpy(acb.user_data, "user", 4);
	acb.meas_len = meas_len;
	acb.meas_addr = (u64)m;
	acb.add_data_len = add_len;
	acb.add_data_addr = (u64)a;
	memset(m, 0, 64);
	memset(a, 0, sizeof(add));
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
	tap_ok(*(u64 *)(q + 0xb0) == 1UL << 63 && *(u64 *)(q + 0xe0) == 1UL << 63 &&
	       *(u64 *)(q + 0xe8) == (PAF_NONCE | PAF_IMAGE | PAF_ATTEST | PAF_STORE) &&
	       *(u64 *)(q + 0xf8) == 1UL << 63 && *(u64 *)(q + 0x100) == 1UL << 63 &&
	       *(u64 *)(q + 0x108) == types,
	       "query: SE header v1, ARCB v1 with flags 1-4, add-secret v1 with flag 0 "
	       "(no dump), types 2-10 and 0x11-0x15 (0x%lx)", *(u64 *)(q + 0x108));
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

	build_arcb(1, PAF_NONCE);
	cc = attest((u64)rcb, 64, 0, meas, add);
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

/* The secret-store hash of att-all's additional data (after two PHKHs) */
static int store_hash(u8 *h)
{
	int cc;

	if (!attest_on)
		return 1;
	if (!load("att-all"))
		return 0;
	cc = attest((u64)rcb, 64, 128, meas, add);
	memcpy(h, add + 64, 64);
	return cc == 0 && acb.header.rc == 1;
}

static void test_attest(void)
{
	u8 uid[16];
	int cc, code, ok;

	ok = load("att-nonce") != 0;
	cc = attest((u64)rcb, 64, 0, meas, add);
	tap_ok(ok && cc == 0 && acb.header.rc == 1 && !all_zero(meas, 64) &&
	       !all_zero(acb.config_uid, 16) && acb.add_data_len == 0,
	       "attest with a nonce: cc %d rc 0x%x, measurement and UID, no additional data",
	       cc, acb.header.rc);
	memcpy(uid, acb.config_uid, 16);
	attest((u64)rcb, 64, 0, meas2, add);
	tap_ok(same(meas, meas2, 64) && same(uid, acb.config_uid, 16),
	       "same request, same measurement and UID");
	acb.user_data[0] ^= 1;
	acb.meas_addr = (u64)meas2;
	cc = uvc(&acb);
	tap_ok(cc == 0 && !same(meas, meas2, 64), "other user data, other measurement");

	ok = load("att-all") != 0;
	cc = attest((u64)rcb, 64, sizeof(add), meas, add);
	tap_ok(ok && cc == 0 && acb.add_data_len == 128 && all_zero(add, 32) &&
	       same(add + 32, phkh[0], 32) && !all_zero(add + 64, 64) &&
	       all_zero(add + 128, 128),
	       "additional data: image PHKH (none: no SE header), attestation PHKH, "
	       "store hash, nothing more (cc %d len %u)", cc, acb.add_data_len);
	if (nkeys > 1) {
		ok = load("att-backup") != 0;
		cc = attest((u64)rcb, 64, 64, meas, add2);
		tap_ok(ok && cc == 0 && same(add2 + 32, phkh[1], 32),
		       "sealed for the second host key: its hash is the attestation PHKH");
	} else {
		tap_skip("one host key", "sealed for the second host key");
	}
	ok = load("att-two");
	cc = attest((u64)rcb, 64, 0, meas, add);
	tap_ok(ok && cc == 0 && acb.header.rc == 1, "the host key in the second of two slots");
	ok = load("att-foreign");
	cc = attest((u64)rcb, 64, 0, meas, add);
	tap_ok(ok && cc == 1 && acb.header.rc == 0x10c && all_zero(meas, 64) &&
	       all_zero(acb.config_uid, 16),
	       "sealed for another host key: rc 0x%x, nothing written", acb.header.rc);
	ok = load("att-nonce");
	if (ok)
		rcb[ok - 1] ^= 1;
	cc = attest((u64)rcb, 64, 0, meas, add);
	tap_ok(ok && cc == 1 && acb.header.rc == 0x10c && all_zero(meas, 64),
	       "a changed tag: rc 0x%x", acb.header.rc);
	ok = load("att-nonce");
	rcb[0x3c] ^= 1;		/* reserved, but in the authenticated part */
	cc = attest((u64)rcb, 64, 0, meas, add);
	tap_ok(ok && cc == 1 && acb.header.rc == 0x10c,
	       "a changed byte of the authenticated part: rc 0x%x", acb.header.rc);

	/* every check, in the documented order */
	build_arcb(1, PAF_NONCE);
	attest((u64)rcb, 64, 0, meas, add);
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
	build_arcb(1, PAF_NONCE);
	put32(rcb + 0x0c, 0x100001);
	expect_attest_rc(0x107, "ARCB longer than 1 MiB");
	build_arcb(0, PAF_NONCE);
	expect_attest_rc(0x108, "no key slots");
	build_arcb(1, PAF_NONCE);
	put32(rcb + 0x2c, 64);
	expect_attest_rc(0x109, "a nonce flag, a 64-byte encrypted area");
	build_arcb(1, PAF_NONCE);
	put32(rcb + 0x0c, get32(rcb + 0x0c) + 16);
	expect_attest_rc(0x107, "length does not match the key slots");
	build_arcb(1, PAF_NONCE | PAF_FIRMWARE);
	expect_attest_rc(0x10a, "firmware-state flag");
	build_arcb(1, PAF_NONCE);
	if (ram_end > 0x1000) {
		memcpy((u8 *)(ram_end - 0xe0), rcb, 0xe0);
		acb.arcb_addr = ram_end - 0xe0;
		expect_attest_rc(0x103, "ARCB header readable, body outside memory");
		acb.arcb_addr = (u64)rcb;
	} else {
		tap_skip("memory size unknown", "ARCB body outside memory");
	}
	put32(rcb + 0x38, 2);
	expect_attest_rc(0x10b, "measurement algorithm 2");
	build_arcb(1, PAF_NONCE);
	acb.meas_len = 32;
	expect_attest_rc(0x10d, "measurement length 32");
	acb.meas_len = 64;
	build_arcb(1, PAF_IMAGE);
	acb.add_data_len = 16;
	expect_attest_rc(0x10e, "additional data 16 bytes for a 32-byte PHKH");
	acb.add_data_len = 0;
	build_arcb(2, PAF_NONCE);
	expect_attest_rc(0x10c, "sealed for no host key");

	/* output areas behave like the UVCB itself */
	load("att-nonce");
	attest((u64)rcb, 64, 0, meas, add);
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

/* @n hashes given as hex in parameter @key ("phkh=HEX"): 32 bytes each */
static int param_hashes(const char *key, u8 (*hashes)[32], int n)
{
	const char *v = param_str(key, "");
	int i, d, got = 0;

	memset(hashes, 0, 32 * n);
	for (; got < n && *v && *v != ',' && *v != ' '; got++) {
		for (i = 0; i < 64; i++, v++) {
			d = *v >= 'a' && *v <= 'f' ? *v - 'a' + 10 :
			    *v >= '0' && *v <= '9' ? *v - '0' : -1;
			if (d < 0)
				return -1;
			hashes[got][i / 2] |= d << (i % 2 ? 0 : 4);
		}
		if (*v == ':')
			v++;
	}
	return got;
}

/*
 * Query Ultravisor Keys: the hashes of the emulator's host keys (phkh=,
 * the runner computes them from host-key=), in order, then zero hashes.
 */
static void test_keys(void)
{
	static u8 want[15][32];
	int cc, i, n, rest = 1;

	n = param_hashes("phkh", want, 15);
	cc = query_keys(sizeof(kcb), 0xff);
	for (i = n < 0 ? 0 : n; i < 15; i++)
		rest &= all_zero(kcb.hash[i], 32);
	tap_ok(n >= 0 && cc == 0 && kcb.header.rc == 1 &&
	       same(kcb.hash[0], want[0], 32 * (n < 0 ? 0 : n)) && rest,
	       "query keys: the %d host keys' hashes, then zero hashes (cc %d rc 0x%x)",
	       n, cc, kcb.header.rc);
	cc = query_keys(sizeof(kcb) - 8, 0);
	tap_ok(cc == 1 && kcb.header.rc == 5 && all_zero(kcb.hash[0], 32),
	       "query keys with length 0x1f8: rc 0x%x, nothing written", kcb.header.rc);
}

/* Add the runner's request @name (or, with @name NULL, rcb as built) */
static void expect_add_rc(const char *name, u16 want, const char *what)
{
	u32 len = name ? load(name) : 1;
	int cc = secret_call(UVC_CMD_ADD, 0x48, (u64)rcb);

	tap_ok(len && cc == (want != 1) && scb.header.rc == want,
	       "add %s: cc %d rc 0x%x (want 0x%x)", what, cc, scb.header.rc, want);
}

/* Is the value sealed in request @name what @got holds? */
static int value_is(const char *name, const u8 *got, u32 len)
{
	char vname[40];
	const u8 *v;
	u32 n, i;

	for (i = 0; name[i] && i < 30; i++)
		vname[i] = name[i];
	memcpy(vname + i, ".value", 7);
	v = req(vname, &n);
	return v && n == len && same(v, got, len);
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
		for (i = 0; i < 12; i++)
			tap_skip("retrieve not installed", "retrieve %u", i);
		return;
	}
	memset(out, 0xee, sizeof(out));
	expect_retr_rc(0, 16, (u64)out, 1, "a plain secret");
	tap_ok(value_is("sec-plain", out, 16) && out[16] == 0xee,
	       "the plain secret is as stored (length, data, zeros), nothing beyond it");
	expect_retr_rc(0, 15, (u64)out, 0x109, "into 15 bytes");
	expect_retr_rc(1, 4096, (u64)out, 0x111, "an association secret");
	expect_retr_rc(6, 4096, (u64)out, 0x110, "index 6 of 6");
	expect_retr_rc(0, 16, 1UL << 40, 0x102, "into a buffer outside memory");
	expect_retr_rc(2, 8192, (u64)out, 1, "8192 bytes");
	tap_ok(value_is("sec-plain-max", out, 8192), "all 8192 bytes as stored");

	memset(out, 0, sizeof(out));
	retrieve(3, 64, (u64)out);
	memcpy(first, out, 64);
	retrieve(4, 48, (u64)out + 64);
	retrieve(3, 64, (u64)out + 128);
	tap_ok(rtb.header.rc == 1 && same(first + 32, out + 64 + 16, 32) &&
	       !all_zero(first + 32, 32), "keys come back wrapped: one verification "
	       "pattern after each key (rc 0x%x)", rtb.header.rc);
	ok = !value_is("sec-aes256", first, 32);
	tap_ok(ok && same(first, out + 128, 64) && !same(first, out + 64, 16),
	       "a wrapped key is not the clear key, the same twice, not another key's");
	retrieve(0, 0, 0);
	rtb.header.len = 0x40;
	tap_ok(uvc(&rtb) == 1 && rtb.header.rc == 5, "retrieve UVCB length 0x40: rc 0x%x",
	       rtb.header.rc);
	expect_retr_rc(5, 111, (u64)out, 0x109, "an EC P521 key into 111 bytes");
}

/* Add fill-PREFIX-NNN requests until one gets @want; how many were stored */
static u32 fill(const char *prefix, u32 from, u32 upto)
{
	char name[32];
	u32 i, n = 0, k;

	for (i = from; i < upto; i++) {
		memcpy(name, "fill-", 5);
		name[5] = prefix[0];
		name[6] = '-';
		k = i;
		name[7] = '0' + k / 100;
		name[8] = '0' + k / 10 % 10;
		name[9] = '0' + k % 10;
		name[10] = 0;
		if (!load(name))
			break;
		secret_call(UVC_CMD_ADD, 0x48, (u64)rcb);
		if (scb.header.rc != 1)
			break;
		n++;
	}
	return n;
}

/* A check of the store hash, which needs attestation */
static void hash_ok(int ok, const char *what)
{
	if (attest_on)
		tap_ok(ok, "%s", what);
	else
		tap_skip("attestation not installed", "%s", what);
}

static void test_secrets(void)
{
	u8 h0[64], h1[64], h2[64];
	u32 i, k, n, seen;
	u8 *e;
	int cc;

	if (retr_on)
		expect_retr_rc(0, 16, (u64)out, 0x10f, "from an empty store");
	else
		tap_skip("retrieve not installed", "retrieve from an empty store");
	hash_ok(store_hash(h0), "store hash of the empty store");
	expect_add_rc("sec-plain", 1, "plain secret");
	expect_add_rc("sec-assoc", 1, "association secret");
	hash_ok(store_hash(h1) && !same(h0, h1, 64), "the store hash changes with the store");
	memset(list_page, 0xff, sizeof(list_page));
	cc = secret_call(UVC_CMD_LIST, 0x48, (u64)list_page);
	e = list_page + 0x10;
	tap_ok(cc == 0 && scb.header.rc == 1 && get16(list_page) == 2 &&
	       get16(list_page + 2) == 2 && get16(e) == 0 && get16(e + 2) == 3 &&
	       get32(e + 4) == 16 && get16(e + 0x30) == 1 &&
	       get16(e + 0x32) == 2 && get32(e + 0x34) == 32 && !same(e + 16, e + 0x40, 32) &&
	       all_zero(e + 0x60, 64),
	       "list: two entries with index, type, length and ID (cc %d rc 0x%x n %u)",
	       cc, scb.header.rc, get16(list_page));

	/* the checks of the opened request */
	expect_add_rc("sec-dup", 0x10c, "the ID of a stored secret");
	expect_add_rc("sec-other-image", 0x10c, "a request for another image");
	expect_add_rc("sec-other-cuid", 0x10c, "a request for another configuration");
	expect_add_rc("sec-ext", 0x10c, "another extension secret than the first request's");
	expect_add_rc("sec-foreign", 0x108, "sealed for another host key");
	expect_add_rc("sec-reserved", 0x109, "type 0x0b (reserved)");
	expect_add_rc("sec-update-cck", 0x109, "type 0x16 (update CCK, not offered)");
	expect_add_rc("sec-aes128-17", 0x10a, "AES-128 key of 17 bytes");
	expect_add_rc("sec-assoc-16", 0x10a, "association secret of 16 bytes");
	expect_add_rc("sec-plain-bad", 0x10a, "plain secret whose length is no multiple of 16");
	load("sec-dup");
	rcb[get32(rcb + 0x0c) - 1] ^= 1;
	expect_add_rc(NULL, 0x108, "a changed tag");
	hash_ok(store_hash(h2) && same(h1, h2, 64), "refused requests leave the store hash");

	/* the checks before unsealing, in order */
	build_asrcb(1, 3, 16);
	cc = secret_call(UVC_CMD_ADD, 0x40, (u64)rcb);
	tap_ok(cc == 1 && scb.header.rc == 5, "add UVCB length 0x40: rc 0x%x", scb.header.rc);
	cc = secret_call(UVC_CMD_ADD, 0x48, 1UL << 40);
	tap_ok(cc == 1 && scb.header.rc == 0x103, "add request outside memory: rc 0x%x",
	       scb.header.rc);
	put32(rcb + 0x08, 0x0101);
	expect_add_rc(NULL, 0x104, "version 0x0101");
	build_asrcb(1, 3, 16);
	rcb[0] = 'A';
	expect_add_rc(NULL, 0x104, "magic");
	build_asrcb(0, 3, 16);
	expect_add_rc(NULL, 0x106, "no key slots");
	build_asrcb(1, 3, 16);
	put32(rcb + 0x0c, 0x4b8);
	expect_add_rc(NULL, 0x105, "length 0x4b8");
	build_asrcb(1, 3, 16);
	put32(rcb + 0x0c, get32(rcb + 0x0c) - 16);
	expect_add_rc(NULL, 0x105, "length does not match");
	build_asrcb(1, 3, 16);
	put32(rcb + 0x2c, 16);
	expect_add_rc(NULL, 0x105, "no room for the extension secret");
	build_asrcb(1, 3, 16);
	if (ram_end > 0x1000) {
		memcpy((u8 *)(ram_end - 0x30), rcb, 0x30);
		cc = secret_call(UVC_CMD_ADD, 0x48, ram_end - 0x30);
		tap_ok(cc == 1 && scb.header.rc == 0x103,
		       "add request header readable, body outside memory: rc 0x%x",
		       scb.header.rc);
	} else {
		tap_skip("memory size unknown", "request body outside memory");
	}
	put64(rcb + 0x30, 1);
	expect_add_rc(NULL, 0x107, "control flag 63");
	build_asrcb(1, 3, 16);
	expect_add_rc(NULL, 0x108, "sealed for no host key");

	expect_add_rc("sec-plain-max", 1, "plain secret of 8192 bytes");
	expect_add_rc("sec-aes256", 1, "AES-256 key");
	expect_add_rc("sec-aes128", 1, "AES-128 key");
	expect_add_rc("sec-p521", 1, "EC P521 key");
	expect_add_rc("sec-meta", 1, "meta request: no-dump flag, no secret");
	cc = list_from(0);
	e = list_page + 0x10 + 2 * 0x30;
	tap_ok(cc == 0 && get16(list_page) == 6 && get32(e + 4) == 8192 &&
	       get16(e + 0x32) == 6 && get32(e + 0x34) == 64 &&
	       get32(e + 0x64) == 48 && get32(e + 0x94) == 112,
	       "list: plain as stored, keys as protected keys (clear + 32 bytes), meta none");

	test_retrieve();

	/* fill both halves of the store */
	k = fill("a", 0, 999);
	tap_ok(k == max_assoc - 1 && scb.header.rc == 0x10b,
	       "%u more association secrets stored, then rc 0x%x (store of %u)", k,
	       scb.header.rc, max_assoc);
	k = fill("r", 0, 999);
	tap_ok(k == max_retr - 5 && scb.header.rc == 0x10b,
	       "%u more retrievable secrets stored, then rc 0x%x (store of %u)", k,
	       scb.header.rc, max_retr);
	expect_add_rc("sec-assoc2", 0x10b, "association: still full");
	expect_add_rc("sec-dup", 0x10c, "a duplicate ID in a full store");

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
		expect_retr_rc(n - 1, 16, (u64)out, 1, "the last secret of a full store");
		tap_ok(out[1] == 5 && same(out + 2, (const u8 *)"fill-", 5),
		       "and its value is as stored");
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
	store_hash(h1);
	cc = secret_call(UVC_CMD_LOCK, 0x40, 0);
	tap_ok(cc == 0 && scb.header.rc == 1, "lock: cc %d rc 0x%x", cc, scb.header.rc);
	hash_ok(store_hash(h2) && !same(h1, h2, 64), "the store hash says the store is locked");
	expect_add_rc("lock-after", 0x102, "after lock");
	build_asrcb(1, 3, 16);
	put32(rcb + 0x08, 0x0101);
	expect_add_rc(NULL, 0x102, "after lock, a bad version");
	cc = secret_call(UVC_CMD_LOCK, 0x40, 0);
	tap_ok(cc == 1 && scb.header.rc == 0x102, "lock again: cc %d rc 0x%x", cc,
	       scb.header.rc);
	if (retr_on)
		expect_retr_rc(0, 16, (u64)out, 1, "after lock");
	else
		tap_skip("retrieve not installed", "retrieve after lock");
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

/* An Ultravisor without host keys opens no request */
static void test_no_keys(void)
{
	int cc;

	load("att-nonce");
	cc = attest((u64)rcb, 64, 0, meas, add);
	tap_ok(cc == 1 && acb.header.rc == 0x10c, "no host key: attestation rc 0x%x",
	       acb.header.rc);
	expect_add_rc("sec-plain", 0x108, "no host key");
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
	nkeys = param_hashes("phkh", phkh, 2);
	if (param_is("nokeys", "1", "0")) {
		tap_plan(7);
		test_query();
		test_keys();
		test_no_keys();
		return 0;
	}
	n = 2 + pv + !attest_on + !secrets_on + !retr_on + !keys_on;
	if (attest_on)
		n += 26;
	if (secrets_on)
		n += 64;
	if (keys_on)
		n += 2;
	tap_plan(n);
	printf("# attestation %s, secret store %s, %d host keys\n", attest_on ? "on" : "off",
	       secrets_on ? "on" : "off", nkeys);
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
