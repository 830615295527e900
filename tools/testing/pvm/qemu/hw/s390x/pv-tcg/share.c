/*
 * Emulated Ultravisor (TCG): shared state and the device checker
 *
 * Guest memory is secure unless the guest shared it: one bit per 4 KiB
 * page, set by Set Shared Access (UVC 0x1000) and cleared by Remove
 * Shared Access (0x1001).  Device-side accesses (channel programs,
 * virtio-ccw indicators and virtqueues) go through one checking address
 * space per device: an IOMMU region that maps guest memory 1:1 and flags
 * every access to a secure page.  What the CPU moves itself (the SIDA
 * equivalents: ORB, SCHIB, IRB, SCCB, IPLB, UVCB, ...) and the lowcore
 * never pass there.
 *
 * A translation is checked when the device maps the buffer; the pointer
 * address_space_map() hands out outlives it.  So virtio also reports each
 * buffer when the device completes it (s390_pv_tcg_dma_held()): a page
 * that was shared and is secure again by then was unshared while the
 * device held it.  Channel programs move data with address_space_rw(),
 * checked at each access, and keep no mapping.
 *
 * The exposure detector (exposure.c) scans each page that becomes shared,
 * each shared page a device is about to use, and each secure page a
 * device reads in audit mode.
 *
 * What a device access to a secure page does is the object's mode:
 * hardware (default) as a real machine, audit (count, let it through),
 * deny (the access fails) or abort (QEMU exits).
 *
 * Counters: uvc-share, uvc-unshare, share-redundant, unshare-redundant,
 * shared-now, shared-peak, stale-bytes, violations, violations-read,
 * violations-write, violation-pages, dma-after-unshare, hw-cipher-reads,
 * hw-write-stops.
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */

#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/guest-random.h"
#include "exec/address-spaces.h"
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "system/runstate.h"
#include "hw/s390x/s390-pv-tcg.h"
#include "pv-tcg.h"
#include "../trace.h"

#define TYPE_S390_PV_DMA_IOMMU "s390-pv-dma-iommu"

#define UVCB_SHARE_LEN      0x30
#define UVCB_SHARE_PADDR    0x20
#define UVC_RC_SHARE_INV_ADDR   0x0101
#define UVC_RC_SHARE_UNALIGNED  0x0102

/* One checking address space per device. */
typedef struct PVDmaWindow {
    IOMMUMemoryRegion iommu;
    AddressSpace as;
    struct S390PVTcgGuest *s;
    char *name;
    uint64_t reads;
    uint64_t writes;
    hwaddr first_addr;
    bool first_write;
} PVDmaWindow;

const char *const pv_tcg_mode_names[] = {
    "audit", "deny", "abort", "hardware"
};

static void pv_hardware_stop(void *opaque)
{
    qemu_system_guest_panicked(NULL);
}

/*
 * mode=hardware.  On a real machine the host reads a secure page as
 * ciphertext, and a host write to one is found by the Ultravisor's
 * integrity check when the guest next touches the page: the guest cannot
 * go on.  Devices here see secure pages through a shadow RAM region of the
 * size of guest RAM (allocated lazily by the host kernel): a read fills
 * the page's shadow with a deterministic pseudo-ciphertext of its
 * plaintext, a write lands in the shadow (the plaintext stays as it was)
 * and stops the guest.  Being RAM, the shadow is mapped directly by
 * address_space_map(): no bounce buffer, concurrent mappings work.
 */
bool pv_tcg_hardware_init(S390PVTcgGuest *s, Error **errp)
{
    qemu_guest_getrandom_nofail(s->cipher_key, sizeof(s->cipher_key));
    if (!memory_region_init_ram_nomigrate(&s->cipher_mr, OBJECT(s),
                                          "s390-pv-cipher", s->ram_size,
                                          errp)) {
        return false;
    }
    address_space_init(&s->cipher_as, &s->cipher_mr, "s390-pv-cipher");
    /* not a device: no memory-reentrancy guard to share */
    s->stop_bh = qemu_bh_new_guarded(pv_hardware_stop, s, NULL);
    return true;
}

/* Forget all sharing; every page of guest memory is secure again. */
void pv_tcg_unshare_all(S390PVTcgGuest *s)
{
    bitmap_zero(s->shared, s->nr_pages);
    bitmap_zero(s->was_shared, s->nr_pages);
    s->cnt.shared_now = 0;
}

uint64_t pv_tcg_count_nonzero(const uint8_t *p, size_t len)
{
    uint64_t n = 0;
    size_t i;

    if (buffer_is_zero(p, len)) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        n += p[i] != 0;
    }
    return n;
}

static void pv_set_shared(S390PVTcgGuest *s, uint64_t pfn)
{
    if (test_and_set_bit(pfn, s->shared)) {
        s->cnt.share_redundant++;
        return;
    }
    set_bit(pfn, s->was_shared);
    s->cnt.shared_now++;
    s->cnt.shared_peak = MAX(s->cnt.shared_peak, s->cnt.shared_now);
    /* Whatever is in the page now becomes visible to the host. */
    s->cnt.stale_bytes += pv_tcg_count_nonzero(s->ram_ptr +
                                               (pfn << PV_PAGE_SHIFT),
                                               PV_PAGE_SIZE);
    pv_tcg_exposure_scan(s, pfn, "share");
    /* a pattern may straddle into this page from the one before it */
    if (pfn && test_bit(pfn - 1, s->shared)) {
        pv_tcg_exposure_scan(s, pfn - 1, "share");
    }
}

static void pv_remove_shared(S390PVTcgGuest *s, uint64_t pfn)
{
    if (!test_and_clear_bit(pfn, s->shared)) {
        s->cnt.unshare_redundant++;
        return;
    }
    s->cnt.shared_now--;
}

int pv_tcg_uvc_share(S390PVTcgGuest *s, CPUS390XState *env, uint64_t addr,
                     uint16_t cmd, uint16_t len, uint16_t *rc, uintptr_t ra)
{
    bool share = cmd == UVC_CMD_SET_SHARED_ACCESS;
    uint8_t cb[UVCB_SHARE_LEN];
    uint64_t paddr;

    if (share) {
        s->cnt.uvc_share++;
    } else {
        s->cnt.uvc_unshare++;
    }
    if (!s->protected || (share && s->query_drop_share) ||
        (!share && s->query_drop_unshare)) {
        /* Not in the installed-calls list in this state. */
        *rc = UVC_RC_INV_CMD;
        return 1;
    }
    if (len != UVCB_SHARE_LEN) {
        *rc = UVC_RC_INV_LEN;
        return 1;
    }
    if (pv_tcg_uvcb_rw(env, addr, cb, sizeof(cb), false)) {
        s390_cpu_virt_mem_handle_exc(env_archcpu(env), ra);
    }
    paddr = ldq_be_p(cb + UVCB_SHARE_PADDR);
    if (paddr >= s->ram_size) {
        *rc = UVC_RC_SHARE_INV_ADDR;
        return 1;
    }
    if (paddr & (PV_PAGE_SIZE - 1)) {
        *rc = UVC_RC_SHARE_UNALIGNED;
        return 1;
    }
    if (pv_tcg_inject_fault(s, share)) {
        s->cnt.faults_injected++;
        *rc = s->fail_rc;
        return 1;
    }
    if (share) {
        pv_set_shared(s, paddr >> PV_PAGE_SHIFT);
    } else {
        pv_remove_shared(s, paddr >> PV_PAGE_SHIFT);
    }
    *rc = UVC_RC_EXECUTED;
    return 0;
}

static bool pv_page_secure(S390PVTcgGuest *s, hwaddr addr)
{
    return qatomic_read(&s->protected) && addr < s->ram_size &&
           !test_bit(addr >> PV_PAGE_SHIFT, s->shared);
}

/* What the host sees of a secure page: its bytes, each one changed. */
static void pv_encipher_page(S390PVTcgGuest *s, uint64_t pfn)
{
    const uint8_t *plain = s->ram_ptr + (pfn << PV_PAGE_SHIFT);
    uint8_t *cipher = (uint8_t *)memory_region_get_ram_ptr(&s->cipher_mr) +
                      (pfn << PV_PAGE_SHIFT);
    uint64_t x = ldq_le_p(s->cipher_key) ^ (pfn * 0x9e3779b97f4a7c15ULL);
    size_t i;

    for (i = 0; i < PV_PAGE_SIZE; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        cipher[i] = plain[i] ^ ((x >> 24) | 1);
    }
}

static void pv_violation(PVDmaWindow *w, hwaddr addr, bool write)
{
    S390PVTcgGuest *s = w->s;

    qatomic_inc(&s->cnt.violations);
    if (write) {
        qatomic_inc(&s->cnt.violations_write);
    } else {
        qatomic_inc(&s->cnt.violations_read);
    }
    if (!w->reads && !w->writes) {
        w->first_addr = addr;
        w->first_write = write;
    }
    if (write) {
        qatomic_inc(&w->writes);
    } else {
        qatomic_inc(&w->reads);
    }
    trace_s390_pv_tcg_violation(w->name, addr, write);

    if (s->mode == PV_MODE_ABORT) {
        error_report("s390-pv-guest: abort: device %s %s guest address "
                     "0x%" HWADDR_PRIx " in a secure (not shared) page",
                     w->name, write ? "writes" : "reads", addr);
        exit(1);    /* the exit notifier prints the counters */
    }
    if (!test_and_set_bit(addr >> PV_PAGE_SHIFT, s->reported)) {
        s->cnt.violation_pages++;
        error_printf("s390-pv-guest: violation dev=%s addr=0x%" HWADDR_PRIx
                     " %s mode=%s (first hit on this page)\n", w->name, addr,
                     write ? "write" : "read", pv_tcg_mode_names[s->mode]);
    }
}

static IOMMUTLBEntry pv_dma_translate(IOMMUMemoryRegion *iommu, hwaddr addr,
                                      IOMMUAccessFlags flag, int iommu_idx)
{
    PVDmaWindow *w = container_of(iommu, PVDmaWindow, iommu);
    IOMMUTLBEntry entry = {
        .target_as = &address_space_memory,
        .iova = addr & ~(PV_PAGE_SIZE - 1),
        .translated_addr = addr & ~(PV_PAGE_SIZE - 1),
        .addr_mask = PV_PAGE_SIZE - 1,
        .perm = IOMMU_RW,
    };

    if (flag == IOMMU_NONE || addr >= w->s->ram_size) {
        return entry;
    }
    if (!pv_page_secure(w->s, addr)) {
        /* the device is about to use a shared page: what does it hold? */
        pv_tcg_exposure_scan(w->s, addr >> PV_PAGE_SHIFT, w->name);
        return entry;
    }
    pv_violation(w, addr, flag & IOMMU_WO);
    if (w->s->mode == PV_MODE_HARDWARE) {
        entry.target_as = &w->s->cipher_as;
        if (flag & IOMMU_WO) {
            qatomic_inc(&w->s->cnt.hw_write_stops);
            error_report("s390-pv-guest: device %s wrote guest address 0x%"
                         HWADDR_PRIx " in a secure page: the Ultravisor's "
                         "integrity check fails, the guest is stopped",
                         w->name, addr);
            qemu_bh_schedule(w->s->stop_bh);
        } else {
            qatomic_inc(&w->s->cnt.hw_cipher_reads);
            pv_encipher_page(w->s, addr >> PV_PAGE_SHIFT);
        }
        return entry;
    }
    if (w->s->mode == PV_MODE_AUDIT && (flag & IOMMU_RO)) {
        /* audit lets the device read the plaintext: is a canary in it? */
        pv_tcg_exposure_scan(w->s, addr >> PV_PAGE_SHIFT, w->name);
    }
    if (w->s->mode == PV_MODE_DENY) {
        entry.perm = IOMMU_NONE;
    }
    return entry;
}

void s390_pv_tcg_dma_held(Object *owner, uint64_t addr, uint64_t len,
                          bool write)
{
    S390PVTcgGuest *s = pv_tcg_model();
    PVDmaWindow *w;
    uint64_t pfn, last;

    if (!s || !owner || !len || !qatomic_read(&s->protected)) {
        return;
    }
    w = g_hash_table_lookup(s->windows, owner);
    last = MIN(addr + len - 1, s->ram_size - 1) >> PV_PAGE_SHIFT;
    for (pfn = addr >> PV_PAGE_SHIFT; addr < s->ram_size && pfn <= last;
         pfn++) {
        /*
         * Secure now but shared before: made secure while the device held
         * it.  A page never shared was flagged when it was translated.
         */
        if (test_bit(pfn, s->shared) || !test_bit(pfn, s->was_shared)) {
            continue;
        }
        if (qatomic_fetch_inc(&s->cnt.dma_after_unshare) == 0) {
            error_printf("s390-pv-guest: dma-after-unshare dev=%s "
                         "addr=0x%" PRIx64 " %s (the page became secure "
                         "while the device held it)\n",
                         w ? w->name : object_get_typename(owner),
                         pfn << PV_PAGE_SHIFT, write ? "write" : "read");
        }
        if (w) {
            pv_violation(w, pfn << PV_PAGE_SHIFT, write);
        } else {
            qatomic_inc(&s->cnt.violations);
        }
        if (write && s->mode == PV_MODE_HARDWARE) {
            /* the plaintext was overwritten: a machine would stop here */
            qatomic_inc(&s->cnt.hw_write_stops);
            error_report("s390-pv-guest: a device wrote guest address 0x%"
                         PRIx64 " after it became secure: the Ultravisor's "
                         "integrity check fails, the guest is stopped",
                         pfn << PV_PAGE_SHIFT);
            qemu_bh_schedule(s->stop_bh);
        }
    }
}

AddressSpace *s390_pv_tcg_dma_as(Object *owner, const char *name)
{
    S390PVTcgGuest *s = pv_tcg_model();
    PVDmaWindow *w;

    if (!s || !owner) {
        return &address_space_memory;
    }
    w = g_hash_table_lookup(s->windows, owner);
    if (w) {
        return &w->as;
    }
    w = g_new0(PVDmaWindow, 1);
    w->s = s;
    w->name = g_strdup(name);
    memory_region_init_iommu(&w->iommu, sizeof(w->iommu),
                             TYPE_S390_PV_DMA_IOMMU, OBJECT(s), w->name,
                             UINT64_MAX);
    address_space_init(&w->as, MEMORY_REGION(&w->iommu), w->name);
    g_hash_table_insert(s->windows, owner, w);
    return &w->as;
}


/* One line per device that touched secure memory (before the summary). */
void pv_tcg_print_windows(S390PVTcgGuest *s)
{
    GHashTableIter iter;
    gpointer key, value;
    PVDmaWindow *w;

    g_hash_table_iter_init(&iter, s->windows);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        w = value;
        if (w->reads || w->writes) {
            error_printf("s390-pv-guest: violation dev=%s count=%" PRIu64
                         " reads=%" PRIu64 " writes=%" PRIu64
                         " first=0x%" HWADDR_PRIx " first-dir=%s\n",
                         w->name, w->reads + w->writes, w->reads, w->writes,
                         w->first_addr, w->first_write ? "write" : "read");
        }
    }
}

static void pv_dma_iommu_class_init(ObjectClass *klass, void *data)
{
    IOMMUMemoryRegionClass *imrc = IOMMU_MEMORY_REGION_CLASS(klass);

    imrc->translate = pv_dma_translate;
}

static const TypeInfo pv_dma_iommu_info = {
    .name = TYPE_S390_PV_DMA_IOMMU,
    .parent = TYPE_IOMMU_MEMORY_REGION,
    .class_init = pv_dma_iommu_class_init,
};

static void pv_dma_iommu_register_types(void)
{
    type_register_static(&pv_dma_iommu_info);
}

type_init(pv_dma_iommu_register_types)
