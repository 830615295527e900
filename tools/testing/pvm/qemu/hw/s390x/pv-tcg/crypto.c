/*
 * Emulated Ultravisor (TCG): host keys and the primitives of IBM's
 * Secure Execution formats
 *
 * The model holds up to PV_MAX_HOST_KEYS EC P-521 host key pairs
 * (property host-key=FILE[:FILE...], PEM private keys).  Images and
 * requests are sealed for a host key the way IBM's tools seal them
 * (tools/testing/pvm/qemu/attestation.md in the pvguest repository): a
 * key slot names the key by its public host-key hash (PHKH, SHA-256 of
 * the key's affine coordinates, each 80 bytes big endian) and wraps a
 * 32-byte protection key with AES-256-GCM (12-byte zero IV, no AAD)
 * under SHA-256(Z || 00000001), where Z is the 66-byte ECDH secret of
 * the host key and the request's customer key.  The protection key opens
 * the request's encrypted area (AES-256-GCM); an SE image's components
 * are AES-256-XTS per page.
 *
 * All cryptography is OpenSSL's (libcrypto).
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qapi/error.h"
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include "hw/s390x/s390-pv-tcg.h"
#include "pv-tcg.h"

#define EC_P521_COORD       66      /* bytes of a P-521 coordinate */
#define KEY_SLOT_WRAPPED    32
#define KEY_SLOT_TAG        64      /* PHKH, wrapped key, tag */

/* The 160-byte encoding of @pkey's public key: X, then Y, 80 bytes each. */
static bool pv_pubkey_coords(EVP_PKEY *pkey, uint8_t *out)
{
    BIGNUM *x = NULL, *y = NULL;
    bool ok;

    ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) &&
         EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) &&
         BN_bn2binpad(x, out, PV_EC_COORD_LEN) == PV_EC_COORD_LEN &&
         BN_bn2binpad(y, out + PV_EC_COORD_LEN, PV_EC_COORD_LEN) ==
         PV_EC_COORD_LEN;
    BN_free(x);
    BN_free(y);
    return ok;
}

static bool pv_is_p521(EVP_PKEY *pkey)
{
    char group[32];

    return EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC &&
           EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
                                          group, sizeof(group), NULL) &&
           !strcmp(group, "secp521r1");
}

static bool pv_host_key_load(PVHostKey *hk, const char *path, Error **errp)
{
    uint8_t coords[PV_EC_PUB_LEN];
    unsigned int len = PV_PHKH_LEN;
    EVP_PKEY *pkey;
    FILE *f;

    f = fopen(path, "r");
    if (!f) {
        error_setg_errno(errp, errno, "host-key: cannot open '%s'", path);
        return false;
    }
    pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!pkey) {
        error_setg(errp, "host-key: '%s' holds no PEM private key", path);
        return false;
    }
    if (!pv_is_p521(pkey) || !pv_pubkey_coords(pkey, coords) ||
        !EVP_Digest(coords, sizeof(coords), hk->phkh, &len, EVP_sha256(),
                    NULL)) {
        EVP_PKEY_free(pkey);
        error_setg(errp, "host-key: '%s' is not an EC P-521 key", path);
        return false;
    }
    hk->pkey = pkey;
    return true;
}

void pv_tcg_host_keys_free(S390PVTcgGuest *s)
{
    unsigned int i;

    for (i = 0; i < s->nr_host_keys; i++) {
        EVP_PKEY_free(s->host_keys[i].pkey);
    }
    memset(s->host_keys, 0, sizeof(s->host_keys));
    s->nr_host_keys = 0;
}

bool pv_tcg_host_keys_set(S390PVTcgGuest *s, const char *paths, Error **errp)
{
    g_auto(GStrv) list = pv_tcg_prop_list(paths, PV_MAX_HOST_KEYS,
                                          "host-key", errp);
    PVHostKey keys[PV_MAX_HOST_KEYS] = {};
    unsigned int n = 0, i;

    if (!list) {
        return false;
    }
    for (i = 0; list[i]; i++) {
        if (!pv_host_key_load(&keys[n], list[i], errp)) {
            goto fail;
        }
        n++;
    }
    pv_tcg_host_keys_free(s);
    memcpy(s->host_keys, keys, sizeof(keys));
    s->nr_host_keys = n;
    return true;
fail:
    while (n--) {
        EVP_PKEY_free(keys[n].pkey);
    }
    return false;
}

/* The customer's public key of a request (160 bytes) as a key, or NULL */
static EVP_PKEY *pv_customer_key(const uint8_t *coords)
{
    uint8_t point[1 + 2 * EC_P521_COORD];
    const size_t pad = PV_EC_COORD_LEN - EC_P521_COORD;
    OSSL_PARAM_BLD *bld;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;

    if (!buffer_is_zero(coords, pad) ||
        !buffer_is_zero(coords + PV_EC_COORD_LEN, pad)) {
        return NULL;
    }
    point[0] = 0x04;    /* uncompressed */
    memcpy(point + 1, coords + pad, EC_P521_COORD);
    memcpy(point + 1 + EC_P521_COORD, coords + PV_EC_COORD_LEN + pad,
           EC_P521_COORD);
    bld = OSSL_PARAM_BLD_new();
    if (bld &&
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                        "secp521r1", 0) &&
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
                                         point, sizeof(point))) {
        params = OSSL_PARAM_BLD_to_param(bld);
    }
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        pkey = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    return pkey;
}

/* K = SHA-256(Z || 00000001) of @hk and the customer key @peer */
static bool pv_exchange_key(const PVHostKey *hk, EVP_PKEY *peer, uint8_t *k)
{
    uint8_t z[EC_P521_COORD + 4];
    size_t zlen = EC_P521_COORD;
    unsigned int klen = 32;
    EVP_PKEY_CTX *ctx;
    bool ok;

    ctx = EVP_PKEY_CTX_new(hk->pkey, NULL);
    ok = ctx && EVP_PKEY_derive_init(ctx) > 0 &&
         EVP_PKEY_derive_set_peer(ctx, peer) > 0 &&
         EVP_PKEY_derive(ctx, z, &zlen) > 0 && zlen == EC_P521_COORD;
    EVP_PKEY_CTX_free(ctx);
    if (ok) {
        stl_be_p(z + EC_P521_COORD, 1);
        ok = EVP_Digest(z, sizeof(z), k, &klen, EVP_sha256(), NULL);
    }
    memset(z, 0, sizeof(z));
    return ok;
}

bool pv_tcg_gcm_open(const uint8_t *key, const uint8_t *iv,
                     const uint8_t *aad, size_t aad_len,
                     const uint8_t *in, size_t len, const uint8_t *tag,
                     uint8_t *out)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n;
    bool ok;

    ok = ctx &&
         EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, PV_GCM_IV_LEN,
                             NULL) &&
         EVP_DecryptInit_ex(ctx, NULL, NULL, key, iv) &&
         (!aad_len || EVP_DecryptUpdate(ctx, NULL, &n, aad, aad_len)) &&
         EVP_DecryptUpdate(ctx, out, &n, in, len) &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, PV_GCM_TAG_LEN,
                             (void *)tag) &&
         EVP_DecryptFinal_ex(ctx, out + n, &n) > 0;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        memset(out, 0, len);
    }
    return ok;
}

PVUnsealResult pv_tcg_unseal(S390PVTcgGuest *s, const uint8_t *cust_pub,
                             const uint8_t *slots, unsigned int nks,
                             uint8_t *key, const PVHostKey **used)
{
    static const uint8_t zero_iv[PV_GCM_IV_LEN];
    const PVHostKey *hk;
    const uint8_t *slot;
    EVP_PKEY *peer = NULL;
    PVUnsealResult res = PV_UNSEAL_NO_SLOT;
    uint8_t k[32];
    unsigned int i, j;

    for (i = 0; i < nks && res != PV_UNSEAL_OK; i++) {
        slot = slots + i * PV_KEY_SLOT_LEN;
        for (j = 0; j < s->nr_host_keys; j++) {
            if (!memcmp(slot, s->host_keys[j].phkh, PV_PHKH_LEN)) {
                break;
            }
        }
        if (j == s->nr_host_keys) {
            continue;
        }
        hk = &s->host_keys[j];
        if (!peer) {
            peer = pv_customer_key(cust_pub);
            if (!peer) {
                res = PV_UNSEAL_BAD_CUSTOMER_KEY;
                break;
            }
        }
        if (!pv_exchange_key(hk, peer, k)) {
            res = PV_UNSEAL_BAD_CUSTOMER_KEY;
            break;
        }
        if (pv_tcg_gcm_open(k, zero_iv, NULL, 0, slot + PV_PHKH_LEN,
                            KEY_SLOT_WRAPPED, slot + KEY_SLOT_TAG, key)) {
            res = PV_UNSEAL_OK;
            if (used) {
                *used = hk;
            }
        }
    }
    memset(k, 0, sizeof(k));
    EVP_PKEY_free(peer);
    return res;
}

bool pv_tcg_request_open(S390PVTcgGuest *s, const uint8_t *req, uint32_t len,
                         uint32_t cust_pub, uint32_t slots, uint32_t nks,
                         uint32_t sea, uint8_t *plain, const PVHostKey **used)
{
    uint8_t key[PV_PROT_KEY_LEN];
    uint32_t aad_len = len - PV_GCM_TAG_LEN - sea;
    bool ok;

    if (pv_tcg_unseal(s, req + cust_pub, req + slots, nks, key, used) !=
        PV_UNSEAL_OK) {
        return false;
    }
    ok = pv_tcg_gcm_open(key, req + RCB_IV, req, aad_len, req + aad_len, sea,
                         req + len - PV_GCM_TAG_LEN, plain);
    memset(key, 0, sizeof(key));
    return ok;
}

bool pv_tcg_hkdf_sha512(const uint8_t *ikm, size_t ikm_len,
                        const uint8_t *salt, size_t salt_len,
                        const char *info, uint8_t *out, size_t out_len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                         (char *)"SHA512", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm,
                                          ikm_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt,
                                          salt_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info,
                                          strlen(info)),
        OSSL_PARAM_construct_end(),
    };
    bool ok = ctx && EVP_KDF_derive(ctx, out, out_len, params) > 0;

    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return ok;
}

bool pv_tcg_xts_decrypt(const uint8_t *key, const uint8_t *tweak,
                        const uint8_t *in, uint8_t *out, size_t len)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n, m;
    bool ok;

    ok = ctx && EVP_DecryptInit_ex(ctx, EVP_aes_256_xts(), NULL, key, tweak) &&
         EVP_DecryptUpdate(ctx, out, &n, in, len) &&
         EVP_DecryptFinal_ex(ctx, out + n, &m);
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}
