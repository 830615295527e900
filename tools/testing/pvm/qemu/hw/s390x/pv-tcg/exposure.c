/*
 * Emulated Ultravisor (TCG): the exposure detector
 *
 * A test plants secrets (canaries) in guest memory and names them on the
 * object: canary=HEX[:HEX...], up to PV_MAX_CANARIES patterns of 8 to 64
 * bytes.  The detector looks for every pattern wherever the host could
 * read guest memory:
 *
 *   share    a page at the moment it becomes shared
 *   device   a shared page a device is about to read or write (each
 *            translation of the checking address space: the kick or the
 *            channel program that makes the device use it); a secure page
 *            a device reads in audit mode, which the host sees in the
 *            clear there; the channel is the device's name
 *   exit     every shared page when QEMU exits
 *   qmp      every shared page when exposed-now is read
 *
 * Each page is counted once (exposed-pages, exposed-bytes: the bytes of
 * the pattern matches found in it the first time), by where it is:
 * exposed-pool (a run of at least PV_POOL_MIN_PAGES shared pages, the
 * bounce-buffer pool), exposed-coherent (a shorter run of shared pages:
 * rings, indicators, coherent buffers) and exposed-other (a secure page
 * read by a device).  exposure-hits counts every scan that found a
 * pattern, exposed-net the scans among them for a network device
 * (virtio-net): frames leaving the guest.  The first exposure is logged
 * with its address and channel.
 * A match that straddles two pages counts for the first of them, when the
 * host can read both (the second is shared).  What the guest writes to its
 * console is checked by the test runner, which sees QEMU's output.
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */

#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "hw/s390x/s390-pv-tcg.h"
#include "pv-tcg.h"

#define PV_CANARY_MIN       8
#define PV_POOL_MIN_PAGES   256

/* Parse canary=HEX[:HEX...]; nothing changes on error. */
bool pv_tcg_canary_parse(S390PVTcgGuest *s, const char *str, Error **errp)
{
    PVCanary tmp[PV_MAX_CANARIES] = {};
    g_auto(GStrv) parts = pv_tcg_prop_list(str, PV_MAX_CANARIES, "canary",
                                           errp);
    unsigned int n = 0, i;
    size_t j, len;

    if (!parts) {
        return false;
    }
    for (i = 0; parts[i]; i++) {
        len = strlen(parts[i]);
        if (len % 2 || len / 2 < PV_CANARY_MIN ||
            len / 2 > PV_CANARY_MAX) {
            error_setg(errp, "canary: pattern %u must be %d to %d bytes "
                       "(an even number of hex digits)", n + 1,
                       PV_CANARY_MIN, PV_CANARY_MAX);
            return false;
        }
        for (j = 0; j < len; j += 2) {
            int hi = g_ascii_xdigit_value(parts[i][j]);
            int lo = g_ascii_xdigit_value(parts[i][j + 1]);

            if (hi < 0 || lo < 0) {
                error_setg(errp, "canary: pattern %u is not hex", n + 1);
                return false;
            }
            tmp[n].bytes[j / 2] = hi << 4 | lo;
        }
        tmp[n].len = len / 2;
        n++;
    }
    memcpy(s->canary, tmp, sizeof(tmp));
    s->nr_canaries = n;
    return true;
}

/* Length of the run of shared pages around @pfn, up to the pool size. */
static uint64_t pv_shared_run(S390PVTcgGuest *s, uint64_t pfn)
{
    uint64_t lo = pfn, hi = pfn + 1;

    while (lo > 0 && hi - lo < PV_POOL_MIN_PAGES &&
           test_bit(lo - 1, s->shared)) {
        lo--;
    }
    while (hi < s->nr_pages && hi - lo < PV_POOL_MIN_PAGES &&
           test_bit(hi, s->shared)) {
        hi++;
    }
    return hi - lo;
}

/* Bytes of canary matches in one page (0: none). */
static uint64_t pv_canary_bytes(S390PVTcgGuest *s, const uint8_t *page)
{
    uint64_t bytes = 0;
    unsigned int i;

    for (i = 0; i < s->nr_canaries; i++) {
        const uint8_t *p = page, *end = page + PV_PAGE_SIZE, *hit;

        while ((hit = memmem(p, end - p, s->canary[i].bytes,
                             s->canary[i].len))) {
            bytes += s->canary[i].len;
            p = hit + s->canary[i].len;
        }
    }
    return bytes;
}

/*
 * Bytes of canary matches that start in page @pfn and end in the next one,
 * if the host can read that one too.  Guest RAM is contiguous in QEMU, so
 * the window around the boundary is read in place; it is too short to hold
 * a match that lies in one page.
 */
static uint64_t pv_straddle_bytes(S390PVTcgGuest *s, uint64_t pfn)
{
    const uint8_t *edge, *p, *end, *hit;
    uint64_t bytes = 0;
    unsigned int i;
    size_t k;

    if (pfn + 1 >= s->nr_pages || !test_bit(pfn + 1, s->shared)) {
        return 0;
    }
    edge = s->ram_ptr + ((pfn + 1) << PV_PAGE_SHIFT);
    for (i = 0; i < s->nr_canaries; i++) {
        k = s->canary[i].len - 1;
        p = edge - k;
        end = edge + k;
        while ((hit = memmem(p, end - p, s->canary[i].bytes,
                             s->canary[i].len))) {
            bytes += s->canary[i].len;
            p = hit + s->canary[i].len;
        }
    }
    return bytes;
}

/*
 * Scan one page of guest RAM the host can read now, with the matches that
 * straddle into the next page; @channel names what made it readable.
 * Returns true if a canary is in it.
 */
bool pv_tcg_exposure_scan(S390PVTcgGuest *s, uint64_t pfn,
                          const char *channel)
{
    const char *place;
    uint64_t bytes;

    if (!s->nr_canaries || pfn >= s->nr_pages) {
        return false;
    }
    bytes = pv_canary_bytes(s, s->ram_ptr + (pfn << PV_PAGE_SHIFT)) +
            pv_straddle_bytes(s, pfn);
    if (!bytes) {
        return false;
    }
    qatomic_inc(&s->cnt.exposure_hits);
    if (g_str_has_prefix(channel, "virtio-net")) {
        qatomic_inc(&s->cnt.exposed_net);
    }
    if (test_and_set_bit(pfn, s->exposed)) {
        return true;
    }
    if (!test_bit(pfn, s->shared)) {
        place = "other";
        s->cnt.exposed_other++;
    } else if (pv_shared_run(s, pfn) >= PV_POOL_MIN_PAGES) {
        place = "pool";
        s->cnt.exposed_pool++;
    } else {
        place = "coherent";
        s->cnt.exposed_coherent++;
    }
    s->cnt.exposed_pages++;
    s->cnt.exposed_bytes += bytes;
    if (s->cnt.exposed_pages == 1) {
        error_printf("s390-pv-guest: exposure addr=0x%" PRIx64
                     " channel=%s place=%s bytes=%" PRIu64
                     " (first page holding a canary the host can read)\n",
                     pfn << PV_PAGE_SHIFT, channel, place, bytes);
    }
    return true;
}

/* Scan every shared page; returns how many hold a canary now. */
uint64_t pv_tcg_exposure_scan_shared(S390PVTcgGuest *s, const char *channel)
{
    uint64_t pfn, n = 0;

    if (!s->nr_canaries || !s->shared) {
        return 0;
    }
    for (pfn = find_first_bit(s->shared, s->nr_pages); pfn < s->nr_pages;
         pfn = find_next_bit(s->shared, s->nr_pages, pfn + 1)) {
        n += pv_tcg_exposure_scan(s, pfn, channel);
    }
    return n;
}
