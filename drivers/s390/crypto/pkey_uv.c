// SPDX-License-Identifier: GPL-2.0
/*
 * pkey handler for secrets of the Ultravisor's secret store.
 *
 * In a protected virtualization guest the Ultravisor hands out the keys
 * it keeps for the guest (AES, AES-XTS, HMAC, EC) as protected keys: the
 * key wrapped with the configuration's wrapping key, followed by the
 * wrapping key's verification pattern. A key token names the secret by
 * its ID; this handler finds the secret in the store and lets the
 * Ultravisor write the protected key straight into the caller's buffer.
 * It issues no CPACF instruction and never sees a clear key.
 *
 * Lookups use one preallocated list page, so turning a token into a
 * protected key allocates no memory (as the swap path needs).
 */
#define KMSG_COMPONENT "pkey"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/cpufeature.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/gfp.h>
#include <linux/string.h>
#include <asm/pkey.h>
#include <asm/uv.h>

#include "zcrypt_api.h"
#include "zcrypt_ccamisc.h"
#include "pkey_base.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("s390 protected key handler for Ultravisor secrets");

/* A key token that names a secret of the Ultravisor's store */
#define TOKVER_UV_SECRET	0x09

struct uvsecrettoken {
	u8  type;		/* 0x00: not a CCA token */
	u8  res0[3];
	u8  version;		/* TOKVER_UV_SECRET */
	u8  res1[3];
	u16 secret_type;	/* enum uv_secret_types */
	u16 secret_len;		/* length of the secret in bytes */
	u8  secret_id[UV_SECRET_ID_LEN];
} __packed;

static struct uv_secret_list *uv_list;
static DEFINE_MUTEX(uv_list_mutex);

/*
 * What a retrievable key comes back as: its protected-key size (the key
 * wrapped, then a 32-byte verification pattern), the PKEY_KEYTYPE it is
 * and its size in bits.
 */
static const struct {
	u16 secret_type;
	u32 protkey_size;
	u32 pkey_type;
	u32 bits;
} uv_keys[] = {
	{ UV_SECRET_AES_128, 16 + 32, PKEY_KEYTYPE_AES_128, 128 },
	{ UV_SECRET_AES_192, 24 + 32, PKEY_KEYTYPE_AES_192, 192 },
	{ UV_SECRET_AES_256, 32 + 32, PKEY_KEYTYPE_AES_256, 256 },
	{ UV_SECRET_AES_XTS_128, 32 + 32, PKEY_KEYTYPE_AES_XTS_128, 256 },
	{ UV_SECRET_AES_XTS_256, 64 + 32, PKEY_KEYTYPE_AES_XTS_256, 512 },
	{ UV_SECRET_HMAC_SHA_256, 64 + 32, PKEY_KEYTYPE_HMAC_512, 512 },
	{ UV_SECRET_HMAC_SHA_512, 128 + 32, PKEY_KEYTYPE_HMAC_1024, 1024 },
	{ UV_SECRET_ECDSA_P256, 32 + 32, PKEY_KEYTYPE_ECC_P256, 256 },
	{ UV_SECRET_ECDSA_P384, 48 + 32, PKEY_KEYTYPE_ECC_P384, 384 },
	{ UV_SECRET_ECDSA_P521, 80 + 32, PKEY_KEYTYPE_ECC_P521, 521 },
	{ UV_SECRET_ECDSA_ED25519, 32 + 32, PKEY_KEYTYPE_ECC_ED25519, 255 },
	{ UV_SECRET_ECDSA_ED448, 64 + 32, PKEY_KEYTYPE_ECC_ED448, 448 },
};

static int uv_key_index(u16 secret_type)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(uv_keys); i++)
		if (uv_keys[i].secret_type == secret_type)
			return i;
	return -1;
}

static const struct uvsecrettoken *uv_token(const u8 *key, u32 keylen)
{
	const struct uvsecrettoken *t = (const struct uvsecrettoken *)key;

	if (keylen < sizeof(*t) || t->type != TOKTYPE_NON_CCA ||
	    t->version != TOKVER_UV_SECRET || uv_key_index(t->secret_type) < 0)
		return NULL;
	return t;
}

static bool is_uv_key(const u8 *key, u32 keylen)
{
	return uv_token(key, keylen);
}

static bool is_uv_keytype(enum pkey_key_type keytype)
{
	return keytype == PKEY_TYPE_UVSECRET;
}

/*
 * The store's entry for the token's ID, checked against what the token
 * and the table say: the type the token names and the size the type
 * has. The Ultravisor's list is input; an entry that does not match is
 * refused rather than handed on. Returns the entry's uv_keys index or a
 * negative errno.
 */
static int uv_lookup(const u8 *key, u32 keylen, struct uv_secret_list_item_hdr *hdr)
{
	const struct uvsecrettoken *t = uv_token(key, keylen);
	int k, rc;

	if (!t)
		return -EINVAL;
	mutex_lock(&uv_list_mutex);
	rc = uv_find_secret(t->secret_id, uv_list, hdr);
	mutex_unlock(&uv_list_mutex);
	if (rc)
		return rc;
	k = uv_key_index(t->secret_type);
	if (hdr->type != t->secret_type) {
		pr_debug("secret %*phN has type %u, the token says %u\n",
			 UV_SECRET_ID_LEN, t->secret_id, hdr->type, t->secret_type);
		return -EINVAL;
	}
	if (hdr->length != uv_keys[k].protkey_size) {
		pr_warn_ratelimited("the Ultravisor lists a %u-byte key of type %u (expected %u)\n",
				    hdr->length, hdr->type, uv_keys[k].protkey_size);
		return -EIO;
	}
	return k;
}

static int uv_key2protkey(const struct pkey_apqn *apqns, size_t nr_apqns,
			  const u8 *key, u32 keylen,
			  u8 *protkey, u32 *protkeylen, u32 *protkeytype)
{
	struct uv_secret_list_item_hdr hdr;
	int k = uv_lookup(key, keylen, &hdr), rc;

	if (k < 0)
		return k;
	if (*protkeylen < hdr.length)
		return -EINVAL;
	rc = uv_retrieve_secret(hdr.index, protkey, hdr.length);
	if (rc)
		return rc;
	*protkeylen = hdr.length;
	*protkeytype = uv_keys[k].pkey_type;
	return 0;
}

static int uv_verifykey(const u8 *key, u32 keylen, u16 *card, u16 *dom,
			u32 *keytype, u32 *keybitsize, u32 *flags)
{
	struct uv_secret_list_item_hdr hdr;
	int k = uv_lookup(key, keylen, &hdr);

	if (k < 0)
		return k;
	*keytype = PKEY_TYPE_UVSECRET;
	*keybitsize = uv_keys[k].bits;
	*flags = uv_keys[k].pkey_type;
	return 0;
}

static struct pkey_handler uv_handler = {
	.module			= THIS_MODULE,
	.name			= "PKEY UV handler",
	.is_supported_key	= is_uv_key,
	.is_supported_keytype	= is_uv_keytype,
	.key_to_protkey		= uv_key2protkey,
	.verify_key		= uv_verifykey,
};

static int __init pkey_uv_init(void)
{
	int rc;

	if (!is_prot_virt_guest())
		return -ENODEV;
	if (!test_bit_inv(BIT_UVC_CMD_RETR_SECRET, uv_info.inst_calls_list))
		return -ENODEV;
	uv_list = (struct uv_secret_list *)get_zeroed_page(GFP_KERNEL);
	if (!uv_list)
		return -ENOMEM;
	rc = pkey_handler_register(&uv_handler);
	if (rc)
		free_page((unsigned long)uv_list);
	return rc;
}

static void __exit pkey_uv_exit(void)
{
	pkey_handler_unregister(&uv_handler);
	/* the list names the guest's secrets */
	memzero_explicit(uv_list, sizeof(*uv_list));
	free_page((unsigned long)uv_list);
}

module_cpu_feature_match(S390_CPU_FEATURE_UV, pkey_uv_init);
module_exit(pkey_uv_exit);
