// SPDX-License-Identifier: GPL-2.0
/*
 * Evaluation of the Ultravisor's Query answer.
 *
 * Built twice: into the decompressor, which issues the Query before the
 * kernel runs, and into the kernel for its KUnit test. It decides from the
 * answer alone whether this is a protected virtualization guest and records
 * what the Query reported, whatever kernel options are set.
 */
#include <linux/align.h>
#include <linux/bitops.h>
#include <linux/string.h>
#include <asm/page.h>
#include <asm/uv.h>

/* Copy what the Query reported; fields beyond @len are left zero. */
static void uv_query_record(const struct uv_cb_qui *qui, struct uv_info *info)
{
	memset(info, 0, sizeof(*info));
	memcpy(info->inst_calls_list, qui->inst_calls_list, sizeof(info->inst_calls_list));
	info->uv_base_stor_len = qui->uv_base_stor_len;
	info->guest_base_stor_len = qui->conf_base_phys_stor_len;
	info->guest_virt_base_stor_len = qui->conf_base_virt_stor_len;
	info->guest_virt_var_stor_len = qui->conf_virt_var_stor_len;
	info->guest_cpu_stor_len = qui->cpu_stor_len;
	info->max_sec_stor_addr = ALIGN(qui->max_guest_stor_addr, PAGE_SIZE);
	info->max_num_sec_conf = qui->max_num_sec_conf;
	info->max_guest_cpu_id = qui->max_guest_cpu_id;
	info->uv_feature_indications = qui->uv_feature_indications;
	info->supp_se_hdr_ver = qui->supp_se_hdr_versions;
	info->supp_se_hdr_pcf = qui->supp_se_hdr_pcf;
	info->conf_dump_storage_state_len = qui->conf_dump_storage_state_len;
	info->conf_dump_finalize_len = qui->conf_dump_finalize_len;
	info->supp_att_req_hdr_ver = qui->supp_att_req_hdr_ver;
	info->supp_att_pflags = qui->supp_att_pflags;
	info->supp_add_secret_req_ver = qui->supp_add_secret_req_ver;
	info->supp_add_secret_pcf = qui->supp_add_secret_pcf;
	info->supp_secret_types = qui->supp_secret_types;
	info->max_assoc_secrets = qui->max_assoc_secrets;
	info->max_retr_secrets = qui->max_retr_secrets;
}

/**
 * uv_query_evaluate() - decide the guest mode from a Query answer
 * @qui: the Query control block as the Ultravisor returned it
 * @cc: the condition code of the UVC instruction (0 or 1)
 * @info: where to record the Query data; zeroed unless the answer is valid
 *
 * The answer is valid with condition code 0 and rc 0x0001, or with
 * condition code 1 and rc 0x0100 (the Ultravisor has more data than the
 * block holds). The header must still name the command and length that
 * were sent. A protected guest needs both Set and Remove Shared Access in
 * the installed-calls list: a guest that can share but not unshare (or the
 * reverse) cannot run I/O safely and is treated as not protected.
 *
 * Return: the &enum uv_guest_status this answer means.
 */
enum uv_guest_status uv_query_evaluate(const struct uv_cb_qui *qui, int cc,
				       struct uv_info *info)
{
	const unsigned long *calls = (const unsigned long *)qui->inst_calls_list;
	bool set, remove;

	memset(info, 0, sizeof(*info));
	if (qui->header.cmd != UVC_CMD_QUI || qui->header.len != sizeof(*qui))
		return UV_GUEST_QUERY_MALFORMED;
	if (!(cc == UVC_CC_OK && qui->header.rc == UVC_RC_EXECUTED) &&
	    !(cc == UVC_CC_ERROR && qui->header.rc == UVC_RC_MORE_DATA))
		return UV_GUEST_QUERY_FAILED;

	uv_query_record(qui, info);
	set = test_bit_inv(BIT_UVC_CMD_SET_SHARED_ACCESS, calls);
	remove = test_bit_inv(BIT_UVC_CMD_REMOVE_SHARED_ACCESS, calls);
	if (set && remove)
		return UV_GUEST_PROTECTED;
	if (set)
		return UV_GUEST_NO_REMOVE_SHARED;
	if (remove)
		return UV_GUEST_NO_SET_SHARED;
	return UV_GUEST_NO_SHARE_CALLS;
}
