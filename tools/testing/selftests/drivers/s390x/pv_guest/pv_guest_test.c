// SPDX-License-Identifier: GPL-2.0
/*
 * Protected virtualization guest detection, seen from user space.
 *
 * The kernel reports its mode in /sys/firmware/uv/prot_virt_guest and the
 * Ultravisor's Query data in /sys/firmware/uv/query/. The environment tells
 * the suite what the boot was meant to be, so a kernel that gets the mode
 * wrong fails instead of passing by accident:
 *
 *   PV_GUEST_EXPECT=pv|nonpv   expected mode (tests needing it skip if unset)
 *   PV_GUEST_WHY=text          expected reason in the kernel's boot line
 *   PV_GUEST_FACILITIES=hex    first word of the installed-calls list the
 *                              Ultravisor advertises
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../../kselftest_harness.h"

#define UV_SYSFS "/sys/firmware/uv"
#define PV_DEBUGFS "/sys/kernel/debug/s390/pv_guest"

/* Installed-call bits (MSB0 numbering) a protected guest must see. */
#define UVC_BIT_QUERY		0
#define UVC_BIT_SET_SHARED	8
#define UVC_BIT_REMOVE_SHARED	9

/* Read a whole sysfs file; returns -errno on failure. */
static int read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

/* The guest flag: 0 or 1, or -1 if the file is malformed. Absent means 0. */
static int read_guest_flag(void)
{
	char buf[16];
	int n = read_file(UV_SYSFS "/prot_virt_guest", buf, sizeof(buf));

	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return -1;
	if (!strcmp(buf, "0\n"))
		return 0;
	if (!strcmp(buf, "1\n"))
		return 1;
	return -1;
}

static const char *expected_mode(void)
{
	const char *e = getenv("PV_GUEST_EXPECT");

	return e && *e ? e : NULL;
}

static int inst_call_bit(unsigned long long word0, int bit)
{
	return (word0 >> (63 - bit)) & 1;
}

TEST(prot_virt_guest_is_well_formed)
{
	ASSERT_NE(-1, read_guest_flag())
		TH_LOG(UV_SYSFS "/prot_virt_guest must read \"0\\n\" or \"1\\n\"");
}

TEST(mode_matches_expectation)
{
	const char *expect = expected_mode();
	int guest = read_guest_flag();

	if (!expect)
		SKIP(return, "PV_GUEST_EXPECT not set");
	ASSERT_TRUE(!strcmp(expect, "pv") || !strcmp(expect, "nonpv"))
		TH_LOG("PV_GUEST_EXPECT=%s: use pv or nonpv", expect);
	ASSERT_EQ(!strcmp(expect, "pv"), guest)
		TH_LOG("booted as %s, kernel says prot_virt_guest=%d", expect, guest);
}

TEST(guest_sees_share_calls)
{
	unsigned long long word0;
	char buf[256], *end;

	if (read_guest_flag() != 1)
		SKIP(return, "not a protected guest");
	ASSERT_LT(0, read_file(UV_SYSFS "/query/facilities", buf, sizeof(buf)));
	errno = 0;
	word0 = strtoull(buf, &end, 16);
	ASSERT_TRUE(!errno && end != buf && *end == '\n')
		TH_LOG("query/facilities does not start with a hex word: %s", buf);
	EXPECT_TRUE(inst_call_bit(word0, UVC_BIT_QUERY));
	EXPECT_TRUE(inst_call_bit(word0, UVC_BIT_SET_SHARED));
	EXPECT_TRUE(inst_call_bit(word0, UVC_BIT_REMOVE_SHARED));
}

/*
 * Find the kernel's "prot_virt: ..." boot line about the guest mode in the
 * kernel log. Returns 0 and the message text, or -1 if there is none.
 */
static int pv_boot_line(char *line, size_t size)
{
	char rec[1024];
	int fd, found = -1;
	ssize_t n;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		char *msg;

		if (n < 0)
			continue;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg || strncmp(msg + 1, "prot_virt: ", 11) ||
		    !strstr(msg, "protected virtualization guest"))
			continue;
		snprintf(line, size, "%s", msg + 1 + 11);
		line[strcspn(line, "\n")] = '\0';
		found = 0;
	}
	close(fd);
	return found;
}

TEST(boot_line_states_mode)
{
	const char *expect = expected_mode(), *why = getenv("PV_GUEST_WHY");
	char line[512];
	int pv;

	if (!expect)
		SKIP(return, "PV_GUEST_EXPECT not set");
	if (access(UV_SYSFS, F_OK)) {
		/* no Ultravisor call facility: the line would inform nobody */
		EXPECT_NE(0, pv_boot_line(line, sizeof(line)))
			TH_LOG("a mode line on a machine without the Ultravisor call: %s", line);
		EXPECT_STREQ("nonpv", expect);
		return;
	}
	ASSERT_EQ(0, pv_boot_line(line, sizeof(line)))
		TH_LOG("no \"prot_virt: ...\" line about the guest mode in the kernel log");
	TH_LOG("boot line: %s", line);
	pv = !strcmp(expect, "pv");
	EXPECT_EQ(pv, !strcmp(line, "protected virtualization guest"));
	EXPECT_EQ(!pv, !strncmp(line, "not a protected virtualization guest", 36));
	if (why && *why)
		EXPECT_NE(NULL, strstr(line, why))
			TH_LOG("expected the reason \"%s\"", why);
}

TEST(facilities_match_ultravisor)
{
	const char *want = getenv("PV_GUEST_FACILITIES");
	unsigned long long word0, expect;
	char buf[256], *end;

	if (!want || !*want)
		SKIP(return, "PV_GUEST_FACILITIES not set");
	expect = strtoull(want, NULL, 16);
	ASSERT_LT(0, read_file(UV_SYSFS "/query/facilities", buf, sizeof(buf)));
	word0 = strtoull(buf, &end, 16);
	EXPECT_EQ(expect, word0)
		TH_LOG("Ultravisor lists %llx, query/facilities says %llx", expect, word0);
}

/* A counter from the guest's debugfs directory, or -1 if it is missing. */
static long long pv_counter(const char *name)
{
	char path[256], buf[64], *end;
	long long val;

	snprintf(path, sizeof(path), PV_DEBUGFS "/%s", name);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	val = strtoll(buf, &end, 10);
	return end != buf && *end == '\n' ? val : -1;
}

TEST(share_counters)
{
	long long now, peak, leaked, errors;

	if (access("/sys/kernel/debug/s390", F_OK))
		SKIP(return, "debugfs is not mounted");
	if (read_guest_flag() != 1) {
		ASSERT_NE(0, access(PV_DEBUGFS, F_OK))
			TH_LOG(PV_DEBUGFS " exists in a guest that is not protected");
		return;
	}
	now = pv_counter("shared_pages");
	peak = pv_counter("shared_pages_peak");
	leaked = pv_counter("leaked_pages");
	errors = pv_counter("uv_errors");
	ASSERT_LE(0, now) TH_LOG("no readable " PV_DEBUGFS "/shared_pages");
	ASSERT_LE(0, peak);
	/* at least the bounce pool is shared */
	EXPECT_LT(0, now);
	EXPECT_LE(now, peak);
	EXPECT_EQ(0, leaked);
	EXPECT_EQ(0, errors);
}

TEST_HARNESS_MAIN
