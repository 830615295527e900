// SPDX-License-Identifier: GPL-2.0
/*
 * Tiny freestanding library for the emulated-Ultravisor test payloads.
 */
#include <stdarg.h>
#include "lib.h"

extern char cmdline[];
extern void pgm_entry(void);
int main(void);

volatile int pgm_expected;
volatile int pgm_last;

void *memset(void *s, int c, size_t n)
{
	u8 *p = s;

	while (n--)
		*p++ = c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	u8 *dp = d;
	const u8 *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (u8)*a - (u8)*b;
		if (!*a)
			break;
	}
	return 0;
}

/* ---- SCLP VT220 console (write event data, event type 0x1a) ---- */

#define SCLP_CMD_WRITE_EVENT_MASK	0x00780005
#define SCLP_CMD_WRITE_EVENT_DATA	0x00760005
#define SCLP_EVENT_ASCII		0x1a
#define SCLP_MASK_ASCII			0x00000040

static u8 sccb[PAGE_SIZE] __aligned(PAGE_SIZE);

static int servc(u32 cmd, void *sccb_addr)
{
	int cc;

	asm volatile("	.insn	rre,0xb2200000,%[cmd],%[sccb]\n"
		     "	ipm	%[cc]\n"
		     "	srl	%[cc],28\n"
		     : [cc] "=d" (cc)
		     : [cmd] "d" ((u64)cmd), [sccb] "a" (sccb_addr)
		     : "memory", "cc");
	return cc;
}

static void sclp_setup(void)
{
	memset(sccb, 0, 32);
	*(u16 *)(sccb + 0) = 8 + 4 + 4 * 4;	/* length */
	*(u16 *)(sccb + 10) = 4;		/* mask length */
	*(u32 *)(sccb + 12) = SCLP_MASK_ASCII;	/* cp receive mask */
	*(u32 *)(sccb + 16) = SCLP_MASK_ASCII;	/* cp send mask */
	servc(SCLP_CMD_WRITE_EVENT_MASK, sccb);
}

static void sclp_write(const char *buf, int len)
{
	memset(sccb, 0, 16);
	*(u16 *)(sccb + 0) = 8 + 6 + len;
	*(u16 *)(sccb + 8) = 6 + len;		/* event buffer length */
	sccb[10] = SCLP_EVENT_ASCII;
	memcpy(sccb + 14, buf, len);
	servc(SCLP_CMD_WRITE_EVENT_DATA, sccb);
}

/* ---- printf ---- */

static char line[512];
static int line_len;

static void putc_buf(char c)
{
	if (line_len < (int)sizeof(line) - 2)
		line[line_len++] = c;
	if (c == '\n') {
		sclp_write(line, line_len);
		line_len = 0;
	}
}

static void put_num(u64 v, int base, int width, char pad, int neg)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	while (n < width--)
		putc_buf(pad);
	while (n)
		putc_buf(tmp[--n]);
}

static void vprintf_(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int width = 0, lng = 0;
		char pad = ' ';

		if (*fmt != '%') {
			putc_buf(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		while (*fmt == 'l')
			lng = 1, fmt++;
		switch (*fmt) {
		case 'd': {
			long v = lng ? va_arg(ap, long) : va_arg(ap, int);

			put_num(v < 0 ? -v : v, 10, width, pad, v < 0);
			break;
		}
		case 'u':
			put_num(lng ? va_arg(ap, u64) : va_arg(ap, u32), 10,
				width, pad, 0);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, u64) : va_arg(ap, u32), 16,
				width, pad, 0);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			while (*s)
				putc_buf(*s++);
			break;
		}
		case 'c':
			putc_buf(va_arg(ap, int));
			break;
		default:
			putc_buf(*fmt);
		}
	}
}

void printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf_(fmt, ap);
	va_end(ap);
}

/* ---- stop ---- */

void stop_all_cpus(void)
{
	u16 addr;

	asm volatile("stap %0" : "=Q" (addr));
	for (;;)
		asm volatile("	sigp	%%r0,%[addr],5\n"	/* stop */
			     : : [addr] "d" ((u64)addr) : "r0", "memory", "cc");
}

/* ---- TAP ---- */

static int tap_n, tap_planned, tap_failed;

void tap_plan(int n)
{
	tap_planned = n;
	printf("TAP version 13\n1..%d\n", n);
}

void tap_ok(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf_(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		tap_failed++;
}

void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("ok %d - ", ++tap_n);
	va_start(ap, fmt);
	vprintf_(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
}

void tap_done(void)
{
	if (tap_n != tap_planned)
		printf("# planned %d tests but ran %d\n", tap_planned, tap_n);
	printf("# %d failed\n", tap_failed);
	stop_all_cpus();
}

/* ---- -append parameters ---- */

static const char *param_find(const char *key)
{
	const char *p = cmdline;
	size_t klen = 0;

	while (key[klen])
		klen++;
	/* tokens are separated by blanks or commas (no quoting needed) */
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!strncmp(p, key, klen) && p[klen] == '=')
			return p + klen + 1;
		while (*p && *p != ' ' && *p != ',')
			p++;
	}
	return 0;
}

const char *param_str(const char *key, const char *def)
{
	const char *v = param_find(key);

	return v ? v : def;
}

int param_is(const char *key, const char *value, const char *def)
{
	const char *v = param_str(key, def);
	size_t n = 0;

	while (value[n])
		n++;
	return !strncmp(v, value, n) && (v[n] == 0 || v[n] == ' ' || v[n] == ',');
}

u64 param_num(const char *key, u64 def)
{
	const char *v = param_find(key);
	u64 n = 0;
	int base = 10;

	if (!v)
		return def;
	if (v[0] == '0' && v[1] == 'x')
		base = 16, v += 2;
	for (; *v && *v != ' ' && *v != ','; v++) {
		int d = *v >= 'a' ? *v - 'a' + 10 : *v - '0';

		n = n * base + d;
	}
	return n;
}

/* ---- program interruptions ---- */

#define PSW_MASK_PSTATE	0x0001000000000000UL
#define PSW_MASK_64	0x0000000180000000UL
#define PSW_MASK_KEY	0x00f0000000000000UL
#define LC_PGM_ILC	0x8c
#define LC_PGM_CODE	0x8e
#define LC_PGM_OLD_PSW	0x150
#define LC_PGM_NEW_PSW	0x1d0

void pgm_handler(void)
{
	u16 code = *(volatile u16 *)LC_PGM_CODE & 0x7f;
	u64 *old = (u64 *)LC_PGM_OLD_PSW;

	if (!pgm_expected) {
		printf("Bail out! unexpected program interruption 0x%x at 0x%lx\n",
		       code, old[1]);
		stop_all_cpus();
	}
	pgm_expected = 0;
	pgm_last = code;
	/*
	 * expected interruptions always return to supervisor state, key 0;
	 * the old PSW is written only then (a test may have low-address
	 * protection on)
	 */
	if (old[0] & (PSW_MASK_PSTATE | PSW_MASK_KEY))
		old[0] &= ~(PSW_MASK_PSTATE | PSW_MASK_KEY);
	/*
	 * nullifying access exceptions: skip the instruction (protection is
	 * suppressing or terminating: the old PSW is past it already)
	 */
	if (code == 0x10 || code == 0x11 || code == 0x3b)
		old[1] += *(volatile u16 *)LC_PGM_ILC & 0x6;
}

void enter_problem_state(void)
{
	static u64 psw[2] __aligned(8);

	psw[0] = PSW_MASK_64 | PSW_MASK_PSTATE;
	asm volatile("	larl	%%r1,0f\n"
		     "	stg	%%r1,8(%[p])\n"
		     "	lpswe	0(%[p])\n"
		     "0:\n" : : [p] "a" (psw) : "r1", "memory");
}

/* ---- facilities ---- */

static u64 facs[4] __aligned(8);

int test_facility(int nr)
{
	register u64 r0 asm("0") = 3;

	asm volatile("stfle %0" : "=Q" (facs), "+d" (r0) : : "memory", "cc");
	return (facs[nr / 64] >> (63 - nr % 64)) & 1;
}

/* ---- Ultravisor ---- */

int uv_query(struct uv_cb_qui *qui, u16 len)
{
	memset(qui, 0, sizeof(*qui));
	qui->header.len = len;
	qui->header.cmd = UVC_CMD_QUI;
	return uvc(qui);
}

static struct uv_cb_share share_cb;

int uv_share(u64 paddr, u16 cmd, u16 *rc)
{
	int cc;

	memset(&share_cb, 0, sizeof(share_cb));
	share_cb.header.len = sizeof(share_cb);
	share_cb.header.cmd = cmd;
	share_cb.paddr = paddr;
	cc = uvc(&share_cb);
	*rc = share_cb.header.rc;
	return cc;
}

int uv_share_retry(u64 paddr, u16 cmd, u16 *rc, int *busy)
{
	int cc;

	memset(&share_cb, 0, sizeof(share_cb));
	share_cb.header.len = sizeof(share_cb);
	share_cb.header.cmd = cmd;
	share_cb.paddr = paddr;
	*busy = 0;
	while ((cc = uvc(&share_cb)) > 1)
		(*busy)++;
	*rc = share_cb.header.rc;
	return cc;
}

/* ---- DIAGNOSE 0x308 ---- */

u64 diag308(u64 subcode, u64 addr)
{
	register u64 r2 asm("2") = addr;
	register u64 r3 asm("3") = 0;

	asm volatile("	diag	%[r2],%[subcode],0x308\n"
		     : [r2] "+d" (r2), "+d" (r3)
		     : [subcode] "d" (subcode)
		     : "memory", "cc");
	return r3;
}

/* ---- entry ---- */

void payload_start(void)
{
	u64 *psw;
	int i;

	/* every new PSW but the program one is a disabled wait */
	for (i = 0x1a0; i <= 0x1f0; i += 0x10) {
		psw = (u64 *)(u64)i;
		psw[0] = PSW_MASK_64 | 0x0002000000000000UL;
		psw[1] = 0xdead0000 | i;
	}
	psw = (u64 *)LC_PGM_NEW_PSW;
	psw[0] = PSW_MASK_64;
	psw[1] = (u64)pgm_entry;
	sclp_setup();
	main();
	tap_done();
}
