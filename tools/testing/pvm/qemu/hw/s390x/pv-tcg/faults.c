/*
 * Emulated Ultravisor (TCG): fault injection, the hostile host, counters
 *
 * Fault injection makes Set/Remove Shared Access fail (fail-nth,
 * fail-every, fail-percent with fail-seed, answered with fail-rc; fail-cmd
 * limits it to one of the two) or answer busy (busy-count), reproducibly.
 * stray-indicators plays a hostile host that sets indicator bits of no
 * virtqueue.  Every counter of the model is listed here: readable with
 * qom-get, and printed in one line at exit for the test runner.
 *
 * Counters: uvc-busy, faults-injected, stray-bits; the rc-CLASS-0xRC
 * counts of the summary line.
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
#include "../trace.h"

static const char *const pv_fail_cmd_names[] = { "both", "share", "unshare" };

/*
 * Counters, readable with qom-get and printed at exit, in this order;
 * then fuzz-CLASS for each class of pv_tcg_fuzz_names.
 */
#define PV_COUNTER(name, field) { name, offsetof(S390PVCounters, field) }
static const struct {
    const char *name;
    size_t offset;
} pv_counters[] = {
    PV_COUNTER("uvc-query", uvc_query),
    PV_COUNTER("uvc-share", uvc_share),
    PV_COUNTER("uvc-unshare", uvc_unshare),
    PV_COUNTER("uvc-other", uvc_other),
    PV_COUNTER("uvc-errors", uvc_errors),
    PV_COUNTER("uvc-busy", uvc_busy),
    PV_COUNTER("share-redundant", share_redundant),
    PV_COUNTER("unshare-redundant", unshare_redundant),
    PV_COUNTER("shared-now", shared_now),
    PV_COUNTER("shared-peak", shared_peak),
    PV_COUNTER("stale-bytes", stale_bytes),
    PV_COUNTER("violations", violations),
    PV_COUNTER("violations-read", violations_read),
    PV_COUNTER("violations-write", violations_write),
    PV_COUNTER("violation-pages", violation_pages),
    PV_COUNTER("key-traps", key_traps),
    PV_COUNTER("diag308-refused", diag308_refused),
    PV_COUNTER("unshare-all", unshare_all),
    PV_COUNTER("memory-clears", memory_clears),
    PV_COUNTER("faults-injected", faults_injected),
    PV_COUNTER("stray-bits", stray_indicators),
    PV_COUNTER("shared-at-reset", shared_at_reset),
    PV_COUNTER("uvc-attest", uvc_attest),
    PV_COUNTER("uvc-secret", uvc_secret),
    PV_COUNTER("uvc-query-keys", uvc_query_keys),
    PV_COUNTER("se-unpacks", se_unpacks),
    PV_COUNTER("se-refused", se_refused),
    PV_COUNTER("exposed-pages", exposed_pages),
    PV_COUNTER("exposed-bytes", exposed_bytes),
    PV_COUNTER("exposure-hits", exposure_hits),
    PV_COUNTER("exposed-pool", exposed_pool),
    PV_COUNTER("exposed-coherent", exposed_coherent),
    PV_COUNTER("exposed-other", exposed_other),
    PV_COUNTER("exposed-net", exposed_net),
    PV_COUNTER("dma-after-unshare", dma_after_unshare),
    PV_COUNTER("hw-cipher-reads", hw_cipher_reads),
    PV_COUNTER("hw-write-stops", hw_write_stops),
    PV_COUNTER("fuzz-events", fuzz_events),
    PV_COUNTER("fuzz-mutations", fuzz_mutations),
};

static uint64_t pv_prng(S390PVTcgGuest *s)
{
    uint64_t x = s->fi_state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s->fi_state = x;
    return x;
}

/* Fault-injection properties changed: start counting calls afresh. */
void pv_tcg_fault_config_changed(S390PVTcgGuest *s)
{
    s->fi_calls = 0;
    s->busy_seen = 0;
    s->fi_state = s->fail_seed ? s->fail_seed : 1;
}

bool pv_tcg_inject_fault(S390PVTcgGuest *s, bool share)
{
    uint64_t n;

    if ((s->fail_cmd == PV_FAIL_SHARE && !share) ||
        (s->fail_cmd == PV_FAIL_UNSHARE && share)) {
        return false;
    }
    n = ++s->fi_calls;
    if (s->fail_nth && n == s->fail_nth) {
        return true;
    }
    if (s->fail_every && n % s->fail_every == 0) {
        return true;
    }
    return s->fail_percent && pv_prng(s) % 100 < s->fail_percent;
}

/*
 * Injected busy condition (busy-count): cc 2 before a share call executes,
 * busy-count times; the guest re-issues the same UVCB.
 */
bool pv_tcg_inject_busy(S390PVTcgGuest *s, uint16_t cmd)
{
    if ((cmd == UVC_CMD_SET_SHARED_ACCESS ||
         cmd == UVC_CMD_REMOVE_SHARED_ACCESS) && s->protected &&
        s->busy_seen < s->busy_count) {
        s->busy_seen++;
        s->cnt.uvc_busy++;
        return true;
    }
    s->busy_seen = 0;
    return false;
}

/*
 * A hostile host: with stray-indicators=on, a protected guest is refused
 * adapter interrupts (so it uses classic indicators, all 64 of which it
 * scans), and every virtio-ccw notification also sets an indicator bit
 * that belongs to no virtqueue.  The guest must ignore it.
 */
bool s390_pv_tcg_stray_indicators_on(void)
{
    S390PVTcgGuest *s = pv_tcg_model();

    return s && s->stray_indicators && qatomic_read(&s->protected);
}

bool s390_pv_tcg_stray_indicator(void)
{
    S390PVTcgGuest *s = pv_tcg_model();

    if (!s390_pv_tcg_stray_indicators_on()) {
        return false;
    }
    qatomic_inc(&s->cnt.stray_indicators);
    return true;
}

static const char *const pv_cmd_class_names[] = {
    "query", "share", "unshare", "attest", "secret", "other"
};

static unsigned int pv_cmd_class(uint16_t cmd)
{
    switch (cmd) {
    case UVC_CMD_QUI:
    case UVC_CMD_QUERY_KEYS:
        return 0;
    case UVC_CMD_SET_SHARED_ACCESS:
        return 1;
    case UVC_CMD_REMOVE_SHARED_ACCESS:
        return 2;
    case UVC_CMD_RETR_ATTEST:
        return 3;
    case UVC_CMD_ADD_SECRET:
    case UVC_CMD_LIST_SECRETS:
    case UVC_CMD_LOCK_SECRETS:
    case UVC_CMD_RETR_SECRET:
        return 4;
    default:
        return 5;
    }
}

void pv_tcg_count_rc(S390PVTcgGuest *s, uint16_t cmd, uint16_t rc)
{
    gpointer key = GUINT_TO_POINTER(pv_cmd_class(cmd) << 16 | rc);
    uint64_t n = GPOINTER_TO_SIZE(g_hash_table_lookup(s->rc_counts, key));

    g_hash_table_insert(s->rc_counts, key, GSIZE_TO_POINTER(n + 1));
}

static gint pv_compare_uint(gconstpointer a, gconstpointer b)
{
    guint x = GPOINTER_TO_UINT(a), y = GPOINTER_TO_UINT(b);

    return x < y ? -1 : x > y;
}

/*
 * One line with every counter (the test runner parses it), preceded by
 * one line per device that touched secure memory.
 */
void pv_tcg_print_summary(S390PVTcgGuest *s)
{
    g_autoptr(GString) line = g_string_new("s390-pv-guest:");
    GList *keys, *l;
    int i;

    pv_tcg_print_windows(s);

    g_string_append_printf(line, " protected=%d", s->protected);
    for (i = 0; i < ARRAY_SIZE(pv_counters); i++) {
        g_string_append_printf(line, " %s=%" PRIu64, pv_counters[i].name,
                               *(uint64_t *)((void *)&s->cnt +
                                             pv_counters[i].offset));
    }
    for (i = 0; i < S390_PV_FUZZ__MAX; i++) {
        g_string_append_printf(line, " fuzz-%s=%" PRIu64,
                               pv_tcg_fuzz_names[i], s->cnt.fuzz[i]);
    }
    keys = g_list_sort(g_hash_table_get_keys(s->rc_counts), pv_compare_uint);
    for (l = keys; l; l = l->next) {
        guint k = GPOINTER_TO_UINT(l->data);

        g_string_append_printf(line, " rc-%s-0x%04x=%" G_GSIZE_FORMAT,
                               pv_cmd_class_names[k >> 16], k & 0xffff,
                               GPOINTER_TO_SIZE(g_hash_table_lookup(
                                   s->rc_counts, l->data)));
    }
    g_list_free(keys);
    error_printf("%s\n", line->str);
}

void pv_tcg_counters_init(Object *obj)
{
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(obj);
    int i;

    for (i = 0; i < ARRAY_SIZE(pv_counters); i++) {
        object_property_add_uint64_ptr(obj, pv_counters[i].name,
                                       (void *)&s->cnt + pv_counters[i].offset,
                                       OBJ_PROP_FLAG_READ);
    }
    for (i = 0; i < S390_PV_FUZZ__MAX; i++) {
        g_autofree char *name = g_strdup_printf("fuzz-%s",
                                                pv_tcg_fuzz_names[i]);

        object_property_add_uint64_ptr(obj, name, &s->cnt.fuzz[i],
                                       OBJ_PROP_FLAG_READ);
    }
}

static int pv_get_fail_cmd(Object *obj, Error **errp)
{
    return S390_PV_TCG_GUEST(obj)->fail_cmd;
}

static void pv_set_fail_cmd(Object *obj, int value, Error **errp)
{
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(obj);

    s->fail_cmd = value;
    pv_tcg_fault_config_changed(s);
}

static const QEnumLookup pv_fail_cmd_lookup = {
    .array = pv_fail_cmd_names,
    .size = ARRAY_SIZE(pv_fail_cmd_names),
};

/* Integer fault-injection properties; writing one restarts the counting. */
static void pv_get_fault_prop(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(obj);
    uint64_t value;

    if (!strcmp(name, "fail-nth")) {
        value = s->fail_nth;
    } else if (!strcmp(name, "fail-every")) {
        value = s->fail_every;
    } else if (!strcmp(name, "fail-percent")) {
        value = s->fail_percent;
    } else if (!strcmp(name, "fail-seed")) {
        value = s->fail_seed;
    } else if (!strcmp(name, "fail-rc")) {
        value = s->fail_rc;
    } else {
        value = s->busy_count;
    }
    visit_type_uint64(v, name, &value, errp);
}

static void pv_set_fault_prop(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(obj);
    uint64_t value;

    if (!visit_type_uint64(v, name, &value, errp)) {
        return;
    }
    if (!strcmp(name, "fail-percent") && value > 100) {
        error_setg(errp, "fail-percent must be 0..100");
        return;
    }
    if (!strcmp(name, "fail-rc") && (value > 0xffff || value == 0)) {
        error_setg(errp, "fail-rc must be 1..0xffff");
        return;
    }
    if (strcmp(name, "fail-seed") && value > UINT32_MAX) {
        error_setg(errp, "%s is too large", name);
        return;
    }
    if (!strcmp(name, "fail-nth")) {
        s->fail_nth = value;
    } else if (!strcmp(name, "fail-every")) {
        s->fail_every = value;
    } else if (!strcmp(name, "fail-percent")) {
        s->fail_percent = value;
    } else if (!strcmp(name, "fail-seed")) {
        s->fail_seed = value;
    } else if (!strcmp(name, "fail-rc")) {
        s->fail_rc = value;
    } else {
        s->busy_count = value;
    }
    pv_tcg_fault_config_changed(s);
}

static bool pv_get_stray(Object *obj, Error **errp)
{
    return S390_PV_TCG_GUEST(obj)->stray_indicators;
}

static void pv_set_stray(Object *obj, bool value, Error **errp)
{
    S390_PV_TCG_GUEST(obj)->stray_indicators = value;
}

void pv_tcg_faults_class_init(ObjectClass *oc)
{
    static const struct {
        const char *name;
        const char *desc;
    } fault_props[] = {
        { "fail-nth", "Fail the Nth Set/Remove Shared Access call (0: off)" },
        { "fail-every", "Fail every Nth share/unshare call (0: off)" },
        { "fail-percent", "Fail this percentage of share/unshare calls" },
        { "fail-seed", "Seed of the generator behind fail-percent" },
        { "fail-rc", "Response code of an injected failure (0x10a)" },
        { "busy-count", "Answer busy (cc 2) this often before each call" },
    };
    int i;

    for (i = 0; i < ARRAY_SIZE(fault_props); i++) {
        object_class_property_add(oc, fault_props[i].name, "uint64",
                                  pv_get_fault_prop, pv_set_fault_prop,
                                  NULL, NULL);
        object_class_property_set_description(oc, fault_props[i].name,
                                              fault_props[i].desc);
    }
    object_class_property_add_enum(oc, "fail-cmd", "S390PVFailCmd",
                                   &pv_fail_cmd_lookup, pv_get_fail_cmd,
                                   pv_set_fail_cmd);
    object_class_property_set_description(oc, "fail-cmd",
        "Calls subject to fault injection: both (default), share, unshare");
    object_class_property_add_bool(oc, "stray-indicators", pv_get_stray,
                                   pv_set_stray);
    object_class_property_set_description(oc, "stray-indicators",
        "Hostile host: with each virtio-ccw notification, also set an "
        "indicator bit that belongs to no virtqueue");
}
