// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the secret-store walk: uv_secret_list_find() over one
 * list page, uv_find_secret() over a store of many pages, with List
 * Secrets answered by a stub that plays the Ultravisor (an honest one
 * and broken ones).
 */
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <asm/uv.h>

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define PER_PAGE	ARRAY_SIZE(((struct uv_secret_list *)0)->secrets)

/* The ID of secret @i of the fake store */
static void fake_id(u8 *id, unsigned int i)
{
	memset(id, 0, UV_SECRET_ID_LEN);
	snprintf(id, UV_SECRET_ID_LEN, "kunit secret %u", i);
}

/* The fake Ultravisor's store and how it misbehaves */
static struct {
	unsigned int stored;
	bool stuck;		/* "more data" without moving the index */
	bool overcount;		/* a page claims more entries than it holds */
	u16 fail_rc;		/* answer this rc (cc 1) instead */
	unsigned int calls;
} fake;

static int fake_list_secrets(struct uv_secret_list *list, u16 start_idx, u16 *rc, u16 *rrc)
{
	unsigned int i, n = 0;

	fake.calls++;
	memset(list, 0, sizeof(*list));
	*rrc = 0;
	if (fake.fail_rc) {
		*rc = fake.fail_rc;
		return 1;
	}
	for (i = start_idx; i < fake.stored && n < PER_PAGE; i++, n++) {
		list->secrets[n].hdr.index = i;
		list->secrets[n].hdr.type = UV_SECRET_PLAIN;
		list->secrets[n].hdr.length = 16 + i;
		fake_id(list->secrets[n].id, i);
	}
	list->num_secr_stored = fake.overcount ? 0xffff : n;
	list->total_num_secrets = fake.stored;
	list->next_secret_idx = i < fake.stored ? (fake.stuck ? start_idx : i) : 0;
	*rc = i < fake.stored ? UVC_RC_MORE_DATA : UVC_RC_EXECUTED;
	return i < fake.stored;
}

static int find(struct kunit *test, unsigned int i, struct uv_secret_list_item_hdr *hdr)
{
	struct uv_secret_list *list = kunit_kzalloc(test, sizeof(*list), GFP_KERNEL);
	u8 id[UV_SECRET_ID_LEN];

	KUNIT_ASSERT_NOT_NULL(test, list);
	fake_id(id, i);
	fake.calls = 0;
	kunit_activate_static_stub(test, uv_list_secrets, fake_list_secrets);
	return uv_find_secret(id, list, hdr);
}

static void secret_store_reset(struct kunit *test)
{
	memset(&fake, 0, sizeof(fake));
}

/* Beyond the first page: secret 86 of 200 is found, on the second page */
static void find_beyond_first_page(struct kunit *test)
{
	struct uv_secret_list_item_hdr hdr = {};

	secret_store_reset(test);
	fake.stored = 200;
	KUNIT_EXPECT_EQ(test, find(test, 85, &hdr), 0);
	KUNIT_EXPECT_EQ(test, hdr.index, 85);
	KUNIT_EXPECT_EQ(test, hdr.length, 16 + 85);
	KUNIT_EXPECT_EQ(test, fake.calls, 2);
	KUNIT_EXPECT_EQ(test, find(test, 199, &hdr), 0);
	KUNIT_EXPECT_EQ(test, hdr.index, 199);
	KUNIT_EXPECT_EQ(test, fake.calls, 3);
	KUNIT_EXPECT_EQ(test, find(test, 0, &hdr), 0);
	KUNIT_EXPECT_EQ(test, fake.calls, 1);
}

/* Every page is searched before "not found" */
static void find_missing(struct kunit *test)
{
	struct uv_secret_list_item_hdr hdr;

	secret_store_reset(test);
	fake.stored = 200;
	KUNIT_EXPECT_EQ(test, find(test, 200, &hdr), -ENOENT);
	KUNIT_EXPECT_EQ(test, fake.calls, 3);
	fake.stored = 0;
	KUNIT_EXPECT_EQ(test, find(test, 0, &hdr), -ENOENT);
}

/* "More data" that does not move the index ends with -EIO, not a loop */
static void find_stuck_index(struct kunit *test)
{
	struct uv_secret_list_item_hdr hdr;

	secret_store_reset(test);
	fake.stored = 200;
	fake.stuck = true;
	KUNIT_EXPECT_EQ(test, find(test, 150, &hdr), -EIO);
	KUNIT_EXPECT_EQ(test, fake.calls, 1);
}

/* Failed calls: not installed is -ENODEV, anything else -EIO */
static void find_failed_call(struct kunit *test)
{
	struct uv_secret_list_item_hdr hdr;

	secret_store_reset(test);
	fake.stored = 10;
	fake.fail_rc = UVC_RC_INV_CMD;
	KUNIT_EXPECT_EQ(test, find(test, 1, &hdr), -ENODEV);
	fake.fail_rc = 0x0102;
	KUNIT_EXPECT_EQ(test, find(test, 1, &hdr), -EIO);
}

/*
 * A page that claims more entries than it holds is read only as far as
 * it goes: a lookup of an ID that is not there ends without reading past
 * the page (KASAN would say so) and finds nothing.
 */
static void page_count_clamped(struct kunit *test)
{
	struct uv_secret_list *list = kunit_kzalloc(test, sizeof(*list), GFP_KERNEL);
	struct uv_secret_list_item_hdr hdr;
	u8 id[UV_SECRET_ID_LEN];

	KUNIT_ASSERT_NOT_NULL(test, list);
	list->num_secr_stored = 0xffff;
	fake_id(id, 1);
	KUNIT_EXPECT_FALSE(test, uv_secret_list_find(list, id, &hdr));
	memcpy(list->secrets[PER_PAGE - 1].id, id, UV_SECRET_ID_LEN);
	list->secrets[PER_PAGE - 1].hdr.index = 84;
	KUNIT_EXPECT_TRUE(test, uv_secret_list_find(list, id, &hdr));
	KUNIT_EXPECT_EQ(test, hdr.index, 84);

	secret_store_reset(test);
	fake.stored = 200;
	fake.overcount = true;
	KUNIT_EXPECT_EQ(test, find(test, 150, &hdr), 0);
	KUNIT_EXPECT_EQ(test, hdr.index, 150);
}

/* Only the entries the page holds count: an all-zero ID matches no empty slot */
static void unused_entries_ignored(struct kunit *test)
{
	struct uv_secret_list *list = kunit_kzalloc(test, sizeof(*list), GFP_KERNEL);
	struct uv_secret_list_item_hdr hdr;
	u8 zero[UV_SECRET_ID_LEN] = {}, id[UV_SECRET_ID_LEN];

	KUNIT_ASSERT_NOT_NULL(test, list);
	list->num_secr_stored = 1;
	list->total_num_secrets = 2;
	fake_id(list->secrets[0].id, 0);
	fake_id(list->secrets[1].id, 1);
	fake_id(id, 1);
	KUNIT_EXPECT_FALSE(test, uv_secret_list_find(list, zero, &hdr));
	KUNIT_EXPECT_FALSE(test, uv_secret_list_find(list, id, &hdr));
	fake_id(id, 0);
	KUNIT_EXPECT_TRUE(test, uv_secret_list_find(list, id, &hdr));
}

static struct kunit_case uv_secret_cases[] = {
	KUNIT_CASE(find_beyond_first_page),
	KUNIT_CASE(find_missing),
	KUNIT_CASE(find_stuck_index),
	KUNIT_CASE(find_failed_call),
	KUNIT_CASE(page_count_clamped),
	KUNIT_CASE(unused_entries_ignored),
	{}
};

static struct kunit_suite uv_secret_suite = {
	.name = "s390_uv_secret",
	.test_cases = uv_secret_cases,
};

kunit_test_suite(uv_secret_suite);

MODULE_DESCRIPTION("KUnit tests for the s390 secret-store walk");
MODULE_LICENSE("GPL");
