// SPDX-License-Identifier: GPL-2.0
/*
 * Ultravisor calls through /dev/uv: device information, Retrieve
 * Attestation Measurement, Add Secret, List Secrets, Lock Secret Store and
 * Retrieve Secret, and the host-key hashes in /sys/firmware/uv/keys/.
 *
 * Two kinds of tests. The argument checks need no key: their requests have
 * key slots for no host key, so the Ultravisor must refuse them, and it
 * must check the fields before it tries to unseal. They tell which check
 * comes first where IBM's documentation says so. The request tests need
 * requests sealed for the machine's host keys by whoever holds the
 * secrets (IBM's pvattest create and pvsecret create, or the test
 * environment's runner, which does the same for the emulated Ultravisor):
 *
 * UVDEVICE_REQUESTS=DIR holds them:
 *   attest/NAME.exch        pvattest exchange files; each is performed
 *                           (user data "uvdevice selftest NAME") and the
 *                           performed file is written to
 *                           UVDEVICE_RESPONSES/NAME.exch, for the requester
 *                           to verify (pvattest verify)
 *   secrets/NN-NAME.asrcb   add-secret requests, added in name order; a
 *                           successful one's sealed value is in
 *                           NN-NAME.value (for Retrieve Secret)
 *   list/, fill/, fill-assoc/  more requests: a list beyond one page, and
 *                           more retrievable and association secrets than
 *                           the store holds
 *   after-lock/NAME.asrcb   requests for a locked store
 * A name with ".fail-RRRR" before the suffix must be refused with rc
 * 0xRRRR. Without UVDEVICE_REQUESTS the request tests skip.
 *
 * UVDEVICE_HOST_KEYS=hex[:hex...] are the hashes of the machine's host keys,
 * the host key first: Query Ultravisor Keys (/sys/firmware/uv/keys/) must
 * list exactly those. Without it only the format of the list is checked.
 *
 * PV_GUEST_FACILITIES=hex is the first word of the installed-calls list the
 * Ultravisor advertises. MSB0 bits 28 to 31 are Retrieve Attestation
 * Measurement, Add Secret, List Secrets and Lock Secret Store, 33 Retrieve
 * Secret and 34 Query Ultravisor Keys. A call that is not installed must
 * answer rc 0x0002. Without it, the tests that need the calls skip.
 * PV_GUEST_SECRETS=A,R are the association and retrievable secrets the
 * store holds (default 8,120, as current machines).
 *
 * Without /dev/uv every test skips. In a guest that is not protected only
 * the device information tests and calls_not_installed_outside_pv run.
 *
 * Errors of the Ultravisor are no errno errors: ioctl() returns 0 and the
 * return code comes back in uv_rc. Every call here checks that.
 *
 * The secret store belongs to the configuration, not to a test process: it
 * keeps what earlier tests added until the next boot. The tests count
 * relative to what List Secrets reports; the request tests fill the store.
 * Run the suite once per boot.
 *
 * UVDEVICE_TEST_LOCK=1 runs lock_secret_store, the last test: it locks the
 * store, so that nothing can be added until the next boot. Without it that
 * test skips.
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
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
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
#define KEYS_DIR		"/sys/firmware/uv/keys"
#define QUERY_DIR		"/sys/firmware/uv/query"

/* installed-calls bits (MSB0) */
#define BIT_ATTEST		28
#define BIT_ADD_SECRET		29
#define BIT_LIST_SECRETS	30
#define BIT_LOCK_SECRETS	31
#define BIT_RETR_SECRET		33
#define BIT_QUERY_KEYS		34

/* Ultravisor return codes */
#define UVRC_OK			0x0001
#define UVRC_NOT_INSTALLED	0x0002
#define UVRC_MORE_DATA		0x0100	/* list secrets */
/* Retrieve Attestation Measurement */
#define ATT_USER_DATA_LEN	0x0102
#define ATT_VERSION		0x0106
#define ATT_LENGTH		0x0107
#define ATT_NO_KEY_SLOTS	0x0108
#define ATT_SEA			0x0109
#define ATT_FLAGS		0x010a
#define ATT_ALGORITHM		0x010b
#define ATT_UNSEAL		0x010c
#define ATT_MEAS_LEN		0x010d
#define ATT_ADD_DATA_LEN	0x010e
/* Add Secret and Lock Secret Store */
#define SEC_LOCKED		0x0102
#define SEC_VERSION		0x0104
#define SEC_SIZE		0x0105
#define SEC_NO_KEY_SLOTS	0x0106
#define SEC_FLAGS		0x0107
#define SEC_UNSEAL		0x0108
#define SEC_TYPE		0x0109
#define SEC_LENGTH		0x010a
#define SEC_FULL		0x010b
#define SEC_REFUSED		0x010c
/* Retrieve Secret */
#define RETR_BUF_SMALL		0x0109
#define RETR_STORE_EMPTY	0x010f
#define RETR_BAD_INDEX		0x0110
#define RETR_NOT_RETRIEVABLE	0x0111

/*
 * Request control blocks: the 0x30-byte header that attestation and
 * add-secret requests share, key slots, a plaintext part, the encrypted
 * area, a 16-byte tag.
 */
#define REQ_VERSION		0x0100
#define REQ_MAX_LEN		0x100000
#define KEY_SLOT_LEN		80
#define TAG_LEN			16
#define CPK_LEN			160	/* customer public key */
#define REQ_BUF_LEN		0x2800
#define OFF_VERSION		0x08
#define OFF_LENGTH		0x0c
#define OFF_IV			0x10
#define OFF_NKS			0x27
#define OFF_SEA			0x2c
#define OFF_FLAGS		0x30
/* ARCB */
#define ARCB_ALGORITHM		0x38
#define ARCB_CPK		0x40
#define ARCB_SLOTS		0xe0
#define ALG_HMAC_SHA512		1
#define MEAS_KEY_LEN		64
#define NONCE_LEN		16
#define MEAS_LEN		64
#define MEAS_BUF_LEN		128
#define ADD_BUF_LEN		256
#define PHKH_LEN		32
#define STORE_HASH_LEN		64
#define PAF_NONCE		0x4000000000000000ULL	/* bit 1 */
#define PAF_IMAGE_PHKH		0x2000000000000000ULL	/* bit 2 */
#define PAF_ATTEST_PHKH		0x1000000000000000ULL	/* bit 3 */
#define PAF_STORE_HASH		0x0800000000000000ULL	/* bit 4 */
#define PAF_FIRMWARE		0x0400000000000000ULL	/* bit 5 */
/* add-secret request */
#define ASRCB_MAGIC		"asrcbM"
#define ASRCB_CPK		0x418
#define ASRCB_SLOTS		0x4b8
#define SECRET_HDR_LEN		0x30
#define EXT_SECRET_LEN		32
#define ASRCB_NO_DUMP		0x8000000000000000ULL

/* secrets */
#define SECRET_META		1
#define SECRET_ASSOCIATION	2
#define SECRET_PLAIN		3
#define SECRET_AES_128		4
#define SECRET_AES_256		6
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

/* pvattest's exchange file: magic, version, size, five (size, offset) */
#define EXCH_MAGIC		"pvattest"
#define EXCH_HDR_LEN		0x40
#define EXCH_ENTRIES		0x18
enum { EXCH_ARCB, EXCH_MEAS, EXCH_ADD, EXCH_USER, EXCH_CUID, EXCH_N };

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

/* A secret ID: the name, padded with zeros to 32 bytes */
static void put_id(__u8 *id, const char *name)
{
	size_t len = strnlen(name, SECRET_ID_LEN);

	memset(id, 0, SECRET_ID_LEN);
	memcpy(id, name, len);
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

/*
 * A request that no host key opens: a key slot names no host key's hash,
 * the customer key is no point of the curve. @slots is where the key slots
 * start, @mid the plaintext bytes between them and the encrypted area of
 * @sea bytes. The length field says what the layout needs.
 */
struct req {
	__u8 buf[REQ_BUF_LEN];
	__u32 len;		/* bytes handed to the driver */
	__u32 mid;		/* offset of the part after the key slots */
};

static void req_init(struct req *r, const char *magic, __u32 cpk, __u32 slots,
		     unsigned int nks, __u32 mid, __u32 sea)
{
	memset(r, 0, sizeof(*r));
	r->mid = slots + KEY_SLOT_LEN * nks;
	r->len = r->mid + mid + sea + TAG_LEN;
	memcpy(r->buf, magic, strlen(magic));
	put_be32(r->buf + OFF_VERSION, REQ_VERSION);
	put_be32(r->buf + OFF_LENGTH, r->len);
	memset(r->buf + OFF_IV, 0xa5, 12);
	r->buf[OFF_NKS] = nks;
	put_be32(r->buf + OFF_SEA, sea);
	memset(r->buf + cpk, 0x5a, CPK_LEN);
	memset(r->buf + slots, 0x6b, KEY_SLOT_LEN * nks);
	memset(r->buf + r->mid + mid, 0x3c, sea + TAG_LEN);
}

/* Set the length field, and hand the driver as many bytes */
static void req_set_length(struct req *r, __u32 len)
{
	put_be32(r->buf + OFF_LENGTH, len);
	r->len = len;
}

/* An ARCB of @nks slots with flags @paf and the encrypted area they need */
static void arcb_init(struct req *r, unsigned int nks, __u64 paf)
{
	req_init(r, "", ARCB_CPK, ARCB_SLOTS, nks, 0,
		 MEAS_KEY_LEN + (paf & PAF_NONCE ? NONCE_LEN : 0));
	put_be64(r->buf + OFF_FLAGS, paf);
	put_be32(r->buf + ARCB_ALGORITHM, ALG_HMAC_SHA512);
}

/* An add-secret request of @nks slots for a secret of @type and @len bytes */
static void asrcb_init(struct req *r, unsigned int nks, __u16 type, __u32 len,
		       const char *id)
{
	req_init(r, ASRCB_MAGIC, ASRCB_CPK, ASRCB_SLOTS, nks, SECRET_HDR_LEN,
		 len + EXT_SECRET_LEN);
	put_be16(r->buf + r->mid + 2, type);
	put_be32(r->buf + r->mid + 4, len);
	put_id(r->buf + r->mid + 16, id);
}

/* One Retrieve Attestation Measurement: input and results */
struct att {
	const __u8 *arcb;
	__u32 arcb_len;
	__u8 user_data[UVIO_ATT_USER_DATA_LEN];
	__u16 user_data_len;
	__u32 meas_len;
	__u32 add_len;
	__u8 meas[MEAS_BUF_LEN];
	__u8 add[ADD_BUF_LEN];
	__u8 uid[UVIO_ATT_UID_LEN];
};

static void att_init(struct att *t, const struct req *r)
{
	static const char user[] = "uvdevice selftest user data";

	memset(t, 0, sizeof(*t));
	t->arcb = r->buf;
	t->arcb_len = r->len;
	memcpy(t->user_data, user, sizeof(user));
	t->user_data_len = sizeof(user);
	t->meas_len = MEAS_LEN;
	t->add_len = ADD_BUF_LEN;
}

/*
 * Retrieve Attestation Measurement with @t. The result buffers start out
 * non-zero: the driver returns its own zeroed buffers where the Ultravisor
 * wrote nothing.
 */
static __u16 att_call(struct __test_metadata *_metadata, int fd, struct att *t)
{
	struct uvio_attest ua = {
		.arcb_addr = (__u64)(unsigned long)t->arcb,
		.meas_addr = (__u64)(unsigned long)t->meas,
		.add_data_addr = (__u64)(unsigned long)t->add,
		.arcb_len = t->arcb_len,
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
	return rc;
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

/* An ARCB @r that must be refused with @rc */
static void arcb_refused(struct __test_metadata *_metadata, int fd, const struct req *r,
			 __u16 rc, const char *what)
{
	struct att t;

	att_init(&t, r);
	att_refused(_metadata, fd, &t, rc, what);
}

static __u16 add_secret(struct __test_metadata *_metadata, int fd, const void *req,
			__u32 len)
{
	return uv_ioctl(_metadata, fd, UVIO_IOCTL_ADD_SECRET, (void *)req, len);
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

/* Clear length of a key of @type, 0 for other types */
static __u32 clear_key_len(__u16 type)
{
	static const __u8 clear[] = {
		[4] = 16, [5] = 24, [6] = 32, [7] = 32, [8] = 64, [9] = 64, [10] = 128,
		[0x11] = 32, [0x12] = 48, [0x13] = 80, [0x14] = 32, [0x15] = 64,
	};

	return type < sizeof(clear) ? clear[type] : 0;
}

/* Listed (retrievable) length of a key of @type: a protected key */
static __u32 key_len(__u16 type)
{
	return clear_key_len(type) ? clear_key_len(type) + WKVP_LEN : 0;
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
			EXPECT_LE(16, len);
			EXPECT_GE(PLAIN_MAX_LEN, len);
			EXPECT_EQ(0, len % 16) TH_LOG("entry %d: plain secret of %u bytes", i, len);
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

/* Position of the secret with the 32-byte ID @id in a list, or -1 */
static int list_find(const __u8 *list, const __u8 *id)
{
	int i;

	for (i = 0; i < get_be16(list); i++)
		if (!memcmp(list_entry(list, i) + 16, id, SECRET_ID_LEN))
			return i;
	return -1;
}

/* An add the Ultravisor must refuse with @rc, storing nothing */
static void secret_refused(struct __test_metadata *_metadata, int fd, const void *req,
			   __u32 len, __u16 rc, const char *what)
{
	static __u8 list[LIST_BUF_LEN];
	int n = list_checked(_metadata, fd, list);
	__u16 got = add_secret(_metadata, fd, req, len);

	EXPECT_EQ(rc, got) TH_LOG("%s: rc 0x%04x, expected 0x%04x", what, got, rc);
	EXPECT_EQ(n, list_checked(_metadata, fd, list)) TH_LOG("%s: stored", what);
}

static void asrcb_refused(struct __test_metadata *_metadata, int fd, const struct req *r,
			  __u16 rc, const char *what)
{
	secret_refused(_metadata, fd, r->buf, r->len, rc, what);
}

/*
 * The requests of UVDEVICE_REQUESTS: the files of one directory with one
 * suffix, in name order, and the rc each must get (".fail-RRRR").
 */
struct rq {
	char name[128];		/* without the suffix */
	__u8 *data;
	size_t len;
	__u16 want;
	__u8 *value;		/* NAME.value, if there is one */
	size_t value_len;
};

static __u8 *read_file(const char *path, size_t *len)
{
	__u8 *buf = NULL;
	size_t size = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	*len = 0;
	if (fd < 0)
		return NULL;
	do {
		if (*len == size) {
			size = size ? 2 * size : 4096;
			buf = realloc(buf, size);
			if (!buf)
				break;
		}
		n = read(fd, buf + *len, size - *len);
		if (n > 0)
			*len += n;
	} while (n > 0);
	close(fd);
	if (buf && n < 0) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* The requests in DIR/@sub with @suffix: a count, -1 if the directory is missing */
static int rq_load(const char *sub, const char *suffix, struct rq **out)
{
	const char *dir = getenv("UVDEVICE_REQUESTS");
	size_t sl = strlen(suffix), nl;
	struct dirent **names;
	char path[512], *fail;
	int n, i, k = 0;
	struct rq *q;

	*out = NULL;
	if (!dir || !*dir)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	n = scandir(path, &names, NULL, name_cmp);
	if (n < 0)
		return -1;
	*out = q = calloc(n ? n : 1, sizeof(*q));
	for (i = 0; i < n; i++) {
		nl = strlen(names[i]->d_name);
		if (q && nl > sl && nl - sl < sizeof(q->name) &&
		    !strcmp(names[i]->d_name + nl - sl, suffix)) {
			memcpy(q[k].name, names[i]->d_name, nl - sl);
			q[k].name[nl - sl] = '\0';
			snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, names[i]->d_name);
			q[k].data = read_file(path, &q[k].len);
			fail = strstr(q[k].name, ".fail-");
			q[k].want = fail ? strtoul(fail + 6, NULL, 16) : UVRC_OK;
			snprintf(path, sizeof(path), "%s/%s/%s.value", dir, sub, q[k].name);
			q[k].value = read_file(path, &q[k].value_len);
			if (q[k].data)
				k++;
		}
		free(names[i]);
	}
	free(names);
	return q ? k : -1;
}

static void rq_free(struct rq *q, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(q[i].data);
		free(q[i].value);
	}
	free(q);
}

/* The requests as rq_load() finds them; SKIPs and returns -1 without any */
static int rq_need(struct __test_metadata *_metadata, const char *sub, const char *suffix,
		   struct rq **q)
{
	int n = rq_load(sub, suffix, q);

	if (n > 0)
		return n;
	free(*q);
	*q = NULL;
	SKIP(return -1, "no requests in UVDEVICE_REQUESTS/%s", sub);
}

/* The secret header of an add-secret request: type, length, ID */
static const __u8 *asrcb_secret(const __u8 *req)
{
	return req + ASRCB_SLOTS + KEY_SLOT_LEN * req[OFF_NKS];
}

/*
 * Add request @q; it must get the rc its name says. A stored secret
 * is listed with its type and length (keys as protected keys), a meta
 * request stores flags only, a refused one stores nothing.
 */
static void rq_add(struct __test_metadata *_metadata, int fd, const struct rq *q)
{
	static __u8 list[LIST_BUF_LEN];
	const __u8 *s = asrcb_secret(q->data);
	__u16 type = get_be16(s + 2), rc;
	int n, i;

	n = list_checked(_metadata, fd, list);
	rc = add_secret(_metadata, fd, q->data, q->len);
	EXPECT_EQ(q->want, rc) TH_LOG("%s: rc 0x%04x", q->name, rc);
	if (rc != UVRC_OK || type == SECRET_META) {
		EXPECT_EQ(n, list_checked(_metadata, fd, list))
			TH_LOG("%s: the list changed", q->name);
		return;
	}
	ASSERT_EQ(n + 1, list_checked(_metadata, fd, list));
	i = list_find(list, s + 16);
	ASSERT_LE(0, i) TH_LOG("%s: not listed", q->name);
	EXPECT_EQ(type, get_be16(list_entry(list, i) + 2));
	EXPECT_EQ(key_len(type) ? key_len(type) : get_be32(s + 4),
		  get_be32(list_entry(list, i) + 4));
}

/* Add the requests of @sub; returns how many were stored */
static int rq_add_all(struct __test_metadata *_metadata, int fd, const char *sub)
{
	struct rq *q;
	int n = rq_need(_metadata, sub, ".asrcb", &q), i, k = 0;

	for (i = 0; i < n; i++) {
		rq_add(_metadata, fd, &q[i]);
		k += q[i].want == UVRC_OK;
	}
	rq_free(q, n > 0 ? n : 0);
	return n < 0 ? -1 : k;
}

/* The parts of an exchange file: pointers into @x, NULL for no data */
struct exch {
	const __u8 *part[EXCH_N];
	__u32 size[EXCH_N];
};

static bool exch_parse(const __u8 *x, size_t len, struct exch *e)
{
	__u32 off;
	int i;

	if (len < EXCH_HDR_LEN || memcmp(x, EXCH_MAGIC, 8) || get_be32(x + 8) != 0x100)
		return false;
	for (i = 0; i < EXCH_N; i++) {
		e->size[i] = get_be32(x + EXCH_ENTRIES + 8 * i);
		off = get_be32(x + EXCH_ENTRIES + 8 * i + 4);
		if (off && (off > len || e->size[i] > len - off))
			return false;
		e->part[i] = off ? x + off : NULL;
	}
	return e->part[EXCH_ARCB];
}

/* The performed exchange file: the request, then what the call returned */
static bool exch_write(const char *path, const struct exch *e, const struct att *t,
		       __u32 add_len)
{
	const void *data[EXCH_N] = {
		e->part[EXCH_ARCB], t->meas, t->add, t->user_data, t->uid,
	};
	__u32 size[EXCH_N] = {
		e->size[EXCH_ARCB], MEAS_LEN, add_len, t->user_data_len, UVIO_ATT_UID_LEN,
	};
	__u8 hdr[EXCH_HDR_LEN] = EXCH_MAGIC;
	__u32 off = EXCH_HDR_LEN;
	bool ok;
	FILE *f;
	int i;

	put_be32(hdr + 8, 0x100);
	for (i = 0; i < EXCH_N; i++) {
		put_be32(hdr + EXCH_ENTRIES + 8 * i, size[i]);
		put_be32(hdr + EXCH_ENTRIES + 8 * i + 4, size[i] ? off : 0);
		off += size[i];
	}
	put_be32(hdr + 12, off);
	f = fopen(path, "w");
	if (!f)
		return false;
	ok = fwrite(hdr, sizeof(hdr), 1, f) == 1;
	for (i = 0; i < EXCH_N; i++)
		ok &= !size[i] || fwrite(data[i], size[i], 1, f) == 1;
	return !fclose(f) && ok;
}

/* Additional-data bytes that flags @paf select (the nonce is none) */
static __u32 paf_add_len(__u64 paf)
{
	return (paf & PAF_IMAGE_PHKH ? PHKH_LEN : 0) +
	       (paf & PAF_ATTEST_PHKH ? PHKH_LEN : 0) +
	       (paf & PAF_STORE_HASH ? STORE_HASH_LEN : 0);
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
	int installed = calls_installed(_metadata, t, BIT_ATTEST, BIT_ATTEST);
	struct req r;

	if (installed < 0)
		return false;
	if (installed)
		return true;
	arcb_init(&r, 1, PAF_NONCE);
	arcb_refused(_metadata, t->fd, &r, UVRC_NOT_INSTALLED, "attestation not installed");
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
	asrcb_init(&r, 1, SECRET_PLAIN, 16, "uvdevice selftest: not installed");
	EXPECT_EQ(UVRC_NOT_INSTALLED, add_secret(_metadata, t->fd, r.buf, r.len));
	EXPECT_EQ(UVRC_NOT_INSTALLED, list_secrets(_metadata, t->fd, page));
	EXPECT_TRUE(all_zero(page, sizeof(page))) TH_LOG("List Secrets wrote to the page");
	EXPECT_EQ(UVRC_NOT_INSTALLED, lock_secrets(_metadata, t->fd));
	return false;
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

/* A sysfs hash line: 64 lower-case hex digits and a newline */
static bool hash_line(const char *p)
{
	int i;

	for (i = 0; i < 2 * PHKH_LEN; i++)
		if (!isxdigit((unsigned char)p[i]) || isupper((unsigned char)p[i]))
			return false;
	return p[2 * PHKH_LEN] == '\n';
}

/*
 * /sys/firmware/uv/keys/ names the Ultravisor's host keys, where it has the
 * call. Which keys a machine has is known only to its owner: with
 * UVDEVICE_HOST_KEYS (the hashes, hex, separated by ':', the host key
 * first) the lines must be exactly those, then zero hashes; without it
 * only their format is checked.
 */
TEST_F(uvc, query_keys_sysfs)
{
	const char *want = getenv("UVDEVICE_HOST_KEYS");
	const char *zero = "0000000000000000000000000000000000000000000000000000000000000000\n";
	char buf[16 * 66];
	int i, n = 0;

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
	EXPECT_TRUE(hash_line(buf));
	if (want && *want)
		EXPECT_EQ(0, strncmp(buf, want, 2 * PHKH_LEN)) TH_LOG("host_key %.64s", buf);
	ASSERT_EQ(2 * PHKH_LEN + 1, read_sysfs(KEYS_DIR "/backup_host_key", buf, sizeof(buf)));
	EXPECT_TRUE(hash_line(buf));
	ASSERT_EQ(15 * (2 * PHKH_LEN + 1), read_sysfs(KEYS_DIR "/all", buf, sizeof(buf)));
	for (i = 0; i < 15; i++)
		EXPECT_TRUE(hash_line(buf + i * (2 * PHKH_LEN + 1))) TH_LOG("line %d", i);
	if (!want || !*want) {
		TH_LOG("UVDEVICE_HOST_KEYS is not set: the hashes' format only");
		return;
	}
	for (; *want && n < 15; n++) {
		EXPECT_EQ(0, strncmp(buf + n * (2 * PHKH_LEN + 1), want, 2 * PHKH_LEN))
			TH_LOG("hash %d is not the host key given", n);
		want += strnlen(want, 2 * PHKH_LEN);
		if (*want == ':')
			want++;
	}
	for (i = n; i < 15; i++)
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

/* A hex word from sysfs; all ones if it cannot be read */
static unsigned long long read_sysfs_u64(const char *path)
{
	char buf[32], *end;
	unsigned long long v;

	if (read_sysfs(path, buf, sizeof(buf)) <= 0)
		return ~0ULL;
	v = strtoull(buf, &end, 16);
	return *end == '\n' && end[1] == '\0' ? v : ~0ULL;
}

/* The attestation versions and flags the Query reports */
TEST_F(uvc, query_attestation)
{
	if (!attest_ready(_metadata, &self->t))
		return;
	EXPECT_EQ(0x8000000000000000ULL, read_sysfs_u64(QUERY_DIR "/supp_att_req_hdr_ver"))
		TH_LOG("request version 0x0100");
	EXPECT_EQ(PAF_NONCE | PAF_IMAGE_PHKH | PAF_ATTEST_PHKH | PAF_STORE_HASH,
		  read_sysfs_u64(QUERY_DIR "/supp_att_pflags"))
		TH_LOG("nonce, image and attestation PHKH, secret-store hash");
}

/*
 * Outside protected mode the Ultravisor installs none of the four calls.
 * A protected machine whose guest did not enter protected mode (it lacks a
 * call it needs) lists them: this test cannot know what they do there.
 */
TEST_F(uvc, calls_not_installed_outside_pv)
{
	__u64 calls = 0xfULL << (63 - BIT_LOCK_SECRETS);
	__u8 page[UVIO_LIST_SECRETS_LEN];
	struct uvio_uvdev_info info;
	struct req r;

	if (self->t.protected)
		SKIP(return, "a protected guest");
	if (self->t.have_facilities && self->t.facilities & calls)
		SKIP(return, "PV_GUEST_FACILITIES lists the calls, the guest is not protected");
	uvdev_info(_metadata, self->t.fd, &info);
	if (!self->t.have_facilities && info.supp_uv_cmds)
		SKIP(return, "the Ultravisor lists calls (%llx), the guest is not protected",
		     (unsigned long long)info.supp_uv_cmds);

	arcb_init(&r, 1, PAF_NONCE);
	arcb_refused(_metadata, self->t.fd, &r, UVRC_NOT_INSTALLED, "attestation");
	asrcb_init(&r, 1, SECRET_PLAIN, 16, "uvdevice selftest: outside pv");
	EXPECT_EQ(UVRC_NOT_INSTALLED, add_secret(_metadata, self->t.fd, r.buf, r.len));
	EXPECT_EQ(UVRC_NOT_INSTALLED, list_secrets(_metadata, self->t.fd, page));
	EXPECT_TRUE(all_zero(page, sizeof(page))) TH_LOG("List Secrets wrote to the page");
	EXPECT_EQ(UVRC_NOT_INSTALLED, lock_secrets(_metadata, self->t.fd));
}

/*
 * Retrieve Attestation Measurement, the checks before unsealing. Codes
 * 0x0005 (UVCB length), 0x0101 (continuation token) and 0x0103 (ARCB not
 * readable) cannot be provoked through the driver, which builds the UVCB
 * and copies the ARCB itself; the emulator's own payload tests cover them.
 */

/* The driver passes the user-data length through unchecked */
TEST_F(uvc, att_user_data_too_long)
{
	struct att t;
	struct req r;

	if (!attest_ready(_metadata, &self->t))
		return;
	arcb_init(&r, 1, PAF_NONCE);
	att_init(&t, &r);
	t.user_data_len = UVIO_ATT_USER_DATA_LEN + 1;
	att_refused(_metadata, self->t.fd, &t, ATT_USER_DATA_LEN, "257 bytes of user data");
	t.user_data_len = 0xffff;
	att_refused(_metadata, self->t.fd, &t, ATT_USER_DATA_LEN, "65535 bytes of user data");
}

TEST_F(uvc, att_bad_version)
{
	static const __u32 versions[] = { 0, 0x0101, 0x0200, 0x01000000 };
	unsigned int i;
	struct req r;

	if (!attest_ready(_metadata, &self->t))
		return;
	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		arcb_init(&r, 1, PAF_NONCE);
		put_be32(r.buf + OFF_VERSION, versions[i]);
		arcb_refused(_metadata, self->t.fd, &r, ATT_VERSION, "version");
	}
}

TEST_F(uvc, att_bad_length)
{
	struct req r;
	__u32 len;

	if (!attest_ready(_metadata, &self->t))
		return;
	/* out of range: checked on the first 0xe0 bytes */
	arcb_init(&r, 1, PAF_NONCE);
	put_be32(r.buf + OFF_LENGTH, REQ_MAX_LEN + 1);
	arcb_refused(_metadata, self->t.fd, &r, ATT_LENGTH, "length above 1 MiB");
	put_be32(r.buf + OFF_LENGTH, 0xffffffff);
	arcb_refused(_metadata, self->t.fd, &r, ATT_LENGTH, "length 4 GiB - 1");
	put_be32(r.buf + OFF_LENGTH, ARCB_SLOTS + KEY_SLOT_LEN);
	arcb_refused(_metadata, self->t.fd, &r, ATT_LENGTH, "no room for the tag");

	/* in range, but not what key slots and encrypted area need */
	arcb_init(&r, 1, PAF_NONCE);
	len = r.len;
	req_set_length(&r, len + 16);
	arcb_refused(_metadata, self->t.fd, &r, ATT_LENGTH, "16 bytes too long");
	req_set_length(&r, len - 16);
	arcb_refused(_metadata, self->t.fd, &r, ATT_LENGTH, "16 bytes too short");
	arcb_init(&r, 1, PAF_NONCE);
	r.buf[OFF_NKS] = 2;
	arcb_refused(_metadata, self->t.fd, &r, ATT_LENGTH, "two key slots in the length of one");
}

TEST_F(uvc, att_no_key_slots)
{
	struct req r;

	if (!attest_ready(_metadata, &self->t))
		return;
	arcb_init(&r, 0, PAF_NONCE);
	arcb_refused(_metadata, self->t.fd, &r, ATT_NO_KEY_SLOTS, "no key slots");
}

/* The measurement key, and a nonce exactly if the flags say so */
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
	unsigned int i;
	struct req r;

	if (!attest_ready(_metadata, &self->t))
		return;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		req_init(&r, "", ARCB_CPK, ARCB_SLOTS, 1, 0, cases[i].sea);
		put_be64(r.buf + OFF_FLAGS, cases[i].paf);
		put_be32(r.buf + ARCB_ALGORITHM, ALG_HMAC_SHA512);
		arcb_refused(_metadata, self->t.fd, &r, ATT_SEA, "encrypted area size");
	}
}

TEST_F(uvc, att_unsupported_flags)
{
	static const __u64 flags[] = {
		0x8000000000000000ULL,		/* bit 0 */
		PAF_FIRMWARE,			/* bit 5, firmware state */
		0x0000000000000004ULL,		/* bit 61 */
		PAF_NONCE | PAF_IMAGE_PHKH | 0x0000000100000000ULL,
	};
	unsigned int i;
	struct req r;

	if (!attest_ready(_metadata, &self->t))
		return;
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		arcb_init(&r, 1, flags[i]);
		arcb_refused(_metadata, self->t.fd, &r, ATT_FLAGS, "unsupported flag");
	}
}

TEST_F(uvc, att_bad_algorithm)
{
	static const __u32 algorithms[] = { 0, 2, 0xffffffff };
	unsigned int i;
	struct req r;

	if (!attest_ready(_metadata, &self->t))
		return;
	for (i = 0; i < ARRAY_SIZE(algorithms); i++) {
		arcb_init(&r, 1, PAF_NONCE);
		put_be32(r.buf + ARCB_ALGORITHM, algorithms[i]);
		arcb_refused(_metadata, self->t.fd, &r, ATT_ALGORITHM, "measurement algorithm");
	}
}

/* A measurement length of 0 is refused by the driver (test_uvdevice) */
TEST_F(uvc, att_short_measurement)
{
	struct att t;
	struct req r;

	if (!attest_ready(_metadata, &self->t))
		return;
	arcb_init(&r, 1, PAF_NONCE);
	att_init(&t, &r);
	t.meas_len = 32;
	att_refused(_metadata, self->t.fd, &t, ATT_MEAS_LEN, "32-byte measurement");
	t.meas_len = MEAS_LEN - 1;
	att_refused(_metadata, self->t.fd, &t, ATT_MEAS_LEN, "63-byte measurement");
}

/* The nonce is no additional data: a request with only it needs none */
TEST_F(uvc, att_short_additional_data)
{
	static const __u64 flags[] = {
		PAF_IMAGE_PHKH, PAF_ATTEST_PHKH, PAF_STORE_HASH,
		PAF_NONCE | PAF_IMAGE_PHKH | PAF_ATTEST_PHKH,
		PAF_NONCE | PAF_IMAGE_PHKH | PAF_ATTEST_PHKH | PAF_STORE_HASH,
	};
	unsigned int i;
	struct att t;
	struct req r;

	if (!attest_ready(_metadata, &self->t))
		return;
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		arcb_init(&r, 1, flags[i]);
		att_init(&t, &r);
		t.add_len = paf_add_len(flags[i]) - 1;
		att_refused(_metadata, self->t.fd, &t, ATT_ADD_DATA_LEN, "short additional data");
		t.add_len = 0;
		att_refused(_metadata, self->t.fd, &t, ATT_ADD_DATA_LEN, "no additional data");
	}
	/* enough room: the request goes on to be unsealed */
	arcb_init(&r, 1, PAF_NONCE);
	att_init(&t, &r);
	t.add_len = 0;
	att_refused(_metadata, self->t.fd, &t, ATT_UNSEAL, "a nonce, no additional data");
}

TEST_F(uvc, att_cannot_unseal)
{
	struct req r;

	if (!attest_ready(_metadata, &self->t))
		return;
	arcb_init(&r, 1, PAF_NONCE);
	arcb_refused(_metadata, self->t.fd, &r, ATT_UNSEAL, "one slot, another key");
	arcb_init(&r, 3, 0);
	arcb_refused(_metadata, self->t.fd, &r, ATT_UNSEAL, "three slots, other keys");
}

/* The first check that fails gives the return code */
TEST_F(uvc, att_check_order)
{
	struct att t;
	struct req r;

	if (!attest_ready(_metadata, &self->t))
		return;
	arcb_init(&r, 1, PAF_NONCE);
	put_be32(r.buf + OFF_VERSION, 0x0200);
	att_init(&t, &r);
	t.user_data_len = 0xffff;
	att_refused(_metadata, self->t.fd, &t, ATT_USER_DATA_LEN, "user data before version");

	arcb_init(&r, 0, PAF_NONCE);
	put_be32(r.buf + OFF_VERSION, 0x0200);
	put_be32(r.buf + OFF_LENGTH, REQ_MAX_LEN + 1);
	arcb_refused(_metadata, self->t.fd, &r, ATT_VERSION, "version before length");

	arcb_init(&r, 0, PAF_NONCE);
	put_be32(r.buf + OFF_LENGTH, REQ_MAX_LEN + 1);
	arcb_refused(_metadata, self->t.fd, &r, ATT_LENGTH, "length before key slots");

	req_init(&r, "", ARCB_CPK, ARCB_SLOTS, 0, 0, 17);
	put_be64(r.buf + OFF_FLAGS, PAF_FIRMWARE);
	arcb_refused(_metadata, self->t.fd, &r, ATT_NO_KEY_SLOTS,
		     "key slots before encrypted area size");

	req_init(&r, "", ARCB_CPK, ARCB_SLOTS, 1, 0, 17);
	put_be64(r.buf + OFF_FLAGS, PAF_FIRMWARE);
	req_set_length(&r, r.len + 16);
	arcb_refused(_metadata, self->t.fd, &r, ATT_SEA,
		     "encrypted area size before length and flags");

	arcb_init(&r, 1, PAF_NONCE | PAF_FIRMWARE);
	req_set_length(&r, r.len + 16);
	arcb_refused(_metadata, self->t.fd, &r, ATT_LENGTH, "length before flags");

	arcb_init(&r, 1, PAF_NONCE | PAF_FIRMWARE);
	put_be32(r.buf + ARCB_ALGORITHM, 2);
	arcb_refused(_metadata, self->t.fd, &r, ATT_FLAGS, "flags before algorithm");

	arcb_init(&r, 1, PAF_IMAGE_PHKH);
	put_be32(r.buf + ARCB_ALGORITHM, 2);
	att_init(&t, &r);
	t.meas_len = 32;
	att_refused(_metadata, self->t.fd, &t, ATT_ALGORITHM, "algorithm before lengths");

	att_init(&t, &r);
	put_be32(r.buf + ARCB_ALGORITHM, ALG_HMAC_SHA512);
	t.meas_len = 32;
	t.add_len = 0;
	att_refused(_metadata, self->t.fd, &t, ATT_MEAS_LEN,
		    "measurement before additional-data length");

	att_init(&t, &r);
	t.add_len = 0;
	att_refused(_metadata, self->t.fd, &t, ATT_ADD_DATA_LEN,
		    "additional-data length before unsealing");
}

/* Is @hash one of the host keys that /sys/firmware/uv/keys/all lists? */
static int host_key_listed(const __u8 *hash)
{
	char buf[16 * 66], hex[2 * PHKH_LEN + 1];
	int i;

	if (read_sysfs(KEYS_DIR "/all", buf, sizeof(buf)) < 0)
		return -1;
	for (i = 0; i < PHKH_LEN; i++)
		sprintf(hex + 2 * i, "%02x", hash[i]);
	for (i = 0; i < 15; i++)
		if (!strncmp(buf + i * (2 * PHKH_LEN + 1), hex, 2 * PHKH_LEN))
			return 1;
	return 0;
}

/*
 * Perform the attestation requests of UVDEVICE_REQUESTS/attest, as
 * pvattest perform does, and write the performed files for the requester
 * to verify. Checked here: the rc each name expects; a measurement, a
 * configuration UID that is the same for every request and not zero; the
 * additional data the flags select and nothing beyond; an attestation
 * PHKH that names a host key of this machine; the same inputs measure
 * the same, other user data measures otherwise.
 */
TEST_F(uvc, att_requests)
{
	const char *out = getenv("UVDEVICE_RESPONSES");
	__u8 uid[UVIO_ATT_UID_LEN] = {}, first[MEAS_LEN];
	struct rq *q;
	struct exch e;
	struct att t;
	char path[512];
	__u32 add_len;
	__u64 paf;
	int n, i, ok = 0;
	__u16 rc;

	if (!attest_ready(_metadata, &self->t))
		return;
	n = rq_need(_metadata, "attest", ".exch", &q);
	if (n < 0)
		return;
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(exch_parse(q[i].data, q[i].len, &e))
			TH_LOG("%s: not a pvattest exchange file", q[i].name);
		memset(&t, 0, sizeof(t));
		t.arcb = e.part[EXCH_ARCB];
		t.arcb_len = e.size[EXCH_ARCB];
		t.user_data_len = snprintf((char *)t.user_data, sizeof(t.user_data),
					   "uvdevice selftest %s", q[i].name);
		t.meas_len = e.size[EXCH_MEAS];
		t.add_len = e.size[EXCH_ADD];
		paf = get_be64(t.arcb + OFF_FLAGS);
		add_len = paf_add_len(paf);
		rc = att_call(_metadata, self->t.fd, &t);
		EXPECT_EQ(q[i].want, rc) TH_LOG("%s: rc 0x%04x", q[i].name, rc);
		if (rc != UVRC_OK)
			continue;
		EXPECT_EQ(MEAS_LEN, t.meas_len) TH_LOG("%s: the request asks for %u bytes",
						       q[i].name, t.meas_len);
		EXPECT_EQ(add_len, t.add_len) TH_LOG("%s: flags %016llx, %u bytes asked",
						     q[i].name, (unsigned long long)paf,
						     t.add_len);
		EXPECT_FALSE(all_zero(t.meas, MEAS_LEN)) TH_LOG("%s: measurement", q[i].name);
		EXPECT_FALSE(all_zero(t.uid, sizeof(t.uid))) TH_LOG("%s: UID zero", q[i].name);
		if (ok++)
			EXPECT_EQ(0, memcmp(uid, t.uid, sizeof(uid)))
				TH_LOG("%s: another configuration UID", q[i].name);
		memcpy(uid, t.uid, sizeof(uid));
		if (paf & PAF_ATTEST_PHKH)
			EXPECT_NE(0, host_key_listed(t.add + (paf & PAF_IMAGE_PHKH ?
							       PHKH_LEN : 0)))
				TH_LOG("%s: the attestation PHKH is no host key", q[i].name);
		if (out && *out) {
			snprintf(path, sizeof(path), "%s/%s.exch", out, q[i].name);
			EXPECT_TRUE(exch_write(path, &e, &t, add_len))
				TH_LOG("%s: %s", path, strerror(errno));
		}
		/* the same inputs, the same measurement; other user data, another */
		memcpy(first, t.meas, sizeof(first));
		ASSERT_EQ(UVRC_OK, att_call(_metadata, self->t.fd, &t));
		EXPECT_EQ(0, memcmp(first, t.meas, sizeof(first)))
			TH_LOG("%s: measured differently the second time", q[i].name);
		t.user_data[0] ^= 1;
		ASSERT_EQ(UVRC_OK, att_call(_metadata, self->t.fd, &t));
		EXPECT_NE(0, memcmp(first, t.meas, sizeof(first)))
			TH_LOG("%s: other user data, the same measurement", q[i].name);
	}
	EXPECT_LT(0, ok) TH_LOG("no request succeeded");
	rq_free(q, n);
}

/*
 * The secret store, the checks before unsealing. Codes 0x0005 (UVCB
 * length) and 0x0103 (request not readable) cannot be provoked through the
 * driver, which builds the UVCB and copies the request itself; the
 * emulator's own payload tests cover them.
 */
TEST_F(uvc, secret_list_format)
{
	static __u8 list[LIST_BUF_LEN];

	if (!secrets_ready(_metadata, &self->t))
		return;
	list_checked(_metadata, self->t.fd, list);
}

TEST_F(uvc, secret_bad_version)
{
	static const __u32 versions[] = { 0, 0x0101, 0x0200 };
	unsigned int i;
	struct req r;

	if (!secrets_ready(_metadata, &self->t))
		return;
	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		asrcb_init(&r, 1, SECRET_PLAIN, 16, "uvdevice selftest: version");
		put_be32(r.buf + OFF_VERSION, versions[i]);
		asrcb_refused(_metadata, self->t.fd, &r, SEC_VERSION, "version");
	}
	asrcb_init(&r, 1, SECRET_PLAIN, 16, "uvdevice selftest: magic");
	r.buf[5] = 'm';
	asrcb_refused(_metadata, self->t.fd, &r, SEC_VERSION, "magic");
}

TEST_F(uvc, secret_bad_size)
{
	const char *id = "uvdevice selftest: size";
	struct req r;
	__u32 len;

	if (!secrets_ready(_metadata, &self->t))
		return;
	asrcb_init(&r, 1, SECRET_PLAIN, 16, id);
	len = r.len;
	req_set_length(&r, len + 16);
	asrcb_refused(_metadata, self->t.fd, &r, SEC_SIZE, "16 bytes too long");
	req_set_length(&r, len - 16);
	asrcb_refused(_metadata, self->t.fd, &r, SEC_SIZE, "16 bytes too short");
	asrcb_init(&r, 1, SECRET_PLAIN, 16, id);
	r.buf[OFF_NKS] = 2;
	asrcb_refused(_metadata, self->t.fd, &r, SEC_SIZE, "two slots in the length of one");
	asrcb_init(&r, 1, SECRET_PLAIN, 16, id);
	put_be32(r.buf + OFF_SEA, EXT_SECRET_LEN - 1);
	asrcb_refused(_metadata, self->t.fd, &r, SEC_SIZE, "no room for the extension secret");
}

TEST_F(uvc, secret_no_key_slots)
{
	struct req r;

	if (!secrets_ready(_metadata, &self->t))
		return;
	asrcb_init(&r, 0, SECRET_PLAIN, 16, "uvdevice selftest: no slots");
	asrcb_refused(_metadata, self->t.fd, &r, SEC_NO_KEY_SLOTS, "no key slots");
}

TEST_F(uvc, secret_bad_flags)
{
	static const __u64 flags[] = { 1, 0x4000000000000000ULL, ASRCB_NO_DUMP | 2 };
	unsigned int i;
	struct req r;

	if (!secrets_ready(_metadata, &self->t))
		return;
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		asrcb_init(&r, 1, SECRET_PLAIN, 16, "uvdevice selftest: flags");
		put_be64(r.buf + OFF_FLAGS, flags[i]);
		asrcb_refused(_metadata, self->t.fd, &r, SEC_FLAGS, "control flags");
	}
}

TEST_F(uvc, secret_cannot_unseal)
{
	const char *id = "uvdevice selftest: unseal";
	struct req r;

	if (!secrets_ready(_metadata, &self->t))
		return;
	asrcb_init(&r, 1, SECRET_PLAIN, 16, id);
	asrcb_refused(_metadata, self->t.fd, &r, SEC_UNSEAL, "one slot, another key");
	asrcb_init(&r, 3, SECRET_PLAIN, 16, id);
	put_be64(r.buf + OFF_FLAGS, ASRCB_NO_DUMP);
	asrcb_refused(_metadata, self->t.fd, &r, SEC_UNSEAL, "three slots, other keys");
	/* type and length are checked on the opened request */
	asrcb_init(&r, 1, 0x0b, 16, id);
	asrcb_refused(_metadata, self->t.fd, &r, SEC_UNSEAL, "a reserved type");
}

/* The first check that fails gives the return code */
TEST_F(uvc, secret_check_order)
{
	const char *id = "uvdevice selftest: order";
	struct req r;

	if (!secrets_ready(_metadata, &self->t))
		return;
	asrcb_init(&r, 0, SECRET_PLAIN, 16, id);
	put_be32(r.buf + OFF_VERSION, 0x0200);
	asrcb_refused(_metadata, self->t.fd, &r, SEC_VERSION, "version before key slots");

	asrcb_init(&r, 0, SECRET_PLAIN, 16, id);
	req_set_length(&r, r.len + 16);
	asrcb_refused(_metadata, self->t.fd, &r, SEC_NO_KEY_SLOTS, "key slots before size");

	asrcb_init(&r, 1, SECRET_PLAIN, 16, id);
	put_be64(r.buf + OFF_FLAGS, 1);
	req_set_length(&r, r.len + 16);
	asrcb_refused(_metadata, self->t.fd, &r, SEC_SIZE, "size before flags");

	asrcb_init(&r, 1, SECRET_PLAIN, 16, id);
	put_be64(r.buf + OFF_FLAGS, 1);
	asrcb_refused(_metadata, self->t.fd, &r, SEC_FLAGS, "flags before unsealing");
}

/*
 * Add the requests of UVDEVICE_REQUESTS/secrets in order: each gets the rc
 * its name says, a stored one is listed (rq_add).
 */
TEST_F(uvc, secret_requests)
{
	if (!secrets_ready(_metadata, &self->t))
		return;
	EXPECT_NE(0, rq_add_all(_metadata, self->t.fd, "secrets"))
		TH_LOG("no request stored a secret");
}

/*
 * The secrets that secret_requests stored come back through Retrieve
 * Secret: a plain secret exactly as stored (the sealed value), then zeros;
 * a key as a protected key, as long as the list says, not the clear key,
 * the same each time, with one verification pattern for every key of this
 * configuration; an association secret not at all.
 */
TEST_F(uvc, secret_retrieve)
{
	static __u8 list[LIST_BUF_LEN], buf[UVIO_RETR_SECRET_MAX_LEN];
	__u8 again[256], wkvp[WKVP_LEN];
	const __u8 *s;
	int n, i, idx, keys = 0;
	__u32 len, clear;
	struct rq *q;
	__u16 type;

	if (!retr_ready(_metadata, &self->t))
		return;
	n = rq_need(_metadata, "secrets", ".asrcb", &q);
	if (n < 0)
		return;
	list_checked(_metadata, self->t.fd, list);
	for (i = 0; i < n; i++) {
		s = asrcb_secret(q[i].data);
		type = get_be16(s + 2);
		if (q[i].want != UVRC_OK || type == SECRET_META)
			continue;
		idx = list_find(list, s + 16);
		ASSERT_LE(0, idx) TH_LOG("%s: not listed", q[i].name);
		len = get_be32(list_entry(list, idx) + 4);
		ASSERT_GE(sizeof(buf), len);
		if (type == SECRET_ASSOCIATION) {
			EXPECT_EQ(RETR_NOT_RETRIEVABLE,
				  retr_secret(_metadata, self->t.fd, idx, buf, len));
			continue;
		}
		ASSERT_EQ(RETR_BUF_SMALL, retr_secret(_metadata, self->t.fd, idx, buf, len - 1))
			TH_LOG("%s: a buffer one byte short", q[i].name);
		memset(buf, 0xaa, sizeof(buf));
		ASSERT_EQ(UVRC_OK, retr_secret(_metadata, self->t.fd, idx, buf, sizeof(buf)));
		EXPECT_TRUE(all_zero(buf + len, sizeof(buf) - len))
			TH_LOG("%s: bytes after the secret", q[i].name);
		if (type == SECRET_PLAIN) {
			ASSERT_EQ(len, q[i].value_len) TH_LOG("%s: no %s.value of %u bytes",
							      q[i].name, q[i].name, len);
			EXPECT_EQ(0, memcmp(buf, q[i].value, len))
				TH_LOG("%s: not the secret added", q[i].name);
			continue;
		}
		clear = clear_key_len(type);
		ASSERT_EQ(clear + WKVP_LEN, len);
		ASSERT_GE(sizeof(again), len);
		ASSERT_EQ(UVRC_OK, retr_secret(_metadata, self->t.fd, idx, again, len));
		EXPECT_EQ(0, memcmp(buf, again, len)) TH_LOG("%s: differs", q[i].name);
		if (q[i].value_len == clear)
			EXPECT_EQ(NULL, memmem(buf, len, q[i].value, clear))
				TH_LOG("%s: the clear key", q[i].name);
		if (keys++)
			EXPECT_EQ(0, memcmp(wkvp, buf + clear, WKVP_LEN))
				TH_LOG("%s: another verification pattern", q[i].name);
		memcpy(wkvp, buf + clear, WKVP_LEN);
	}
	if (keys)
		EXPECT_FALSE(all_zero(wkvp, WKVP_LEN));
	rq_free(q, n);
}

/* Each documented error, and what the driver itself refuses */
TEST_F(uvc, secret_retrieve_errors)
{
	static __u8 list[LIST_BUF_LEN];
	__u8 buf[64], before[64];
	struct uvio_ioctl_cb cb = { .argument_addr = (__u64)(unsigned long)buf };
	int n;

	if (!retr_ready(_metadata, &self->t))
		return;
	n = list_checked(_metadata, self->t.fd, list);
	if (!n)
		EXPECT_EQ(RETR_STORE_EMPTY, retr_secret(_metadata, self->t.fd, 0, buf, 16));
	memset(buf, 0x5a, sizeof(buf));
	put_be16(buf, n);
	memcpy(before, buf, sizeof(buf));
	EXPECT_EQ(n ? RETR_BAD_INDEX : RETR_STORE_EMPTY,
		  uv_ioctl(_metadata, self->t.fd, UVIO_IOCTL_RETR_SECRET, buf, 64));
	EXPECT_EQ(0, memcmp(before, buf, sizeof(buf))) TH_LOG("a failed retrieve wrote the buffer");
	if (n)
		EXPECT_EQ(RETR_BAD_INDEX, retr_secret(_metadata, self->t.fd, 0xffff, buf, 64));

	cb.argument_len = 1;
	EXPECT_EQ(-1, ioctl(self->t.fd, UVIO_IOCTL_RETR_SECRET, &cb));
	EXPECT_EQ(EINVAL, errno);
	cb.argument_len = UVIO_RETR_SECRET_MAX_LEN + 1;
	EXPECT_EQ(-1, ioctl(self->t.fd, UVIO_IOCTL_RETR_SECRET, &cb));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * The requests of UVDEVICE_REQUESTS/list take the store beyond one list
 * page: a long buffer lists it whole; one page lists 85 entries with rc
 * 0x0100 and the next index; two pages 170; a buffer that is no multiple
 * of 4 KiB is refused.
 */
TEST_F(uvc, secret_list_pages)
{
	static __u8 buf[LIST_BUF_LEN];
	int n, err, k;
	__u16 rc;

	if (!secrets_ready(_metadata, &self->t))
		return;
	if (rq_add_all(_metadata, self->t.fd, "list") < 0)
		return;
	n = list_checked(_metadata, self->t.fd, buf);
	ASSERT_LT(LIST_PAGE_ENTRIES, n) TH_LOG("%d secrets fit one page", n);
	ASSERT_EQ(0, list_secrets_len(self->t.fd, buf, UVIO_LIST_SECRETS_LEN, &rc, &err));
	EXPECT_EQ(UVRC_MORE_DATA, rc);
	EXPECT_EQ(LIST_PAGE_ENTRIES, get_be16(buf));
	EXPECT_EQ(n, get_be16(buf + 2));
	EXPECT_EQ(LIST_PAGE_ENTRIES, get_be16(buf + 4)) TH_LOG("next index");
	ASSERT_EQ(0, list_secrets_len(self->t.fd, buf, 2 * UVIO_LIST_SECRETS_LEN, &rc, &err))
		TH_LOG("two pages: %s", strerror(err));
	EXPECT_EQ(n <= 2 * LIST_PAGE_ENTRIES ? UVRC_OK : UVRC_MORE_DATA, rc);
	k = n <= 2 * LIST_PAGE_ENTRIES ? n : 2 * LIST_PAGE_ENTRIES;
	EXPECT_EQ(k, get_be16(buf));
	EXPECT_EQ(k - 1, get_be16(list_entry(buf, k - 1))) TH_LOG("the last entry of two pages");
	EXPECT_EQ(-1, list_secrets_len(self->t.fd, buf, UVIO_LIST_SECRETS_LEN + 8, &rc, &err));
	EXPECT_EQ(EINVAL, err);
	EXPECT_EQ(-1, list_secrets_len(self->t.fd, buf, 0, &rc, &err));
	EXPECT_EQ(EINVAL, err);
}

/*
 * Fill the store with the requests of UVDEVICE_REQUESTS/fill and
 * fill-assoc: each is stored until its half of the store is full, then
 * each is refused with 0x010b; the full store is listed whole.
 */
static void fill(struct __test_metadata *_metadata, int fd, const char *sub, bool assoc,
		 unsigned int max)
{
	static __u8 list[LIST_BUF_LEN];
	int n, i, stored, have;
	struct rq *q;
	__u16 rc;

	n = rq_need(_metadata, sub, ".asrcb", &q);
	if (n < 0)
		return;
	stored = list_checked(_metadata, fd, list);
	have = list_count_assoc(list, stored);
	if (!assoc)
		have = stored - have;
	ASSERT_LT(max - have, n) TH_LOG("%s: %d requests for %u free places", sub, n,
					max - have);
	for (i = 0; i < n; i++) {
		rc = add_secret(_metadata, fd, q[i].data, q[i].len);
		ASSERT_EQ(have + i < (int)max ? UVRC_OK : SEC_FULL, rc)
			TH_LOG("%s %s: %d of %u stored: rc 0x%04x", sub, q[i].name, have + i,
			       max, rc);
	}
	ASSERT_EQ(stored + max - have, list_checked(_metadata, fd, list));
	rq_free(q, n);
}

TEST_F(uvc, secret_store_full)
{
	static __u8 list[LIST_BUF_LEN];

	if (!secrets_ready(_metadata, &self->t))
		return;
	fill(_metadata, self->t.fd, "fill", false, self->t.max_retr);
	fill(_metadata, self->t.fd, "fill-assoc", true, self->t.max_assoc);
	if (!_metadata->exit_code)
		ASSERT_EQ(self->t.max_assoc + self->t.max_retr,
			  list_checked(_metadata, self->t.fd, list));
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
 * naming the AES-256 key stored under the ID PKEY_KEY_ID (a request of
 * UVDEVICE_REQUESTS/secrets) becomes exactly the protected key /dev/uv
 * retrieves; a token with the wrong type, an unknown ID or a short buffer
 * fails.
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
	put_id(t.secret_id, PKEY_KEY_ID);
	idx = list_find(list, t.secret_id);
	if (idx < 0)
		SKIP(return, "no AES-256 key \"" PKEY_KEY_ID "\" in the store");
	ASSERT_EQ(UVRC_OK, retr_secret(_metadata, self->t.fd, idx, want, sizeof(want)));

	fd = open(PKEY_PATH, O_RDWR);
	ASSERT_LE(0, fd) TH_LOG("open " PKEY_PATH ": %s (CONFIG_PKEY, CONFIG_PKEY_UV)",
				strerror(errno));
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

/*
 * Last: locks the store until the next boot. A locked store refuses every
 * add first (the requests of UVDEVICE_REQUESTS/after-lock and a malformed
 * one) and a second lock.
 */
TEST_F(uvc, lock_secret_store)
{
	const char *lock = getenv("UVDEVICE_TEST_LOCK");
	struct rq *q;
	struct req r;
	int n, i;

	if (!lock || strcmp(lock, "1"))
		SKIP(return, "locks the store until the next boot: set UVDEVICE_TEST_LOCK=1");
	if (!secrets_ready(_metadata, &self->t))
		return;
	ASSERT_EQ(UVRC_OK, lock_secrets(_metadata, self->t.fd));
	asrcb_init(&r, 1, SECRET_PLAIN, 16, "uvdevice selftest: locked");
	put_be32(r.buf + OFF_VERSION, 0x0200);
	asrcb_refused(_metadata, self->t.fd, &r, SEC_LOCKED, "locked before version");
	EXPECT_EQ(SEC_LOCKED, lock_secrets(_metadata, self->t.fd));
	n = rq_load("after-lock", ".asrcb", &q);
	for (i = 0; i < n; i++)
		rq_add(_metadata, self->t.fd, &q[i]);
	rq_free(q, n > 0 ? n : 0);
}

TEST_HARNESS_MAIN
#endif /* __s390x__ */
