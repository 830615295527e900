/*
 * Emulated Ultravisor (TCG): DIAGNOSE 0x308 in protected mode, IPL, resets
 *
 * In protected mode diag 308 subcodes 4, 7, 8, 9 and 10 raise a
 * specification exception.  Subcodes 0 and 1 unshare all memory before
 * the usual reset; memory stays secure and intact.  Subcode 3 and an
 * external reset leave protected mode and clear all guest memory before
 * the normal re-IPL, which enters protected mode again with
 * start-protected=on.
 *
 * Counters: diag308-refused, unshare-all, memory-clears, shared-at-reset.
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/units.h"
#include "exec/address-spaces.h"
#include "hw/s390x/s390-pv-tcg.h"
#include "pv-tcg.h"

void s390_pv_tcg_ipl(void)
{
    S390PVTcgGuest *s = pv_tcg_model();

    if (!s) {
        return;
    }
    pv_tcg_unshare_all(s);
    pv_tcg_config_clear(s);
    if (s->start_protected) {
        qatomic_set(&s->protected, true);
    }
}

void s390_pv_tcg_reset_keep_memory(void)
{
    S390PVTcgGuest *s = pv_tcg_model();

    if (!s || !s->protected) {
        return;
    }
    /* diag 308 subcodes 0/1: "Set Unshare All", memory stays secure */
    s->cnt.unshare_all++;
    /* what the guest left shared for the reset to clean up */
    s->cnt.shared_at_reset += s->cnt.shared_now;
    pv_tcg_unshare_all(s);
}

void s390_pv_tcg_leave(void)
{
    S390PVTcgGuest *s = pv_tcg_model();
    const uint64_t chunk = 64 * KiB;
    uint64_t off;

    if (!s || !s->protected) {
        return;
    }
    /*
     * Destroying the secure configuration clears its memory (diag 308
     * subcode 3, external reset).  Go through the address space so TCG
     * drops translations of the old contents.
     */
    for (off = 0; off < s->ram_size; off += chunk) {
        uint64_t len = MIN(chunk, s->ram_size - off);

        if (!buffer_is_zero(s->ram_ptr + off, len)) {
            address_space_set(&address_space_memory, off, 0, len,
                              MEMTXATTRS_UNSPECIFIED);
        }
    }
    s->cnt.memory_clears++;
    pv_tcg_unshare_all(s);
    pv_tcg_config_clear(s);
    qatomic_set(&s->protected, false);
}

int s390_pv_tcg_diag308(CPUS390XState *env, int r1, uint64_t subcode)
{
    S390PVTcgGuest *s = pv_tcg_model();

    if (!s) {
        return 0;
    }
    if (s->protected) {
        switch (subcode) {
        case 4:     /* load normal with dump: no clearing IPL */
        case 7:     /* load normal */
        case 8:     /* set PV IPLB */
        case 9:     /* store PV IPLB */
        case 10:    /* start protected mode: leave it first */
            s->cnt.diag308_refused++;
            return -PGM_SPECIFICATION;
        }
        return 0;
    }
    if (subcode == 10) {
        /* QEMU checks the IPLB; s390_pv_tcg_start() reports into R1 + 1 */
        s->start_r1 = r1;
    }
    return 0;
}
