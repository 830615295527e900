/*
 * Emulated Ultravisor (TCG): the keyless guest
 *
 * A protected guest has no storage keys (storage-key removal, facility
 * 169): ISKE, SSKE, RRBE, SPKA with a non-zero key, LPSW/LPSWE loading a
 * non-zero key, MVCOS with a key control and a non-zero key and TPROT
 * with a non-zero key raise a special-operation exception.  The checks
 * sit in target/s390x/tcg and ask s390_pv_tcg_key_trap().  A new PSW
 * with a non-zero key, loaded when an interruption is taken, is an early
 * PSW exception (specification, ILC 0): s390_cpu_set_psw() asks
 * s390_pv_tcg_psw_key_invalid().
 *
 * Counters: key-traps (both kinds).
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */

#include "qemu/osdep.h"
#include "hw/s390x/s390-pv-tcg.h"
#include "pv-tcg.h"

bool s390_pv_tcg_key_trap(void)
{
    S390PVTcgGuest *s = pv_tcg_model();

    if (!s || !qatomic_read(&s->protected)) {
        return false;
    }
    qatomic_inc(&s->cnt.key_traps);
    return true;
}

bool s390_pv_tcg_psw_key_invalid(void)
{
    return s390_pv_tcg_key_trap();
}
