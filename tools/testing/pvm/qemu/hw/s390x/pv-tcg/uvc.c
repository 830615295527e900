/*
 * Emulated Ultravisor (TCG): the Ultravisor call, Query, facilities
 *
 * The UVC instruction (0xB9A4) is decoded in target/s390x/tcg, which
 * checks privilege, the unused fields and the alignment of the control
 * block, and then calls s390_pv_tcg_uvc().  Query lists Query, Set and
 * Remove Shared Access (only Query outside protected mode), attestation,
 * the secret store and Query Ultravisor Keys, with rc 5 below 0xa8 bytes
 * and rc 0x100 (cc 1) for a block shorter than the full length
 * (query-len, 0x120 by default; a newer Ultravisor's block is longer).
 * Every command the model does not know answers rc 2.  STFLE shows
 * facility 161 (unpack) with the model; 158 (Ultravisor call) and 169
 * (storage-key removal) only while the guest is protected, as a KVM guest
 * sees them, and then not the key facilities a keyless guest lacks (10,
 * 14, 66, 145, 149).
 *
 * Counters: uvc-query, uvc-other, uvc-errors.
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */

#include "qemu/osdep.h"
#include "hw/boards.h"
#include "hw/s390x/s390-pv-tcg.h"
#include "pv-tcg.h"
#include "../trace.h"

#define UVCB_QUI_MIN_LEN    0xa8

/* Query fields beyond the installed calls (SE images, attestation, secrets) */
#define QUI_SUPP_SE_HDR_VER     0xb0
#define QUI_SUPP_SE_HDR_PCF     0xb8
#define QUI_SUPP_ATT_HDR_VER    0xe0
#define QUI_SUPP_ATT_PFLAGS     0xe8
#define QUI_SUPP_SECRET_VER     0xf8
#define QUI_SUPP_SECRET_PCF     0x100
#define QUI_SUPP_SECRET_TYPES   0x108
#define QUI_MAX_ASSOC_SECRETS   0x110
#define QUI_MAX_RETR_SECRETS    0x112

/* STFLE facility numbers the model changes. */
#define FAC_UV_CALL     158
#define FAC_UNPACK      161
#define FAC_SKEY_REMOVAL 169

/* key facilities a keyless (protected) guest does not have */
static const unsigned int pv_keyless_off[] = {
    10,     /* conditional SSKE */
    14,     /* nonquiescing key setting */
    66,     /* reset reference bits multiple */
    145,    /* insert reference bits multiple */
    149,    /* move page and set key */
};

bool s390_pv_tcg_present(void)
{
    return pv_tcg_model() != NULL;
}

bool s390_pv_tcg_protected(void)
{
    S390PVTcgGuest *s = pv_tcg_model();

    return s && qatomic_read(&s->protected);
}

static void set_fac_bit(uint8_t *fac, size_t len, unsigned int nr, bool on)
{
    if (nr / 8 >= len) {
        return;
    }
    if (on) {
        fac[nr / 8] |= 0x80 >> (nr % 8);
    } else {
        fac[nr / 8] &= ~(0x80 >> (nr % 8));
    }
}

void s390_pv_tcg_adjust_facilities(uint8_t *fac, size_t len)
{
    bool pv = s390_pv_tcg_protected();
    int i;

    if (!s390_pv_tcg_present()) {
        return;
    }
    set_fac_bit(fac, len, FAC_UV_CALL, pv);
    set_fac_bit(fac, len, FAC_UNPACK, true);
    set_fac_bit(fac, len, FAC_SKEY_REMOVAL, pv);
    for (i = 0; pv && i < ARRAY_SIZE(pv_keyless_off); i++) {
        set_fac_bit(fac, len, pv_keyless_off[i], false);
    }
}


/* Guest view of the installed calls, first doubleword of the list. */
uint64_t pv_tcg_installed_calls(S390PVTcgGuest *s)
{
    uint64_t calls = 1ULL << (63 - UV_BIT_QUI);

    if (s->protected) {
        if (!s->query_drop_share) {
            calls |= 1ULL << (63 - UV_BIT_SET_SHARED_ACCESS);
        }
        if (!s->query_drop_unshare) {
            calls |= 1ULL << (63 - UV_BIT_REMOVE_SHARED_ACCESS);
        }
        if (!s->query_drop_attest) {
            calls |= uv_call_bit(UV_BIT_RETR_ATTEST);
        }
        if (!s->query_drop_secrets) {
            calls |= uv_call_bit(UV_BIT_ADD_SECRET) |
                     uv_call_bit(UV_BIT_LIST_SECRETS) |
                     uv_call_bit(UV_BIT_LOCK_SECRETS);
            if (!s->query_drop_retrieve) {
                calls |= uv_call_bit(UV_BIT_RETR_SECRET);
            }
        }
        if (!s->query_drop_keys) {
            calls |= uv_call_bit(UV_BIT_QUERY_KEYS);
        }
    }
    return calls;
}

/*
 * Control blocks are at logical addresses resolved in the home space
 * (facts §1.1); with DAT off they are real addresses.
 */
static int pv_home_rw(CPUS390XState *env, uint64_t addr, void *buf, int len,
                      bool is_write, bool exc)
{
    uint64_t mask = env->psw.mask;
    int ret;

    if (mask & PSW_MASK_DAT) {
        env->psw.mask = (mask & ~PSW_MASK_ASC) | PSW_ASC_HOME;
    }
    ret = exc ? s390_cpu_virt_mem_rw(env_archcpu(env), addr, 0, buf, len,
                                     is_write)
              : s390_cpu_virt_mem_rw_noexc(env_archcpu(env), addr, buf, len,
                                           is_write);
    env->psw.mask = mask;
    return ret;
}

int pv_tcg_uvcb_rw(CPUS390XState *env, uint64_t addr, void *buf, int len,
                   bool is_write)
{
    return pv_home_rw(env, addr, buf, len, is_write, true);
}

/*
 * An operand of a call that names guest memory (a request, an output
 * buffer): like the UVCB, a logical address in the home space.  Unlike
 * the UVCB, a bad address is answered with a return code, so nothing is
 * made pending on failure.
 */
int pv_tcg_arg_rw(CPUS390XState *env, uint64_t addr, void *buf, int len,
                  bool is_write)
{
    return pv_home_rw(env, addr, buf, len, is_write, false);
}

/* Secret types Add Secret accepts, MSB0: 2-10 and 0x11-0x15 */
static uint64_t pv_supported_secret_types(void)
{
    uint64_t types = 0;
    unsigned int t;

    for (t = SECRET_TYPE_ASSOCIATION; t <= SECRET_TYPE_HMAC_512; t++) {
        types |= 1ULL << (63 - t);
    }
    for (t = SECRET_TYPE_EC_P256; t <= SECRET_TYPE_ED448; t++) {
        types |= 1ULL << (63 - t);
    }
    return types;
}

static int pv_uvc_query(S390PVTcgGuest *s, CPUS390XState *env, uint64_t addr,
                        uint16_t len, uint16_t *rc, uintptr_t ra)
{
    MachineState *ms = MACHINE(qdev_get_machine());
    uint8_t qui[PV_QUERY_LEN_MAX] = {};
    int copy;

    s->cnt.uvc_query++;
    if (len < UVCB_QUI_MIN_LEN) {
        *rc = UVC_RC_INV_LEN;
        return 1;
    }
    stq_be_p(qui + 0x10, pv_tcg_installed_calls(s));
    /* Host-oriented fields a guest may still look at. */
    stq_be_p(qui + 0x80, s->ram_size - 1);
    stw_be_p(qui + 0x9e, ms->smp.max_cpus - 1);
    /* what unpack accepts: SE header version 0x100, its flags */
    stq_be_p(qui + QUI_SUPP_SE_HDR_VER, 1ULL << 63);
    stq_be_p(qui + QUI_SUPP_SE_HDR_PCF, PV_SE_PCF_SUPPORTED);
    if (s->protected) {
        /* what the attestation and secret-store calls accept */
        stq_be_p(qui + QUI_SUPP_ATT_HDR_VER, 1ULL << 63);
        stq_be_p(qui + QUI_SUPP_ATT_PFLAGS, PAF_SUPPORTED);
        stq_be_p(qui + QUI_SUPP_SECRET_VER, 1ULL << 63);
        stq_be_p(qui + QUI_SUPP_SECRET_PCF, ASRCB_FLAGS_SUPPORTED);
        stq_be_p(qui + QUI_SUPP_SECRET_TYPES, pv_supported_secret_types());
        stw_be_p(qui + QUI_MAX_ASSOC_SECRETS, s->max_assoc_secrets);
        stw_be_p(qui + QUI_MAX_RETR_SECRETS, s->max_retr_secrets);
    }

    copy = MIN(len, s->query_len) - UVCB_HDR_LEN;
    if (pv_tcg_uvcb_rw(env, addr + UVCB_HDR_LEN, qui + UVCB_HDR_LEN, copy,
                       true)) {
        s390_cpu_virt_mem_handle_exc(env_archcpu(env), ra);
    }
    if (len < s->query_len) {
        *rc = UVC_RC_MORE_DATA;
        return 1;
    }
    *rc = UVC_RC_EXECUTED;
    return 0;
}

int s390_pv_tcg_uvc(CPUS390XState *env, uint64_t uvcb, uintptr_t ra)
{
    S390PVTcgGuest *s = pv_tcg_model();
    uint8_t hdr[UVCB_HDR_LEN];
    uint16_t len, cmd, rc = UVC_RC_INV_CMD, rrc;
    int cc;

    if (pv_tcg_uvcb_rw(env, uvcb, hdr, sizeof(hdr), false)) {
        s390_cpu_virt_mem_handle_exc(env_archcpu(env), ra);
    }
    len = lduw_be_p(hdr);
    cmd = lduw_be_p(hdr + 2);

    if (pv_tcg_inject_busy(s, cmd)) {
        trace_s390_pv_tcg_uvc(cmd, len, 0, 2);
        return 2;
    }
    if ((cmd == UVC_CMD_SET_SHARED_ACCESS ||
         cmd == UVC_CMD_REMOVE_SHARED_ACCESS) &&
        pv_tcg_fuzz_uvc_answer(s, &cc, &rc, &rrc)) {
        /* the fuzzing host's answer, the call not executed */
        stw_be_p(hdr + 4, rc);
        stw_be_p(hdr + 6, rrc);
        if (pv_tcg_uvcb_rw(env, uvcb + 4, hdr + 4, 4, true)) {
            s390_cpu_virt_mem_handle_exc(env_archcpu(env), ra);
        }
        trace_s390_pv_tcg_uvc(cmd, len, rc, cc);
        return cc;
    }

    switch (cmd) {
    case UVC_CMD_QUI:
        cc = pv_uvc_query(s, env, uvcb, len, &rc, ra);
        break;
    case UVC_CMD_SET_SHARED_ACCESS:
    case UVC_CMD_REMOVE_SHARED_ACCESS:
        cc = pv_tcg_uvc_share(s, env, uvcb, cmd, len, &rc, ra);
        break;
    case UVC_CMD_RETR_ATTEST:
        cc = pv_tcg_uvc_attest(s, env, uvcb, len, &rc, ra);
        break;
    case UVC_CMD_ADD_SECRET:
    case UVC_CMD_LIST_SECRETS:
    case UVC_CMD_LOCK_SECRETS:
    case UVC_CMD_RETR_SECRET:
        cc = pv_tcg_uvc_secret(s, env, uvcb, cmd, len, &rc, ra);
        break;
    case UVC_CMD_QUERY_KEYS:
        cc = pv_tcg_uvc_query_keys(s, env, uvcb, len, &rc, ra);
        break;
    default:
        s->cnt.uvc_other++;
        rc = UVC_RC_INV_CMD;
        cc = 1;
        break;
    }
    if (rc != UVC_RC_EXECUTED) {
        s->cnt.uvc_errors++;
    }
    pv_tcg_count_rc(s, cmd, rc);
    trace_s390_pv_tcg_uvc(cmd, len, rc, cc);

    stw_be_p(hdr + 4, rc);
    stw_be_p(hdr + 6, 0);
    if (pv_tcg_uvcb_rw(env, uvcb + 4, hdr + 4, 4, true)) {
        s390_cpu_virt_mem_handle_exc(env_archcpu(env), ra);
    }
    return cc;
}
