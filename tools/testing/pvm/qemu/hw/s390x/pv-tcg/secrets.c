/*
 * Emulated Ultravisor (TCG): host keys, attestation and the secret store
 *
 * Query Ultravisor Keys (UVC 0x0002), Retrieve Attestation Measurement
 * (0x1020), Add Secret, List Secrets, Lock Secret Store and Retrieve
 * Secret (0x1031, 0x1033, 0x1034, 0x1035), with the block-length rules
 * and argument checks of the real Ultravisor in the documented order.
 * The contract, with its test host keys, is
 * tools/testing/pvm/qemu/attestation.md in the pvguest repository.  The
 * store holds max-assoc-secrets association secrets and max-retr-secrets
 * retrievable ones, keeps their values, and lives as long as the
 * protected configuration.  Retrieve hands back a plain secret as stored
 * and a key wrapped with a key of the configuration, as a real
 * Ultravisor hands back a protected key.
 *
 * Counters: uvc-attest, uvc-secret, uvc-query-keys.
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/s390x/s390-pv-tcg.h"
#include "pv-tcg.h"

#define UVCB_ATTEST_LEN     0x188
#define UVCB_SECRET_LEN     0x48    /* Add, List, Retrieve Secret */
#define UVCB_QUERY_KEYS_LEN 0x200
#define QUERY_KEYS_HASHES   0x20
#define UVCB_NODATA_LEN     0x40    /* Lock Secret Store */

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

/* Request control blocks: ARCB and the add-secret request share a header */
#define RCB_HDR_LEN         0x40
#define RCB_VERSION         0x08
#define RCB_VERSION_1       0x0100
#define RCB_LENGTH          0x0c
#define RCB_NKS             0x27
#define RCB_SEA             0x2c
#define RCB_FLAGS           0x30
#define RCB_KEY_SLOTS       0xe0
#define RCB_KEY_SLOT_LEN    80
#define RCB_TAG_LEN         16
#define RCB_MIN_LEN         (RCB_KEY_SLOTS + RCB_TAG_LEN)
#define RCB_MAX_LEN         (1 * MiB)
#define ARCB_MAI            0x38
#define ARCB_MAI_HMAC_SHA512 1

#define PV_MEAS_KEY_LEN     64
#define PV_MEAS_LEN         64      /* HMAC-SHA512 */
#define PV_NONCE_LEN        16

/* Secrets: the encrypted area of an add-secret request, the store */
#define SECRET_CB_ADDR      0x20
#define SECRET_TYPE         0x00
#define SECRET_LEN          0x04
#define SECRET_ID           0x08
#define SECRET_HDR_LEN      0x28
#define SECRET_ASSOCIATION_LEN 32
#define SECRET_PLAIN_MAX    8192
#define SECRET_WKVP_LEN     32      /* verification pattern of a wrapped key */
#define LIST_CB_START       0x1e
#define RETR_CB_INDEX       0x18
#define RETR_CB_BUF_SIZE    0x1c
#define RETR_CB_BUF_ADDR    0x20
#define LIST_ENTRIES        0x10
#define LIST_ENTRY_LEN      0x30
#define LIST_MAX_ENTRIES    ((PV_PAGE_SIZE - LIST_ENTRIES) / LIST_ENTRY_LEN)

/* Response codes of these calls (facts §3.2, §3.3; attestation.md) */
#define UVC_RC_ATT_CONT_TOKEN   0x0101
#define UVC_RC_ATT_USER_DATA    0x0102
#define UVC_RC_SECRETS_LOCKED   0x0102
#define UVC_RC_RCB_ACCESS       0x0103
#define UVC_RC_RCB_VERSION      0x0106
#define UVC_RC_RCB_LENGTH       0x0107
#define UVC_RC_RCB_NO_KEY_SLOTS 0x0108
#define UVC_RC_RCB_SEA          0x0109
#define UVC_RC_RCB_FLAGS        0x010a
#define UVC_RC_ATT_ALGORITHM    0x010b
#define UVC_RC_SECRET_TYPE      0x010b
#define UVC_RC_RCB_UNSEAL       0x010c
#define UVC_RC_ATT_MEAS_LEN     0x010d
#define UVC_RC_SECRET_DUPLICATE 0x010d
#define UVC_RC_ATT_ADD_DATA_LEN 0x010e
#define UVC_RC_SECRETS_FULL     0x010e
#define UVC_RC_RETR_ACCESS      0x0102
#define UVC_RC_RETR_BUF_SMALL   0x0109
#define UVC_RC_RETR_EMPTY       0x010f
#define UVC_RC_RETR_INDEX       0x0110
#define UVC_RC_RETR_NOT_RETR    0x0111

/*
 * The secret store lives as long as the protected configuration; so does
 * the key that wraps retrieved keys.
 */
void pv_tcg_secrets_clear(S390PVTcgGuest *s)
{
    unsigned int i;

    for (i = 0; i < s->nr_secrets; i++) {
        memset(s->secrets[i].value, 0, s->secrets[i].value_len);
        g_free(s->secrets[i].value);
    }
    if (s->secrets) {
        memset(s->secrets, 0, s->nr_secrets * sizeof(*s->secrets));
    }
    s->nr_secrets = 0;
    s->nr_assoc = 0;
    s->secrets_locked = false;
    qemu_guest_getrandom_nofail(s->wrap_key, sizeof(s->wrap_key));
}

void pv_tcg_secrets_init(S390PVTcgGuest *s)
{
    s->secrets = g_new0(PVSecret, s->max_assoc_secrets + s->max_retr_secrets);
    pv_tcg_secrets_clear(s);
}

void pv_tcg_secrets_free(S390PVTcgGuest *s)
{
    if (s->secrets) {
        pv_tcg_secrets_clear(s);
        g_free(s->secrets);
        s->secrets = NULL;
    }
}


/*
 * Attestation and secret store (tools/testing/pvm/qemu/attestation.md).
 * There are no host keys here: the model has one test host key, known by
 * its public host-key hash, whose cipher is the identity.  A request
 * sealed for it names that hash in a key slot and carries its encrypted
 * area in clear; any other request passes the checks a real Ultravisor
 * can make without unsealing and then fails as "cannot unseal".
 */
const uint8_t pv_tcg_test_phkh[PV_PHKH_LEN] =
    "pvguest emulated UV test hostkey";
/* Query Ultravisor Keys also names a backup host key (never used) */
const uint8_t pv_tcg_backup_phkh[PV_PHKH_LEN] =
    "pvguest emulated UV backup key 1";

/* A request control block (ARCB or add-secret request), read whole. */
typedef struct PVRcb {
    uint8_t *buf;
    uint32_t len;
    uint32_t nks;
    uint32_t sea;
    uint64_t flags;
} PVRcb;

static void pv_rcb_free(PVRcb *r)
{
    if (r->buf) {
        /* the clear text of a request is as secret as the request */
        memset(r->buf, 0, r->len);
        g_free(r->buf);
        r->buf = NULL;
    }
}

/*
 * Operand of a call that names guest memory: like the UVCB, a logical
 * address in the home space.  Unlike the UVCB, a bad address is answered
 * with a return code, so nothing is made pending on failure.
 */
static int pv_arg_rw(CPUS390XState *env, uint64_t addr, void *buf, int len,
                     bool is_write)
{
    uint64_t mask = env->psw.mask;
    int ret;

    if (mask & PSW_MASK_DAT) {
        env->psw.mask = (mask & ~PSW_MASK_ASC) | PSW_ASC_HOME;
    }
    ret = s390_cpu_virt_mem_rw_noexc(env_archcpu(env), addr, buf, len,
                                     is_write);
    env->psw.mask = mask;
    return ret;
}

/*
 * Read and check the header of a request control block.  @attest selects
 * the rule for the size of the encrypted area: the measurement key and an
 * optional nonce (attestation), or at least a secret's header (add
 * secret).  Returns UVC_RC_EXECUTED with @r filled, or the response code.
 */
static uint16_t pv_rcb_read(CPUS390XState *env, uint64_t addr, bool attest,
                            uint64_t flags_ok, PVRcb *r)
{
    uint8_t hdr[RCB_HDR_LEN];
    uint64_t want;

    memset(r, 0, sizeof(*r));
    if (pv_arg_rw(env, addr, hdr, sizeof(hdr), false)) {
        return UVC_RC_RCB_ACCESS;
    }
    if (ldl_be_p(hdr + RCB_VERSION) != RCB_VERSION_1) {
        return UVC_RC_RCB_VERSION;
    }
    r->len = ldl_be_p(hdr + RCB_LENGTH);
    if (r->len < RCB_MIN_LEN || r->len > RCB_MAX_LEN) {
        return UVC_RC_RCB_LENGTH;
    }
    r->nks = hdr[RCB_NKS];
    if (!r->nks) {
        return UVC_RC_RCB_NO_KEY_SLOTS;
    }
    r->flags = ldq_be_p(hdr + RCB_FLAGS);
    if (r->flags & ~flags_ok) {
        return UVC_RC_RCB_FLAGS;
    }
    r->sea = ldl_be_p(hdr + RCB_SEA);
    if (attest) {
        want = PV_MEAS_KEY_LEN + (r->flags & PAF_NONCE ? PV_NONCE_LEN : 0);
        if (r->sea != want) {
            return UVC_RC_RCB_SEA;
        }
    } else if (r->sea < SECRET_HDR_LEN) {
        return UVC_RC_RCB_SEA;
    }
    want = RCB_KEY_SLOTS + (uint64_t)r->nks * RCB_KEY_SLOT_LEN + r->sea +
           RCB_TAG_LEN;
    if (r->len != want) {
        return UVC_RC_RCB_LENGTH;
    }
    r->buf = g_malloc(r->len);
    if (pv_arg_rw(env, addr, r->buf, r->len, false)) {
        pv_rcb_free(r);
        return UVC_RC_RCB_ACCESS;
    }
    return UVC_RC_EXECUTED;
}

/* The encrypted area in clear, or NULL if no key slot is for our key. */
static const uint8_t *pv_rcb_unseal(const PVRcb *r)
{
    uint32_t i;

    for (i = 0; i < r->nks; i++) {
        if (!memcmp(r->buf + RCB_KEY_SLOTS + i * RCB_KEY_SLOT_LEN,
                    pv_tcg_test_phkh, PV_PHKH_LEN)) {
            return r->buf + RCB_KEY_SLOTS + r->nks * RCB_KEY_SLOT_LEN;
        }
    }
    return NULL;
}

/* Additional data the plaintext attestation flags ask for, in order. */
static uint32_t pv_attest_add_data(uint64_t paf, const uint8_t *nonce,
                                   uint8_t *out)
{
    uint32_t n = 0;

    if (paf & PAF_IMAGE_PHKH) {
        if (out) {
            memcpy(out + n, pv_tcg_test_phkh, PV_PHKH_LEN);
        }
        n += PV_PHKH_LEN;
    }
    if (paf & PAF_ATTEST_PHKH) {
        if (out) {
            memcpy(out + n, pv_tcg_test_phkh, PV_PHKH_LEN);
        }
        n += PV_PHKH_LEN;
    }
    if (paf & PAF_NONCE) {
        if (out) {
            memcpy(out + n, nonce, PV_NONCE_LEN);
        }
        n += PV_NONCE_LEN;
    }
    return n;
}

static uint16_t pv_attest(S390PVTcgGuest *s, CPUS390XState *env, uint8_t *cb,
                          uintptr_t ra)
{
    uint8_t add[2 * PV_PHKH_LEN + PV_NONCE_LEN];
    uint8_t meas[PV_MEAS_LEN];
    uint32_t user_len, add_len;
    const uint8_t *key;
    gsize meas_len = sizeof(meas);
    GHmac *hmac;
    PVRcb r;
    uint16_t rc;

    if (ldq_be_p(cb + ATT_CONT_TOKEN)) {
        return UVC_RC_ATT_CONT_TOKEN;
    }
    user_len = lduw_be_p(cb + ATT_USER_DATA_LEN);
    if (user_len > ATT_USER_DATA_MAX) {
        return UVC_RC_ATT_USER_DATA;
    }
    rc = pv_rcb_read(env, ldq_be_p(cb + ATT_ARCB_ADDR), true, PAF_SUPPORTED,
                     &r);
    if (rc != UVC_RC_EXECUTED) {
        return rc;
    }
    if (ldl_be_p(r.buf + ARCB_MAI) != ARCB_MAI_HMAC_SHA512) {
        rc = UVC_RC_ATT_ALGORITHM;
    } else if (ldl_be_p(cb + ATT_MEAS_LEN) < PV_MEAS_LEN) {
        rc = UVC_RC_ATT_MEAS_LEN;
    } else if (ldl_be_p(cb + ATT_ADD_DATA_LEN) <
               pv_attest_add_data(r.flags, NULL, NULL)) {
        rc = UVC_RC_ATT_ADD_DATA_LEN;
    }
    /* the length checks come first: they need no unsealing */
    key = rc == UVC_RC_EXECUTED ? pv_rcb_unseal(&r) : NULL;
    if (rc == UVC_RC_EXECUTED && !key) {
        rc = UVC_RC_RCB_UNSEAL;
    }
    if (rc != UVC_RC_EXECUTED) {
        pv_rcb_free(&r);
        return rc;
    }
    add_len = pv_attest_add_data(r.flags, key + PV_MEAS_KEY_LEN, add);

    hmac = g_hmac_new(G_CHECKSUM_SHA512, key, PV_MEAS_KEY_LEN);
    g_hmac_update(hmac, s->config_uid, sizeof(s->config_uid));
    g_hmac_update(hmac, cb + ATT_USER_DATA, user_len);
    g_hmac_update(hmac, add, add_len);
    g_hmac_get_digest(hmac, meas, &meas_len);
    g_hmac_unref(hmac);
    pv_rcb_free(&r);

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

/* Clear length of each key type (4-10, 0x11-0x15), in that order */
static const uint8_t pv_key_lens[][2] = {
    { 16 }, { 24 }, { 32 },     /* AES-128, -192, -256 */
    { 32 }, { 64 },             /* AES-XTS-128, -256: two keys */
    { 64 }, { 128 },            /* HMAC-SHA-256, -512: the block-size K0 */
    { 32 }, { 48 }, { 80 },     /* EC P256, P384, P521 (padded) */
    { 32 }, { 64 },             /* Ed25519, Ed448 (padded) */
};

/*
 * Whether a secret of @type and clear length @len is accepted, and how
 * long it is listed and retrieved (0 if refused): a key as a protected
 * key, the key wrapped and a verification pattern.
 */
static uint32_t pv_secret_len(uint16_t type, uint32_t len)
{
    unsigned int k;

    if (type == SECRET_TYPE_ASSOCIATION) {
        return len == SECRET_ASSOCIATION_LEN ? len : 0;
    }
    if (type == SECRET_TYPE_PLAIN) {
        return len >= 1 && len <= SECRET_PLAIN_MAX ? len : 0;
    }
    if (type >= SECRET_TYPE_AES_128 && type <= SECRET_TYPE_HMAC_512) {
        k = type - SECRET_TYPE_AES_128;
    } else if (type >= SECRET_TYPE_EC_P256 && type <= SECRET_TYPE_ED448) {
        k = type - SECRET_TYPE_EC_P256 + 7;
    } else {
        return 0;
    }
    return len == pv_key_lens[k][0] ? len + SECRET_WKVP_LEN : 0;
}

/*
 * A key as Retrieve hands it back: the clear key XOR a key stream made
 * from the configuration's wrapping key, then the wrapping key's
 * verification pattern.  Nothing outside the configuration can undo it;
 * the same key retrieved twice in one configuration is the same.
 */
static void pv_secret_wrap(S390PVTcgGuest *s, const PVSecret *e, uint8_t *out)
{
    uint8_t block[32], ctr[4];
    gsize blen;
    uint32_t i;
    GHmac *h;

    for (i = 0; i < e->value_len; i++) {
        if (i % sizeof(block) == 0) {
            stl_be_p(ctr, i / sizeof(block));
            h = g_hmac_new(G_CHECKSUM_SHA256, s->wrap_key,
                           sizeof(s->wrap_key));
            g_hmac_update(h, ctr, sizeof(ctr));
            blen = sizeof(block);
            g_hmac_get_digest(h, block, &blen);
            g_hmac_unref(h);
        }
        out[i] = e->value[i] ^ block[i % sizeof(block)];
    }
    h = g_hmac_new(G_CHECKSUM_SHA256, s->wrap_key, sizeof(s->wrap_key));
    g_hmac_update(h, (const guchar *)"WKVP", 4);
    blen = SECRET_WKVP_LEN;
    g_hmac_get_digest(h, out + e->value_len, &blen);
    g_hmac_unref(h);
    memset(block, 0, sizeof(block));
}

static uint16_t pv_add_secret(S390PVTcgGuest *s, CPUS390XState *env,
                              uint64_t addr)
{
    const uint8_t *ea;
    uint32_t len, listed, i;
    uint16_t type, rc;
    PVSecret *e;
    bool assoc;
    PVRcb r;

    if (s->secrets_locked) {
        return UVC_RC_SECRETS_LOCKED;
    }
    rc = pv_rcb_read(env, addr, false, 0, &r);
    if (rc != UVC_RC_EXECUTED) {
        return rc;
    }
    ea = pv_rcb_unseal(&r);
    if (!ea) {
        rc = UVC_RC_RCB_UNSEAL;
        goto out;
    }
    type = lduw_be_p(ea + SECRET_TYPE);
    len = ldl_be_p(ea + SECRET_LEN);
    if ((uint64_t)SECRET_HDR_LEN + len != r.sea) {
        rc = UVC_RC_RCB_SEA;
        goto out;
    }
    listed = pv_secret_len(type, len);
    if (!listed) {
        rc = UVC_RC_SECRET_TYPE;
        goto out;
    }
    for (i = 0; i < s->nr_secrets; i++) {
        if (!memcmp(s->secrets[i].id, ea + SECRET_ID, PV_SECRET_ID_LEN)) {
            rc = UVC_RC_SECRET_DUPLICATE;
            goto out;
        }
    }
    assoc = type == SECRET_TYPE_ASSOCIATION;
    if (assoc ? s->nr_assoc >= s->max_assoc_secrets
              : s->nr_secrets - s->nr_assoc >= s->max_retr_secrets) {
        rc = UVC_RC_SECRETS_FULL;
        goto out;
    }
    e = &s->secrets[s->nr_secrets++];
    e->type = type;
    e->len = listed;
    memcpy(e->id, ea + SECRET_ID, PV_SECRET_ID_LEN);
    e->value = g_memdup2(ea + SECRET_HDR_LEN, len);
    e->value_len = len;
    s->nr_assoc += assoc;
out:
    pv_rcb_free(&r);
    return rc;
}

static uint16_t pv_list_secrets(S390PVTcgGuest *s, CPUS390XState *env,
                                uint64_t addr, uint16_t start, uintptr_t ra)
{
    g_autofree uint8_t *page = g_malloc0(PV_PAGE_SIZE);
    uint32_t i = start, n = 0;
    uint8_t *e;

    for (; i < s->nr_secrets && n < LIST_MAX_ENTRIES; i++, n++) {
        e = page + LIST_ENTRIES + n * LIST_ENTRY_LEN;
        stw_be_p(e, i);
        stw_be_p(e + 2, s->secrets[i].type);
        stl_be_p(e + 4, s->secrets[i].len);
        memcpy(e + 0x10, s->secrets[i].id, PV_SECRET_ID_LEN);
    }
    stw_be_p(page, n);
    stw_be_p(page + 2, s->nr_secrets);
    stw_be_p(page + 4, i < s->nr_secrets ? i : 0);
    if (pv_tcg_uvcb_rw(env, addr, page, PV_PAGE_SIZE, true)) {
        s390_cpu_virt_mem_handle_exc(env_archcpu(env), ra);
    }
    return i < s->nr_secrets ? UVC_RC_MORE_DATA : UVC_RC_EXECUTED;
}

static uint16_t pv_retrieve_secret(S390PVTcgGuest *s, CPUS390XState *env,
                                   const uint8_t *cb)
{
    uint16_t idx = lduw_be_p(cb + RETR_CB_INDEX);
    g_autofree uint8_t *out = NULL;
    const PVSecret *e;
    uint16_t rc = UVC_RC_EXECUTED;

    if (!s->nr_secrets) {
        return UVC_RC_RETR_EMPTY;
    }
    if (idx >= s->nr_secrets) {
        return UVC_RC_RETR_INDEX;
    }
    e = &s->secrets[idx];
    if (e->type == SECRET_TYPE_ASSOCIATION) {
        return UVC_RC_RETR_NOT_RETR;
    }
    if (ldl_be_p(cb + RETR_CB_BUF_SIZE) < e->len) {
        return UVC_RC_RETR_BUF_SMALL;
    }
    out = g_malloc(e->len);
    if (e->type == SECRET_TYPE_PLAIN) {
        memcpy(out, e->value, e->len);
    } else {
        pv_secret_wrap(s, e, out);
    }
    /* unlike the UVCB, an output area it cannot write is a return code */
    if (pv_arg_rw(env, ldq_be_p(cb + RETR_CB_BUF_ADDR), out, e->len, true)) {
        rc = UVC_RC_RETR_ACCESS;
    }
    memset(out, 0, e->len);
    return rc;
}

int pv_tcg_uvc_query_keys(S390PVTcgGuest *s, CPUS390XState *env,
                          uint64_t addr, uint16_t len, uint16_t *rc,
                          uintptr_t ra)
{
    uint8_t cb[UVCB_QUERY_KEYS_LEN] = {};

    s->cnt.uvc_query_keys++;
    if (!(pv_tcg_installed_calls(s) & uv_call_bit(UV_BIT_QUERY_KEYS))) {
        *rc = UVC_RC_INV_CMD;
        return 1;
    }
    if (len != UVCB_QUERY_KEYS_LEN) {
        *rc = UVC_RC_INV_LEN;
        return 1;
    }
    memcpy(cb + QUERY_KEYS_HASHES, pv_tcg_test_phkh, PV_PHKH_LEN);
    memcpy(cb + QUERY_KEYS_HASHES + PV_PHKH_LEN, pv_tcg_backup_phkh,
           PV_PHKH_LEN);
    if (pv_tcg_uvcb_rw(env, addr + QUERY_KEYS_HASHES, cb + QUERY_KEYS_HASHES,
                       UVCB_QUERY_KEYS_LEN - QUERY_KEYS_HASHES, true)) {
        s390_cpu_virt_mem_handle_exc(env_archcpu(env), ra);
    }
    *rc = UVC_RC_EXECUTED;
    return 0;
}

int pv_tcg_uvc_secret(S390PVTcgGuest *s, CPUS390XState *env, uint64_t addr,
                      uint16_t cmd, uint16_t len, uint16_t *rc, uintptr_t ra)
{
    uint8_t cb[UVCB_SECRET_LEN];
    uint16_t want_len;
    unsigned int bit;

    s->cnt.uvc_secret++;
    switch (cmd) {
    case UVC_CMD_ADD_SECRET:
        bit = UV_BIT_ADD_SECRET;
        want_len = UVCB_SECRET_LEN;
        break;
    case UVC_CMD_LIST_SECRETS:
        bit = UV_BIT_LIST_SECRETS;
        want_len = UVCB_SECRET_LEN;
        break;
    case UVC_CMD_RETR_SECRET:
        bit = UV_BIT_RETR_SECRET;
        want_len = UVCB_SECRET_LEN;
        break;
    default:
        bit = UV_BIT_LOCK_SECRETS;
        want_len = UVCB_NODATA_LEN;
        break;
    }
    if (!(pv_tcg_installed_calls(s) & uv_call_bit(bit))) {
        *rc = UVC_RC_INV_CMD;
        return 1;
    }
    if (len != want_len) {
        *rc = UVC_RC_INV_LEN;
        return 1;
    }
    if (pv_tcg_uvcb_rw(env, addr, cb, want_len, false)) {
        s390_cpu_virt_mem_handle_exc(env_archcpu(env), ra);
    }
    switch (cmd) {
    case UVC_CMD_ADD_SECRET:
        *rc = pv_add_secret(s, env, ldq_be_p(cb + SECRET_CB_ADDR));
        break;
    case UVC_CMD_LIST_SECRETS:
        *rc = pv_list_secrets(s, env, ldq_be_p(cb + SECRET_CB_ADDR),
                              lduw_be_p(cb + LIST_CB_START), ra);
        break;
    case UVC_CMD_RETR_SECRET:
        *rc = pv_retrieve_secret(s, env, cb);
        break;
    default:
        if (s->secrets_locked) {
            *rc = UVC_RC_SECRETS_LOCKED;
        } else {
            s->secrets_locked = true;
            *rc = UVC_RC_EXECUTED;
        }
        break;
    }
    return *rc != UVC_RC_EXECUTED;
}

