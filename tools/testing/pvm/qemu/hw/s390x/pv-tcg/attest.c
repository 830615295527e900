/*
 * Emulated Ultravisor (TCG): Query Ultravisor Keys and Retrieve
 * Attestation Measurement
 *
 * Query Ultravisor Keys (UVC 0x0002) lists the public host-key hashes of
 * the model's host keys.  Retrieve Attestation Measurement (0x1020) takes
 * IBM's attestation request control block (ARCB) version 1: the request
 * is opened with a host key (crypto.c), and the measurement is HMAC-SHA512
 * with the request's measurement key over what a verifier recomputes: the
 * running image's SE header data, the configuration UID, the user data,
 * the nonce and the additional data the request's flags select.  The
 * argument checks come in the order a real Ultravisor makes them; the
 * description is tools/testing/pvm/qemu/attestation.md in the pvguest
 * repository.
 *
 * Counters: uvc-attest, uvc-query-keys.
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */

#include "qemu/osdep.h"
#include "hw/s390x/s390-pv-tcg.h"
#include "pv-tcg.h"

#define UVCB_ATTEST_LEN     0x188
#define UVCB_QUERY_KEYS_LEN 0x200
#define QUERY_KEYS_HASHES   0x20

/* Retrieve Attestation Measurement control block */
#define ATT_ARCB_ADDR       0x18
#define ATT_CONT_TOKEN      0x20
#define ATT_USER_DATA_LEN   0x2e
#define ATT_USER_DATA       0x30
#define ATT_USER_DATA_MAX   256
#define ATT_MEAS_LEN        0x13c
#define ATT_MEAS_ADDR       0x140
#define ATT_CONFIG_UID      0x148
#define ATT_ADD_DATA_LEN    0x15c
#define ATT_ADD_DATA_ADDR   0x160

/* ARCB version 1 */
#define ARCB_PAF            0x30
#define ARCB_MAI            0x38
#define ARCB_MAI_HMAC_SHA512 1
#define ARCB_CUST_PUB       0x40
#define ARCB_KEY_SLOTS      0xe0

#define PV_MEAS_KEY_LEN     64
#define PV_MEAS_LEN         64      /* HMAC-SHA512 */
#define PV_NONCE_LEN        16
#define PV_STORE_HASH_LEN   64

/* Response codes (../shared/docs/se-formats.md §3.5) */
#define UVC_RC_ATT_CONT_TOKEN   0x0101
#define UVC_RC_ATT_USER_DATA    0x0102
#define UVC_RC_ATT_ACCESS       0x0103
#define UVC_RC_ATT_VERSION      0x0106
#define UVC_RC_ATT_LENGTH       0x0107
#define UVC_RC_ATT_NO_KEY_SLOTS 0x0108
#define UVC_RC_ATT_SEA          0x0109
#define UVC_RC_ATT_FLAGS        0x010a
#define UVC_RC_ATT_ALGORITHM    0x010b
#define UVC_RC_ATT_UNSEAL       0x010c
#define UVC_RC_ATT_MEAS_LEN     0x010d
#define UVC_RC_ATT_ADD_DATA_LEN 0x010e

int pv_tcg_uvc_query_keys(S390PVTcgGuest *s, CPUS390XState *env,
                          uint64_t addr, uint16_t len, uint16_t *rc,
                          uintptr_t ra)
{
    uint8_t cb[UVCB_QUERY_KEYS_LEN] = {};
    unsigned int i;

    s->cnt.uvc_query_keys++;
    if (!(pv_tcg_installed_calls(s) & uv_call_bit(UV_BIT_QUERY_KEYS))) {
        *rc = UVC_RC_INV_CMD;
        return 1;
    }
    if (len != UVCB_QUERY_KEYS_LEN) {
        *rc = UVC_RC_INV_LEN;
        return 1;
    }
    /* the host key first, then the others (host-key order) */
    for (i = 0; i < s->nr_host_keys; i++) {
        memcpy(cb + QUERY_KEYS_HASHES + i * PV_PHKH_LEN,
               s->host_keys[i].phkh, PV_PHKH_LEN);
    }
    if (pv_tcg_uvcb_rw(env, addr + QUERY_KEYS_HASHES, cb + QUERY_KEYS_HASHES,
                       UVCB_QUERY_KEYS_LEN - QUERY_KEYS_HASHES, true)) {
        s390_cpu_virt_mem_handle_exc(env_archcpu(env), ra);
    }
    *rc = UVC_RC_EXECUTED;
    return 0;
}

/*
 * The additional data the plaintext attestation flags ask for, in flag
 * order: the PHKH of the host key that opened the SE header (image), of
 * the one that opened the ARCB (attestation), the secret-store hash.  The
 * nonce is never part of it.  Returns the length; @out may be NULL.
 */
static uint32_t pv_attest_add_data(S390PVTcgGuest *s, uint64_t paf,
                                   const PVHostKey *hk, uint8_t *out)
{
    uint32_t n = 0;

    if (paf & PAF_IMAGE_PHKH) {
        if (out) {
            memcpy(out + n, s->image.phkh, PV_PHKH_LEN);
        }
        n += PV_PHKH_LEN;
    }
    if (paf & PAF_ATTEST_PHKH) {
        if (out) {
            memcpy(out + n, hk->phkh, PV_PHKH_LEN);
        }
        n += PV_PHKH_LEN;
    }
    if (paf & PAF_STORE_HASH) {
        if (out) {
            pv_tcg_store_hash(s, out + n);
        }
        n += PV_STORE_HASH_LEN;
    }
    return n;
}

/*
 * The measurement: HMAC-SHA512 with the request's measurement key over
 * the running image's PLD, ALD, TLD and header tag, the configuration UID,
 * the lengths (BE16 user data, BE16 0, BE32 additional data), the user
 * data, the nonce if the request has one and the additional data.
 */
static void pv_measure(S390PVTcgGuest *s, const uint8_t *key,
                       const uint8_t *user, uint32_t user_len,
                       const uint8_t *nonce, const uint8_t *add,
                       uint32_t add_len, uint8_t *meas)
{
    GHmac *h = g_hmac_new(G_CHECKSUM_SHA512, key, PV_MEAS_KEY_LEN);
    gsize len = PV_MEAS_LEN;
    uint8_t lens[8];

    g_hmac_update(h, s->image.pld, PV_DIGEST_LEN);
    g_hmac_update(h, s->image.ald, PV_DIGEST_LEN);
    g_hmac_update(h, s->image.tld, PV_DIGEST_LEN);
    g_hmac_update(h, s->image.tag, PV_GCM_TAG_LEN);
    g_hmac_update(h, s->config_uid, sizeof(s->config_uid));
    stw_be_p(lens, user_len);
    stw_be_p(lens + 2, 0);
    stl_be_p(lens + 4, add_len);
    g_hmac_update(h, lens, sizeof(lens));
    g_hmac_update(h, user, user_len);
    if (nonce) {
        g_hmac_update(h, nonce, PV_NONCE_LEN);
    }
    g_hmac_update(h, add, add_len);
    g_hmac_get_digest(h, meas, &len);
    g_hmac_unref(h);
}

/* An ARCB read whole, and what its plaintext part says */
typedef struct PVArcb {
    uint8_t *buf;
    uint32_t len;
    uint32_t nks;
    uint32_t sea;
    uint64_t paf;
} PVArcb;

static void pv_arcb_free(PVArcb *r)
{
    g_free(r->buf);
    r->buf = NULL;
}

/*
 * Read and check an ARCB in the order a real Ultravisor checks: version,
 * length, key slots, size of the encrypted area, flags.  Returns
 * UVC_RC_EXECUTED with @r filled, or the response code.
 */
static uint16_t pv_arcb_read(CPUS390XState *env, uint64_t addr, PVArcb *r)
{
    uint8_t hdr[ARCB_KEY_SLOTS];
    uint64_t fixed;

    memset(r, 0, sizeof(*r));
    if (pv_tcg_arg_rw(env, addr, hdr, sizeof(hdr), false)) {
        return UVC_RC_ATT_ACCESS;
    }
    if (ldl_be_p(hdr + RCB_VERSION) != RCB_VERSION_1) {
        return UVC_RC_ATT_VERSION;
    }
    r->len = ldl_be_p(hdr + RCB_LENGTH);
    r->nks = hdr[RCB_NKS];
    r->sea = ldl_be_p(hdr + RCB_SEA);
    r->paf = ldq_be_p(hdr + ARCB_PAF);
    fixed = ARCB_KEY_SLOTS + (uint64_t)r->nks * PV_KEY_SLOT_LEN +
            PV_GCM_TAG_LEN;
    if (r->len > RCB_MAX_LEN || r->len < fixed) {
        return UVC_RC_ATT_LENGTH;
    }
    if (!r->nks) {
        return UVC_RC_ATT_NO_KEY_SLOTS;
    }
    if (r->sea != PV_MEAS_KEY_LEN + (r->paf & PAF_NONCE ? PV_NONCE_LEN : 0)) {
        return UVC_RC_ATT_SEA;
    }
    if (r->len != fixed + r->sea) {
        return UVC_RC_ATT_LENGTH;
    }
    if (r->paf & ~PAF_SUPPORTED) {
        return UVC_RC_ATT_FLAGS;
    }
    r->buf = g_malloc(r->len);
    if (pv_tcg_arg_rw(env, addr, r->buf, r->len, false)) {
        pv_arcb_free(r);
        return UVC_RC_ATT_ACCESS;
    }
    return UVC_RC_EXECUTED;
}

static uint16_t pv_attest(S390PVTcgGuest *s, CPUS390XState *env, uint8_t *cb,
                          uintptr_t ra)
{
    uint8_t add[2 * PV_PHKH_LEN + PV_STORE_HASH_LEN];
    uint8_t plain[PV_MEAS_KEY_LEN + PV_NONCE_LEN];
    uint8_t meas[PV_MEAS_LEN];
    const PVHostKey *hk = NULL;
    uint32_t user_len, add_len;
    PVArcb r;
    uint16_t rc;

    if (ldq_be_p(cb + ATT_CONT_TOKEN)) {
        return UVC_RC_ATT_CONT_TOKEN;
    }
    user_len = lduw_be_p(cb + ATT_USER_DATA_LEN);
    if (user_len > ATT_USER_DATA_MAX) {
        return UVC_RC_ATT_USER_DATA;
    }
    rc = pv_arcb_read(env, ldq_be_p(cb + ATT_ARCB_ADDR), &r);
    if (rc != UVC_RC_EXECUTED) {
        return rc;
    }
    add_len = pv_attest_add_data(s, r.paf, NULL, NULL);
    if (ldl_be_p(r.buf + ARCB_MAI) != ARCB_MAI_HMAC_SHA512) {
        rc = UVC_RC_ATT_ALGORITHM;
    } else if (ldl_be_p(cb + ATT_MEAS_LEN) < PV_MEAS_LEN) {
        rc = UVC_RC_ATT_MEAS_LEN;
    } else if (ldl_be_p(cb + ATT_ADD_DATA_LEN) < add_len) {
        rc = UVC_RC_ATT_ADD_DATA_LEN;
    } else if (!pv_tcg_request_open(s, r.buf, r.len, ARCB_CUST_PUB,
                                    ARCB_KEY_SLOTS, r.nks, r.sea, plain,
                                    &hk)) {
        /* the length checks come first: they need no host key */
        rc = UVC_RC_ATT_UNSEAL;
    }
    pv_arcb_free(&r);
    if (rc != UVC_RC_EXECUTED) {
        return rc;
    }
    pv_attest_add_data(s, r.paf, hk, add);
    pv_measure(s, plain, cb + ATT_USER_DATA, user_len,
               r.paf & PAF_NONCE ? plain + PV_MEAS_KEY_LEN : NULL,
               add, add_len, meas);
    memset(plain, 0, sizeof(plain));

    /* Output areas behave like the UVCB: a bad address is an exception. */
    if (pv_tcg_uvcb_rw(env, ldq_be_p(cb + ATT_MEAS_ADDR), meas,
                       sizeof(meas), true) ||
        (add_len && pv_tcg_uvcb_rw(env, ldq_be_p(cb + ATT_ADD_DATA_ADDR),
                                   add, add_len, true))) {
        s390_cpu_virt_mem_handle_exc(env_archcpu(env), ra);
    }
    memcpy(cb + ATT_CONFIG_UID, s->config_uid, sizeof(s->config_uid));
    stl_be_p(cb + ATT_ADD_DATA_LEN, add_len);
    return UVC_RC_EXECUTED;
}

int pv_tcg_uvc_attest(S390PVTcgGuest *s, CPUS390XState *env, uint64_t addr,
                      uint16_t len, uint16_t *rc, uintptr_t ra)
{
    uint8_t cb[UVCB_ATTEST_LEN];

    s->cnt.uvc_attest++;
    if (!(pv_tcg_installed_calls(s) & uv_call_bit(UV_BIT_RETR_ATTEST))) {
        *rc = UVC_RC_INV_CMD;
        return 1;
    }
    if (len != UVCB_ATTEST_LEN) {
        *rc = UVC_RC_INV_LEN;
        return 1;
    }
    if (pv_tcg_uvcb_rw(env, addr, cb, sizeof(cb), false)) {
        s390_cpu_virt_mem_handle_exc(env_archcpu(env), ra);
    }
    *rc = pv_attest(s, env, cb, ra);
    if (*rc != UVC_RC_EXECUTED) {
        return 1;
    }
    /* configuration UID and the length of the additional data */
    if (pv_tcg_uvcb_rw(env, addr + ATT_CONFIG_UID, cb + ATT_CONFIG_UID,
                       ATT_ADD_DATA_LEN + 4 - ATT_CONFIG_UID, true)) {
        s390_cpu_virt_mem_handle_exc(env_archcpu(env), ra);
    }
    return 0;
}
