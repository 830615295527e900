// SPDX-License-Identifier: GPL-2.0
/*
 * The Ultravisor's secret store, seen from a protected guest: list the
 * secrets page by page, find one by its ID, retrieve one by its index.
 *
 * Everything the Ultravisor writes here is input: an entry count beyond
 * what a list page holds is clamped, and a "more data" answer that does
 * not move the start index forward is an error rather than a loop.
 */
#define KMSG_COMPONENT "prot_virt"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <asm/uv.h>

/**
 * uv_list_secrets() - one page of the secret store's list
 * @list: a page for the list, filled by the Ultravisor
 * @start_idx: the smallest index of a secret to list
 * @rc: the Ultravisor's return code
 * @rrc: the Ultravisor's return reason code
 *
 * Return: the condition code; rc is UVC_RC_MORE_DATA when secrets beyond
 * the page exist (list again from @list->next_secret_idx).
 */
int uv_list_secrets(struct uv_secret_list *list, u16 start_idx, u16 *rc, u16 *rrc)
{
	struct uv_cb_list_secrets uvcb = {
		.header.len = sizeof(uvcb),
		.header.cmd = UVC_CMD_LIST_SECRETS,
		.start_idx = start_idx,
		.list_addr = (u64)list,
	};
	int cc;

	KUNIT_STATIC_STUB_REDIRECT(uv_list_secrets, list, start_idx, rc, rrc);
	cc = uv_call_sched(0, (u64)&uvcb);
	if (rc)
		*rc = uvcb.header.rc;
	if (rrc)
		*rrc = uvcb.header.rrc;
	return cc;
}
EXPORT_SYMBOL_GPL(uv_list_secrets);

/**
 * uv_secret_list_find() - look for a secret in one list page
 * @list: a page the Ultravisor filled
 * @id: the ID to look for
 * @secret: where to store the entry's index, type and length
 *
 * Only the entries the page says it holds are looked at, and never more
 * than fit in a page.
 *
 * Return: true if the page holds an entry with @id.
 */
bool uv_secret_list_find(const struct uv_secret_list *list, const u8 id[UV_SECRET_ID_LEN],
			 struct uv_secret_list_item_hdr *secret)
{
	unsigned int i, n = min_t(unsigned int, list->num_secr_stored,
				  ARRAY_SIZE(list->secrets));

	for (i = 0; i < n; i++) {
		if (!memcmp(list->secrets[i].id, id, UV_SECRET_ID_LEN)) {
			*secret = list->secrets[i].hdr;
			return true;
		}
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(uv_secret_list_find);

/**
 * uv_find_secret() - find a secret in the store by its ID
 * @id: the secret's ID
 * @list: a page the function may use for the list (it allocates nothing,
 *	  so it can be used where allocating memory could recurse into I/O)
 * @secret: where to store the secret's index, type and length
 *
 * Walks every page of the list, however many secrets are stored.
 *
 * Return: 0 if found; -ENOENT if no stored secret has @id; -ENODEV if the
 * Ultravisor does not offer List Secrets; -EIO if a call fails or the
 * Ultravisor's answers do not make progress.
 */
int uv_find_secret(const u8 id[UV_SECRET_ID_LEN], struct uv_secret_list *list,
		   struct uv_secret_list_item_hdr *secret)
{
	u16 start = 0, rc, rrc;
	int cc;

	for (;;) {
		cc = uv_list_secrets(list, start, &rc, &rrc);
		if (cc && rc != UVC_RC_MORE_DATA) {
			if (rc == UVC_RC_INV_CMD)
				return -ENODEV;
			pr_warn_ratelimited("List Secrets failed: rc 0x%x rrc 0x%x\n", rc, rrc);
			return -EIO;
		}
		if (uv_secret_list_find(list, id, secret))
			return 0;
		if (!cc)
			return -ENOENT;
		if (list->next_secret_idx <= start) {
			pr_warn_ratelimited("List Secrets: more data, but next index %u after %u\n",
					    list->next_secret_idx, start);
			return -EIO;
		}
		start = list->next_secret_idx;
	}
}
EXPORT_SYMBOL_GPL(uv_find_secret);

/**
 * uv_retrieve_secret() - retrieve a secret from the store
 * @secret_idx: the secret's index, as List Secrets reports it
 * @buf: where the Ultravisor stores the secret: a plain secret as it was
 *	 added, a key as a protected key for this configuration
 * @buf_size: the size of @buf
 *
 * Return: 0 on success; -ENOENT if the store is empty, no secret has the
 * index or the secret cannot be retrieved (an association secret);
 * -EINVAL if @buf is too small; -ENODEV if the Ultravisor does not offer
 * Retrieve Secret; -EIO for any other answer.
 */
int uv_retrieve_secret(u16 secret_idx, u8 *buf, size_t buf_size)
{
	struct uv_cb_retr_secr uvcb = {
		.header.len = sizeof(uvcb),
		.header.cmd = UVC_CMD_RETR_SECRET,
		.secret_idx = secret_idx,
		.buf_addr = (u64)buf,
		.buf_size = buf_size,
	};
	int cc;

	if (buf_size > U32_MAX)
		return -EINVAL;
	cc = uv_call(0, (u64)&uvcb);
	switch (uvcb.header.rc) {
	case UVC_RC_EXECUTED:
		return cc ? -EIO : 0;
	case UVC_RC_INV_CMD:
		return -ENODEV;
	case UVC_RC_RETR_SECR_STORE_EMPTY:
	case UVC_RC_RETR_SECR_INV_IDX:
	case UVC_RC_RETR_SECR_INV_SECRET:
		return -ENOENT;
	case UVC_RC_RETR_SECR_BUF_SMALL:
		return -EINVAL;
	default:
		pr_warn_ratelimited("Retrieve Secret failed: rc 0x%x rrc 0x%x\n",
				    uvcb.header.rc, uvcb.header.rrc);
		return -EIO;
	}
}
EXPORT_SYMBOL_GPL(uv_retrieve_secret);
