/*
 * Emulated Ultravisor for protected guests under TCG: the hooks
 *
 * What the rest of QEMU calls: the UVC instruction and the facility list
 * (target/s390x/tcg), the keyless checks, diag 308 and the machine's
 * resets, and the checking address space of the channel subsystem and
 * virtio-ccw.  The model itself is in hw/s390x/pv-tcg/.
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */
#ifndef HW_S390X_S390_PV_TCG_H
#define HW_S390X_S390_PV_TCG_H

#include "cpu.h"
#include "exec/memory.h"
#include "exec/address-spaces.h"
#include "system/confidential-guest-support.h"

/*
 * Without KVM the "s390-pv-guest" object is the software Ultravisor
 * model.  With KVM compiled in, target/s390x/kvm/pv.c owns that type name
 * and the model is not built: the stubs at the end answer "not present".
 */
#define TYPE_S390_PV_TCG_GUEST "s390-pv-guest"

/* Ultravisor call command codes and response codes the model knows. */
#define UVC_CMD_QUI                 0x0001
#define UVC_CMD_QUERY_KEYS          0x0002
#define UVC_CMD_SET_SHARED_ACCESS   0x1000
#define UVC_CMD_REMOVE_SHARED_ACCESS 0x1001
#define UVC_CMD_RETR_ATTEST         0x1020
#define UVC_CMD_ADD_SECRET          0x1031
#define UVC_CMD_LIST_SECRETS        0x1033
#define UVC_CMD_LOCK_SECRETS        0x1034
#define UVC_CMD_RETR_SECRET         0x1035

#define UVC_RC_EXECUTED     0x0001
#define UVC_RC_INV_CMD      0x0002
#define UVC_RC_INV_LEN      0x0005
#define UVC_RC_MORE_DATA    0x0100
#define UVC_RC_SHARE_INV_ADDR   0x0101
#define UVC_RC_SHARE_UNALIGNED  0x0102
#define UVC_RC_FAULT_INJECTED   0x010a  /* default of fail-rc, our choice */

/*
 * Classes of host-controlled input the fuzzing host (fuzz=on) mutates in a
 * protected guest, at the moment the guest can read them.
 */
typedef enum S390PVFuzzClass {
    S390_PV_FUZZ_USED,          /* virtio used-ring entries: id, len */
    S390_PV_FUZZ_USED_IDX,      /* the used index the guest reads */
    S390_PV_FUZZ_AVAIL_EVENT,   /* the device's avail event index */
    S390_PV_FUZZ_CONFIG,        /* virtio configuration space */
    S390_PV_FUZZ_STATUS,        /* device status and features read back */
    S390_PV_FUZZ_VQ_CONF,       /* a virtqueue's maximum size */
    S390_PV_FUZZ_INDICATORS,    /* classic, adapter and summary indicators */
    S390_PV_FUZZ_IRB,           /* SCSW and ESW stored by TSCH */
    S390_PV_FUZZ_SENSE_ID,      /* SENSE ID data */
    S390_PV_FUZZ_CHSC,          /* CHSC response blocks */
    S390_PV_FUZZ_SCLP,          /* SCLP response codes and event data */
    S390_PV_FUZZ_UV_SHARE,      /* Set/Remove Shared Access answers */
    S390_PV_FUZZ_STSI,          /* STSI data */
    S390_PV_FUZZ_GIVE_UP,       /* a notified device gives up (NEEDS_RESET) */
    S390_PV_FUZZ__MAX,
} S390PVFuzzClass;

#ifndef CONFIG_KVM

/** s390_pv_tcg_present: - is the emulated Ultravisor configured? */
bool s390_pv_tcg_present(void);

/** s390_pv_tcg_protected: - is the guest currently in protected mode? */
bool s390_pv_tcg_protected(void);

/**
 * s390_pv_tcg_uvc: - execute one Ultravisor call
 * @env: the calling CPU
 * @uvcb: logical address of the control block (already wrapped)
 * @ra: TCG return address for access exceptions
 *
 * The caller has checked privilege and the unused instruction fields.
 * Return: the condition code.
 */
int s390_pv_tcg_uvc(CPUS390XState *env, uint64_t uvcb, uintptr_t ra);

/**
 * s390_pv_tcg_adjust_facilities: - apply the model to a facility list
 * @fac: STFLE facility bytes (MSB0 bit numbering)
 * @len: size of @fac in bytes
 */
void s390_pv_tcg_adjust_facilities(uint8_t *fac, size_t len);

/**
 * s390_pv_tcg_dma_as: - address space for device-side guest memory access
 * @owner: the device (one checking address space per owner)
 * @name: name used in violation reports, e.g. "virtio-blk-ccw 0.0.0001"
 *
 * Return: a checking address space when the model is configured,
 * &address_space_memory otherwise.
 */
AddressSpace *s390_pv_tcg_dma_as(Object *owner, const char *name);

/**
 * s390_pv_tcg_dma_held: - a device completed a buffer it held mapped
 * @owner: the device, as for s390_pv_tcg_dma_as()
 * @addr: guest address of the buffer
 * @len: its length
 * @write: the device wrote to it
 *
 * A page of the buffer that was shared when the device mapped it and is
 * secure now was unshared while the device held it: a violation.
 */
void s390_pv_tcg_dma_held(Object *owner, uint64_t addr, uint64_t len,
                          bool write);

/** s390_pv_tcg_ipl: - machine IPL/reset done; enter protected mode if asked */
void s390_pv_tcg_ipl(void);

/** s390_pv_tcg_leave: - leave protected mode; clears all guest memory */
void s390_pv_tcg_leave(void);

/**
 * s390_pv_tcg_start: - diag 308 subcode 10: unpack and enter protected mode
 * @cpu: the CPU that issued the DIAGNOSE, reset and stopped
 *
 * Checks the SE header and the components of the PV IPLB and, if they are
 * good, makes the guest protected and sets @cpu's PSW to the header's.
 * Otherwise the guest stays unprotected and R1 + 1 of the DIAGNOSE gets
 * the reason.
 */
void s390_pv_tcg_start(S390CPU *cpu);

/** s390_pv_tcg_reset_keep_memory: - diag 308 subcode 0/1: unshare all */
void s390_pv_tcg_reset_keep_memory(void);

/**
 * s390_pv_tcg_diag308: - protected-mode rules of DIAGNOSE 0x308
 * @env: the calling CPU
 * @r1: R1 of the DIAGNOSE (R1 + 1 receives a return code)
 * @subcode: the subcode (register R3)
 *
 * Return: 0 to let QEMU handle the subcode, 1 if handled here,
 * -PGM_* for a program exception.
 */
int s390_pv_tcg_diag308(CPUS390XState *env, int r1, uint64_t subcode);

/**
 * s390_pv_tcg_key_trap: - must a key-handling instruction trap?
 *
 * In protected mode the guest is keyless (storage-key removal, facility
 * 169): key instructions raise a special-operation exception.  Counts.
 * Return: true if the caller must raise PGM_SPECIAL_OP.
 */
bool s390_pv_tcg_key_trap(void);

/**
 * s390_pv_tcg_psw_key_invalid: - is a PSW with a non-zero key invalid?
 *
 * In protected mode a PSW loaded with a non-zero key (an interruption's
 * new PSW) is an early PSW exception.  Counts in key-traps.
 * Return: true if the caller must raise PGM_SPECIFICATION (ILC 0).
 */
bool s390_pv_tcg_psw_key_invalid(void);

/**
 * s390_pv_tcg_stray_indicators_on: - is the host hostile with indicators?
 *
 * Return: true with stray-indicators=on and the guest protected; then
 * adapter interrupts are refused, so that classic indicators are used.
 */
bool s390_pv_tcg_stray_indicators_on(void);

/**
 * s390_pv_tcg_stray_indicator: - play a hostile host on this notification?
 *
 * With stray-indicators=on and the guest protected, a virtio-ccw
 * notification also sets an indicator bit that no virtqueue owns.  Counts.
 * Return: true if the caller must set such a bit.
 */
bool s390_pv_tcg_stray_indicator(void);

/**
 * s390_pv_tcg_fuzz: - mutate this event of @cls?
 * @cls: the class of input
 * @draw: random bits for the caller's mutation, or NULL
 *
 * With fuzz=on, the guest protected and @cls selected, fuzz-rate events
 * in 10000 are mutated, chosen by fuzz-seed and the event's number.
 * Counts.  Return: true if the caller must mutate the input.
 */
bool s390_pv_tcg_fuzz(S390PVFuzzClass cls, uint64_t *draw);

/**
 * s390_pv_tcg_fuzz_uint: - a @bits-bit value as the fuzzing host hands it
 *
 * Return: @v, or a mutation of it if this event of @cls is mutated.
 */
uint64_t s390_pv_tcg_fuzz_uint(S390PVFuzzClass cls, uint64_t v,
                               unsigned int bits);

/**
 * s390_pv_tcg_fuzz_buf: - maybe mutate one byte of @buf (@len bytes)
 *
 * Return: true if a byte was changed.
 */
bool s390_pv_tcg_fuzz_buf(S390PVFuzzClass cls, void *buf, size_t len);

/**
 * s390_pv_tcg_fuzz_mutate: - the mutation @draw picks for a @bits-bit @v
 *
 * For callers that chose what to mutate with the draw of
 * s390_pv_tcg_fuzz().  Return: a value other than @v.
 */
uint64_t s390_pv_tcg_fuzz_mutate(uint64_t v, unsigned int bits,
                                 uint64_t draw);

/** s390_pv_tcg_fuzz_byte: - mutate the byte of @buf that @draw picks */
void s390_pv_tcg_fuzz_byte(void *buf, size_t len, uint64_t draw);


#else /* CONFIG_KVM: the model is not built */

static inline bool s390_pv_tcg_present(void) { return false; }
static inline bool s390_pv_tcg_protected(void) { return false; }
static inline int s390_pv_tcg_uvc(CPUS390XState *env, uint64_t uvcb,
                                  uintptr_t ra)
{
    g_assert_not_reached();
}
static inline void s390_pv_tcg_adjust_facilities(uint8_t *fac, size_t len) {}
static inline AddressSpace *s390_pv_tcg_dma_as(Object *owner,
                                               const char *name)
{
    return &address_space_memory;
}
static inline void s390_pv_tcg_dma_held(Object *owner, uint64_t addr,
                                        uint64_t len, bool write) {}
static inline void s390_pv_tcg_ipl(void) {}
static inline void s390_pv_tcg_leave(void) {}
static inline void s390_pv_tcg_start(S390CPU *cpu)
{
    g_assert_not_reached();
}
static inline void s390_pv_tcg_reset_keep_memory(void) {}
static inline int s390_pv_tcg_diag308(CPUS390XState *env, int r1,
                                      uint64_t subcode)
{
    return 0;
}
static inline bool s390_pv_tcg_key_trap(void) { return false; }
static inline bool s390_pv_tcg_psw_key_invalid(void) { return false; }
static inline bool s390_pv_tcg_stray_indicators_on(void) { return false; }
static inline bool s390_pv_tcg_stray_indicator(void) { return false; }
static inline bool s390_pv_tcg_fuzz(S390PVFuzzClass cls, uint64_t *draw)
{
    return false;
}
static inline uint64_t s390_pv_tcg_fuzz_uint(S390PVFuzzClass cls,
                                             uint64_t v, unsigned int bits)
{
    return v;
}
static inline bool s390_pv_tcg_fuzz_buf(S390PVFuzzClass cls, void *buf,
                                        size_t len)
{
    return false;
}
static inline uint64_t s390_pv_tcg_fuzz_mutate(uint64_t v, unsigned int bits,
                                               uint64_t draw)
{
    return v;
}
static inline void s390_pv_tcg_fuzz_byte(void *buf, size_t len,
                                         uint64_t draw) {}

#endif /* CONFIG_KVM */

#endif
