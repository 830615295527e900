/*
 * Emulated Ultravisor (TCG): the s390-pv-guest object
 *
 * Without KVM there is no Ultravisor: this object is a software model of
 * its guest-visible part, so that protected guests can run under TCG.
 * It is the machine's confidential-guest-support object:
 *
 *   -object s390-pv-guest,id=pv0[,start-protected=on,...]
 *   -machine s390-ccw-virtio,confidential-guest-support=pv0
 *
 * The machine binds it at init (the class's kvm_init hook, which the
 * s390-ccw machine calls whatever the accelerator), sizing the page state
 * by guest RAM.  With KVM compiled in, target/s390x/kvm/pv.c owns the
 * type name and this model is not built in.  While the model is active
 * migration is blocked: none of its state is migrated.
 *
 * Properties: start-protected, query-drop-share, query-drop-unshare,
 * query-drop-attest, query-drop-secrets, query-drop-retrieve,
 * query-drop-keys, query-len, max-assoc-secrets, max-retr-secrets, mode,
 * canary, host-key, protected and exposed-now (read-only);
 * fault injection and the stray-indicator host in faults.c, the
 * fuzzing host (fuzz, fuzz-seed, fuzz-rate, fuzz-class, fuzz-log) in
 * fuzz.c; every counter (read-only) from faults.c.
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */

#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "qemu/error-report.h"
#include "qemu/guest-random.h"
#include "qapi/error.h"
#include "qapi/util.h"
#include "qapi/visitor.h"
#include "qom/object_interfaces.h"
#include "migration/blocker.h"
#include "system/system.h"
#include "hw/boards.h"
#include "hw/s390x/s390-pv-tcg.h"
#include "pv-tcg.h"

static void pv_exit_notify(Notifier *n, void *data)
{
    S390PVTcgGuest *s = container_of(n, S390PVTcgGuest, exit_notifier);

    pv_tcg_exposure_scan_shared(s, "exit");
    pv_tcg_print_summary(s);
}

/* ConfidentialGuestSupportClass::kvm_init: bind the model to the machine */
static int s390_pv_tcg_init(ConfidentialGuestSupport *cgs, Error **errp)
{
    MachineState *ms = MACHINE(qdev_get_machine());
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(cgs);

    if (!ms->ram) {
        error_setg(errp, TYPE_S390_PV_TCG_GUEST ": the machine has no RAM");
        return -1;
    }
    error_setg(&s->migration_blocker,
               TYPE_S390_PV_TCG_GUEST ": the emulated Ultravisor's state "
               "is not migrated");
    if (migrate_add_blocker(&s->migration_blocker, errp) < 0) {
        return -1;
    }
    s->ram_size = ms->ram_size;
    s->nr_pages = DIV_ROUND_UP(ms->ram_size, PV_PAGE_SIZE);
    s->ram_ptr = memory_region_get_ram_ptr(ms->ram);
    s->shared = bitmap_new(s->nr_pages);
    s->reported = bitmap_new(s->nr_pages);
    s->exposed = bitmap_new(s->nr_pages);
    s->was_shared = bitmap_new(s->nr_pages);
    s->windows = g_hash_table_new(NULL, NULL);
    s->rc_counts = g_hash_table_new(NULL, NULL);
    pv_tcg_fault_config_changed(s);
    pv_tcg_secrets_init(s);
    if (!pv_tcg_hardware_init(s, errp)) {
        return -1;
    }
    s->exit_notifier.notify = pv_exit_notify;
    qemu_add_exit_notifier(&s->exit_notifier);
    cgs->ready = true;
    return 0;
}

/* Boolean configuration properties: one accessor, the field by offset. */
static const struct {
    const char *name;
    size_t offset;
    const char *desc;
} pv_bool_props[] = {
    { "start-protected", offsetof(S390PVTcgGuest, start_protected),
      "Boot -kernel in protected mode, all memory secure after each IPL" },
    { "query-drop-share", offsetof(S390PVTcgGuest, query_drop_share),
      "Do not offer Set Shared Access (Query bit 8, command 0x1000)" },
    { "query-drop-unshare", offsetof(S390PVTcgGuest, query_drop_unshare),
      "Do not offer Remove Shared Access (Query bit 9, command 0x1001)" },
    { "query-drop-attest", offsetof(S390PVTcgGuest, query_drop_attest),
      "Do not offer Retrieve Attestation Measurement (bit 28, 0x1020)" },
    { "query-drop-secrets", offsetof(S390PVTcgGuest, query_drop_secrets),
      "Do not offer the secret store: Add, List, Lock, Retrieve Secret "
      "(bits 29-31, 33)" },
    { "query-drop-retrieve", offsetof(S390PVTcgGuest, query_drop_retrieve),
      "Do not offer Retrieve Secret (bit 33, command 0x1035)" },
    { "query-drop-keys", offsetof(S390PVTcgGuest, query_drop_keys),
      "Do not offer Query Ultravisor Keys (bit 34, command 0x0002)" },
};

static void pv_get_bool(Object *obj, Visitor *v, const char *name,
                        void *opaque, Error **errp)
{
    bool *field = (void *)obj + (uintptr_t)opaque;

    visit_type_bool(v, name, field, errp);
}

static void pv_set_bool(Object *obj, Visitor *v, const char *name,
                        void *opaque, Error **errp)
{
    bool *field = (void *)obj + (uintptr_t)opaque;
    bool value;

    if (visit_type_bool(v, name, &value, errp)) {
        *field = value;
    }
}

static int pv_get_mode(Object *obj, Error **errp)
{
    return S390_PV_TCG_GUEST(obj)->mode;
}

static void pv_set_mode(Object *obj, int value, Error **errp)
{
    S390_PV_TCG_GUEST(obj)->mode = value;
}

static const QEnumLookup pv_mode_lookup = {
    .array = pv_tcg_mode_names,
    .size = PV_MODE_HARDWARE + 1,
};

static char *pv_get_canary(Object *obj, Error **errp)
{
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(obj);
    GString *str = g_string_new("");
    unsigned int i;
    size_t j;

    for (i = 0; i < s->nr_canaries; i++) {
        if (i) {
            g_string_append_c(str, ':');
        }
        for (j = 0; j < s->canary[i].len; j++) {
            g_string_append_printf(str, "%02x", s->canary[i].bytes[j]);
        }
    }
    return g_string_free(str, false);
}

/*
 * The items of a list property ("A:B:..."), empty ones dropped: NULL with
 * @errp set if there are more than @max.
 */
char **pv_tcg_prop_list(const char *value, unsigned int max,
                        const char *prop, Error **errp)
{
    g_auto(GStrv) parts = g_strsplit(value, ":", -1);
    GPtrArray *items = g_ptr_array_new();
    unsigned int i;

    for (i = 0; parts[i]; i++) {
        if (*parts[i]) {
            g_ptr_array_add(items, g_strdup(parts[i]));
        }
    }
    if (items->len > max) {
        error_setg(errp, "%s: at most %u items", prop, max);
        g_ptr_array_free(items, true);
        return NULL;
    }
    g_ptr_array_add(items, NULL);
    return (char **)g_ptr_array_free(items, false);
}

static void pv_set_canary(Object *obj, const char *value, Error **errp)
{
    pv_tcg_canary_parse(S390_PV_TCG_GUEST(obj), value, errp);
}

/* Reading exposed-now scans every shared page for the canaries. */
static void pv_get_exposed_now(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(obj);
    uint64_t n = pv_tcg_exposure_scan_shared(s, "qmp");

    visit_type_uint64(v, name, &n, errp);
}

static void pv_get_query_len(Object *obj, Visitor *v, const char *name,
                             void *opaque, Error **errp)
{
    visit_type_uint16(v, name, &S390_PV_TCG_GUEST(obj)->query_len, errp);
}

/* A newer Ultravisor answers with a longer Query block. */
static void pv_set_query_len(Object *obj, Visitor *v, const char *name,
                             void *opaque, Error **errp)
{
    uint16_t value;

    if (!visit_type_uint16(v, name, &value, errp)) {
        return;
    }
    if (value < PV_QUERY_LEN_MIN || value > PV_QUERY_LEN_MAX || value % 8) {
        error_setg(errp, "query-len must be a multiple of 8 from 0x%x to "
                   "0x%x", PV_QUERY_LEN_MIN, PV_QUERY_LEN_MAX);
        return;
    }
    S390_PV_TCG_GUEST(obj)->query_len = value;
}

/* Store sizes: association and retrievable secrets, one property each */
static void pv_get_store_size(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    uint16_t *field = (void *)obj + (uintptr_t)opaque;

    visit_type_uint16(v, name, field, errp);
}

static void pv_set_store_size(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(obj);
    uint16_t *field = (void *)obj + (uintptr_t)opaque;
    uint16_t value;

    if (!visit_type_uint16(v, name, &value, errp)) {
        return;
    }
    if (s->secrets) {
        error_setg(errp, "%s cannot change once the machine is up", name);
        return;
    }
    if (value > PV_MAX_STORE / 2) {
        error_setg(errp, "%s must be at most %d", name, PV_MAX_STORE / 2);
        return;
    }
    *field = value;
}

static char *pv_get_host_key(Object *obj, Error **errp)
{
    return g_strdup(S390_PV_TCG_GUEST(obj)->host_key_paths ?: "");
}

static void pv_set_host_key(Object *obj, const char *value, Error **errp)
{
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(obj);

    if (pv_tcg_host_keys_set(s, value, errp)) {
        g_free(s->host_key_paths);
        s->host_key_paths = g_strdup(value);
    }
}

static bool pv_get_protected(Object *obj, Error **errp)
{
    return S390_PV_TCG_GUEST(obj)->protected;
}

static void s390_pv_tcg_guest_init(Object *obj)
{
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(obj);

    s->fail_rc = UVC_RC_FAULT_INJECTED;
    s->query_len = PV_QUERY_LEN_MIN;
    s->max_assoc_secrets = PV_MAX_ASSOC_DEFAULT;
    s->max_retr_secrets = PV_MAX_RETR_DEFAULT;
    s->mode = PV_MODE_HARDWARE;
    s->fail_seed = 1;
    pv_tcg_fuzz_instance_init(s);
    pv_tcg_counters_init(obj);
}

static void s390_pv_tcg_guest_finalize(Object *obj)
{
    S390PVTcgGuest *s = S390_PV_TCG_GUEST(obj);

    if (s->exit_notifier.notify) {
        qemu_remove_exit_notifier(&s->exit_notifier);
    }
    migrate_del_blocker(&s->migration_blocker);
    g_free(s->shared);
    g_free(s->reported);
    g_free(s->exposed);
    g_free(s->was_shared);
    pv_tcg_secrets_free(s);
    pv_tcg_host_keys_free(s);
    g_free(s->host_key_paths);
    if (s->rc_counts) {
        g_hash_table_destroy(s->rc_counts);
    }
}

static void s390_pv_tcg_guest_class_init(ObjectClass *oc, void *data)
{
    ConfidentialGuestSupportClass *cgsc = CONFIDENTIAL_GUEST_SUPPORT_CLASS(oc);
    int i;

    cgsc->kvm_init = s390_pv_tcg_init;

    for (i = 0; i < ARRAY_SIZE(pv_bool_props); i++) {
        object_class_property_add(oc, pv_bool_props[i].name, "bool",
                                  pv_get_bool, pv_set_bool, NULL,
                                  (void *)(uintptr_t)pv_bool_props[i].offset);
        object_class_property_set_description(oc, pv_bool_props[i].name,
                                              pv_bool_props[i].desc);
    }
    object_class_property_add_bool(oc, "protected", pv_get_protected, NULL);
    object_class_property_set_description(oc, "protected",
        "Whether the guest is in protected mode now (read-only)");
    object_class_property_add_enum(oc, "mode", "S390PVMode", &pv_mode_lookup,
                                   pv_get_mode, pv_set_mode);
    object_class_property_set_description(oc, "mode",
        "Device access to a secure page: hardware (default: a read sees "
        "ciphertext, a write stops the guest), audit, deny or abort");
    object_class_property_add_str(oc, "canary", pv_get_canary,
                                  pv_set_canary);
    object_class_property_set_description(oc, "canary",
        "Planted secrets to look for where the host can read: HEX[:HEX...]");
    object_class_property_add_str(oc, "host-key", pv_get_host_key,
                                  pv_set_host_key);
    object_class_property_set_description(oc, "host-key",
        "EC P-521 host key pairs (PEM private keys): FILE[:FILE...]");
    object_class_property_add(oc, "exposed-now", "uint64",
                              pv_get_exposed_now, NULL, NULL, NULL);
    object_class_property_set_description(oc, "exposed-now",
        "Scan the shared pages now: how many hold a canary (read-only)");
    object_class_property_add(oc, "query-len", "uint16", pv_get_query_len,
                              pv_set_query_len, NULL, NULL);
    object_class_property_set_description(oc, "query-len",
        "Full length of the Query block (0x120; a newer Ultravisor's is "
        "longer)");
    object_class_property_add(oc, "max-assoc-secrets", "uint16",
                              pv_get_store_size, pv_set_store_size, NULL,
                              (void *)offsetof(S390PVTcgGuest,
                                               max_assoc_secrets));
    object_class_property_set_description(oc, "max-assoc-secrets",
        "Association secrets the store holds (8)");
    object_class_property_add(oc, "max-retr-secrets", "uint16",
                              pv_get_store_size, pv_set_store_size, NULL,
                              (void *)offsetof(S390PVTcgGuest,
                                               max_retr_secrets));
    object_class_property_set_description(oc, "max-retr-secrets",
        "Retrievable secrets (plain and keys) the store holds (120)");
    pv_tcg_faults_class_init(oc);
    pv_tcg_fuzz_class_init(oc);
}

static const TypeInfo s390_pv_tcg_guest_info = {
    .name = TYPE_S390_PV_TCG_GUEST,
    .parent = TYPE_CONFIDENTIAL_GUEST_SUPPORT,
    .instance_size = sizeof(S390PVTcgGuest),
    .instance_init = s390_pv_tcg_guest_init,
    .instance_finalize = s390_pv_tcg_guest_finalize,
    .class_init = s390_pv_tcg_guest_class_init,
    .interfaces = (InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void s390_pv_tcg_register_types(void)
{
    type_register_static(&s390_pv_tcg_guest_info);
}

type_init(s390_pv_tcg_register_types)
