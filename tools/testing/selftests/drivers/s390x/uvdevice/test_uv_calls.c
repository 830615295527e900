// SPDX-License-Identifier: GPL-2.0
/*
 * Ultravisor calls through /dev/uv: device information, Retrieve
 * Attestation Measurement, Add Secret, List Secrets, Lock Secret Store and
 * Retrieve Secret, and the host-key hashes in /sys/firmware/uv/keys/,
 * checked against the emulated Ultravisor that tests protected guests
 * under QEMU TCG.
 *
 * That Ultravisor has one host key, known by its public host-key hash
 * (PHKH) TEST_PHKH. Its cipher is the identity: a request sealed for it
 * names the hash in one of its key slots and carries its encrypted area in
 * clear, so this test can build requests that the Ultravisor accepts. A
 * measurement is HMAC-SHA512, keyed with the request's measurement key,
 * over the configuration UID, the user data and the additional data. The
 * secret store holds PV_GUEST_SECRETS=assoc,retr association and
 * retrievable secrets (default 8,120); Retrieve Secret hands back a plain
 * secret as stored and a key wrapped, followed by a 32-byte verification
 * pattern. Query Ultravisor Keys names TEST_PHKH and BACKUP_PHKH.
 *
 * PV_GUEST_FACILITIES=hex is the first word of the installed-calls list the
 * Ultravisor advertises; the test environment sets it from the kernel
 * command line. MSB0 bits 28 to 31 are Retrieve Attestation Measurement,
 * Add Secret, List Secrets and Lock Secret Store, 33 Retrieve Secret and
 * 34 Query Ultravisor Keys. A call that is not
 * installed must answer rc 0x0002. The variable also tells that the
 * Ultravisor is the emulated one: without it, the tests that need the
 * calls to work skip.
 *
 * Without /dev/uv every test skips. In a guest that is not protected only
 * the device information tests and calls_not_installed_outside_pv run.
 *
 * Errors of the Ultravisor are no errno errors: ioctl() returns 0 and the
 * return code comes back in uv_rc. Every call here checks that.
 *
 * The secret store belongs to the configuration, not to a test process: it
 * keeps what earlier tests added until the next boot. The secret tests use
 * IDs of their own and count relative to what List Secrets reports. Run the
 * suite once per boot.
 *
 * UVDEVICE_TEST_LOCK=1 runs lock_secret_store, the last test: it locks the
 * store, so that nothing can be added until the next boot. Without it that
 * test skips and the suite leaves no state behind but the secrets it added.
 *
 * /dev/uv exists only on s390: on other architectures the suite builds and
 * skips.
 */
#ifndef __s390x__
#include "../../../kselftest.h"

int main(void)
{
	ksft_print_header();
	ksft_exit_skip("the Ultravisor device exists only on s390x\n");
}
#else
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/types.h>

#include <asm/pkey.h>
#include <asm/uvdevice.h>

#include "../../../kselftest_harness.h"

#define UV_PATH			"/dev/uv"
#define PKEY_PATH		"/dev/pkey"
#define PKEY_KEY_ID		"uvdevice selftest: pkey key"
#define PV_GUEST_FLAG		"/sys/firmware/uv/prot_virt_guest"

/* installed-calls bits, MSB0 numbering in the first word */
#define BIT_ATTEST		28
#define BIT_ADD_SECRET		29
#define BIT_LIST_SECRETS	30
#define BIT_LOCK_SECRETS	31
#define BIT_RETR_SECRET		33
#define BIT_QUERY_KEYS		34

/* Ultravisor return codes */
#define UVRC_OK			0x0001
#define UVRC_NOT_INSTALLED	0x0002
#define UVRC_USER_DATA_LEN	0x0102	/* attestation */
#define UVRC_LOCKED		0x0102	/* add secret, lock */
#define UVRC_VERSION		0x0106
#define UVRC_LENGTH		0x0107
#define UVRC_NO_KEY_SLOTS	0x0108
#define UVRC_SEA		0x0109
#define UVRC_FLAGS		0x010a
#define UVRC_ALGORITHM		0x010b	/* attestation */
#define UVRC_SECRET_TYPE	0x010b	/* add secret */
#define UVRC_UNSEAL		0x010c
#define UVRC_MEAS_LEN		0x010d	/* attestation */
#define UVRC_DUPLICATE		0x010d	/* add secret */
#define UVRC_ADD_DATA_LEN	0x010e	/* attestation */
#define UVRC_STORE_FULL		0x010e	/* add secret */
#define UVRC_MORE_DATA		0x0100	/* list secrets */
#define UVRC_BUF_SMALL		0x0109	/* retrieve secret */
#define UVRC_STORE_EMPTY	0x010f	/* retrieve secret */
#define UVRC_BAD_INDEX		0x0110	/* retrieve secret */
#define UVRC_NOT_RETRIEVABLE	0x0111	/* retrieve secret */

/*
 * Requests (ARCB and add-secret request): a 0xe0-byte header, key slots,
 * the encrypted area and a tag.
 */
#define REQ_VERSION		0x0100
#define REQ_HDR_LEN		0xe0
#define REQ_MIN_LEN		0xf0
#define REQ_MAX_LEN		0x100000
#define KEY_SLOT_LEN		80
#define TAG_LEN			16
#define REQ_BUF_LEN		0x2400
#define OFF_VERSION		0x08
#define OFF_LENGTH		0x0c
#define OFF_IV			0x10
#define OFF_NKS			0x27
#define OFF_SEA			0x2c
#define OFF_FLAGS		0x30
#define OFF_ALGORITHM		0x38
#define OFF_CPK			0x40
#define CPK_LEN			160

#define TEST_PHKH		"pvguest emulated UV test hostkey"
#define PHKH_LEN		32
static_assert(sizeof(TEST_PHKH) == PHKH_LEN + 1, "the test PHKH has 32 bytes");
#define BACKUP_PHKH		"pvguest emulated UV backup key 1"
static_assert(sizeof(BACKUP_PHKH) == PHKH_LEN + 1, "the backup PHKH has 32 bytes");
#define KEYS_DIR		"/sys/firmware/uv/keys"
#define QUERY_DIR		"/sys/firmware/uv/query"

/* attestation */
#define ALG_HMAC_SHA512		1
#define MEAS_KEY_LEN		64
#define NONCE_LEN		16
#define MEAS_LEN		64
#define MEAS_BUF_LEN		128
#define ADD_BUF_LEN		128
#define PAF_NONCE		0x4000000000000000ULL
#define PAF_IMAGE_PHKH		0x2000000000000000ULL
#define PAF_ATTEST_PHKH		0x1000000000000000ULL

/* secrets */
#define SECRET_ASSOCIATION	2
#define SECRET_PLAIN		3
#define SECRET_AES_128		4
#define SECRET_AES_256		6
#define SECRET_EC_P521		0x13
#define SECRET_HDR_LEN		0x28
#define SECRET_ID_LEN		32
#define ASSOCIATION_LEN		32
#define PLAIN_MAX_LEN		8192
#define WKVP_LEN		32	/* after a retrieved (wrapped) key */
#define SECRET_TYPES		0x3fe07c0000000000ULL	/* 2-10, 0x11-0x15 */
#define DEFAULT_ASSOC		8
#define DEFAULT_RETR		120
#define LIST_HDR_LEN		0x10
#define LIST_ENTRY_LEN		0x30
#define LIST_PAGE_ENTRIES	85
#define LIST_BUF_LEN		0x8000	/* what zkey passes: 680 entries */

static void put_be16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put_be32(__u8 *p, __u32 v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v);
}

static void put_be64(__u8 *p, __u64 v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, v);
}

static __u16 get_be16(const __u8 *p)
{
	return p[0] << 8 | p[1];
}

static __u32 get_be32(const __u8 *p)
{
	return (__u32)get_be16(p) << 16 | get_be16(p + 2);
}

static __u64 get_be64(const __u8 *p)
{
	return (__u64)get_be32(p) << 32 | get_be32(p + 4);
}

static bool all_zero(const void *buf, size_t len)
{
	const __u8 *p = buf;

	while (len--)
		if (*p++)
			return false;
	return true;
}

static void fill_pattern(__u8 *buf, size_t len, __u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = seed + 7 * i;
}

/* A secret ID: the name, padded with zeros to 32 bytes */
static void put_id(__u8 *id, const char *name)
{
	size_t len = strnlen(name, SECRET_ID_LEN);

	memset(id, 0, SECRET_ID_LEN);
	memcpy(id, name, len);
}

/* SHA-512 (FIPS 180-4) and HMAC, to compute the expected measurements */
#define SHA512_BLOCK		128
#define SHA512_LEN		64

static const __u64 sha512_k[80] = {
	0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
	0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
	0xd807aa98a3030242ULL, 0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
	0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
	0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
	0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
	0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
	0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL, 0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
	0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
	0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
	0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
	0xd192e819d6ef5218ULL, 0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
	0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
	0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
	0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
	0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
	0xca273eceea26619cULL, 0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
	0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
	0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
	0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};

struct sha512 {
	__u64 h[8];
	__u8 block[SHA512_BLOCK];
	__u64 len;
};

static __u64 ror64(__u64 x, unsigned int n)
{
	return x >> n | x << (64 - n);
}

static void sha512_init(struct sha512 *c)
{
	static const __u64 iv[8] = {
		0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL,
		0xa54ff53a5f1d36f1ULL, 0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
		0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
	};

	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
}

static void sha512_compress(__u64 h[8], const __u8 *p)
{
	__u64 w[80], v[8], s0, s1, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = get_be64(p + 8 * i);
	for (i = 16; i < 80; i++) {
		s0 = ror64(w[i - 15], 1) ^ ror64(w[i - 15], 8) ^ w[i - 15] >> 7;
		s1 = ror64(w[i - 2], 19) ^ ror64(w[i - 2], 61) ^ w[i - 2] >> 6;
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, h, sizeof(v));
	for (i = 0; i < 80; i++) {
		/* v[] holds a, b, c, d, e, f, g, h */
		t1 = v[7] + (ror64(v[4], 14) ^ ror64(v[4], 18) ^ ror64(v[4], 41)) +
		     ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha512_k[i] + w[i];
		t2 = (ror64(v[0], 28) ^ ror64(v[0], 34) ^ ror64(v[0], 39)) +
		     ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += v[i];
}

static void sha512_update(struct sha512 *c, const void *data, size_t len)
{
	const __u8 *p = data;
	size_t used, take;

	while (len) {
		used = c->len % SHA512_BLOCK;
		take = SHA512_BLOCK - used;
		if (take > len)
			take = len;
		memcpy(c->block + used, p, take);
		c->len += take;
		p += take;
		len -= take;
		if (c->len % SHA512_BLOCK == 0)
			sha512_compress(c->h, c->block);
	}
}

static void sha512_final(struct sha512 *c, __u8 *out)
{
	__u8 pad[SHA512_BLOCK] = { 0x80 }, bits[16] = { 0 };
	size_t used = c->len % SHA512_BLOCK;
	int i;

	put_be64(bits + 8, c->len * 8);
	sha512_update(c, pad, (used < 112 ? 112 : 240) - used);
	sha512_update(c, bits, sizeof(bits));
	for (i = 0; i < 8; i++)
		put_be64(out + 8 * i, c->h[i]);
}

/* HMAC-SHA512 with a 64-byte key over the concatenation of three parts */
static void hmac_sha512(__u8 *out, const __u8 *key, const void *d1, size_t l1,
			const void *d2, size_t l2, const void *d3, size_t l3)
{
	__u8 pad[SHA512_BLOCK], inner[SHA512_LEN];
	struct sha512 c;
	int i;

	memset(pad, 0x36, sizeof(pad));
	for (i = 0; i < MEAS_KEY_LEN; i++)
		pad[i] ^= key[i];
	sha512_init(&c);
	sha512_update(&c, pad, sizeof(pad));
	sha512_update(&c, d1, l1);
	sha512_update(&c, d2, l2);
	sha512_update(&c, d3, l3);
	sha512_final(&c, inner);

	memset(pad, 0x5c, sizeof(pad));
	for (i = 0; i < MEAS_KEY_LEN; i++)
		pad[i] ^= key[i];
	sha512_init(&c);
	sha512_update(&c, pad, sizeof(pad));
	sha512_update(&c, inner, sizeof(inner));
	sha512_final(&c, out);
}

/* The calls */

struct uvt {
	int fd;
	bool protected;		/* prot_virt_guest is 1 */
	bool have_facilities;	/* PV_GUEST_FACILITIES is set */
	__u64 facilities;
	unsigned int max_assoc, max_retr;	/* PV_GUEST_SECRETS */
};

static bool call_listed(__u64 word, int bit)
{
	return word & 1ULL << (63 - bit);
}

/*
 * Issue one /dev/uv ioctl and return the Ultravisor's rc. The ioctl itself
 * must succeed whatever the Ultravisor answers.
 */
static __u16 uv_ioctl(struct __test_metadata *_metadata, int fd, unsigned long cmd,
		      void *arg, __u32 len)
{
	struct uvio_ioctl_cb cb = {
		.argument_addr = (__u64)(unsigned long)arg,
		.argument_len = len,
	};
	int ret;

	errno = 0;
	ret = ioctl(fd, cmd, &cb);
	ASSERT_EQ(0, ret) TH_LOG("ioctl 0x%lx failed: %s", cmd, strerror(errno));
	ASSERT_EQ(0, errno);
	return cb.uv_rc;
}

static void uvdev_info(struct __test_metadata *_metadata, int fd,
		       struct uvio_uvdev_info *info)
{
	memset(info, 0xff, sizeof(*info));
	ASSERT_EQ(UVRC_OK, uv_ioctl(_metadata, fd, UVIO_IOCTL_UVDEV_INFO, info, sizeof(*info)));
}

/* A request: header, key slots, encrypted area, tag */
struct req {
	__u8 buf[REQ_BUF_LEN];
	__u32 len;		/* bytes handed to the driver */
	__u32 enc;		/* offset of the encrypted area */
};

/*
 * Lay out a request with @nks key slots and an encrypted area of @sea
 * bytes. Slot @sealed names the test PHKH (none if @sealed >= @nks), the
 * others another hash. The length field says what the layout needs. The
 * fields the Ultravisor ignores are not zero, so that it must ignore them.
 */
static void req_init(struct req *r, unsigned int nks, unsigned int sealed, __u32 sea,
		     __u64 flags)
{
	unsigned int i;
	__u8 *slot;

	memset(r, 0, sizeof(*r));
	r->enc = REQ_HDR_LEN + KEY_SLOT_LEN * nks;
	r->len = r->enc + sea + TAG_LEN;
	put_be32(r->buf + OFF_VERSION, REQ_VERSION);
	put_be32(r->buf + OFF_LENGTH, r->len);
	memset(r->buf + OFF_IV, 0xa5, 12);
	r->buf[OFF_NKS] = nks;
	put_be32(r->buf + OFF_SEA, sea);
	put_be64(r->buf + OFF_FLAGS, flags);
	memset(r->buf + OFF_CPK, 0x5a, CPK_LEN);
	for (i = 0; i < nks; i++) {
		slot = r->buf + REQ_HDR_LEN + KEY_SLOT_LEN * i;
		if (i == sealed)
			memcpy(slot, TEST_PHKH, PHKH_LEN);
		else
			memset(slot, 0x6b, PHKH_LEN);
		memset(slot + PHKH_LEN, 0x3c, KEY_SLOT_LEN - PHKH_LEN);
	}
	memset(r->buf + r->len - TAG_LEN, 0xc3, TAG_LEN);
}

/* Set the length field, and hand the driver as many bytes */
static void req_set_length(struct req *r, __u32 len)
{
	put_be32(r->buf + OFF_LENGTH, len);
	r->len = len;
}

/* Attestation request control block (ARCB) */
struct arcb {
	unsigned int nks;	/* key slots */
	unsigned int sealed;	/* slot naming the test PHKH; >= nks: none */
	__u32 sea;		/* size of the encrypted area */
	__u64 paf;		/* plaintext attestation flags */
	const __u8 *key;	/* measurement key */
	const __u8 *nonce;	/* follows the key if sea leaves room */
};

/* one key slot, naming the test PHKH; no flags */
#define ARCB(k)		{ .nks = 1, .sea = MEAS_KEY_LEN, .key = (k) }

/* One Retrieve Attestation Measurement: request, input and results */
struct att {
	struct req arcb;
	__u8 user_data[UVIO_ATT_USER_DATA_LEN];
	__u16 user_data_len;
	__u32 meas_len;
	__u32 add_len;
	__u8 meas[MEAS_BUF_LEN];
	__u8 add[ADD_BUF_LEN];
	__u8 uid[UVIO_ATT_UID_LEN];
	__u32 add_len_out;	/* additional-data length handed back */
};

static const char default_user_data[] = "uvdevice selftest user data";

static void att_init(struct att *t, const struct arcb *a)
{
	__u32 n;

	req_init(&t->arcb, a->nks, a->sealed, a->sea, a->paf);
	put_be32(t->arcb.buf + OFF_ALGORITHM, ALG_HMAC_SHA512);
	n = a->sea < MEAS_KEY_LEN ? a->sea : MEAS_KEY_LEN;
	memcpy(t->arcb.buf + t->arcb.enc, a->key, n);
	if (a->nonce && a->sea >= MEAS_KEY_LEN + NONCE_LEN)
		memcpy(t->arcb.buf + t->arcb.enc + MEAS_KEY_LEN, a->nonce, NONCE_LEN);
	memset(t->user_data, 0, sizeof(t->user_data));
	memcpy(t->user_data, default_user_data, sizeof(default_user_data));
	t->user_data_len = sizeof(default_user_data);
	t->meas_len = MEAS_LEN;
	t->add_len = 0;
}

/*
 * Retrieve Attestation Measurement with @t. The result buffers start out
 * non-zero: the driver returns its own zeroed buffers where the Ultravisor
 * wrote nothing.
 */
static __u16 att_call(struct __test_metadata *_metadata, int fd, struct att *t)
{
	struct uvio_attest ua = {
		.arcb_addr = (__u64)(unsigned long)t->arcb.buf,
		.meas_addr = (__u64)(unsigned long)t->meas,
		.add_data_addr = (__u64)(unsigned long)t->add,
		.arcb_len = t->arcb.len,
		.meas_len = t->meas_len,
		.add_data_len = t->add_len,
		.user_data_len = t->user_data_len,
	};
	__u16 rc;

	memcpy(ua.user_data, t->user_data, sizeof(ua.user_data));
	memset(ua.config_uid, 0xff, sizeof(ua.config_uid));
	memset(t->meas, 0xff, sizeof(t->meas));
	memset(t->add, 0xff, sizeof(t->add));
	rc = uv_ioctl(_metadata, fd, UVIO_IOCTL_ATT, &ua, sizeof(ua));
	memcpy(t->uid, ua.config_uid, sizeof(t->uid));
	t->add_len_out = ua.add_data_len;
	return rc;
}

/* The measurement of a successful call with @key and additional data @add */
static void att_expected(const struct att *t, const __u8 *key, const void *add,
			 size_t add_len, __u8 *out)
{
	hmac_sha512(out, key, t->uid, sizeof(t->uid), t->user_data, t->user_data_len,
		    add, add_len);
}

/*
 * A call that must succeed: a measurement of @key with additional data
 * @add, which the buffer holds, followed by zeros.
 */
static void att_good(struct __test_metadata *_metadata, int fd, struct att *t,
		     const __u8 *key, const void *add, size_t add_len, const char *what)
{
	__u8 expect[MEAS_LEN];
	__u16 rc = att_call(_metadata, fd, t);

	ASSERT_EQ(UVRC_OK, rc) TH_LOG("%s: rc 0x%04x", what, rc);
	EXPECT_FALSE(all_zero(t->uid, sizeof(t->uid)))
		TH_LOG("%s: configuration UID is zero", what);
	ASSERT_GE(t->add_len, add_len);
	if (add_len)
		EXPECT_EQ(0, memcmp(t->add, add, add_len)) TH_LOG("%s: additional data", what);
	EXPECT_TRUE(all_zero(t->add + add_len, t->add_len - add_len))
		TH_LOG("%s: written beyond the additional data", what);
	EXPECT_FALSE(all_zero(t->meas, MEAS_LEN)) TH_LOG("%s: measurement is zero", what);
	att_expected(t, key, add, add_len, expect);
	EXPECT_EQ(0, memcmp(t->meas, expect, MEAS_LEN))
		TH_LOG("%s: measurement is not HMAC-SHA512(key, UID || user data || add. data)",
		       what);
	EXPECT_TRUE(all_zero(t->meas + MEAS_LEN, t->meas_len - MEAS_LEN))
		TH_LOG("%s: written beyond the 64-byte measurement", what);
}

/* A call the Ultravisor must refuse with @rc, writing no results */
static void att_refused(struct __test_metadata *_metadata, int fd, struct att *t,
			__u16 rc, const char *what)
{
	__u16 got = att_call(_metadata, fd, t);

	EXPECT_EQ(rc, got) TH_LOG("%s: rc 0x%04x, expected 0x%04x", what, got, rc);
	EXPECT_TRUE(all_zero(t->meas, t->meas_len)) TH_LOG("%s: measurement written", what);
	EXPECT_TRUE(all_zero(t->add, t->add_len)) TH_LOG("%s: additional data written", what);
	EXPECT_TRUE(all_zero(t->uid, sizeof(t->uid))) TH_LOG("%s: UID written", what);
}

/* Each of @n values of the 32-bit ARCB field at @off is refused with @rc */
static void att_field_refused(struct __test_metadata *_metadata, int fd, size_t off,
			      const __u32 *values, size_t n, __u16 rc, const char *what)
{
	__u8 key[MEAS_KEY_LEN];
	struct arcb a = ARCB(key);
	struct att t;
	size_t i;

	fill_pattern(key, sizeof(key), 1);
	for (i = 0; i < n; i++) {
		att_init(&t, &a);
		put_be32(t.arcb.buf + off, values[i]);
		att_refused(_metadata, fd, &t, rc, what);
	}
}

/* Add-secret request */
static void secret_init(struct req *r, __u16 type, __u32 len, const char *id)
{
	req_init(r, 1, 0, SECRET_HDR_LEN + len, 0);
	put_be16(r->buf + r->enc, type);
	put_be32(r->buf + r->enc + 4, len);
	put_id(r->buf + r->enc + 8, id);
	fill_pattern(r->buf + r->enc + SECRET_HDR_LEN, len, type);
}

/* The same secret in a request of @nks slots with the test PHKH in @sealed */
static void secret_init_slots(struct req *r, __u16 type, __u32 len, const char *id,
			      unsigned int nks, unsigned int sealed)
{
	struct req s;

	secret_init(&s, type, len, id);
	req_init(r, nks, sealed, SECRET_HDR_LEN + len, 0);
	memcpy(r->buf + r->enc, s.buf + s.enc, SECRET_HDR_LEN + len);
}

static __u16 add_secret(struct __test_metadata *_metadata, int fd, struct req *r)
{
	return uv_ioctl(_metadata, fd, UVIO_IOCTL_ADD_SECRET, r->buf, r->len);
}

static __u16 list_secrets(struct __test_metadata *_metadata, int fd, __u8 *page)
{
	memset(page, 0xff, UVIO_LIST_SECRETS_LEN);
	return uv_ioctl(_metadata, fd, UVIO_IOCTL_LIST_SECRETS, page, UVIO_LIST_SECRETS_LEN);
}

/* List into a buffer of @len bytes: the ioctl's return, errno in *err */
static int list_secrets_len(int fd, __u8 *buf, __u32 len, __u16 *rc, int *err)
{
	struct uvio_ioctl_cb cb = {
		.argument_addr = (__u64)(unsigned long)buf,
		.argument_len = len,
	};
	int ret;

	memset(buf, 0xff, len);
	errno = 0;
	ret = ioctl(fd, UVIO_IOCTL_LIST_SECRETS, &cb);
	*err = errno;
	*rc = cb.uv_rc;
	return ret;
}

static __u16 retr_secret(struct __test_metadata *_metadata, int fd, __u16 idx, __u8 *buf,
			 __u32 len)
{
	put_be16(buf, idx);
	return uv_ioctl(_metadata, fd, UVIO_IOCTL_RETR_SECRET, buf, len);
}

static __u16 lock_secrets(struct __test_metadata *_metadata, int fd)
{
	return uv_ioctl(_metadata, fd, UVIO_IOCTL_LOCK_SECRETS, NULL, 0);
}

static const __u8 *list_entry(const __u8 *page, int i)
{
	return page + LIST_HDR_LEN + LIST_ENTRY_LEN * i;
}

/* Listed (retrievable) length of a key of @type, 0 for other types */
static __u32 key_len(__u16 type)
{
	static const __u8 clear[] = {
		[4] = 16, [5] = 24, [6] = 32, [7] = 32, [8] = 64, [9] = 64, [10] = 128,
		[0x11] = 32, [0x12] = 48, [0x13] = 80, [0x14] = 32, [0x15] = 64,
	};

	return type < sizeof(clear) && clear[type] ? clear[type] + WKVP_LEN : 0;
}

/*
 * List every secret into @list (LIST_BUF_LEN bytes) and check the format:
 * the whole store in one list, entry i has index i, types and lengths are
 * ones the store accepts, IDs are unique, reserved bytes and the rest of
 * the buffer are zero. Returns the number of secrets. Like pvsecret, it
 * falls back to one page where the kernel refuses a longer list (before
 * Linux 6.13): then a store of more than 85 secrets cannot be listed.
 */
static int list_checked(struct __test_metadata *_metadata, int fd, __u8 *list)
{
	__u32 size = LIST_BUF_LEN, len;
	const __u8 *e, *f;
	int n, i, j, err;
	__u16 type, rc;

	if (list_secrets_len(fd, list, size, &rc, &err) && err == EINVAL) {
		size = UVIO_LIST_SECRETS_LEN;
		list_secrets_len(fd, list, size, &rc, &err);
	}
	ASSERT_EQ(0, err) TH_LOG("a %u-byte list: %s", size, strerror(err));
	ASSERT_EQ(UVRC_OK, rc) TH_LOG("the store does not fit a %u-byte list%s", size,
				      size == LIST_BUF_LEN ? "" :
				      " (this kernel lists one page only)");
	n = get_be16(list);
	ASSERT_EQ(n, get_be16(list + 2)) TH_LOG("entries listed and secrets stored differ");
	EXPECT_EQ(0, get_be16(list + 4)) TH_LOG("next index is not 0");
	EXPECT_TRUE(all_zero(list + 6, LIST_HDR_LEN - 6)) TH_LOG("reserved header bytes");
	for (i = 0; i < n; i++) {
		e = list_entry(list, i);
		type = get_be16(e + 2);
		len = get_be32(e + 4);
		EXPECT_EQ(i, get_be16(e)) TH_LOG("entry %d has index %d", i, get_be16(e));
		if (type == SECRET_ASSOCIATION) {
			EXPECT_EQ(ASSOCIATION_LEN, len);
		} else if (type == SECRET_PLAIN) {
			EXPECT_LE(1, len);
			EXPECT_GE(PLAIN_MAX_LEN, len);
		} else {
			EXPECT_NE(0, key_len(type)) TH_LOG("entry %d has type %d", i, type);
			EXPECT_EQ(key_len(type), len) TH_LOG("entry %d: length %u", i, len);
		}
		EXPECT_TRUE(all_zero(e + 8, 8)) TH_LOG("entry %d: reserved bytes", i);
		for (j = 0; j < i; j++) {
			f = list_entry(list, j);
			EXPECT_NE(0, memcmp(e + 16, f + 16, SECRET_ID_LEN))
				TH_LOG("entries %d and %d have the same ID", j, i);
		}
	}
	e = list_entry(list, n);
	EXPECT_TRUE(all_zero(e, list + size - e))
		TH_LOG("list not zero after the last entry");
	return n;
}

/* Association secrets among the @n entries of @list */
static int list_count_assoc(const __u8 *list, int n)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		k += get_be16(list_entry(list, i) + 2) == SECRET_ASSOCIATION;
	return k;
}

/* Position of the secret with ID @id in a listed page, or -1 */
static int list_find(const __u8 *page, const char *id)
{
	__u8 want[SECRET_ID_LEN];
	int i;

	put_id(want, id);
	for (i = 0; i < get_be16(page); i++)
		if (!memcmp(list_entry(page, i) + 16, want, SECRET_ID_LEN))
			return i;
	return -1;
}

/* Add a secret that must be stored and listed with its type and length */
static void secret_added(struct __test_metadata *_metadata, int fd, struct req *r)
{
	static __u8 page[LIST_BUF_LEN];
	const char *id = (const char *)r->buf + r->enc + 8;
	__u16 type = get_be16(r->buf + r->enc);
	__u32 len = get_be32(r->buf + r->enc + 4);
	int n, i;

	n = list_checked(_metadata, fd, page);
	ASSERT_EQ(-1, list_find(page, id)) TH_LOG("%.32s already stored", id);
	ASSERT_EQ(UVRC_OK, add_secret(_metadata, fd, r))
		TH_LOG("%.32s: refused (a full store? run the suite once per boot)", id);
	ASSERT_EQ(n + 1, list_checked(_metadata, fd, page));
	i = list_find(page, id);
	ASSERT_LE(0, i) TH_LOG("%.32s not listed", id);
	EXPECT_EQ(type, get_be16(list_entry(page, i) + 2));
	EXPECT_EQ(key_len(type) ? key_len(type) : len, get_be32(list_entry(page, i) + 4));
}

/* An add the Ultravisor must refuse with @rc, storing nothing */
static void secret_refused(struct __test_metadata *_metadata, int fd, struct req *r,
			   __u16 rc, const char *what)
{
	static __u8 page[LIST_BUF_LEN];
	int n = list_checked(_metadata, fd, page);
	__u16 got = add_secret(_metadata, fd, r);

	EXPECT_EQ(rc, got) TH_LOG("%s: rc 0x%04x, expected 0x%04x", what, got, rc);
	EXPECT_EQ(n, list_checked(_metadata, fd, page)) TH_LOG("%s: stored", what);
}

/*
 * Whether the calls with installed-calls bits @first to @last can be tested
 * here: 1 if the Ultravisor installs them all, 0 if it installs none of
 * them. SKIPs and returns -1 when that is not known.
 */
static int calls_installed(struct __test_metadata *_metadata, const struct uvt *t,
			   int first, int last)
{
	int bit, n = 0;

	if (!t->protected)
		SKIP(return -1, "not a protected guest");
	if (!t->have_facilities)
		SKIP(return -1, "PV_GUEST_FACILITIES is not set");
	for (bit = first; bit <= last; bit++)
		n += call_listed(t->facilities, bit);
	if (n && n != last - first + 1)
		SKIP(return -1, "the Ultravisor installs only some of the calls %d to %d",
		     first, last);
	return n != 0;
}

/*
 * Start of an attestation test: true to go on. When the Ultravisor does not
 * install the call, checks that it answers "not installed" and returns
 * false; SKIPs when that is not known.
 */
static bool attest_ready(struct __test_metadata *_metadata, const struct uvt *t)
{
	__u8 key[MEAS_KEY_LEN];
	struct arcb a = ARCB(key);
	struct att at;
	int installed = calls_installed(_metadata, t, BIT_ATTEST, BIT_ATTEST);

	if (installed < 0)
		return false;
	if (installed)
		return true;
	fill_pattern(key, sizeof(key), 1);
	att_init(&at, &a);
	att_refused(_metadata, t->fd, &at, UVRC_NOT_INSTALLED, "attestation not installed");
	return false;
}

/* The same for the secret tests and the three secret-store calls */
static bool secrets_ready(struct __test_metadata *_metadata, const struct uvt *t)
{
	__u8 page[UVIO_LIST_SECRETS_LEN];
	int installed = calls_installed(_metadata, t, BIT_ADD_SECRET, BIT_LOCK_SECRETS);
	struct req r;

	if (installed < 0)
		return false;
	if (installed)
		return true;
	secret_init(&r, SECRET_PLAIN, 16, "uvdevice selftest: not installed");
	EXPECT_EQ(UVRC_NOT_INSTALLED, add_secret(_metadata, t->fd, &r));
	EXPECT_EQ(UVRC_NOT_INSTALLED, list_secrets(_metadata, t->fd, page));
	EXPECT_TRUE(all_zero(page, sizeof(page))) TH_LOG("List Secrets wrote to the page");
	EXPECT_EQ(UVRC_NOT_INSTALLED, lock_secrets(_metadata, t->fd));
	return false;
}

/* 1 or 0 from prot_virt_guest (absent means 0), -1 if malformed */
static int read_guest_flag(void)
{
	char buf[8] = "";
	ssize_t n;
	int fd;

	fd = open(PV_GUEST_FLAG, O_RDONLY);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n == 2 && buf[1] == '\n' && (buf[0] == '0' || buf[0] == '1'))
		return buf[0] - '0';
	return -1;
}

FIXTURE(uvc) {
	struct uvt t;
};

FIXTURE_SETUP(uvc)
{
	const char *env = getenv("PV_GUEST_FACILITIES");
	struct uvt *t = &self->t;
	char *end;
	int flag;

	t->fd = open(UV_PATH, O_RDWR);
	if (t->fd < 0 && errno == ENOENT)
		SKIP(return, "no " UV_PATH " (no Ultravisor facility or no CONFIG_S390_UV_UAPI)");
	ASSERT_LE(0, t->fd) TH_LOG("open " UV_PATH ": %s", strerror(errno));
	flag = read_guest_flag();
	ASSERT_LE(0, flag) TH_LOG(PV_GUEST_FLAG " must read \"0\\n\" or \"1\\n\"");
	t->protected = flag;
	if (env && *env) {
		errno = 0;
		t->facilities = strtoull(env, &end, 16);
		ASSERT_TRUE(!errno && !*end) TH_LOG("PV_GUEST_FACILITIES=%s is no hex word", env);
		t->have_facilities = true;
	}
	t->max_assoc = DEFAULT_ASSOC;
	t->max_retr = DEFAULT_RETR;
	env = getenv("PV_GUEST_SECRETS");
	if (env && *env)
		ASSERT_EQ(2, sscanf(env, "%u,%u", &t->max_assoc, &t->max_retr))
			TH_LOG("PV_GUEST_SECRETS=%s is not ASSOC,RETR", env);
}

FIXTURE_TEARDOWN(uvc)
{
	if (self->t.fd >= 0)
		close(self->t.fd);
}

/* Device information: the driver answers itself, in any guest */
TEST_F(uvc, uvdev_info_lists_ioctls)
{
	struct uvio_uvdev_info info;
	__u64 ioctls = (1ULL << UVIO_IOCTL_NUM_IOCTLS) - 1;

	uvdev_info(_metadata, self->t.fd, &info);
	EXPECT_EQ(ioctls, info.supp_uvio_cmds & ioctls);
	EXPECT_EQ(0, info.supp_uv_cmds & 1ULL << UVIO_IOCTL_UVDEV_INFO_NR)
		TH_LOG("no Ultravisor call is behind the info ioctl");
	EXPECT_EQ(0, info.supp_uv_cmds & ~info.supp_uvio_cmds);
}

/* The calls the driver reports are those the Ultravisor installs */
TEST_F(uvc, uvdev_info_matches_ultravisor)
{
	static const int call_bit[UVIO_IOCTL_NUM_IOCTLS] = {
		[UVIO_IOCTL_UVDEV_INFO_NR] = -1,
		[UVIO_IOCTL_ATT_NR] = BIT_ATTEST,
		[UVIO_IOCTL_ADD_SECRET_NR] = BIT_ADD_SECRET,
		[UVIO_IOCTL_LIST_SECRETS_NR] = BIT_LIST_SECRETS,
		[UVIO_IOCTL_LOCK_SECRETS_NR] = BIT_LOCK_SECRETS,
		[UVIO_IOCTL_RETR_SECRET_NR] = BIT_RETR_SECRET,
	};
	struct uvio_uvdev_info info;
	__u64 expect = 0;
	int nr;

	if (!self->t.have_facilities)
		SKIP(return, "PV_GUEST_FACILITIES is not set");
	for (nr = 0; nr < UVIO_IOCTL_NUM_IOCTLS; nr++)
		if (call_bit[nr] >= 0 && call_listed(self->t.facilities, call_bit[nr]))
			expect |= 1ULL << nr;
	uvdev_info(_metadata, self->t.fd, &info);
	EXPECT_EQ(expect, info.supp_uv_cmds)
		TH_LOG("the Ultravisor lists %016llx", (unsigned long long)self->t.facilities);
}

/* Read a sysfs file of at most @len - 1 bytes; -1 if it cannot be read */
static int read_sysfs(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static void hex_line(char *out, const char *bytes)
{
	int i;

	for (i = 0; i < PHKH_LEN; i++)
		sprintf(out + 2 * i, "%02x", (unsigned char)bytes[i]);
	out[2 * PHKH_LEN] = '\n';
	out[2 * PHKH_LEN + 1] = '\0';
}

/* /sys/firmware/uv/keys/ names the Ultravisor's host keys, where it has the call */
TEST_F(uvc, query_keys_sysfs)
{
	char buf[16 * 66], want[2 * PHKH_LEN + 2], zero[2 * PHKH_LEN + 2];
	int i;

	if (!self->t.protected)
		SKIP(return, "not a protected guest");
	if (!self->t.have_facilities)
		SKIP(return, "PV_GUEST_FACILITIES is not set");
	if (!call_listed(self->t.facilities, BIT_QUERY_KEYS)) {
		EXPECT_EQ(-1, access(KEYS_DIR, F_OK)) TH_LOG(KEYS_DIR " without the call");
		return;
	}
	ASSERT_EQ(2 * PHKH_LEN + 1, read_sysfs(KEYS_DIR "/host_key", buf, sizeof(buf)))
		TH_LOG("no " KEYS_DIR "/host_key (a kernel before 6.13 has no keys/)");
	hex_line(want, TEST_PHKH);
	EXPECT_STREQ(want, buf);
	ASSERT_EQ(2 * PHKH_LEN + 1, read_sysfs(KEYS_DIR "/backup_host_key", buf, sizeof(buf)));
	hex_line(want, BACKUP_PHKH);
	EXPECT_STREQ(want, buf);
	ASSERT_EQ(15 * (2 * PHKH_LEN + 1), read_sysfs(KEYS_DIR "/all", buf, sizeof(buf)));
	hex_line(want, TEST_PHKH);
	EXPECT_EQ(0, strncmp(buf, want, 2 * PHKH_LEN + 1));
	hex_line(want, BACKUP_PHKH);
	EXPECT_EQ(0, strncmp(buf + 2 * PHKH_LEN + 1, want, 2 * PHKH_LEN + 1));
	memset(zero, '0', 2 * PHKH_LEN);
	zero[2 * PHKH_LEN] = '\n';
	for (i = 2; i < 15; i++)
		EXPECT_EQ(0, strncmp(buf + i * (2 * PHKH_LEN + 1), zero, 2 * PHKH_LEN + 1))
			TH_LOG("hash %d is not zero", i);
}

static long long read_sysfs_num(const char *path, int base)
{
	char buf[32], *end;
	long long v;

	if (read_sysfs(path, buf, sizeof(buf)) <= 0)
		return -1;
	v = strtoll(buf, &end, base);
	return *end == '\n' && end[1] == '\0' ? v : -2;
}

/* The store limits and secret types the Query reports, as the Ultravisor has them */
TEST_F(uvc, query_secret_store)
{
	if (!secrets_ready(_metadata, &self->t))
		return;
	EXPECT_EQ(self->t.max_assoc, read_sysfs_num(QUERY_DIR "/max_assoc_secrets", 10))
		TH_LOG("query/max_assoc_secrets (new in 6.13)");
	EXPECT_EQ(self->t.max_retr, read_sysfs_num(QUERY_DIR "/max_retr_secrets", 10))
		TH_LOG("query/max_retr_secrets (new in 6.13)");
	EXPECT_EQ(self->t.max_assoc + self->t.max_retr,
		  read_sysfs_num(QUERY_DIR "/max_secrets", 10))
		TH_LOG("query/max_secrets is the sum of both limits");
	EXPECT_EQ(SECRET_TYPES, (unsigned long long)read_sysfs_num(QUERY_DIR
								  "/supp_secret_types", 16));
}

/*
 * Outside protected mode the Ultravisor installs none of the four calls.
 * A protected machine whose guest did not enter protected mode (it lacks a
 * call it needs) lists them: this test cannot know what they do there.
 */
TEST_F(uvc, calls_not_installed_outside_pv)
{
	__u64 calls = 0xfULL << (63 - BIT_LOCK_SECRETS);
	__u8 key[MEAS_KEY_LEN], page[UVIO_LIST_SECRETS_LEN];
	struct arcb a = ARCB(key);
	struct uvio_uvdev_info info;
	struct att at;
	struct req r;

	if (self->t.protected)
		SKIP(return, "a protected guest");
	if (self->t.have_facilities && self->t.facilities & calls)
		SKIP(return, "PV_GUEST_FACILITIES lists the calls, the guest is not protected");
	uvdev_info(_metadata, self->t.fd, &info);
	if (!self->t.have_facilities && info.supp_uv_cmds)
		SKIP(return, "the Ultravisor lists calls (%llx), the guest is not protected",
		     (unsigned long long)info.supp_uv_cmds);

	fill_pattern(key, sizeof(key), 1);
	att_init(&at, &a);
	att_refused(_metadata, self->t.fd, &at, UVRC_NOT_INSTALLED, "attestation");
	secret_init(&r, SECRET_PLAIN, 16, "uvdevice selftest: outside pv");
	EXPECT_EQ(UVRC_NOT_INSTALLED, add_secret(_metadata, self->t.fd, &r));
	EXPECT_EQ(UVRC_NOT_INSTALLED, list_secrets(_metadata, self->t.fd, page));
	EXPECT_TRUE(all_zero(page, sizeof(page))) TH_LOG("List Secrets wrote to the page");
	EXPECT_EQ(UVRC_NOT_INSTALLED, lock_secrets(_metadata, self->t.fd));
}

/*
 * Retrieve Attestation Measurement. Codes 0x0005 (UVCB length), 0x0101
 * (continuation token) and 0x0103 (ARCB not readable) cannot be provoked
 * through the driver, which builds the UVCB and copies the ARCB itself;
 * the emulator's own payload tests cover them.
 */
TEST_F(uvc, att_measurement)
{
	__u8 key[MEAS_KEY_LEN], first[MEAS_LEN], uid[UVIO_ATT_UID_LEN];
	struct arcb a = ARCB(key);
	struct att t;

	if (!attest_ready(_metadata, &self->t))
		return;
	fill_pattern(key, sizeof(key), 1);
	att_init(&t, &a);
	att_good(_metadata, self->t.fd, &t, key, NULL, 0, "first");
	memcpy(first, t.meas, sizeof(first));
	memcpy(uid, t.uid, sizeof(uid));

	/* the same request measures the same, with the same UID */
	att_good(_metadata, self->t.fd, &t, key, NULL, 0, "again");
	EXPECT_EQ(0, memcmp(first, t.meas, sizeof(first)));
	EXPECT_EQ(0, memcmp(uid, t.uid, sizeof(uid)));

	/* a longer buffer gets the same 64 bytes and nothing more */
	t.meas_len = MEAS_BUF_LEN;
	att_good(_metadata, self->t.fd, &t, key, NULL, 0, "128-byte buffer");
	EXPECT_EQ(0, memcmp(first, t.meas, sizeof(first)));
}

TEST_F(uvc, att_measurement_inputs)
{
	__u8 key[MEAS_KEY_LEN], key2[MEAS_KEY_LEN], base[MEAS_LEN], uid[UVIO_ATT_UID_LEN];
	struct arcb a = ARCB(key), a2 = ARCB(key2);
	struct att t;

	if (!attest_ready(_metadata, &self->t))
		return;
	fill_pattern(key, sizeof(key), 1);
	fill_pattern(key2, sizeof(key2), 2);
	att_init(&t, &a);
	att_good(_metadata, self->t.fd, &t, key, NULL, 0, "base");
	memcpy(base, t.meas, sizeof(base));
	memcpy(uid, t.uid, sizeof(uid));

	/* other user data */
	t.user_data[0] ^= 1;
	att_good(_metadata, self->t.fd, &t, key, NULL, 0, "other user data");
	EXPECT_NE(0, memcmp(base, t.meas, sizeof(base)));
	EXPECT_EQ(0, memcmp(uid, t.uid, sizeof(uid)));

	/* only user-data length bytes count */
	att_init(&t, &a);
	t.user_data[t.user_data_len] = 0x77;
	att_good(_metadata, self->t.fd, &t, key, NULL, 0, "change after the user data");
	EXPECT_EQ(0, memcmp(base, t.meas, sizeof(base)));

	/* no user data, and all 256 bytes */
	t.user_data_len = 0;
	att_good(_metadata, self->t.fd, &t, key, NULL, 0, "no user data");
	EXPECT_NE(0, memcmp(base, t.meas, sizeof(base)));
	fill_pattern(t.user_data, sizeof(t.user_data), 9);
	t.user_data_len = UVIO_ATT_USER_DATA_LEN;
	att_good(_metadata, self->t.fd, &t, key, NULL, 0, "256 bytes of user data");

	/* another measurement key */
	att_init(&t, &a2);
	att_good(_metadata, self->t.fd, &t, key2, NULL, 0, "another key");
	EXPECT_NE(0, memcmp(base, t.meas, sizeof(base)));
	EXPECT_EQ(0, memcmp(uid, t.uid, sizeof(uid)));
}

TEST_F(uvc, att_sealed_in_second_slot)
{
	__u8 key[MEAS_KEY_LEN];
	struct arcb a = ARCB(key);
	struct att t;

	if (!attest_ready(_metadata, &self->t))
		return;
	fill_pattern(key, sizeof(key), 1);
	a.nks = 2;
	a.sealed = 1;
	att_init(&t, &a);
	att_good(_metadata, self->t.fd, &t, key, NULL, 0, "test PHKH in the second slot");
}

/* Image PHKH, attestation PHKH and nonce, in this order */
TEST_F(uvc, att_additional_data)
{
	static const struct {
		__u64 paf;
		unsigned int phkhs;	/* PHKHs in the additional data */
		__u32 add_len;		/* buffer */
	} cases[] = {
		{ PAF_IMAGE_PHKH, 1, 32 },
		{ PAF_ATTEST_PHKH, 1, 32 },
		{ PAF_IMAGE_PHKH | PAF_ATTEST_PHKH, 2, 64 },
		{ PAF_NONCE, 0, 16 },
		{ PAF_IMAGE_PHKH | PAF_ATTEST_PHKH | PAF_NONCE, 2, 80 },
		{ PAF_IMAGE_PHKH, 1, ADD_BUF_LEN },
		{ PAF_NONCE | PAF_ATTEST_PHKH, 1, ADD_BUF_LEN },
	};
	__u8 key[MEAS_KEY_LEN], nonce[NONCE_LEN], expect[ADD_BUF_LEN];
	struct arcb a = ARCB(key);
	unsigned int i, k;
	char what[64];
	size_t len;
	struct att t;

	if (!attest_ready(_metadata, &self->t))
		return;
	fill_pattern(key, sizeof(key), 1);
	fill_pattern(nonce, sizeof(nonce), 0x40);
	a.nonce = nonce;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(what, sizeof(what), "flags %016llx, %u-byte buffer",
			 (unsigned long long)cases[i].paf, cases[i].add_len);
		a.paf = cases[i].paf;
		a.sea = MEAS_KEY_LEN + (a.paf & PAF_NONCE ? NONCE_LEN : 0);
		len = 0;
		for (k = 0; k < cases[i].phkhs; k++, len += PHKH_LEN)
			memcpy(expect + len, TEST_PHKH, PHKH_LEN);
		if (a.paf & PAF_NONCE) {
			memcpy(expect + len, nonce, NONCE_LEN);
			len += NONCE_LEN;
		}
		att_init(&t, &a);
		t.add_len = cases[i].add_len;
		att_good(_metadata, self->t.fd, &t, key, expect, len, what);
	}
}

/*
 * The length handed back is that of the additional data the Ultravisor
 * stored, not the size of the buffer.
 */
TEST_F(uvc, att_additional_data_length)
{
	static const struct {
		__u64 paf;
		__u32 add_len;		/* buffer */
		__u32 expect;
	} cases[] = {
		{ 0, ADD_BUF_LEN, 0 },
		{ PAF_IMAGE_PHKH, PHKH_LEN, PHKH_LEN },
		{ PAF_IMAGE_PHKH, ADD_BUF_LEN, PHKH_LEN },
		{ PAF_NONCE, ADD_BUF_LEN, NONCE_LEN },
		{ PAF_IMAGE_PHKH | PAF_ATTEST_PHKH | PAF_NONCE, ADD_BUF_LEN,
		  2 * PHKH_LEN + NONCE_LEN },
	};
	__u8 key[MEAS_KEY_LEN], nonce[NONCE_LEN];
	struct arcb a = ARCB(key);
	unsigned int i;
	struct att t;
	__u16 rc;

	if (!attest_ready(_metadata, &self->t))
		return;
	fill_pattern(key, sizeof(key), 1);
	fill_pattern(nonce, sizeof(nonce), 0x40);
	a.nonce = nonce;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		a.paf = cases[i].paf;
		a.sea = MEAS_KEY_LEN + (a.paf & PAF_NONCE ? NONCE_LEN : 0);
		att_init(&t, &a);
		t.add_len = cases[i].add_len;
		rc = att_call(_metadata, self->t.fd, &t);
		ASSERT_EQ(UVRC_OK, rc) TH_LOG("flags %016llx: rc 0x%04x",
					      (unsigned long long)cases[i].paf, rc);
		EXPECT_EQ(cases[i].expect, t.add_len_out)
			TH_LOG("flags %016llx, %u-byte buffer: length %u handed back, %u stored",
			       (unsigned long long)cases[i].paf, cases[i].add_len,
			       t.add_len_out, cases[i].expect);
	}
}

/* The driver passes the user-data length through unchecked */
TEST_F(uvc, att_user_data_too_long)
{
	__u8 key[MEAS_KEY_LEN];
	struct arcb a = ARCB(key);
	struct att t;

	if (!attest_ready(_metadata, &self->t))
		return;
	fill_pattern(key, sizeof(key), 1);
	att_init(&t, &a);
	t.user_data_len = UVIO_ATT_USER_DATA_LEN + 1;
	att_refused(_metadata, self->t.fd, &t, UVRC_USER_DATA_LEN, "257 bytes of user data");
	t.user_data_len = 0xffff;
	att_refused(_metadata, self->t.fd, &t, UVRC_USER_DATA_LEN, "65535 bytes of user data");
}

TEST_F(uvc, att_bad_version)
{
	static const __u32 versions[] = { 0, 0x0101, 0x0200, 0x01000000 };

	if (!attest_ready(_metadata, &self->t))
		return;
	att_field_refused(_metadata, self->t.fd, OFF_VERSION, versions,
			  ARRAY_SIZE(versions), UVRC_VERSION, "version");
}

TEST_F(uvc, att_bad_length)
{
	__u8 key[MEAS_KEY_LEN];
	struct arcb a = ARCB(key);
	struct att t;
	__u32 len;

	if (!attest_ready(_metadata, &self->t))
		return;
	fill_pattern(key, sizeof(key), 1);

	/* out of range: checked on the first 0x40 bytes */
	att_init(&t, &a);
	put_be32(t.arcb.buf + OFF_LENGTH, REQ_MAX_LEN + 1);
	att_refused(_metadata, self->t.fd, &t, UVRC_LENGTH, "length above 1 MiB");
	put_be32(t.arcb.buf + OFF_LENGTH, 0xffffffff);
	att_refused(_metadata, self->t.fd, &t, UVRC_LENGTH, "length 4 GiB - 1");
	put_be32(t.arcb.buf + OFF_LENGTH, REQ_MIN_LEN - 1);
	att_refused(_metadata, self->t.fd, &t, UVRC_LENGTH, "length below 0xf0");

	/* in range, but not what key slots and encrypted area need */
	att_init(&t, &a);
	len = t.arcb.len;
	req_set_length(&t.arcb, len + 16);
	att_refused(_metadata, self->t.fd, &t, UVRC_LENGTH, "16 bytes too long");
	req_set_length(&t.arcb, len - 16);
	att_refused(_metadata, self->t.fd, &t, UVRC_LENGTH, "16 bytes too short");
	att_init(&t, &a);
	t.arcb.buf[OFF_NKS] = 2;
	att_refused(_metadata, self->t.fd, &t, UVRC_LENGTH, "two key slots in the length of one");
}

TEST_F(uvc, att_no_key_slots)
{
	__u8 key[MEAS_KEY_LEN];
	struct arcb a = ARCB(key);
	struct att t;

	if (!attest_ready(_metadata, &self->t))
		return;
	fill_pattern(key, sizeof(key), 1);
	a.nks = 0;
	att_init(&t, &a);
	att_refused(_metadata, self->t.fd, &t, UVRC_NO_KEY_SLOTS, "no key slots");
}

TEST_F(uvc, att_unsupported_flags)
{
	static const __u64 flags[] = {
		0x8000000000000000ULL,	/* bit 0 */
		0x0800000000000000ULL,	/* bit 4, secret-store state */
		0x0400000000000000ULL,	/* bit 5, firmware hash */
		0x0000000000000001ULL,	/* bit 63 */
		PAF_IMAGE_PHKH | 0x0800000000000000ULL,
	};
	__u8 key[MEAS_KEY_LEN];
	struct arcb a = ARCB(key);
	unsigned int i;
	struct att t;

	if (!attest_ready(_metadata, &self->t))
		return;
	fill_pattern(key, sizeof(key), 1);
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		a.paf = flags[i];
		att_init(&t, &a);
		t.add_len = ADD_BUF_LEN;
		att_refused(_metadata, self->t.fd, &t, UVRC_FLAGS, "unsupported flag");
	}
}

TEST_F(uvc, att_bad_encrypted_area_size)
{
	static const struct {
		__u64 paf;
		__u32 sea;
	} cases[] = {
		{ 0, MEAS_KEY_LEN + NONCE_LEN },	/* room for a nonce, no flag */
		{ PAF_NONCE, MEAS_KEY_LEN },		/* nonce flag, no room */
		{ 0, 17 },
		{ 0, 0 },
		{ PAF_NONCE, MEAS_KEY_LEN + 2 * NONCE_LEN },
	};
	__u8 key[MEAS_KEY_LEN], nonce[NONCE_LEN];
	struct arcb a = ARCB(key);
	unsigned int i;
	struct att t;

	if (!attest_ready(_metadata, &self->t))
		return;
	fill_pattern(key, sizeof(key), 1);
	fill_pattern(nonce, sizeof(nonce), 0x40);
	a.nonce = nonce;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		a.paf = cases[i].paf;
		a.sea = cases[i].sea;
		att_init(&t, &a);
		t.add_len = NONCE_LEN;
		att_refused(_metadata, self->t.fd, &t, UVRC_SEA, "encrypted area size");
	}
}

TEST_F(uvc, att_bad_algorithm)
{
	static const __u32 algorithms[] = { 0, 2, 0xffffffff };

	if (!attest_ready(_metadata, &self->t))
		return;
	att_field_refused(_metadata, self->t.fd, OFF_ALGORITHM, algorithms,
			  ARRAY_SIZE(algorithms), UVRC_ALGORITHM, "measurement algorithm");
}

/* A measurement length of 0 is refused by the driver (test_uvdevice) */
TEST_F(uvc, att_short_measurement)
{
	__u8 key[MEAS_KEY_LEN];
	struct arcb a = ARCB(key);
	struct att t;

	if (!attest_ready(_metadata, &self->t))
		return;
	fill_pattern(key, sizeof(key), 1);
	att_init(&t, &a);
	t.meas_len = 32;
	att_refused(_metadata, self->t.fd, &t, UVRC_MEAS_LEN, "32-byte measurement");
	t.meas_len = MEAS_LEN - 1;
	att_refused(_metadata, self->t.fd, &t, UVRC_MEAS_LEN, "63-byte measurement");
}

TEST_F(uvc, att_short_additional_data)
{
	static const struct {
		__u64 paf;
		__u32 add_len;
	} cases[] = {
		{ PAF_IMAGE_PHKH, 0 },
		{ PAF_IMAGE_PHKH, PHKH_LEN - 1 },
		{ PAF_ATTEST_PHKH, 16 },
		{ PAF_IMAGE_PHKH | PAF_ATTEST_PHKH, 2 * PHKH_LEN - 1 },
		{ PAF_NONCE, NONCE_LEN - 1 },
		{ PAF_IMAGE_PHKH | PAF_ATTEST_PHKH | PAF_NONCE, 2 * PHKH_LEN + NONCE_LEN - 1 },
	};
	__u8 key[MEAS_KEY_LEN], nonce[NONCE_LEN];
	struct arcb a = ARCB(key);
	unsigned int i;
	struct att t;

	if (!attest_ready(_metadata, &self->t))
		return;
	fill_pattern(key, sizeof(key), 1);
	fill_pattern(nonce, sizeof(nonce), 0x40);
	a.nonce = nonce;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		a.paf = cases[i].paf;
		a.sea = MEAS_KEY_LEN + (a.paf & PAF_NONCE ? NONCE_LEN : 0);
		att_init(&t, &a);
		t.add_len = cases[i].add_len;
		att_refused(_metadata, self->t.fd, &t, UVRC_ADD_DATA_LEN, "short additional data");
	}
}

TEST_F(uvc, att_cannot_unseal)
{
	__u8 key[MEAS_KEY_LEN];
	struct arcb a = ARCB(key);
	struct att t;

	if (!attest_ready(_metadata, &self->t))
		return;
	fill_pattern(key, sizeof(key), 1);
	a.sealed = 1;
	att_init(&t, &a);
	att_refused(_metadata, self->t.fd, &t, UVRC_UNSEAL, "one slot, another key");
	a.nks = 3;
	a.sealed = 3;
	att_init(&t, &a);
	att_refused(_metadata, self->t.fd, &t, UVRC_UNSEAL, "three slots, other keys");
}

/* The first check that fails gives the return code */
TEST_F(uvc, att_check_order)
{
	__u8 key[MEAS_KEY_LEN];
	struct arcb a = ARCB(key), unsealable = ARCB(key), no_slots = ARCB(key);
	struct arcb bad_flags = ARCB(key), bad_sea = ARCB(key);
	struct att t;

	if (!attest_ready(_metadata, &self->t))
		return;
	fill_pattern(key, sizeof(key), 1);
	unsealable.sealed = 1;
	no_slots.nks = 0;
	bad_flags.paf = 0x8000000000000000ULL;
	bad_sea.sea = MEAS_KEY_LEN + NONCE_LEN;

	att_init(&t, &a);
	t.user_data_len = 0xffff;
	put_be32(t.arcb.buf + OFF_VERSION, 0x0200);
	att_refused(_metadata, self->t.fd, &t, UVRC_USER_DATA_LEN, "user data before version");

	att_init(&t, &a);
	put_be32(t.arcb.buf + OFF_VERSION, 0x0200);
	put_be32(t.arcb.buf + OFF_LENGTH, REQ_MAX_LEN + 1);
	att_refused(_metadata, self->t.fd, &t, UVRC_VERSION, "version before length");

	att_init(&t, &no_slots);
	put_be32(t.arcb.buf + OFF_LENGTH, REQ_MAX_LEN + 1);
	att_refused(_metadata, self->t.fd, &t, UVRC_LENGTH, "length before key slots");

	no_slots.paf = bad_flags.paf;
	att_init(&t, &no_slots);
	att_refused(_metadata, self->t.fd, &t, UVRC_NO_KEY_SLOTS, "key slots before flags");

	bad_flags.sea = 17;
	att_init(&t, &bad_flags);
	att_refused(_metadata, self->t.fd, &t, UVRC_FLAGS, "flags before encrypted area size");

	att_init(&t, &bad_sea);
	req_set_length(&t.arcb, t.arcb.len + 16);
	att_refused(_metadata, self->t.fd, &t, UVRC_SEA, "encrypted area size before length");

	att_init(&t, &a);
	req_set_length(&t.arcb, t.arcb.len + 16);
	put_be32(t.arcb.buf + OFF_ALGORITHM, 2);
	att_refused(_metadata, self->t.fd, &t, UVRC_LENGTH, "length before algorithm");

	att_init(&t, &unsealable);
	put_be32(t.arcb.buf + OFF_ALGORITHM, 2);
	t.meas_len = 32;
	att_refused(_metadata, self->t.fd, &t, UVRC_ALGORITHM, "algorithm before lengths");

	unsealable.paf = PAF_IMAGE_PHKH;
	att_init(&t, &unsealable);
	t.meas_len = 32;
	att_refused(_metadata, self->t.fd, &t, UVRC_MEAS_LEN,
		    "measurement before additional-data length");

	att_init(&t, &unsealable);
	att_refused(_metadata, self->t.fd, &t, UVRC_ADD_DATA_LEN,
		    "additional-data length before unsealing");
}

/*
 * The secret store. Codes 0x0005 (UVCB length) and 0x0103 (request not
 * readable) cannot be provoked through the driver, which builds the UVCB
 * and copies the request itself; the emulator's own payload tests cover
 * them. For the same reason a length field above 1 MiB is not tried: the
 * Ultravisor reads the whole length before it checks it, beyond the
 * driver's copy.
 */
TEST_F(uvc, secret_list_format)
{
	static __u8 page[LIST_BUF_LEN];

	if (!secrets_ready(_metadata, &self->t))
		return;
	list_checked(_metadata, self->t.fd, page);
}

TEST_F(uvc, secret_add_plain)
{
	struct req r;

	if (!secrets_ready(_metadata, &self->t))
		return;
	secret_init(&r, SECRET_PLAIN, 20, "uvdevice selftest: plain");
	secret_added(_metadata, self->t.fd, &r);
}

TEST_F(uvc, secret_add_plain_sizes)
{
	struct req r;

	if (!secrets_ready(_metadata, &self->t))
		return;
	secret_init(&r, SECRET_PLAIN, 1, "uvdevice selftest: plain 1");
	secret_added(_metadata, self->t.fd, &r);
	secret_init(&r, SECRET_PLAIN, PLAIN_MAX_LEN, "uvdevice selftest: plain 8192");
	secret_added(_metadata, self->t.fd, &r);
}

/* sealed in the second of two key slots */
TEST_F(uvc, secret_add_association)
{
	struct req r;

	if (!secrets_ready(_metadata, &self->t))
		return;
	secret_init_slots(&r, SECRET_ASSOCIATION, ASSOCIATION_LEN,
			  "uvdevice selftest: association", 2, 1);
	secret_added(_metadata, self->t.fd, &r);
}

TEST_F(uvc, secret_duplicate_id)
{
	const char *id = "uvdevice selftest: duplicate";
	struct req r;

	if (!secrets_ready(_metadata, &self->t))
		return;
	secret_init(&r, SECRET_PLAIN, 8, id);
	secret_added(_metadata, self->t.fd, &r);
	secret_refused(_metadata, self->t.fd, &r, UVRC_DUPLICATE, "the same request again");
	secret_init(&r, SECRET_ASSOCIATION, ASSOCIATION_LEN, id);
	secret_refused(_metadata, self->t.fd, &r, UVRC_DUPLICATE, "another secret, same ID");
}

TEST_F(uvc, secret_bad_version)
{
	static const __u32 versions[] = { 0, 0x0101, 0x0200 };
	unsigned int i;
	struct req r;

	if (!secrets_ready(_metadata, &self->t))
		return;
	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		secret_init(&r, SECRET_PLAIN, 16, "uvdevice selftest: version");
		put_be32(r.buf + OFF_VERSION, versions[i]);
		secret_refused(_metadata, self->t.fd, &r, UVRC_VERSION, "version");
	}
}

TEST_F(uvc, secret_bad_length)
{
	const char *id = "uvdevice selftest: length";
	struct req r;
	__u32 len;

	if (!secrets_ready(_metadata, &self->t))
		return;
	secret_init(&r, SECRET_PLAIN, 16, id);
	put_be32(r.buf + OFF_LENGTH, REQ_MIN_LEN - 1);
	secret_refused(_metadata, self->t.fd, &r, UVRC_LENGTH, "length below 0xf0");
	put_be32(r.buf + OFF_LENGTH, REQ_HDR_LEN);
	secret_refused(_metadata, self->t.fd, &r, UVRC_LENGTH, "header only");

	secret_init(&r, SECRET_PLAIN, 16, id);
	len = r.len;
	req_set_length(&r, len + 16);
	secret_refused(_metadata, self->t.fd, &r, UVRC_LENGTH, "16 bytes too long");
	req_set_length(&r, len - 8);
	secret_refused(_metadata, self->t.fd, &r, UVRC_LENGTH, "8 bytes too short");
	secret_init(&r, SECRET_PLAIN, 16, id);
	r.buf[OFF_NKS] = 2;
	secret_refused(_metadata, self->t.fd, &r, UVRC_LENGTH, "two slots in the length of one");
}

TEST_F(uvc, secret_no_key_slots)
{
	struct req r;

	if (!secrets_ready(_metadata, &self->t))
		return;
	req_init(&r, 0, 0, SECRET_HDR_LEN + 16, 0);
	put_be16(r.buf + r.enc, SECRET_PLAIN);
	put_be32(r.buf + r.enc + 4, 16);
	put_id(r.buf + r.enc + 8, "uvdevice selftest: no slots");
	secret_refused(_metadata, self->t.fd, &r, UVRC_NO_KEY_SLOTS, "no key slots");
}

TEST_F(uvc, secret_bad_flags)
{
	static const __u64 flags[] = { 1, 0x8000000000000000ULL, PAF_NONCE };
	unsigned int i;
	struct req r;

	if (!secrets_ready(_metadata, &self->t))
		return;
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		secret_init(&r, SECRET_PLAIN, 16, "uvdevice selftest: flags");
		put_be64(r.buf + OFF_FLAGS, flags[i]);
		secret_refused(_metadata, self->t.fd, &r, UVRC_FLAGS, "control flags");
	}
}

TEST_F(uvc, secret_bad_encrypted_area_size)
{
	const char *id = "uvdevice selftest: sea";
	struct req r, s;

	if (!secrets_ready(_metadata, &self->t))
		return;
	/* too small for the secret's header */
	req_init(&r, 1, 0, SECRET_HDR_LEN - 8, 0);
	secret_refused(_metadata, self->t.fd, &r, UVRC_SEA, "encrypted area below 0x28");
	req_init(&r, 1, 0, 0, 0);
	secret_refused(_metadata, self->t.fd, &r, UVRC_SEA, "no encrypted area");

	/* not the secret's header and length */
	secret_init(&s, SECRET_PLAIN, 16, id);
	req_init(&r, 1, 0, SECRET_HDR_LEN + 17, 0);
	memcpy(r.buf + r.enc, s.buf + s.enc, SECRET_HDR_LEN + 16);
	secret_refused(_metadata, self->t.fd, &r, UVRC_SEA, "one byte more than the secret");
	req_init(&r, 1, 0, SECRET_HDR_LEN + 15, 0);
	memcpy(r.buf + r.enc, s.buf + s.enc, SECRET_HDR_LEN + 15);
	secret_refused(_metadata, self->t.fd, &r, UVRC_SEA, "one byte less than the secret");
}

TEST_F(uvc, secret_cannot_unseal)
{
	const char *id = "uvdevice selftest: unseal";
	struct req r;

	if (!secrets_ready(_metadata, &self->t))
		return;
	secret_init_slots(&r, SECRET_PLAIN, 16, id, 1, 1);
	secret_refused(_metadata, self->t.fd, &r, UVRC_UNSEAL, "one slot, another key");
	secret_init_slots(&r, SECRET_PLAIN, 16, id, 3, 3);
	secret_refused(_metadata, self->t.fd, &r, UVRC_UNSEAL, "three slots, other keys");
}

TEST_F(uvc, secret_bad_type)
{
	static const struct {
		__u16 type;
		__u32 len;
	} cases[] = {
		{ 0, 16 },
		{ 1, 16 },			/* null */
		{ 4, 17 },			/* AES-128 */
		{ 0x0b, 16 },			/* reserved */
		{ 0x11, 33 },			/* ECDSA P-256 */
		{ 0x16, 32 },			/* Update CCK, not offered */
		{ SECRET_ASSOCIATION, 16 },
		{ SECRET_ASSOCIATION, ASSOCIATION_LEN + 1 },
		{ SECRET_PLAIN, 0 },
		{ SECRET_PLAIN, PLAIN_MAX_LEN + 1 },
	};
	unsigned int i;
	char what[64];
	struct req r;

	if (!secrets_ready(_metadata, &self->t))
		return;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(what, sizeof(what), "type %u, %u bytes", cases[i].type, cases[i].len);
		secret_init(&r, cases[i].type, cases[i].len, "uvdevice selftest: type");
		secret_refused(_metadata, self->t.fd, &r, UVRC_SECRET_TYPE, what);
	}
}

/* The first check that fails gives the return code */
TEST_F(uvc, secret_check_order)
{
	const char *id = "uvdevice selftest: order";
	struct req r, s;

	if (!secrets_ready(_metadata, &self->t))
		return;
	secret_init(&r, SECRET_PLAIN, 16, id);
	put_be32(r.buf + OFF_VERSION, 0x0200);
	put_be32(r.buf + OFF_LENGTH, REQ_HDR_LEN);
	secret_refused(_metadata, self->t.fd, &r, UVRC_VERSION, "version before length");

	req_init(&r, 0, 0, SECRET_HDR_LEN + 16, 0);
	put_be32(r.buf + OFF_LENGTH, REQ_HDR_LEN);
	secret_refused(_metadata, self->t.fd, &r, UVRC_LENGTH, "length before key slots");

	req_init(&r, 0, 0, SECRET_HDR_LEN + 16, 1);
	secret_refused(_metadata, self->t.fd, &r, UVRC_NO_KEY_SLOTS, "key slots before flags");

	req_init(&r, 1, 0, 8, 1);
	secret_refused(_metadata, self->t.fd, &r, UVRC_FLAGS, "flags before encrypted area size");

	req_init(&r, 1, 0, 8, 0);
	req_set_length(&r, r.len + 16);
	secret_refused(_metadata, self->t.fd, &r, UVRC_SEA, "encrypted area size before length");

	secret_init_slots(&r, SECRET_PLAIN, 16, id, 1, 1);
	req_set_length(&r, r.len + 16);
	secret_refused(_metadata, self->t.fd, &r, UVRC_LENGTH, "length before unsealing");

	secret_init(&s, SECRET_PLAIN, 16, id);
	req_init(&r, 1, 1, SECRET_HDR_LEN + 17, 0);
	memcpy(r.buf + r.enc, s.buf + s.enc, SECRET_HDR_LEN + 16);
	secret_refused(_metadata, self->t.fd, &r, UVRC_UNSEAL,
		       "unsealing before encrypted area size");

	secret_init(&s, 4, 16, id);
	req_init(&r, 1, 0, SECRET_HDR_LEN + 17, 0);
	memcpy(r.buf + r.enc, s.buf + s.enc, SECRET_HDR_LEN + 16);
	secret_refused(_metadata, self->t.fd, &r, UVRC_SEA, "encrypted area size before type");

	secret_init(&r, SECRET_PLAIN, 16, id);
	secret_added(_metadata, self->t.fd, &r);
	secret_init(&r, SECRET_PLAIN, 0, id);
	secret_refused(_metadata, self->t.fd, &r, UVRC_SECRET_TYPE, "type before duplicate ID");
}

/*
 * Retrieve Secret. Whether the call is there: SKIP when that is not known,
 * check "not installed" and return false when it is not.
 */
static bool retr_ready(struct __test_metadata *_metadata, const struct uvt *t)
{
	__u8 buf[16];
	int installed;

	if (!secrets_ready(_metadata, t))
		return false;
	installed = calls_installed(_metadata, t, BIT_RETR_SECRET, BIT_RETR_SECRET);
	if (installed < 0)
		return false;
	if (installed)
		return true;
	EXPECT_EQ(UVRC_NOT_INSTALLED, retr_secret(_metadata, t->fd, 0, buf, sizeof(buf)));
	return false;
}

/* Add a secret and return its index in the store */
static int secret_stored_at(struct __test_metadata *_metadata, int fd, struct req *r)
{
	static __u8 list[LIST_BUF_LEN];

	secret_added(_metadata, fd, r);
	list_checked(_metadata, fd, list);
	return list_find(list, (const char *)r->buf + r->enc + 8);
}

/* A plain secret comes back exactly as it was added, of any size */
TEST_F(uvc, secret_retrieve_plain)
{
	static const __u32 sizes[] = { 1, 100, PLAIN_MAX_LEN };
	static __u8 buf[UVIO_RETR_SECRET_MAX_LEN], want[PLAIN_MAX_LEN];
	unsigned int i;
	char id[SECRET_ID_LEN + 1];
	struct req r;
	__u32 len;
	int idx;

	if (!retr_ready(_metadata, &self->t))
		return;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(id, sizeof(id), "uvdevice selftest: retrieve %u", sizes[i]);
		secret_init(&r, SECRET_PLAIN, sizes[i], id);
		idx = secret_stored_at(_metadata, self->t.fd, &r);
		ASSERT_LE(0, idx);
		fill_pattern(want, sizes[i], SECRET_PLAIN);
		/* the buffer holds the index first: at least two bytes */
		len = sizes[i] < 2 ? 2 : sizes[i];
		memset(buf, 0xaa, sizeof(buf));
		ASSERT_EQ(UVRC_OK, retr_secret(_metadata, self->t.fd, idx, buf, len));
		EXPECT_EQ(0, memcmp(buf, want, sizes[i])) TH_LOG("%u bytes differ", sizes[i]);
		EXPECT_TRUE(all_zero(buf + sizes[i], len - sizes[i]));
		/* a larger buffer: the secret, then zeros */
		if (sizes[i] < sizeof(buf)) {
			memset(buf, 0xaa, sizeof(buf));
			ASSERT_EQ(UVRC_OK,
				  retr_secret(_metadata, self->t.fd, idx, buf, sizeof(buf)));
			EXPECT_EQ(0, memcmp(buf, want, sizes[i]));
			EXPECT_TRUE(all_zero(buf + sizes[i], sizeof(buf) - sizes[i]))
				TH_LOG("bytes after a %u-byte secret", sizes[i]);
		}
	}
}

/*
 * A key comes back as a protected key: as long as the list says, not the
 * clear key, the same each time, with the same verification pattern after
 * every key of this configuration.
 */
TEST_F(uvc, secret_retrieve_keys)
{
	static const struct { __u16 type; __u32 len; } keys[] = {
		{ SECRET_AES_256, 32 }, { SECRET_AES_128, 16 }, { SECRET_EC_P521, 80 },
	};
	__u8 buf[256], again[256], wkvp[WKVP_LEN], clear[128];
	char id[SECRET_ID_LEN + 1];
	unsigned int i;
	struct req r;
	__u32 len;
	int idx;

	if (!retr_ready(_metadata, &self->t))
		return;
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		snprintf(id, sizeof(id), "uvdevice selftest: key %u", keys[i].type);
		secret_init(&r, keys[i].type, keys[i].len, id);
		idx = secret_stored_at(_metadata, self->t.fd, &r);
		ASSERT_LE(0, idx);
		len = key_len(keys[i].type);
		fill_pattern(clear, keys[i].len, keys[i].type);
		ASSERT_EQ(UVRC_BUF_SMALL, retr_secret(_metadata, self->t.fd, idx, buf, len - 1));
		ASSERT_EQ(UVRC_OK, retr_secret(_metadata, self->t.fd, idx, buf, len));
		ASSERT_EQ(UVRC_OK, retr_secret(_metadata, self->t.fd, idx, again, len));
		EXPECT_NE(0, memcmp(buf, clear, keys[i].len)) TH_LOG("type %u: the clear key",
								     keys[i].type);
		EXPECT_EQ(0, memcmp(buf, again, len)) TH_LOG("type %u: differs", keys[i].type);
		if (i)
			EXPECT_EQ(0, memcmp(wkvp, buf + keys[i].len, WKVP_LEN))
				TH_LOG("type %u: another verification pattern", keys[i].type);
		memcpy(wkvp, buf + keys[i].len, WKVP_LEN);
	}
	EXPECT_FALSE(all_zero(wkvp, WKVP_LEN));
}

/* Each documented error, and what the driver itself refuses */
TEST_F(uvc, secret_retrieve_errors)
{
	static __u8 list[LIST_BUF_LEN];
	__u8 buf[64], before[64];
	struct uvio_ioctl_cb cb = { .argument_addr = (__u64)(unsigned long)buf };
	struct req r;
	int n, idx;

	if (!retr_ready(_metadata, &self->t))
		return;
	n = list_checked(_metadata, self->t.fd, list);
	if (!n)
		EXPECT_EQ(UVRC_STORE_EMPTY, retr_secret(_metadata, self->t.fd, 0, buf, 16));
	secret_init(&r, SECRET_ASSOCIATION, ASSOCIATION_LEN, "uvdevice selftest: retr assoc");
	idx = secret_stored_at(_metadata, self->t.fd, &r);
	ASSERT_LE(0, idx);
	n = list_checked(_metadata, self->t.fd, list);
	EXPECT_EQ(UVRC_NOT_RETRIEVABLE, retr_secret(_metadata, self->t.fd, idx, buf, 64));
	memset(buf, 0x5a, sizeof(buf));
	put_be16(buf, n);
	memcpy(before, buf, sizeof(buf));
	EXPECT_EQ(UVRC_BAD_INDEX, uv_ioctl(_metadata, self->t.fd, UVIO_IOCTL_RETR_SECRET, buf, 64));
	EXPECT_EQ(0, memcmp(before, buf, sizeof(buf))) TH_LOG("a failed retrieve wrote the buffer");
	EXPECT_EQ(UVRC_BAD_INDEX, retr_secret(_metadata, self->t.fd, 0xffff, buf, 64));

	cb.argument_len = 1;
	EXPECT_EQ(-1, ioctl(self->t.fd, UVIO_IOCTL_RETR_SECRET, &cb));
	EXPECT_EQ(EINVAL, errno);
	cb.argument_len = UVIO_RETR_SECRET_MAX_LEN + 1;
	EXPECT_EQ(-1, ioctl(self->t.fd, UVIO_IOCTL_RETR_SECRET, &cb));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * Fill both halves of the store to their limits: plain secrets up to the
 * retrievable limit, association secrets up to theirs. Duplicate IDs are
 * still found first. The full store is listed completely, beyond the 85
 * entries of one List Secrets page.
 */
TEST_F(uvc, secret_store_full)
{
	static __u8 page[LIST_BUF_LEN];
	char id[2 * SECRET_ID_LEN];
	int n, assoc, k;
	struct req r;

	if (!secrets_ready(_metadata, &self->t))
		return;
	n = list_checked(_metadata, self->t.fd, page);
	assoc = list_count_assoc(page, n);
	/* the last one is a key, listed beyond the first page (pkey_uv_key) */
	for (k = 0; n - assoc < (int)self->t.max_retr - 1; k++, n++) {
		snprintf(id, sizeof(id), "uvdevice selftest: fill %d", k);
		secret_init(&r, SECRET_PLAIN, 32, id);
		ASSERT_EQ(UVRC_OK, add_secret(_metadata, self->t.fd, &r)) TH_LOG("%s", id);
	}
	secret_init(&r, SECRET_AES_256, 32, PKEY_KEY_ID);
	ASSERT_EQ(UVRC_OK, add_secret(_metadata, self->t.fd, &r));
	n++;
	secret_init(&r, SECRET_PLAIN, 32, "uvdevice selftest: one too many");
	secret_refused(_metadata, self->t.fd, &r, UVRC_STORE_FULL, "a retrievable secret too many");
	for (k = 0; assoc < (int)self->t.max_assoc; k++, n++, assoc++) {
		snprintf(id, sizeof(id), "uvdevice selftest: fill assoc %d", k);
		secret_init(&r, SECRET_ASSOCIATION, ASSOCIATION_LEN, id);
		ASSERT_EQ(UVRC_OK, add_secret(_metadata, self->t.fd, &r)) TH_LOG("%s", id);
	}
	secret_init(&r, SECRET_ASSOCIATION, ASSOCIATION_LEN, "uvdevice selftest: assoc too many");
	secret_refused(_metadata, self->t.fd, &r, UVRC_STORE_FULL,
		       "an association secret too many");

	ASSERT_EQ(self->t.max_assoc + self->t.max_retr, list_checked(_metadata, self->t.fd, page));
	memcpy(id, list_entry(page, 0) + 16, SECRET_ID_LEN);
	id[SECRET_ID_LEN] = '\0';
	secret_init(&r, SECRET_PLAIN, 32, id);
	secret_refused(_metadata, self->t.fd, &r, UVRC_DUPLICATE, "duplicate ID in a full store");
	secret_init(&r, SECRET_PLAIN, 0, "uvdevice selftest: one too many");
	secret_refused(_metadata, self->t.fd, &r, UVRC_SECRET_TYPE, "bad type in a full store");
}

/*
 * After secret_store_full: one page still behaves as before (85 entries,
 * rc 0x0100, the next index), two pages list 170, and buffers that are no
 * multiple of 4 KiB are refused.
 */
TEST_F(uvc, secret_list_buffer_sizes)
{
	static __u8 buf[LIST_BUF_LEN];
	int n = self->t.max_assoc + self->t.max_retr, err, k;
	__u16 rc;

	if (!secrets_ready(_metadata, &self->t))
		return;
	if (n <= LIST_PAGE_ENTRIES)
		SKIP(return, "a store of %d secrets fits one page", n);
	ASSERT_EQ(n, list_checked(_metadata, self->t.fd, buf));
	ASSERT_EQ(0, list_secrets_len(self->t.fd, buf, UVIO_LIST_SECRETS_LEN, &rc, &err));
	EXPECT_EQ(UVRC_MORE_DATA, rc);
	EXPECT_EQ(LIST_PAGE_ENTRIES, get_be16(buf));
	EXPECT_EQ(n, get_be16(buf + 2));
	EXPECT_EQ(LIST_PAGE_ENTRIES, get_be16(buf + 4)) TH_LOG("next index");
	ASSERT_EQ(0, list_secrets_len(self->t.fd, buf, 2 * UVIO_LIST_SECRETS_LEN, &rc, &err))
		TH_LOG("two pages: %s", strerror(err));
	EXPECT_EQ(n <= 2 * LIST_PAGE_ENTRIES ? UVRC_OK : UVRC_MORE_DATA, rc);
	EXPECT_EQ(n <= 2 * LIST_PAGE_ENTRIES ? n : 2 * LIST_PAGE_ENTRIES, get_be16(buf));
	k = (n <= 2 * LIST_PAGE_ENTRIES ? n : 2 * LIST_PAGE_ENTRIES) - 1;
	EXPECT_EQ(k, get_be16(list_entry(buf, k))) TH_LOG("the last entry of two pages");
	EXPECT_EQ(-1, list_secrets_len(self->t.fd, buf, UVIO_LIST_SECRETS_LEN + 8, &rc, &err));
	EXPECT_EQ(EINVAL, err);
	EXPECT_EQ(-1, list_secrets_len(self->t.fd, buf, 0, &rc, &err));
	EXPECT_EQ(EINVAL, err);
}

/* A pkey token that names a secret of the Ultravisor's store */
struct uv_token {
	__u8 type;		/* 0: not a CCA token */
	__u8 res0[3];
	__u8 version;		/* 0x09 */
	__u8 res1[3];
	__u16 secret_type;
	__u16 secret_len;
	__u8 secret_id[SECRET_ID_LEN];
} __attribute__((packed));

static int pkey_protkey(int fd, struct uv_token *t, __u8 *pkey, __u32 *len, __u32 *type)
{
	struct pkey_kblob2pkey3 k = {
		.key = (__u8 *)t, .keylen = sizeof(*t), .pkeylen = *len, .pkey = pkey,
	};
	int ret = ioctl(fd, PKEY_KBLOB2PROTK3, &k);

	*len = k.pkeylen;
	*type = k.pkeytype;
	return ret ? errno : 0;
}

/*
 * The kernel's protected-key users reach the store through pkey: a token
 * naming the AES-256 key that secret_store_full stored last (beyond the
 * first list page) becomes exactly the protected key /dev/uv retrieves;
 * a token with the wrong type, an unknown ID or a short buffer fails.
 */
TEST_F(uvc, pkey_uv_key)
{
	static __u8 list[LIST_BUF_LEN];
	struct pkey_verifykey2 v = {};
	struct uv_token t = { .version = 0x09, .secret_type = SECRET_AES_256,
			      .secret_len = 32 };
	__u8 want[64], got[64];
	__u32 len, type;
	int fd, idx;

	if (!retr_ready(_metadata, &self->t))
		return;
	list_checked(_metadata, self->t.fd, list);
	idx = list_find(list, PKEY_KEY_ID);
	ASSERT_LE(0, idx) TH_LOG("secret_store_full did not store the key");
	if (self->t.max_assoc + self->t.max_retr > LIST_PAGE_ENTRIES)
		EXPECT_LE(LIST_PAGE_ENTRIES, idx) TH_LOG("the key is on the first page");
	ASSERT_EQ(UVRC_OK, retr_secret(_metadata, self->t.fd, idx, want, sizeof(want)));

	fd = open(PKEY_PATH, O_RDWR);
	ASSERT_LE(0, fd) TH_LOG("open " PKEY_PATH ": %s (CONFIG_PKEY, CONFIG_PKEY_UV)",
				strerror(errno));
	put_id(t.secret_id, PKEY_KEY_ID);
	v.key = (__u8 *)&t;
	v.keylen = sizeof(t);
	ASSERT_EQ(0, ioctl(fd, PKEY_VERIFYKEY2, &v)) TH_LOG("verify: %s", strerror(errno));
	EXPECT_EQ(9, v.type) TH_LOG("PKEY_TYPE_UVSECRET");
	EXPECT_EQ(256, v.size);
	EXPECT_EQ(PKEY_KEYTYPE_AES_256, v.flags);

	len = sizeof(got);
	memset(got, 0, sizeof(got));
	ASSERT_EQ(0, pkey_protkey(fd, &t, got, &len, &type));
	EXPECT_EQ(64, len);
	EXPECT_EQ(PKEY_KEYTYPE_AES_256, type);
	EXPECT_EQ(0, memcmp(want, got, sizeof(want))) TH_LOG("not the retrieved protected key");

	len = 63;
	EXPECT_NE(0, pkey_protkey(fd, &t, got, &len, &type)) TH_LOG("a 63-byte buffer");
	t.secret_type = SECRET_AES_128;
	len = sizeof(got);
	EXPECT_NE(0, pkey_protkey(fd, &t, got, &len, &type)) TH_LOG("the wrong type");
	t.secret_type = SECRET_AES_256;
	put_id(t.secret_id, "uvdevice selftest: no such key");
	len = sizeof(got);
	EXPECT_NE(0, pkey_protkey(fd, &t, got, &len, &type)) TH_LOG("an unknown ID");
	t.secret_type = SECRET_PLAIN;
	put_id(t.secret_id, PKEY_KEY_ID);
	EXPECT_NE(0, pkey_protkey(fd, &t, got, &len, &type)) TH_LOG("a plain secret's type");
	close(fd);
}

/* Last: locks the store until the next boot */
TEST_F(uvc, lock_secret_store)
{
	struct req r;

	const char *lock = getenv("UVDEVICE_TEST_LOCK");

	if (!lock || strcmp(lock, "1"))
		SKIP(return, "locks the store until the next boot: set UVDEVICE_TEST_LOCK=1");
	if (!secrets_ready(_metadata, &self->t))
		return;
	ASSERT_EQ(UVRC_OK, lock_secrets(_metadata, self->t.fd));
	secret_init(&r, SECRET_PLAIN, 16, "uvdevice selftest: locked");
	secret_refused(_metadata, self->t.fd, &r, UVRC_LOCKED, "add to a locked store");
	put_be32(r.buf + OFF_VERSION, 0x0200);
	secret_refused(_metadata, self->t.fd, &r, UVRC_LOCKED, "locked before version");
	EXPECT_EQ(UVRC_LOCKED, lock_secrets(_metadata, self->t.fd));
}

TEST_HARNESS_MAIN
#endif /* __s390x__ */
