/*
 * Emulated Ultravisor (TCG): unpack and start an SE image (diag 308
 * subcode 10)
 *
 * The SE header has the real layout (tools/testing/pvm/seimg/README.md in
 * the pvguest repository).  Component encryption must be off (plaintext
 * control flag bit 35) and the header's encrypted part is sealed for the
 * test host key, whose cipher is the identity (attestation.md), so no
 * decryption is needed: unpacking hashes every page of every component
 * (content, address, tweak) and compares the three digests of the
 * header.  A failure leaves the guest unprotected, continuing after the
 * DIAGNOSE with the reason in R1 + 1, encoded as s390-tools' stage3a
 * decodes it.
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
#define SEH_NKS             0x20
#define SEH_SEA             0x28
#define SEH_NEP             0x30
#define SEH_PCF             0x38
#define SEH_PLD             0xe0
#define SEH_ALD             0x120
#define SEH_TLD             0x160
#define SEH_DIGEST_LEN      64
#define SEH_KEY_SLOTS       0x1a0
#define SEH_KEY_SLOT_LEN    80
#define SEH_TAG_LEN         16
#define SEH_ENC_PSW         0x60    /* in the encrypted part */
#define SEH_ENC_SCF         0x70
#define SEH_ENC_MIN         0x80
#define SEH_PCF_NO_COMP_ENC (1ULL << (63 - 35))

#define SE_CMD_SSC          2       /* Set Secure Configuration Parameters */
#define SE_CMD_UNPACK       3
#define SE_CMD_VERIFY       4
#define SE_RC_HDR_ACCESS    0x0103
#define SE_RC_HDR_VERSION   0x0104
#define SE_RC_PCF           0x0106
#define SE_RC_HOST_KEY      0x0108
#define SE_RC_SCF           0x0109
#define SE_RC_HDR_CORRUPT   0x010a
#define SE_RC_UNPACK        0x0102
#define SE_RRC_OUTSIDE      0x0010  /* our choice: component not in RAM */
#define SE_RRC_TWICE        0x0011  /* our choice: a page in two components */
#define SE_RRC_ALD          0x001a
#define SE_RRC_PLD          0x001b
#define SE_RRC_TLD          0x001c
#define SE_RRC_PAGES        0x001d

static uint64_t se_error(unsigned int cmd, uint16_t rc, uint16_t rrc)
{
    return (uint64_t)cmd << 48 | (uint64_t)rrc << 32 | (uint64_t)rc << 16 |
           DIAG_308_RC_INVAL_FOR_PV;
}

/* Check the header of @len bytes; fill @psw.  Returns 0 or the error. */
static uint64_t se_check_header(const uint8_t *h, uint64_t len, uint64_t *psw)
{
    const uint8_t *enc;
    uint64_t nks, sea, i;

    if (len < SEH_KEY_SLOTS || memcmp(h, SEH_MAGIC, 8)) {
        return se_error(SE_CMD_SSC, SE_RC_HDR_CORRUPT, 0);
    }
    if (ldl_be_p(h + SEH_VERSION) != SEH_VERSION_1) {
        return se_error(SE_CMD_SSC, SE_RC_HDR_VERSION, 0);
    }
    nks = ldq_be_p(h + SEH_NKS);
    sea = ldq_be_p(h + SEH_SEA);
    if (ldl_be_p(h + SEH_SIZE) != len || !nks || nks > len || sea > len ||
        sea < SEH_ENC_MIN ||
        SEH_KEY_SLOTS + nks * SEH_KEY_SLOT_LEN + sea + SEH_TAG_LEN != len) {
        return se_error(SE_CMD_SSC, SE_RC_HDR_CORRUPT, 0);
    }
    if (!(ldq_be_p(h + SEH_PCF) & SEH_PCF_NO_COMP_ENC)) {
        /* encrypted components: there is no key to decrypt them */
        return se_error(SE_CMD_SSC, SE_RC_PCF, 0);
    }
    for (i = 0; i < nks; i++) {
        if (!memcmp(h + SEH_KEY_SLOTS + i * SEH_KEY_SLOT_LEN, pv_tcg_test_phkh,
                    PV_PHKH_LEN)) {
            break;
        }
    }
    if (i == nks) {
        return se_error(SE_CMD_SSC, SE_RC_HOST_KEY, 0);
    }
    enc = h + SEH_KEY_SLOTS + nks * SEH_KEY_SLOT_LEN;
    if (ldq_be_p(enc + SEH_ENC_SCF)) {
        return se_error(SE_CMD_SSC, SE_RC_SCF, 0);
    }
    psw[0] = ldq_be_p(enc + SEH_ENC_PSW);
    psw[1] = ldq_be_p(enc + SEH_ENC_PSW + 8);
    return 0;
}

static bool se_digest_ok(GChecksum *c, const uint8_t *want)
{
    uint8_t digest[SEH_DIGEST_LEN];
    gsize len = sizeof(digest);

    g_checksum_get_digest(c, digest, &len);
    return len == SEH_DIGEST_LEN && !memcmp(digest, want, len);
}

/* Unpack (hash) every component page, mark it in @comp, then verify. */
static uint64_t se_unpack(S390PVTcgGuest *s, const IPLBlockPV *pv,
                          const uint8_t *h, unsigned long *comp)
{
    g_autoptr(GChecksum) pld = g_checksum_new(G_CHECKSUM_SHA512);
    g_autoptr(GChecksum) ald = g_checksum_new(G_CHECKSUM_SHA512);
    g_autoptr(GChecksum) tld = g_checksum_new(G_CHECKSUM_SHA512);
    uint32_t num_comp = be32_to_cpu(pv->num_comp);
    uint64_t pages = 0, addr, size, tweak, off;
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
        }
    }
    if (!se_digest_ok(ald, h + SEH_ALD)) {
        return se_error(SE_CMD_VERIFY, SE_RC_UNPACK, SE_RRC_ALD);
    }
    if (!se_digest_ok(pld, h + SEH_PLD)) {
        return se_error(SE_CMD_VERIFY, SE_RC_UNPACK, SE_RRC_PLD);
    }
    if (!se_digest_ok(tld, h + SEH_TLD)) {
        return se_error(SE_CMD_VERIFY, SE_RC_UNPACK, SE_RRC_TLD);
    }
    if (ldq_be_p(h + SEH_NEP) != pages) {
        return se_error(SE_CMD_VERIFY, SE_RC_UNPACK, SE_RRC_PAGES);
    }
    return 0;
}

/* Zero every page that no component named (the loader, the header, ...). */
static void se_clear_other_pages(S390PVTcgGuest *s, const unsigned long *comp)
{
    uint64_t start = 0, end, len;

    while (start < s->nr_pages) {
        start = find_next_zero_bit(comp, s->nr_pages, start);
        if (start >= s->nr_pages) {
            break;
        }
        end = find_next_bit(comp, s->nr_pages, start);
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
    uint64_t len, psw[2], err;

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
    err = se_check_header(hdr, len, psw);
    if (err) {
        goto fail;
    }
    comp = bitmap_new(s->nr_pages);
    err = se_unpack(s, &iplb->pv, hdr, comp);
    if (err) {
        goto fail;
    }
    se_clear_other_pages(s, comp);
    pv_tcg_unshare_all(s);
    pv_tcg_secrets_clear(s);
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
