/*
 * Emulated Ultravisor (TCG): a fuzzing hostile host
 *
 * With fuzz=on and the guest protected, the host-controlled data a
 * protected guest reads is mutated at the moment the guest can read it:
 * virtio used-ring entries and indexes, configuration space, device
 * status and features, indicators, what TSCH, SENSE ID, CHSC, SCLP and
 * STSI store, and the answers of Set/Remove Shared Access.  Only what
 * the host writes is changed, never guest-private memory.  One class,
 * give-up, does not lie: a notified virtio device gives up as QEMU's
 * devices do on a driver they find faulty (virtio_error(): the status
 * says DEVICE_NEEDS_RESET, and the device completes nothing until it is
 * reset).  It is the one way this host withholds, and it says so.
 *
 * Whether the Nth event of a class is mutated, and how, is a function of
 * fuzz-seed, the class and N alone: the same seed gives the same
 * mutations for the same sequence of events.  fuzz-rate events in 10000
 * are mutated; fuzz-class selects classes (names separated by ':', or
 * "all"); fuzz-log=on reports each mutation on stderr.  Writing any fuzz
 * property restarts the event counts.
 *
 * Counters: fuzz-events (events of the selected classes), fuzz-mutations
 * and one fuzz-CLASS (mutations) per class.
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qemu/error-report.h"
#include "hw/s390x/s390-pv-tcg.h"
#include "pv-tcg.h"

#define PV_FUZZ_RATE_SCALE  10000

const char *const pv_tcg_fuzz_names[S390_PV_FUZZ__MAX] = {
    [S390_PV_FUZZ_USED] = "used",
    [S390_PV_FUZZ_USED_IDX] = "used-idx",
    [S390_PV_FUZZ_AVAIL_EVENT] = "avail-event",
    [S390_PV_FUZZ_CONFIG] = "config",
    [S390_PV_FUZZ_STATUS] = "status",
    [S390_PV_FUZZ_VQ_CONF] = "vq-conf",
    [S390_PV_FUZZ_INDICATORS] = "indicators",
    [S390_PV_FUZZ_IRB] = "irb",
    [S390_PV_FUZZ_SENSE_ID] = "sense-id",
    [S390_PV_FUZZ_CHSC] = "chsc",
    [S390_PV_FUZZ_SCLP] = "sclp",
    [S390_PV_FUZZ_UV_SHARE] = "uv-share",
    [S390_PV_FUZZ_STSI] = "stsi",
    [S390_PV_FUZZ_GIVE_UP] = "give-up",
};

/* splitmix64's finaliser: a good 64-bit mix */
static uint64_t pv_fuzz_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/*
 * Is the next event of @cls to be mutated?  Returns true and a random
 * @draw (unless NULL) for the mutation if so, and counts it.
 */
static bool pv_fuzz_hit(S390PVTcgGuest *s, S390PVFuzzClass cls,
                        uint64_t *draw)
{
    uint64_t n, r;

    if (!s || !s->fuzz || !qatomic_read(&s->protected) ||
        !(s->fuzz_classes & (1U << cls))) {
        return false;
    }
    n = qatomic_fetch_inc(&s->fuzz_events[cls]);
    qatomic_inc(&s->cnt.fuzz_events);
    r = pv_fuzz_mix(pv_fuzz_mix(s->fuzz_seed ^ ((uint64_t)cls << 56)) + n);
    if (r % PV_FUZZ_RATE_SCALE >= s->fuzz_rate) {
        return false;
    }
    qatomic_inc(&s->cnt.fuzz[cls]);
    qatomic_inc(&s->cnt.fuzz_mutations);
    if (draw) {
        *draw = pv_fuzz_mix(r);
    }
    if (s->fuzz_log) {
        info_report("s390-pv-guest: fuzz %s event %" PRIu64,
                    pv_tcg_fuzz_names[cls], n);
    }
    return true;
}

/*
 * A mutation of the @bits-bit value @v: a flipped bit, zero, all ones, a
 * small step up or down, or a random value; never @v itself.
 */
static uint64_t pv_fuzz_value(uint64_t v, unsigned int bits, uint64_t r)
{
    uint64_t mask = bits >= 64 ? UINT64_MAX : (1ULL << bits) - 1;
    uint64_t m;

    switch (r % 6) {
    case 0:
        m = v ^ (1ULL << ((r >> 8) % bits));
        break;
    case 1:
        m = 0;
        break;
    case 2:
        m = mask;
        break;
    case 3:
        m = v + 1 + (r >> 8) % 4;
        break;
    case 4:
        m = v - 1 - (r >> 8) % 4;
        break;
    default:
        m = r >> 16 | r << 48;
        break;
    }
    m &= mask;
    return m == (v & mask) ? (v ^ 1) & mask : m;
}

bool s390_pv_tcg_fuzz(S390PVFuzzClass cls, uint64_t *draw)
{
    return pv_fuzz_hit(pv_tcg_model(), cls, draw);
}

uint64_t s390_pv_tcg_fuzz_uint(S390PVFuzzClass cls, uint64_t v,
                               unsigned int bits)
{
    uint64_t r, m;

    if (!pv_fuzz_hit(pv_tcg_model(), cls, &r)) {
        return v;
    }
    m = pv_fuzz_value(v, bits, r);
    if (pv_tcg_model()->fuzz_log) {
        info_report("s390-pv-guest: fuzz %s: 0x%" PRIx64 " -> 0x%" PRIx64,
                    pv_tcg_fuzz_names[cls], v, m);
    }
    return m;
}

uint64_t s390_pv_tcg_fuzz_mutate(uint64_t v, unsigned int bits,
                                 uint64_t draw)
{
    return pv_fuzz_value(v, bits, pv_fuzz_mix(draw));
}

void s390_pv_tcg_fuzz_byte(void *buf, size_t len, uint64_t draw)
{
    uint8_t *p = buf;
    size_t off;

    if (!len) {
        return;
    }
    off = draw % len;
    p[off] = pv_fuzz_value(p[off], 8, pv_fuzz_mix(draw));
}

bool s390_pv_tcg_fuzz_buf(S390PVFuzzClass cls, void *buf, size_t len)
{
    uint8_t *p = buf;
    uint8_t old;
    uint64_t r;
    size_t off;

    if (!len || !pv_fuzz_hit(pv_tcg_model(), cls, &r)) {
        return false;
    }
    off = r % len;
    old = p[off];
    s390_pv_tcg_fuzz_byte(buf, len, r);
    if (pv_tcg_model()->fuzz_log) {
        info_report("s390-pv-guest: fuzz %s: byte %zu of %zu: 0x%02x -> "
                    "0x%02x", pv_tcg_fuzz_names[cls], off, len, old, p[off]);
    }
    return true;
}

/*
 * An answer of Set/Remove Shared Access outside the documented ones, in
 * place of executing the call: cc 1 with a response code the guest does
 * not expect, cc 2 (busy, so the guest retries), or cc 3, which the call
 * never sets.  Returns true with @cc, @rc and @rrc if the call is to be
 * answered so.
 */
bool pv_tcg_fuzz_uvc_answer(S390PVTcgGuest *s, int *cc, uint16_t *rc,
                            uint16_t *rrc)
{
    static const uint16_t odd_rcs[] = {
        0x0000, 0x0003, 0x0100, 0x0104, 0x0200, 0x8000, 0xffff,
    };
    uint64_t r;

    if (!pv_fuzz_hit(s, S390_PV_FUZZ_UV_SHARE, &r)) {
        return false;
    }
    *cc = 1 + r % 3;
    r >>= 8;
    *rc = r % 2 ? odd_rcs[(r >> 1) % ARRAY_SIZE(odd_rcs)] : r >> 16;
    *rrc = r >> 32;
    if (*cc == 1 && *rc == UVC_RC_EXECUTED) {
        *rc = 0;
    }
    if (s->fuzz_log) {
        info_report("s390-pv-guest: fuzz uv-share: cc %d rc 0x%04x rrc 0x%04x",
                    *cc, *rc, *rrc);
    }
    return true;
}

/* A fuzz property changed: count events afresh. */
static void pv_fuzz_config_changed(S390PVTcgGuest *s)
{
    unsigned int i;

    for (i = 0; i < S390_PV_FUZZ__MAX; i++) {
        qatomic_set(&s->fuzz_events[i], 0);
    }
}

static bool pv_fuzz_parse_classes(const char *value, uint32_t *mask,
                                  Error **errp)
{
    g_auto(GStrv) parts = pv_tcg_prop_list(value, 2 * S390_PV_FUZZ__MAX,
                                           "fuzz-class", errp);
    unsigned int i, c;

    if (!parts) {
        return false;
    }
    *mask = 0;
    for (i = 0; parts[i]; i++) {
        if (!strcmp(parts[i], "all")) {
            *mask |= (1U << S390_PV_FUZZ__MAX) - 1;
            continue;
        }
        for (c = 0; c < S390_PV_FUZZ__MAX; c++) {
            if (!strcmp(parts[i], pv_tcg_fuzz_names[c])) {
                break;
            }
        }
        if (c == S390_PV_FUZZ__MAX) {
            error_setg(errp, "fuzz-class: unknown class '%s'", parts[i]);
            return false;
        }
        *mask |= 1U << c;
    }
    return true;
}

static char *pv_get_fuzz_class(Object *obj, Error **errp)
{
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(obj);
    GString *str = g_string_new("");
    unsigned int c;

    for (c = 0; c < S390_PV_FUZZ__MAX; c++) {
        if (s->fuzz_classes & (1U << c)) {
            g_string_append_printf(str, "%s%s", str->len ? ":" : "",
                                   pv_tcg_fuzz_names[c]);
        }
    }
    return g_string_free(str, false);
}

static void pv_set_fuzz_class(Object *obj, const char *value, Error **errp)
{
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(obj);
    uint32_t mask;

    if (pv_fuzz_parse_classes(value, &mask, errp)) {
        s->fuzz_classes = mask;
        pv_fuzz_config_changed(s);
    }
}

static bool pv_get_fuzz(Object *obj, Error **errp)
{
    return S390_PV_TCG_GUEST(obj)->fuzz;
}

static void pv_set_fuzz(Object *obj, bool value, Error **errp)
{
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(obj);

    s->fuzz = value;
    pv_fuzz_config_changed(s);
}

static bool pv_get_fuzz_log(Object *obj, Error **errp)
{
    return S390_PV_TCG_GUEST(obj)->fuzz_log;
}

static void pv_set_fuzz_log(Object *obj, bool value, Error **errp)
{
    S390_PV_TCG_GUEST(obj)->fuzz_log = value;
}

static void pv_get_fuzz_num(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(obj);
    uint64_t value = strcmp(name, "fuzz-seed") ? s->fuzz_rate : s->fuzz_seed;

    visit_type_uint64(v, name, &value, errp);
}

static void pv_set_fuzz_num(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(obj);
    uint64_t value;

    if (!visit_type_uint64(v, name, &value, errp)) {
        return;
    }
    if (!strcmp(name, "fuzz-seed")) {
        s->fuzz_seed = value;
    } else if (value > PV_FUZZ_RATE_SCALE) {
        error_setg(errp, "fuzz-rate must be 0..%d (events in %d)",
                   PV_FUZZ_RATE_SCALE, PV_FUZZ_RATE_SCALE);
        return;
    } else {
        s->fuzz_rate = value;
    }
    pv_fuzz_config_changed(s);
}

void pv_tcg_fuzz_instance_init(S390PVTcgGuest *s)
{
    s->fuzz_seed = 1;
    s->fuzz_rate = 100;
    s->fuzz_classes = (1U << S390_PV_FUZZ__MAX) - 1;
}

void pv_tcg_fuzz_class_init(ObjectClass *oc)
{
    object_class_property_add_bool(oc, "fuzz", pv_get_fuzz, pv_set_fuzz);
    object_class_property_set_description(oc, "fuzz",
        "Hostile host: mutate what the host hands a protected guest");
    object_class_property_add(oc, "fuzz-seed", "uint64", pv_get_fuzz_num,
                              pv_set_fuzz_num, NULL, NULL);
    object_class_property_set_description(oc, "fuzz-seed",
        "Seed of the mutations (the same seed, the same mutations)");
    object_class_property_add(oc, "fuzz-rate", "uint64", pv_get_fuzz_num,
                              pv_set_fuzz_num, NULL, NULL);
    object_class_property_set_description(oc, "fuzz-rate",
        "Events mutated in 10000 (default 100)");
    object_class_property_add_str(oc, "fuzz-class", pv_get_fuzz_class,
                                  pv_set_fuzz_class);
    object_class_property_set_description(oc, "fuzz-class",
        "Classes of input to mutate: all, or some of used, used-idx, "
        "avail-event, config, status, vq-conf, indicators, irb, sense-id, "
        "chsc, sclp, uv-share, stsi, separated by ':'");
    object_class_property_add_bool(oc, "fuzz-log", pv_get_fuzz_log,
                                   pv_set_fuzz_log);
    object_class_property_set_description(oc, "fuzz-log",
        "Report each mutation on stderr");
}
