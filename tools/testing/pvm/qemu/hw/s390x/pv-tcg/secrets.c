/*
 * Emulated Ultravisor (TCG): the secret store
 *
 * Add Secret (UVC 0x1031) takes IBM's add-secret request (ASRCB) version
 * 1: opened with a host key (crypto.c), bound to the running image (its
 * PLD, ALD, TLD and SE-header tag) and, if the request names one, to the
 * configuration UID, with the extension secret the SE header's secret
 * control flags ask for.  List Secrets (0x1033), Lock Secret Store
 * (0x1034) and Retrieve Secret (0x1035) work on the store, which holds
 * max-assoc-secrets association secrets and max-retr-secrets retrievable
 * ones and lives as long as the protected configuration.  Retrieve hands
 * back a plain secret in its stored form and a key wrapped with a key of
 * the configuration, as a real Ultravisor hands back a protected key.
 * The checks and their order: tools/testing/pvm/qemu/attestation.md in the
 * pvguest repository.
 *
 * Counters: uvc-secret.
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/guest-random.h"
#include "hw/s390x/s390-pv-tcg.h"
#include "pv-tcg.h"

#define UVCB_SECRET_LEN     0x48    /* Add, List, Retrieve Secret */
#define UVCB_NODATA_LEN     0x40    /* Lock Secret Store */
#define SECRET_CB_ADDR      0x20
#define LIST_CB_START       0x1e
#define RETR_CB_INDEX       0x18
#define RETR_CB_BUF_SIZE    0x1c
#define RETR_CB_BUF_ADDR    0x20
#define LIST_ENTRIES        0x10
#define LIST_ENTRY_LEN      0x30
#define LIST_MAX_ENTRIES    ((PV_PAGE_SIZE - LIST_ENTRIES) / LIST_ENTRY_LEN)

/* Add-secret request control block version 1 */
#define ASRCB_MAGIC         "asrcbM"
#define ASRCB_FLAGS         0x30
#define ASRCB_PLD           0x38
#define ASRCB_ALD           0x78
#define ASRCB_TLD           0xb8
#define ASRCB_TAG           0xf8
#define ASRCB_CUID          0x108
#define ASRCB_CUST_PUB      0x418
#define ASRCB_KEY_SLOTS     0x4b8
#define ASRCB_EXT_LEN       32      /* the extension secret after the value */
/* secret header, the last item of the plaintext part */
#define SECRET_HDR_LISTED   0x30    /* u16 0, u16 type, u32 length, 8, ID */
#define SECRET_HDR_META     0x10    /* u16 0, u16 1, u32 0, 8 */
#define SECRET_HDR_TYPE     0x02
#define SECRET_HDR_LEN      0x04
#define SECRET_HDR_ID       0x10
#define SECRET_TYPE_META    1
#define SECRET_ASSOCIATION_LEN 32
#define SECRET_PLAIN_MAX    8192    /* stored form: BE16 length, data, pad */
#define SECRET_WKVP_LEN     32      /* verification pattern of a wrapped key */
#define ASRCB_MIN_LEN       (ASRCB_KEY_SLOTS + SECRET_HDR_META + \
                             ASRCB_EXT_LEN + PV_GCM_TAG_LEN)
#define CCK_EXT_INFO        "IBM Z Ultravisor Add-Secret"

/* Response codes (../shared/docs/se-formats.md §4.6, §5) */
#define UVC_RC_SECRET_NOT_ALLOWED 0x0101
#define UVC_RC_SECRETS_LOCKED   0x0102
#define UVC_RC_SECRET_ACCESS    0x0103
#define UVC_RC_SECRET_VERSION   0x0104
#define UVC_RC_SECRET_SIZE      0x0105
#define UVC_RC_SECRET_NKS       0x0106
#define UVC_RC_SECRET_FLAGS     0x0107
#define UVC_RC_SECRET_UNSEAL    0x0108
#define UVC_RC_SECRET_TYPE      0x0109
#define UVC_RC_SECRET_LENGTH    0x010a
#define UVC_RC_SECRETS_FULL     0x010b
#define UVC_RC_SECRET_REFUSED   0x010c  /* binding, extension, duplicate */
#define UVC_RC_RETR_ACCESS      0x0102
#define UVC_RC_RETR_BUF_SMALL   0x0109
#define UVC_RC_RETR_EMPTY       0x010f
#define UVC_RC_RETR_INDEX       0x0110
#define UVC_RC_RETR_NOT_RETR    0x0111

/*
 * What lives as long as the protected configuration: the secret store,
 * its lock and the tags of the requests that filled it, the extension
 * secret, the key that wraps retrieved keys, the configuration UID and
 * the SE header's data.  A new configuration gets a new UID and wrapping
 * key.
 */
void pv_tcg_config_clear(S390PVTcgGuest *s)
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
    if (s->store_tags) {
        g_byte_array_set_size(s->store_tags, 0);
    }
    s->ext_secret_set = false;
    memset(s->ext_secret, 0, sizeof(s->ext_secret));
    qemu_guest_getrandom_nofail(s->wrap_key, sizeof(s->wrap_key));
    qemu_guest_getrandom_nofail(s->config_uid, sizeof(s->config_uid));
    memset(&s->image, 0, sizeof(s->image));
}

void pv_tcg_secrets_init(S390PVTcgGuest *s)
{
    s->secrets = g_new0(PVSecret, s->max_assoc_secrets + s->max_retr_secrets);
    s->store_tags = g_byte_array_new();
    pv_tcg_config_clear(s);
}

void pv_tcg_secrets_free(S390PVTcgGuest *s)
{
    if (s->secrets) {
        pv_tcg_config_clear(s);
        g_free(s->secrets);
        s->secrets = NULL;
        g_byte_array_unref(s->store_tags);
        s->store_tags = NULL;
    }
}

/*
 * The secret-store hash of attestation: SHA-512 over the tags of the
 * successful add-secret requests in order, then one byte, 1 if locked.
 */
void pv_tcg_store_hash(S390PVTcgGuest *s, uint8_t *out)
{
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA512);
    uint8_t locked = s->secrets_locked;
    gsize len = 64;

    g_checksum_update(c, s->store_tags->data, s->store_tags->len);
    g_checksum_update(c, &locked, 1);
    g_checksum_get_digest(c, out, &len);
    g_checksum_free(c);
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
 * Whether a secret of @type with the @len-byte value @v is accepted, and
 * how long it is listed and retrieved (0 if refused): a plain secret in
 * its stored form (BE16 data length, the data, zeros to a multiple of 16
 * bytes), a key as a protected key, the key wrapped and a verification
 * pattern.
 */
static uint32_t pv_secret_len(uint16_t type, const uint8_t *v, uint32_t len)
{
    unsigned int k;
    uint32_t data;

    if (type == SECRET_TYPE_ASSOCIATION) {
        return len == SECRET_ASSOCIATION_LEN ? len : 0;
    }
    if (type == SECRET_TYPE_PLAIN) {
        if (len < 16 || len > SECRET_PLAIN_MAX || len % 16) {
            return 0;
        }
        data = lduw_be_p(v);
        return data && 2 + data <= len && len - (2 + data) < 16 &&
               buffer_is_zero(v + 2 + data, len - 2 - data) ? len : 0;
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

static bool pv_secret_type_ok(uint16_t type)
{
    return type == SECRET_TYPE_META ||
           (type >= SECRET_TYPE_ASSOCIATION && type <= SECRET_TYPE_HMAC_512) ||
           (type >= SECRET_TYPE_EC_P256 && type <= SECRET_TYPE_ED448);
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

/*
 * The plaintext checks of an add-secret request, in our order: version,
 * key slots, sizes, flags.  Returns UVC_RC_EXECUTED with the request in
 * @buf (g_free it), its length in @len, the secret header's length in
 * @hdr_len and the encrypted area's in @sea.
 */
static uint16_t pv_asrcb_read(CPUS390XState *env, uint64_t addr,
                              uint8_t **buf, uint32_t *len, uint32_t *nks,
                              uint32_t *hdr_len, uint32_t *sea)
{
    uint8_t hdr[RCB_HDR_LEN];
    uint64_t slots_end;

    *buf = NULL;
    if (pv_tcg_arg_rw(env, addr, hdr, sizeof(hdr), false)) {
        return UVC_RC_SECRET_ACCESS;
    }
    if (memcmp(hdr, ASRCB_MAGIC, strlen(ASRCB_MAGIC)) ||
        ldl_be_p(hdr + RCB_VERSION) != RCB_VERSION_1) {
        return UVC_RC_SECRET_VERSION;
    }
    *len = ldl_be_p(hdr + RCB_LENGTH);
    *nks = hdr[RCB_NKS];
    *sea = ldl_be_p(hdr + RCB_SEA);
    if (!*nks) {
        return UVC_RC_SECRET_NKS;
    }
    slots_end = ASRCB_KEY_SLOTS + (uint64_t)*nks * PV_KEY_SLOT_LEN;
    if (*len > RCB_MAX_LEN || *len < ASRCB_MIN_LEN ||
        *sea < ASRCB_EXT_LEN ||
        slots_end + *sea + PV_GCM_TAG_LEN > *len) {
        return UVC_RC_SECRET_SIZE;
    }
    *hdr_len = *len - PV_GCM_TAG_LEN - *sea - slots_end;
    if (*hdr_len != SECRET_HDR_META && *hdr_len != SECRET_HDR_LISTED) {
        return UVC_RC_SECRET_SIZE;
    }
    *buf = g_malloc(*len);
    if (pv_tcg_arg_rw(env, addr, *buf, *len, false)) {
        g_free(*buf);
        *buf = NULL;
        return UVC_RC_SECRET_ACCESS;
    }
    if (ldq_be_p(*buf + ASRCB_FLAGS) & ~ASRCB_FLAGS_SUPPORTED) {
        g_free(*buf);
        *buf = NULL;
        return UVC_RC_SECRET_FLAGS;
    }
    return UVC_RC_EXECUTED;
}

/*
 * Is the opened request for this configuration: the running image's
 * digests and header tag, the configuration UID if it names one, and the
 * extension secret (derived from the image's customer communication key
 * if the image's secret control flags say so, else the one the first
 * request brought)?
 */
static bool pv_asrcb_bound(S390PVTcgGuest *s, const uint8_t *req,
                           const uint8_t *ext)
{
    uint8_t want[ASRCB_EXT_LEN];
    bool ok;

    if (memcmp(req + ASRCB_PLD, s->image.pld, PV_DIGEST_LEN) ||
        memcmp(req + ASRCB_ALD, s->image.ald, PV_DIGEST_LEN) ||
        memcmp(req + ASRCB_TLD, s->image.tld, PV_DIGEST_LEN) ||
        memcmp(req + ASRCB_TAG, s->image.tag, PV_GCM_TAG_LEN)) {
        return false;
    }
    if (!buffer_is_zero(req + ASRCB_CUID, sizeof(s->config_uid)) &&
        memcmp(req + ASRCB_CUID, s->config_uid, sizeof(s->config_uid))) {
        return false;
    }
    if (s->image.scf & PV_SE_SCF_CCK_EXT) {
        ok = pv_tcg_hkdf_sha512(s->image.cck, PV_CCK_LEN, s->image.tag,
                                PV_GCM_TAG_LEN, CCK_EXT_INFO, want,
                                sizeof(want)) &&
             !memcmp(want, ext, sizeof(want));
        memset(want, 0, sizeof(want));
        return ok;
    }
    return !s->ext_secret_set || !memcmp(s->ext_secret, ext, ASRCB_EXT_LEN);
}

static uint16_t pv_add_secret(S390PVTcgGuest *s, CPUS390XState *env,
                              uint64_t addr)
{
    g_autofree uint8_t *plain = NULL;
    uint32_t len, nks, hdr_len, sea, vlen, listed, i;
    const uint8_t *shdr;
    uint8_t *req;
    uint16_t type, rc;
    PVSecret *e;
    bool assoc;

    if (s->secrets_locked) {
        return UVC_RC_SECRETS_LOCKED;
    }
    rc = pv_asrcb_read(env, addr, &req, &len, &nks, &hdr_len, &sea);
    if (rc != UVC_RC_EXECUTED) {
        return rc;
    }
    plain = g_malloc(sea);
    if (!pv_tcg_request_open(s, req, len, ASRCB_CUST_PUB, ASRCB_KEY_SLOTS,
                             nks, sea, plain, NULL)) {
        rc = UVC_RC_SECRET_UNSEAL;
        goto out;
    }
    vlen = sea - ASRCB_EXT_LEN;
    if (!pv_asrcb_bound(s, req, plain + vlen)) {
        rc = UVC_RC_SECRET_REFUSED;
        goto out;
    }
    shdr = req + ASRCB_KEY_SLOTS + nks * PV_KEY_SLOT_LEN;
    type = lduw_be_p(shdr + SECRET_HDR_TYPE);
    if (!pv_secret_type_ok(type) ||
        (hdr_len == SECRET_HDR_META) != (type == SECRET_TYPE_META)) {
        rc = UVC_RC_SECRET_TYPE;
        goto out;
    }
    if (ldl_be_p(shdr + SECRET_HDR_LEN) != vlen) {
        rc = UVC_RC_SECRET_LENGTH;
        goto out;
    }
    listed = type == SECRET_TYPE_META ? 0 : pv_secret_len(type, plain, vlen);
    if (type == SECRET_TYPE_META ? vlen != 0 : !listed) {
        rc = UVC_RC_SECRET_LENGTH;
        goto out;
    }
    for (i = 0; type != SECRET_TYPE_META && i < s->nr_secrets; i++) {
        if (!memcmp(s->secrets[i].id, shdr + SECRET_HDR_ID,
                    PV_SECRET_ID_LEN)) {
            rc = UVC_RC_SECRET_REFUSED;
            goto out;
        }
    }
    assoc = type == SECRET_TYPE_ASSOCIATION;
    if (type != SECRET_TYPE_META &&
        (assoc ? s->nr_assoc >= s->max_assoc_secrets
               : s->nr_secrets - s->nr_assoc >= s->max_retr_secrets)) {
        rc = UVC_RC_SECRETS_FULL;
        goto out;
    }
    if (!s->ext_secret_set) {
        memcpy(s->ext_secret, plain + vlen, ASRCB_EXT_LEN);
        s->ext_secret_set = true;
    }
    g_byte_array_append(s->store_tags, req + len - PV_GCM_TAG_LEN,
                        PV_GCM_TAG_LEN);
    if (type == SECRET_TYPE_META) {
        goto out;
    }
    e = &s->secrets[s->nr_secrets++];
    e->type = type;
    e->len = listed;
    memcpy(e->id, shdr + SECRET_HDR_ID, PV_SECRET_ID_LEN);
    e->value = g_memdup2(plain, vlen);
    e->value_len = vlen;
    s->nr_assoc += assoc;
out:
    memset(plain, 0, sea);
    g_free(req);
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
    if (pv_tcg_arg_rw(env, ldq_be_p(cb + RETR_CB_BUF_ADDR), out, e->len,
                      true)) {
        rc = UVC_RC_RETR_ACCESS;
    }
    memset(out, 0, e->len);
    return rc;
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

