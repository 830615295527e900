/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny freestanding library for the emulated-Ultravisor test payloads:
 * SCLP console, TAP output, program-interruption catching, UV calls.
 */
#ifndef PVM_TEST_LIB_H
#define PVM_TEST_LIB_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef unsigned long size_t;

#define PAGE_SIZE 4096UL
#define __aligned(x) __attribute__((aligned(x)))
#define barrier() asm volatile("" ::: "memory")

/* program-interruption codes */
#define PGM_OPERATION		0x01
#define PGM_PRIVILEGED		0x02
#define PGM_PROTECTION		0x04
#define PGM_ADDRESSING		0x05
#define PGM_SPECIFICATION	0x06
#define PGM_SPECIAL_OP		0x13

/* Ultravisor */
#define UVC_CMD_QUI		0x0001
#define UVC_CMD_SET_SHARED	0x1000
#define UVC_CMD_REMOVE_SHARED	0x1001

struct uv_cb_header {
	u16 len;
	u16 cmd;
	u16 rc;
	u16 rrc;
} __attribute__((packed, aligned(8)));

struct uv_cb_qui {
	struct uv_cb_header header;
	u64 reserved08;
	u64 inst_calls_list[4];
	u8 rest[0x120 - 0x30];
} __attribute__((packed, aligned(8)));

struct uv_cb_share {
	struct uv_cb_header header;
	u64 reserved08[3];
	u64 paddr;
	u64 reserved28;
} __attribute__((packed, aligned(8)));

void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int strncmp(const char *a, const char *b, size_t n);

void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void stop_all_cpus(void) __attribute__((noreturn));

/* TAP */
void tap_plan(int n);
void tap_ok(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_skip(const char *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tap_done(void) __attribute__((noreturn));

/* -append parsing: "key=value" tokens; returns default if absent */
const char *param_str(const char *key, const char *def);
u64 param_num(const char *key, u64 def);
int param_is(const char *key, const char *value, const char *def);

/* program interruptions */
extern volatile int pgm_expected;
extern volatile int pgm_last;
static inline void expect_pgm(void)
{
	pgm_last = 0;
	pgm_expected = 1;
	barrier();
}
static inline int check_pgm(void)
{
	int code;

	barrier();
	code = pgm_last;
	pgm_expected = 0;
	pgm_last = 0;
	return code;
}
void enter_problem_state(void);

/* facilities */
int test_facility(int nr);

/* UV calls: cc, with a dirty condition code before the instruction */
static inline int uvc(void *cb)
{
	int cc;

	asm volatile("	llilh	%%r0,0x3000\n"	/* cc 3 before the UVC */
		     "	spm	%%r0\n"
		     "	.insn	rrf,0xB9A40000,%[r1],%[r2],0,0\n"
		     "	ipm	%[cc]\n"
		     "	srl	%[cc],28\n"
		     : [cc] "=&d" (cc)
		     : [r1] "d" (0UL), [r2] "a" (cb)
		     : "r0", "memory", "cc");
	return cc;
}

/* DIAGNOSE 0x308 with the address in R1 (r2): returns R1 + 1 (r3) */
u64 diag308(u64 subcode, u64 addr);

int uv_share(u64 paddr, u16 cmd, u16 *rc);	/* single attempt */
int uv_share_retry(u64 paddr, u16 cmd, u16 *rc, int *busy);
int uv_query(struct uv_cb_qui *qui, u16 len);

#endif
