/*
 * Emulated Ultravisor (TCG): the model's state, shared by its files
 *
 * The model is the confidential-guest-support object of the machine
 * (-object s390-pv-guest,id=pv0 -machine confidential-guest-support=pv0);
 * pv_tcg_model() finds it there.  Each concern has its file in this
 * directory:
 *
 *   object.c   the QOM object, its properties, binding to the machine
 *   uvc.c      the UVC instruction: control block, Query, dispatch,
 *              the facilities the guest sees
 *   share.c    Set/Remove Shared Access, the secure/shared state, the
 *              checking address space of the devices
 *   reset.c    diag 308 in protected mode, IPL and resets
 *   keyless.c  the keyless guest: key instructions trap
 *   faults.c   fault injection, the hostile host, counters and summary
 *   fuzz.c     the fuzzing host: seeded mutations of host-controlled input
 *   attest.c   Query Ultravisor Keys, Retrieve Attestation Measurement
 *   secrets.c  the secret store: Add, List, Lock, Retrieve Secret
 *   crypto.c   host keys, key slots, sealed requests and the ciphers of
 *              IBM's Secure Execution formats
 *   unpack.c   diag 308 subcode 10: unpack and start an SE image
 *   exposure.c the exposure detector: planted canaries the host can read
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or (at
 * your option) any later version. See the COPYING file in the top-level
 * directory.
 */
#ifndef HW_S390X_PV_TCG_PV_TCG_H
#define HW_S390X_PV_TCG_PV_TCG_H

#include "qom/object.h"
#include "hw/boards.h"
#include "hw/s390x/s390-pv-tcg.h"

#define PV_PAGE_SHIFT 12
#define PV_PAGE_SIZE  (1ULL << PV_PAGE_SHIFT)

#define UVCB_HDR_LEN        8

/* Query block: today's full length, and the longest query-len accepts */
#define PV_QUERY_LEN_MIN    0x120
#define PV_QUERY_LEN_MAX    0x1000

/* what the secret store accepts (also reported by Query) */
#define SECRET_TYPE_ASSOCIATION 2
#define SECRET_TYPE_PLAIN   3
#define SECRET_TYPE_AES_128 4       /* 4-10: AES, AES-XTS, HMAC */
#define SECRET_TYPE_HMAC_512 0x0a
#define SECRET_TYPE_EC_P256 0x11    /* 0x11-0x15: EC private keys */
#define SECRET_TYPE_ED448   0x15
#define PV_SECRET_ID_LEN    32
#define PV_PHKH_LEN         32

/* IBM's Secure Execution formats (crypto.c, attestation.md) */
#define PV_MAX_HOST_KEYS    15      /* as many as Query Ultravisor Keys lists */
#define PV_EC_COORD_LEN     80      /* a coordinate of a customer key */
#define PV_EC_PUB_LEN       (2 * PV_EC_COORD_LEN)
#define PV_KEY_SLOT_LEN     80      /* PHKH, wrapped key, tag */
#define PV_PROT_KEY_LEN     32      /* what a key slot wraps */
#define PV_GCM_IV_LEN       12
#define PV_GCM_TAG_LEN      16
#define PV_DIGEST_LEN       64      /* SHA-512: PLD, ALD, TLD */
#define PV_XTS_KEY_LEN      64
#define PV_CCK_LEN          32
/*
 * SE header flags unpack accepts (Query 0xb8): plaintext control flags
 * dump, no component encryption, PCKMO (4 bits), backup host keys; no
 * secret control flag.
 */
#define PV_SE_PCF_SUPPORTED ((3ULL << (63 - 35)) | 0xf0 | 0x02)
#define PV_SE_SCF_CCK_EXT   (1ULL << (63 - 1))
#define PV_SE_SCF_SUPPORTED PV_SE_SCF_CCK_EXT

/*
 * Requests (ARCB, add-secret request) share a header: version, length,
 * IV, number of key slots, size of the encrypted area; the encrypted area
 * comes last but for the tag, and everything before it is the AAD.
 */
#define RCB_VERSION         0x08
#define RCB_VERSION_1       0x0100
#define RCB_LENGTH          0x0c
#define RCB_IV              0x10
#define RCB_NKS             0x27
#define RCB_SEA             0x2c
#define RCB_HDR_LEN         0x30
#define RCB_MAX_LEN         (1024 * 1024)
/* add-secret request flags (Query 0x100): disable host-initiated dump */
#define ASRCB_FLAG_NO_DUMP  (1ULL << 63)
#define ASRCB_FLAGS_SUPPORTED ASRCB_FLAG_NO_DUMP
/* store sizes (properties max-assoc-secrets, max-retr-secrets) */
#define PV_MAX_ASSOC_DEFAULT 8
#define PV_MAX_RETR_DEFAULT 120
#define PV_MAX_STORE        4096

/* attestation flags the model supports (plaintext flags of the ARCB) */
#define PAF_NONCE           (1ULL << (63 - 1))
#define PAF_IMAGE_PHKH      (1ULL << (63 - 2))
#define PAF_ATTEST_PHKH     (1ULL << (63 - 3))
#define PAF_STORE_HASH      (1ULL << (63 - 4))
#define PAF_SUPPORTED       (PAF_NONCE | PAF_IMAGE_PHKH | PAF_ATTEST_PHKH | \
                             PAF_STORE_HASH)

/* Installed-call bits (MSB0) of the guest's Query list. */
#define UV_BIT_QUI                  0
#define UV_BIT_SET_SHARED_ACCESS    8
#define UV_BIT_REMOVE_SHARED_ACCESS 9
#define UV_BIT_RETR_ATTEST          28
#define UV_BIT_ADD_SECRET           29
#define UV_BIT_LIST_SECRETS         30
#define UV_BIT_LOCK_SECRETS         31
#define UV_BIT_RETR_SECRET          33
#define UV_BIT_QUERY_KEYS           34

/* An installed-call bit in the first doubleword of the list (MSB0). */
static inline uint64_t uv_call_bit(unsigned int nr)
{
    return 1ULL << (63 - nr);
}

OBJECT_DECLARE_SIMPLE_TYPE(S390PVTcgGuest, S390_PV_TCG_GUEST)

/* What happens to a device access that hits a secure page. */
typedef enum PVMode {
    PV_MODE_AUDIT,  /* count and log, let it through */
    PV_MODE_DENY,   /* the access fails (MEMTX error) */
    PV_MODE_ABORT,  /* report and terminate QEMU */
    /* what a real machine does (default): reads see ciphertext, writes stop */
    PV_MODE_HARDWARE,
} PVMode;

extern const char *const pv_tcg_mode_names[];

/* Which share calls fault injection applies to. */
typedef enum PVFailCmd {
    PV_FAIL_BOTH,
    PV_FAIL_SHARE,
    PV_FAIL_UNSHARE,
} PVFailCmd;

/* Counters, readable with qom-get and printed at exit (faults.c) */
typedef struct S390PVCounters {
    uint64_t uvc_query;
    uint64_t uvc_share;
    uint64_t uvc_unshare;
    uint64_t uvc_other;
    uint64_t uvc_errors;
    uint64_t share_redundant;
    uint64_t unshare_redundant;
    uint64_t shared_now;
    uint64_t shared_peak;
    uint64_t stale_bytes;
    uint64_t violations;
    uint64_t violations_read;
    uint64_t violations_write;
    uint64_t violation_pages;
    uint64_t key_traps;
    uint64_t diag308_refused;
    uint64_t unshare_all;
    uint64_t memory_clears;
    uint64_t uvc_busy;
    uint64_t faults_injected;
    uint64_t stray_indicators;
    uint64_t shared_at_reset;
    uint64_t uvc_attest;
    uint64_t uvc_secret;
    uint64_t uvc_query_keys;
    uint64_t se_unpacks;
    uint64_t se_refused;
    uint64_t exposed_pages;
    uint64_t exposed_bytes;
    uint64_t exposure_hits;
    uint64_t exposed_pool;
    uint64_t exposed_coherent;
    uint64_t exposed_other;
    uint64_t exposed_net;       /* hits as a network device reads a page */
    uint64_t dma_after_unshare;
    uint64_t hw_cipher_reads;
    uint64_t hw_write_stops;
    uint64_t fuzz_events;       /* events of the selected classes seen */
    uint64_t fuzz_mutations;
    uint64_t fuzz[S390_PV_FUZZ__MAX];  /* mutations per class */
} S390PVCounters;

/* A planted secret the exposure detector looks for (canary=HEX) */
#define PV_MAX_CANARIES     4
#define PV_CANARY_MAX       64
typedef struct PVCanary {
    uint8_t bytes[PV_CANARY_MAX];
    size_t len;
} PVCanary;

/*
 * An entry of the secret store.  @len is what List reports and Retrieve
 * returns: the value of a plain secret, a key wrapped for this
 * configuration (the clear key and a verification pattern) otherwise.
 */
typedef struct PVSecret {
    uint16_t type;
    uint32_t len;
    uint8_t id[PV_SECRET_ID_LEN];
    uint8_t *value;             /* the clear secret, value_len bytes */
    uint32_t value_len;
} PVSecret;

/* A host key pair and its public host-key hash */
typedef struct PVHostKey {
    struct evp_pkey_st *pkey;
    uint8_t phkh[PV_PHKH_LEN];
} PVHostKey;

/*
 * What the Ultravisor keeps of the SE header of the running configuration
 * (attestation measures it, add-secret requests are bound to it); all
 * zero in a configuration that start-protected=on made.
 */
typedef struct PVImage {
    uint8_t pld[PV_DIGEST_LEN];
    uint8_t ald[PV_DIGEST_LEN];
    uint8_t tld[PV_DIGEST_LEN];
    uint8_t tag[PV_GCM_TAG_LEN];
    uint8_t phkh[PV_PHKH_LEN];  /* the host key that opened the header */
    uint8_t cck[PV_CCK_LEN];
    uint64_t pcf;
    uint64_t scf;
} PVImage;

typedef enum PVUnsealResult {
    PV_UNSEAL_OK,
    PV_UNSEAL_NO_SLOT,          /* no slot names a host key and opens */
    PV_UNSEAL_BAD_CUSTOMER_KEY, /* not a point of P-521 */
} PVUnsealResult;

struct S390PVTcgGuest {
    ConfidentialGuestSupport parent_obj;

    /* configuration (properties) */
    bool start_protected;
    bool query_drop_share;
    bool query_drop_unshare;
    bool query_drop_attest;
    bool query_drop_secrets;
    bool query_drop_retrieve;
    bool query_drop_keys;
    bool stray_indicators;
    uint16_t max_assoc_secrets; /* store sizes */
    uint16_t max_retr_secrets;
    PVMode mode;
    uint16_t query_len;         /* full length of the Query block */
    PVCanary canary[PV_MAX_CANARIES];
    unsigned int nr_canaries;
    PVHostKey host_keys[PV_MAX_HOST_KEYS];
    unsigned int nr_host_keys;
    char *host_key_paths;

    /* fault injection for Set/Remove Shared Access */
    uint32_t fail_nth;
    uint32_t fail_every;
    uint32_t fail_percent;
    uint64_t fail_seed;
    uint16_t fail_rc;
    PVFailCmd fail_cmd;
    uint32_t busy_count;
    uint64_t fi_calls;          /* calls seen since the last configuration */
    uint64_t fi_state;          /* xorshift64 state */
    uint32_t busy_seen;         /* busy answers given for the current call */

    /* the fuzzing host (fuzz.c) */
    bool fuzz;
    bool fuzz_log;
    uint64_t fuzz_seed;
    uint32_t fuzz_rate;         /* events mutated in 10000 */
    uint32_t fuzz_classes;      /* 1 << S390PVFuzzClass */
    uint64_t fuzz_events[S390_PV_FUZZ__MAX];
    Notifier exit_notifier;
    Error *migration_blocker;

    /* state */
    bool protected;
    uint64_t ram_size;
    uint64_t nr_pages;
    uint8_t *ram_ptr;
    unsigned long *shared;      /* one bit per 4 KiB page of guest RAM */
    unsigned long *reported;    /* pages with a logged violation */
    unsigned long *exposed;     /* pages counted by the exposure detector */
    unsigned long *was_shared;  /* shared since the last reset */
    GHashTable *windows;        /* owner Object * -> PVDmaWindow * */
    MemoryRegion cipher_mr;     /* mode=hardware: what devices see of */
    AddressSpace cipher_as;     /* secure pages (one page per guest page) */
    QEMUBH *stop_bh;            /* mode=hardware: stop after a bad write */
    uint8_t cipher_key[16];
    uint8_t config_uid[16];     /* reported by attestation */
    PVImage image;              /* of the running configuration */
    PVSecret *secrets;          /* max_assoc + max_retr entries */
    unsigned int nr_secrets;
    unsigned int nr_assoc;      /* association secrets among them */
    bool secrets_locked;
    GByteArray *store_tags;     /* tags of the successful add-secret requests */
    bool ext_secret_set;        /* the first add request fixed it */
    uint8_t ext_secret[32];
    uint8_t wrap_key[32];       /* wraps retrieved keys, per configuration */
    int start_r1;               /* R1 of the last diag 308 subcode 10 */

    S390PVCounters cnt;
    GHashTable *rc_counts;      /* (class << 16 | rc) -> count */
};

/*
 * The machine's confidential-guest-support object if it is this model
 * and bound (s390_pv_tcg_init() ran), else NULL.
 */
static inline S390PVTcgGuest *pv_tcg_model(void)
{
    ConfidentialGuestSupport *cgs = current_machine ? current_machine->cgs
                                                    : NULL;

    if (!cgs || !cgs->ready) {
        return NULL;
    }
    return (S390PVTcgGuest *)object_dynamic_cast(OBJECT(cgs),
                                                 TYPE_S390_PV_TCG_GUEST);
}

/* uvc.c */
uint64_t pv_tcg_installed_calls(S390PVTcgGuest *s);
int pv_tcg_uvcb_rw(CPUS390XState *env, uint64_t addr, void *buf, int len,
                   bool is_write);
int pv_tcg_arg_rw(CPUS390XState *env, uint64_t addr, void *buf, int len,
                  bool is_write);

/* share.c */
int pv_tcg_uvc_share(S390PVTcgGuest *s, CPUS390XState *env, uint64_t addr,
                     uint16_t cmd, uint16_t len, uint16_t *rc, uintptr_t ra);
void pv_tcg_unshare_all(S390PVTcgGuest *s);
uint64_t pv_tcg_count_nonzero(const uint8_t *p, size_t len);
bool pv_tcg_hardware_init(S390PVTcgGuest *s, Error **errp);
void pv_tcg_print_windows(S390PVTcgGuest *s);

/* fuzz.c */
extern const char *const pv_tcg_fuzz_names[S390_PV_FUZZ__MAX];
bool pv_tcg_fuzz_uvc_answer(S390PVTcgGuest *s, int *cc, uint16_t *rc,
                            uint16_t *rrc);
void pv_tcg_fuzz_instance_init(S390PVTcgGuest *s);
void pv_tcg_fuzz_class_init(ObjectClass *oc);

/* object.c */
char **pv_tcg_prop_list(const char *value, unsigned int max,
                        const char *prop, Error **errp);

/* exposure.c */
bool pv_tcg_canary_parse(S390PVTcgGuest *s, const char *str, Error **errp);
bool pv_tcg_exposure_scan(S390PVTcgGuest *s, uint64_t pfn,
                          const char *channel);
uint64_t pv_tcg_exposure_scan_shared(S390PVTcgGuest *s, const char *channel);

/* faults.c */
bool pv_tcg_inject_fault(S390PVTcgGuest *s, bool share);
bool pv_tcg_inject_busy(S390PVTcgGuest *s, uint16_t cmd);
void pv_tcg_fault_config_changed(S390PVTcgGuest *s);
void pv_tcg_faults_class_init(ObjectClass *oc);
void pv_tcg_counters_init(Object *obj);
void pv_tcg_count_rc(S390PVTcgGuest *s, uint16_t cmd, uint16_t rc);
void pv_tcg_print_summary(S390PVTcgGuest *s);

/* crypto.c */
bool pv_tcg_host_keys_set(S390PVTcgGuest *s, const char *paths, Error **errp);
void pv_tcg_host_keys_free(S390PVTcgGuest *s);
/*
 * Find a key slot of @nks at @slots for a host key of the model and
 * unwrap it with the customer key @cust_pub: the protection key to @key,
 * the host key that opened it to @used (may be NULL).
 */
PVUnsealResult pv_tcg_unseal(S390PVTcgGuest *s, const uint8_t *cust_pub,
                             const uint8_t *slots, unsigned int nks,
                             uint8_t *key, const PVHostKey **used);
/* AES-256-GCM: @len bytes of @in to @out if @tag matches (else zeros) */
bool pv_tcg_gcm_open(const uint8_t *key, const uint8_t *iv,
                     const uint8_t *aad, size_t aad_len,
                     const uint8_t *in, size_t len, const uint8_t *tag,
                     uint8_t *out);
/*
 * Open a request of @len bytes at @req whose customer key is at
 * @cust_pub and @nks key slots at @slots: the @sea bytes of its encrypted
 * area in clear to @plain if a slot is for a host key and the tag
 * matches.
 */
bool pv_tcg_request_open(S390PVTcgGuest *s, const uint8_t *req, uint32_t len,
                         uint32_t cust_pub, uint32_t slots, uint32_t nks,
                         uint32_t sea, uint8_t *plain, const PVHostKey **used);
/* HKDF-SHA512 of @ikm with @salt and the text @info: @out_len bytes */
bool pv_tcg_hkdf_sha512(const uint8_t *ikm, size_t ikm_len,
                        const uint8_t *salt, size_t salt_len,
                        const char *info, uint8_t *out, size_t out_len);
/* AES-256-XTS with a 64-byte key and a 16-byte tweak */
bool pv_tcg_xts_decrypt(const uint8_t *key, const uint8_t *tweak,
                        const uint8_t *in, uint8_t *out, size_t len);

/* attest.c */
int pv_tcg_uvc_query_keys(S390PVTcgGuest *s, CPUS390XState *env,
                          uint64_t addr, uint16_t len, uint16_t *rc,
                          uintptr_t ra);
int pv_tcg_uvc_attest(S390PVTcgGuest *s, CPUS390XState *env, uint64_t addr,
                      uint16_t len, uint16_t *rc, uintptr_t ra);

/* secrets.c */
/* SHA-512 over the store's add-request tags and its lock state (64 bytes) */
void pv_tcg_store_hash(S390PVTcgGuest *s, uint8_t *out);
int pv_tcg_uvc_secret(S390PVTcgGuest *s, CPUS390XState *env, uint64_t addr,
                      uint16_t cmd, uint16_t len, uint16_t *rc, uintptr_t ra);
void pv_tcg_config_clear(S390PVTcgGuest *s);
void pv_tcg_secrets_init(S390PVTcgGuest *s);
void pv_tcg_secrets_free(S390PVTcgGuest *s);

#endif
