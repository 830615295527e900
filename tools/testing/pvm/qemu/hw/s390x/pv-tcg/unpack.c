/*
 * Emulated Ultravisor (TCG): unpack and start an SE image (diag 308
 * subcode 10)
 *
 * Images in IBM's format (tools/testing/pvm/seimg/README.md in the
 * pvguest repository): the SE header's key slots are opened with a host
 * key of the model, its encrypted part with the header protection key
 * (AES-256-GCM over the plaintext part), and every page of every
 * component the IPL parameter block names is hashed as stored (PLD),
 * by address (ALD) and by tweak (TLD), then decrypted in place with
 * AES-256-XTS unless plaintext control flag bit 35 says the components
 * are in the clear.  The three digests and the page count are compared
 * with the header.  A failure leaves the guest unprotected, continuing
 * after the DIAGNOSE with the reason in R1 + 1, encoded as s390-tools'
 * stage3a decodes it (command << 48 | rrc << 32 | rc << 16 | 0x0a02).
 *
 * Counters: se-unpacks, se-refused.
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */

#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "exec/address-spaces.h"
#include "hw/s390x/ipl.h"
#include "hw/s390x/s390-pv-tcg.h"
#include "pv-tcg.h"

#define SEH_MAGIC           "IBMSecEx"
#define SEH_VERSION         0x08
#define SEH_VERSION_1       0x0100
#define SEH_SIZE            0x0c
#define SEH_IV              0x10
#define SEH_NKS             0x20
#define SEH_SEA             0x28
#define SEH_NEP             0x30
#define SEH_PCF             0x38
#define SEH_CUST_PUB        0x40
#define SEH_PLD             0xe0
#define SEH_ALD             0x120
#define SEH_TLD             0x160
#define SEH_KEY_SLOTS       0x1a0
#define SEH_ENC_CCK         0x00    /* in the encrypted part */
#define SEH_ENC_XTS_KEY     0x20
#define SEH_ENC_PSW         0x60
#define SEH_ENC_SCF         0x70
#define SEH_ENC_NOI         0x78
#define SEH_ENC_LEN         0x80    /* version 1 without optional items */
#define SEH_MIN_LEN         (SEH_KEY_SLOTS + PV_KEY_SLOT_LEN + SEH_ENC_LEN + \
                             PV_GCM_TAG_LEN)
#define SEH_PCF_NO_COMP_ENC (1ULL << (63 - 35))

#define SE_CMD_SSC          2       /* Set Secure Configuration Parameters */
#define SE_CMD_UNPACK       3
#define SE_CMD_VERIFY       4
#define SE_RC_HDR_ACCESS    0x0103  /* our choice */
#define SE_RC_HDR_VERSION   0x0104
#define SE_RC_PCF           0x0106
#define SE_RC_HOST_KEY      0x0108
#define SE_RC_SCF           0x0109
#define SE_RC_HDR_CORRUPT   0x010a
#define SE_RC_UNPACK        0x0102
#define SE_RRC_VERSION      0x0001
#define SE_RRC_NO_SLOT      0x0005
#define SE_RRC_CUST_KEY     0x000b
#define SE_RRC_OUTSIDE      0x0010  /* our choice: component not in RAM */
#define SE_RRC_TWICE        0x0011  /* our choice: a page in two components */
#define SE_RRC_HDR_TAG      0x0012  /* our choice: the header's tag */
#define SE_RRC_ALD          0x001a
#define SE_RRC_PLD          0x001b
#define SE_RRC_TLD          0x001c
#define SE_RRC_PAGES        0x001d
#define SE_RRC_PCF          0x0030
#define SE_RRC_LENGTH       0x0031
#define SE_RRC_SEA          0x0039
#define SE_RRC_NKS          0x0040

static uint64_t se_error(unsigned int cmd, uint16_t rc, uint16_t rrc)
{
    return (uint64_t)cmd << 48 | (uint64_t)rrc << 32 | (uint64_t)rc << 16 |
           DIAG_308_RC_INVAL_FOR_PV;
}

/*
 * Check and open the header of @len bytes: the plaintext checks, the key
 * slots, the tag of the encrypted part.  Fills @img, @xts_key and @psw.
 * Returns 0 or the error.
 */
static uint64_t se_open_header(S390PVTcgGuest *s, const uint8_t *h,
                               uint64_t len, PVImage *img, uint8_t *xts_key,
                               uint64_t *psw)
{
    uint8_t prot_key[PV_PROT_KEY_LEN], enc[SEH_ENC_LEN];
    const PVHostKey *hk = NULL;
    uint64_t nks, sea, aad_len;
    PVUnsealResult res;
    bool ok;

    if (len < SEH_KEY_SLOTS || memcmp(h, SEH_MAGIC, 8)) {
        return se_error(SE_CMD_SSC, SE_RC_HDR_CORRUPT, 0);
    }
    if (ldl_be_p(h + SEH_VERSION) != SEH_VERSION_1) {
        return se_error(SE_CMD_SSC, SE_RC_HDR_VERSION, SE_RRC_VERSION);
    }
    nks = ldq_be_p(h + SEH_NKS);
    sea = ldq_be_p(h + SEH_SEA);
    if (ldl_be_p(h + SEH_SIZE) != len || len < SEH_MIN_LEN) {
        return se_error(SE_CMD_SSC, SE_RC_HDR_CORRUPT, SE_RRC_LENGTH);
    }
    if (!nks) {
        return se_error(SE_CMD_SSC, SE_RC_HDR_CORRUPT, SE_RRC_NKS);
    }
    if (sea != SEH_ENC_LEN) {
        return se_error(SE_CMD_SSC, SE_RC_HDR_CORRUPT, SE_RRC_SEA);
    }
    if (nks > len / PV_KEY_SLOT_LEN ||
        SEH_KEY_SLOTS + nks * PV_KEY_SLOT_LEN + sea + PV_GCM_TAG_LEN != len) {
        return se_error(SE_CMD_SSC, SE_RC_HDR_CORRUPT, SE_RRC_LENGTH);
    }
    img->pcf = ldq_be_p(h + SEH_PCF);
    if (img->pcf & ~PV_SE_PCF_SUPPORTED) {
        return se_error(SE_CMD_SSC, SE_RC_PCF, SE_RRC_PCF);
    }
    res = pv_tcg_unseal(s, h + SEH_CUST_PUB, h + SEH_KEY_SLOTS, nks,
                        prot_key, &hk);
    if (res == PV_UNSEAL_BAD_CUSTOMER_KEY) {
        return se_error(SE_CMD_SSC, SE_RC_HOST_KEY, SE_RRC_CUST_KEY);
    }
    if (res != PV_UNSEAL_OK) {
        return se_error(SE_CMD_SSC, SE_RC_HOST_KEY, SE_RRC_NO_SLOT);
    }
    aad_len = SEH_KEY_SLOTS + nks * PV_KEY_SLOT_LEN;
    ok = pv_tcg_gcm_open(prot_key, h + SEH_IV, h, aad_len, h + aad_len, sea,
                         h + len - PV_GCM_TAG_LEN, enc);
    memset(prot_key, 0, sizeof(prot_key));
    if (!ok) {
        return se_error(SE_CMD_SSC, SE_RC_HDR_CORRUPT, SE_RRC_HDR_TAG);
    }
    if (ldl_be_p(enc + SEH_ENC_NOI)) {
        memset(enc, 0, sizeof(enc));
        return se_error(SE_CMD_SSC, SE_RC_HDR_CORRUPT, SE_RRC_SEA);
    }
    img->scf = ldq_be_p(enc + SEH_ENC_SCF);
    if (img->scf & ~PV_SE_SCF_SUPPORTED) {
        memset(enc, 0, sizeof(enc));
        return se_error(SE_CMD_SSC, SE_RC_SCF, 0);
    }
    memcpy(img->pld, h + SEH_PLD, PV_DIGEST_LEN);
    memcpy(img->ald, h + SEH_ALD, PV_DIGEST_LEN);
    memcpy(img->tld, h + SEH_TLD, PV_DIGEST_LEN);
    memcpy(img->tag, h + len - PV_GCM_TAG_LEN, PV_GCM_TAG_LEN);
    memcpy(img->phkh, hk->phkh, PV_PHKH_LEN);
    memcpy(img->cck, enc + SEH_ENC_CCK, PV_CCK_LEN);
    memcpy(xts_key, enc + SEH_ENC_XTS_KEY, PV_XTS_KEY_LEN);
    psw[0] = ldq_be_p(enc + SEH_ENC_PSW);
    psw[1] = ldq_be_p(enc + SEH_ENC_PSW + 8);
    memset(enc, 0, sizeof(enc));
    return 0;
}

static bool se_digest_ok(GChecksum *c, const uint8_t *want)
{
    uint8_t digest[PV_DIGEST_LEN];
    gsize len = sizeof(digest);

    g_checksum_get_digest(c, digest, &len);
    return len == PV_DIGEST_LEN && !memcmp(digest, want, len);
}

/*
 * Unpack every component page: hash it as stored, decrypt it in place
 * (unless the components are in the clear), mark it in @comp; then
 * verify the digests and the page count.
 */
static uint64_t se_unpack(S390PVTcgGuest *s, const IPLBlockPV *pv,
                          const PVImage *img, const uint8_t *xts_key,
                          uint64_t nep, unsigned long *comp)
{
    g_autoptr(GChecksum) pld = g_checksum_new(G_CHECKSUM_SHA512);
    g_autoptr(GChecksum) ald = g_checksum_new(G_CHECKSUM_SHA512);
    g_autoptr(GChecksum) tld = g_checksum_new(G_CHECKSUM_SHA512);
    bool decrypt = !(img->pcf & SEH_PCF_NO_COMP_ENC);
    uint32_t num_comp = be32_to_cpu(pv->num_comp);
    uint64_t pages = 0, addr, size, tweak, off;
    g_autofree uint8_t *page = g_malloc(PV_PAGE_SIZE);
    uint8_t buf[16];
    uint32_t i;

    for (i = 0; i < num_comp; i++) {
        tweak = be64_to_cpu(pv->components[i].tweak_pref);
        addr = be64_to_cpu(pv->components[i].addr);
        size = ROUND_UP(be64_to_cpu(pv->components[i].size), PV_PAGE_SIZE);
        if (addr >= s->ram_size || size > s->ram_size - addr) {
            return se_error(SE_CMD_UNPACK, SE_RC_UNPACK, SE_RRC_OUTSIDE);
        }
        for (off = 0; off < size; off += PV_PAGE_SIZE) {
            if (test_and_set_bit((addr + off) >> PV_PAGE_SHIFT, comp)) {
                return se_error(SE_CMD_UNPACK, SE_RC_UNPACK, SE_RRC_TWICE);
            }
            g_checksum_update(pld, s->ram_ptr + addr + off, PV_PAGE_SIZE);
            stq_be_p(buf, addr + off);
            g_checksum_update(ald, buf, 8);
            stq_be_p(buf, tweak);
            stq_be_p(buf + 8, off);
            g_checksum_update(tld, buf, 16);
            pages++;
            if (!decrypt) {
                continue;
            }
            if (!pv_tcg_xts_decrypt(xts_key, buf, s->ram_ptr + addr + off,
                                    page, PV_PAGE_SIZE)) {
                return se_error(SE_CMD_UNPACK, SE_RC_UNPACK, SE_RRC_OUTSIDE);
            }
            /* through the address space: TCG drops stale translations */
            address_space_write(&address_space_memory, addr + off,
                                MEMTXATTRS_UNSPECIFIED, page, PV_PAGE_SIZE);
        }
    }
    memset(page, 0, PV_PAGE_SIZE);
    if (!se_digest_ok(ald, img->ald)) {
        return se_error(SE_CMD_VERIFY, SE_RC_UNPACK, SE_RRC_ALD);
    }
    if (!se_digest_ok(pld, img->pld)) {
        return se_error(SE_CMD_VERIFY, SE_RC_UNPACK, SE_RRC_PLD);
    }
    if (!se_digest_ok(tld, img->tld)) {
        return se_error(SE_CMD_VERIFY, SE_RC_UNPACK, SE_RRC_TLD);
    }
    if (nep != pages) {
        return se_error(SE_CMD_VERIFY, SE_RC_UNPACK, SE_RRC_PAGES);
    }
    return 0;
}

/*
 * Zero the pages that components named (@named) or every other page (the
 * loader, the header, ...).
 */
static void se_clear_pages(S390PVTcgGuest *s, const unsigned long *comp,
                           bool named)
{
    uint64_t start = 0, end, len;

    while (start < s->nr_pages) {
        start = named ? find_next_bit(comp, s->nr_pages, start)
                      : find_next_zero_bit(comp, s->nr_pages, start);
        if (start >= s->nr_pages) {
            break;
        }
        end = named ? find_next_zero_bit(comp, s->nr_pages, start)
                    : find_next_bit(comp, s->nr_pages, start);
        len = MIN(end << PV_PAGE_SHIFT, s->ram_size) - (start << PV_PAGE_SHIFT);
        if (!buffer_is_zero(s->ram_ptr + (start << PV_PAGE_SHIFT), len)) {
            address_space_set(&address_space_memory, start << PV_PAGE_SHIFT,
                              0, len, MEMTXATTRS_UNSPECIFIED);
        }
        start = end;
    }
}

void s390_pv_tcg_start(S390CPU *cpu)
{
    S390PVTcgGuest *s = pv_tcg_model();
    CPUS390XState *env = &cpu->env;
    IplParameterBlock *iplb = s390_ipl_get_iplb_pv();
    g_autofree unsigned long *comp = NULL;
    g_autofree uint8_t *hdr = NULL;
    uint8_t xts_key[PV_XTS_KEY_LEN];
    uint64_t len, psw[2], err;
    PVImage img = {};

    if (!iplb) {
        err = DIAG_308_RC_NO_PV_CONF;
        goto fail;
    }
    len = be64_to_cpu(iplb->pv.pv_header_len);
    hdr = g_malloc0(len + 1);
    if (address_space_read(&address_space_memory,
                           be64_to_cpu(iplb->pv.pv_header_addr),
                           MEMTXATTRS_UNSPECIFIED, hdr, len) != MEMTX_OK) {
        err = se_error(SE_CMD_SSC, SE_RC_HDR_ACCESS, 0);
        goto fail;
    }
    err = se_open_header(s, hdr, len, &img, xts_key, psw);
    if (err) {
        goto fail;
    }
    comp = bitmap_new(s->nr_pages);
    err = se_unpack(s, &iplb->pv, &img, xts_key, ldq_be_p(hdr + SEH_NEP),
                    comp);
    memset(xts_key, 0, sizeof(xts_key));
    if (err) {
        /* what was unpacked so far must not stay readable */
        se_clear_pages(s, comp, true);
        goto fail;
    }
    se_clear_pages(s, comp, false);
    pv_tcg_unshare_all(s);
    pv_tcg_config_clear(s);
    s->image = img;
    qatomic_set(&s->protected, true);
    s->cnt.se_unpacks++;
    env->psw.mask = psw[0];
    env->psw.addr = psw[1];
    return;
fail:
    s->cnt.se_refused++;
    warn_report("s390-pv-guest: diag 308 subcode 10 refused: 0x%016" PRIx64,
                err);
    env->regs[s->start_r1 + 1] = err;
    /*
     * The reset request left the PSW at the DIAGNOSE (TCG exits the CPU
     * loop from inside it): continue after it, as KVM does.
     */
    env->psw.addr += 4;
}
