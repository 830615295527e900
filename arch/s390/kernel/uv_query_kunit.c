// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for uv_query_evaluate(): Query answers as the Ultravisor
 * could give them, good and bad, and the guest mode each one means.
 */
#include <kunit/test.h>
#include <linux/string.h>
#include <asm/uv.h>

#define CALLS_QUERY	BIT_ULL(63 - BIT_UVC_CMD_QUI)
#define CALLS_SET	BIT_ULL(63 - BIT_UVC_CMD_SET_SHARED_ACCESS)
#define CALLS_REMOVE	BIT_ULL(63 - BIT_UVC_CMD_REMOVE_SHARED_ACCESS)
#define CALLS_GUEST	(CALLS_QUERY | CALLS_SET | CALLS_REMOVE)

/* A complete, valid answer for a protected guest. */
static void guest_answer(struct uv_cb_qui *qui)
{
	memset(qui, 0, sizeof(*qui));
	qui->header.len = sizeof(*qui);
	qui->header.cmd = UVC_CMD_QUI;
	qui->header.rc = UVC_RC_EXECUTED;
	qui->inst_calls_list[0] = CALLS_GUEST;
	qui->max_guest_cpu_id = 247;
	qui->max_guest_stor_addr = 0x3fffffff;
	qui->supp_att_req_hdr_ver = 0x8000000000000000ULL;
	qui->max_assoc_secrets = 8;
	qui->max_retr_secrets = 120;
}

static void query_full_block(struct kunit *test)
{
	struct uv_cb_qui qui;
	struct uv_info info;

	guest_answer(&qui);
	KUNIT_EXPECT_EQ(test, uv_query_evaluate(&qui, UVC_CC_OK, &info), UV_GUEST_PROTECTED);
	KUNIT_EXPECT_EQ(test, info.inst_calls_list[0], CALLS_GUEST);
	KUNIT_EXPECT_EQ(test, info.max_guest_cpu_id, 247);
	/* the limit is page aligned upwards */
	KUNIT_EXPECT_EQ(test, info.max_sec_stor_addr, 0x40000000UL);
	KUNIT_EXPECT_EQ(test, info.supp_att_req_hdr_ver, 0x8000000000000000UL);
	KUNIT_EXPECT_EQ(test, info.max_assoc_secrets, 8);
	KUNIT_EXPECT_EQ(test, info.max_retr_secrets, 120);
}

static void query_more_data(struct kunit *test)
{
	struct uv_cb_qui qui;
	struct uv_info info;

	guest_answer(&qui);
	qui.header.rc = UVC_RC_MORE_DATA;
	KUNIT_EXPECT_EQ(test, uv_query_evaluate(&qui, UVC_CC_ERROR, &info), UV_GUEST_PROTECTED);
	KUNIT_EXPECT_EQ(test, info.inst_calls_list[0], CALLS_GUEST);
	/* rc 0x100 with cc 0 is not an answer the Ultravisor gives */
	KUNIT_EXPECT_EQ(test, uv_query_evaluate(&qui, UVC_CC_OK, &info), UV_GUEST_QUERY_FAILED);
}

static void query_short_block(struct kunit *test)
{
	struct uv_cb_qui qui;
	struct uv_info info;

	guest_answer(&qui);
	qui.header.rc = UVC_RC_INV_LEN;
	KUNIT_EXPECT_EQ(test, uv_query_evaluate(&qui, UVC_CC_ERROR, &info), UV_GUEST_QUERY_FAILED);
	/* nothing from a failed Query is recorded */
	KUNIT_EXPECT_EQ(test, info.inst_calls_list[0], 0);
	KUNIT_EXPECT_EQ(test, info.max_guest_cpu_id, 0);
}

static void query_failed_cmd(struct kunit *test)
{
	struct uv_cb_qui qui;
	struct uv_info info;

	guest_answer(&qui);
	qui.header.rc = UVC_RC_INV_CMD;
	KUNIT_EXPECT_EQ(test, uv_query_evaluate(&qui, UVC_CC_ERROR, &info), UV_GUEST_QUERY_FAILED);
	qui.header.rc = UVC_RC_EXECUTED;
	KUNIT_EXPECT_EQ(test, uv_query_evaluate(&qui, UVC_CC_ERROR, &info), UV_GUEST_QUERY_FAILED);
}

static void query_lone_share_bit(struct kunit *test)
{
	struct uv_cb_qui qui;
	struct uv_info info;

	guest_answer(&qui);
	qui.inst_calls_list[0] = CALLS_QUERY | CALLS_SET;
	KUNIT_EXPECT_EQ(test, uv_query_evaluate(&qui, UVC_CC_OK, &info),
			UV_GUEST_NO_REMOVE_SHARED);
	qui.inst_calls_list[0] = CALLS_QUERY | CALLS_REMOVE;
	KUNIT_EXPECT_EQ(test, uv_query_evaluate(&qui, UVC_CC_OK, &info),
			UV_GUEST_NO_SET_SHARED);
	/* the data is still recorded: it is a valid answer */
	KUNIT_EXPECT_EQ(test, info.inst_calls_list[0], CALLS_QUERY | CALLS_REMOVE);
}

static void query_host_list(struct kunit *test)
{
	struct uv_cb_qui qui;
	struct uv_info info;

	guest_answer(&qui);
	/* Query, Initialize UV, Create/Destroy Configuration: a host */
	qui.inst_calls_list[0] = CALLS_QUERY | BIT_ULL(62) | BIT_ULL(61) | BIT_ULL(60);
	qui.uv_base_stor_len = 0x100000;
	KUNIT_EXPECT_EQ(test, uv_query_evaluate(&qui, UVC_CC_OK, &info),
			UV_GUEST_NO_SHARE_CALLS);
	KUNIT_EXPECT_EQ(test, info.uv_base_stor_len, 0x100000UL);
	/* share bits in the wrong doubleword do not count */
	qui.inst_calls_list[0] = CALLS_QUERY;
	qui.inst_calls_list[1] = CALLS_SET | CALLS_REMOVE;
	KUNIT_EXPECT_EQ(test, uv_query_evaluate(&qui, UVC_CC_OK, &info),
			UV_GUEST_NO_SHARE_CALLS);
}

static void query_garbled_length(struct kunit *test)
{
	struct uv_cb_qui qui;
	struct uv_info info;

	guest_answer(&qui);
	qui.header.len = 0xa8;
	KUNIT_EXPECT_EQ(test, uv_query_evaluate(&qui, UVC_CC_OK, &info),
			UV_GUEST_QUERY_MALFORMED);
	KUNIT_EXPECT_EQ(test, info.inst_calls_list[0], 0);
	guest_answer(&qui);
	qui.header.cmd = UVC_CMD_SET_SHARED_ACCESS;
	KUNIT_EXPECT_EQ(test, uv_query_evaluate(&qui, UVC_CC_OK, &info),
			UV_GUEST_QUERY_MALFORMED);
}

static struct kunit_case uv_query_cases[] = {
	KUNIT_CASE(query_full_block),
	KUNIT_CASE(query_more_data),
	KUNIT_CASE(query_short_block),
	KUNIT_CASE(query_failed_cmd),
	KUNIT_CASE(query_lone_share_bit),
	KUNIT_CASE(query_host_list),
	KUNIT_CASE(query_garbled_length),
	{}
};

static struct kunit_suite uv_query_suite = {
	.name = "s390_uv_query",
	.test_cases = uv_query_cases,
};

kunit_test_suite(uv_query_suite);

MODULE_DESCRIPTION("KUnit tests for the s390 Ultravisor Query evaluation");
MODULE_LICENSE("GPL");
