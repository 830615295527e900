// SPDX-License-Identifier: GPL-2.0
/*
 * pvm-canary: plant the run's canary in memory the host must never see,
 * then do block I/O, so that the emulator's exposure detector can tell
 * whether any of it reached a page the host can read.
 *
 *   pvm-canary -d DISK -c CANARY [-s MIB] [-j STREAMS] [-l]
 *
 * Steps (one TAP test each; each passes when its I/O is correct: whether
 * the canary leaked is the emulator's counters' verdict, not ours):
 *   self      the canary in this process's memory, no I/O
 *   freed     a child fills memory with the canary and exits: the freed
 *             pages go back to the allocator (page cache, skbs, ...)
 *   odirect   O_DIRECT reads into buffers that hold the canary, in
 *             STREAMS parallel processes
 *   buffered  buffered reads after dropping the page cache: new page
 *             cache pages come from the memory freed before
 *   leak      (-l only) the deliberate leak of the negative boot: the
 *             canary written to the disk and printed on the console
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK (1 << 20)

static const char *disk, *canary;
static size_t clen;
static int mib = 32, streams = 4, leak, test_nr;

static void tap(int ok, const char *fmt, const char *what)
{
	printf("%s %d - ", ok ? "ok" : "not ok", ++test_nr);
	printf(fmt, what);
	printf("\n");
	fflush(stdout);
}

static void fill(char *p, size_t len)
{
	size_t i;

	for (i = 0; i + clen <= len; i += clen)
		memcpy(p + i, canary, clen);
}

static char *canary_buffer(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	fill(p, len);
	return p;
}

/* memory freed when the child exits */
static int step_freed(void)
{
	size_t len = (size_t)mib * 2 << 20;
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(canary_buffer(len) ? 0 : 1);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* read share MiB of the disk from offset first into canary buffers */
static int reader(int direct, int first, int share)
{
	int fd = open(disk, O_RDONLY | (direct ? O_DIRECT : 0));
	char *buf;
	int i;

	if (fd < 0) {
		fprintf(stderr, "# open %s: %s\n", disk, strerror(errno));
		return 1;
	}
	if (!direct)
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	buf = canary_buffer(CHUNK);
	if (!buf)
		return 1;
	for (i = 0; i < share; i++) {
		ssize_t n;

		fill(buf, CHUNK);
		n = pread(fd, buf, CHUNK, (off_t)(first + i) * CHUNK);
		if (n != CHUNK) {
			fprintf(stderr, "# pread %s at %d MiB: %zd (%s)\n",
				disk, first + i, n, strerror(errno));
			return 1;
		}
	}
	close(fd);
	return 0;
}

/* STREAMS processes reading MIB in all */
static int step_read(int direct)
{
	int share = mib / streams ? mib / streams : 1;
	int i, ok = 1, status;

	for (i = 0; i < streams; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(reader(direct, i * share, share));
		if (pid < 0)
			ok = 0;
	}
	while (wait(&status) > 0)
		ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
	return ok;
}

static int drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	int ok;

	if (fd < 0)
		return 0;
	sync();
	ok = write(fd, "3\n", 2) == 2;
	close(fd);
	return ok;
}

/* the deliberate leak: the canary sent to the host on purpose */
static int step_leak(void)
{
	int fd = open(disk, O_WRONLY | O_DIRECT);
	char *buf = canary_buffer(CHUNK);
	int ok;

	if (fd < 0 || !buf)
		return 0;
	ok = pwrite(fd, buf, CHUNK, (off_t)(mib + 1) * CHUNK) == CHUNK;
	ok &= fsync(fd) == 0;
	close(fd);
	printf("# deliberate console leak: %s\n", canary);
	return ok;
}

int main(int argc, char **argv)
{
	char *self;
	int c;

	while ((c = getopt(argc, argv, "d:c:s:j:l")) != -1) {
		switch (c) {
		case 'd': disk = optarg; break;
		case 'c': canary = optarg; break;
		case 's': mib = atoi(optarg); break;
		case 'j': streams = atoi(optarg); break;
		case 'l': leak = 1; break;
		default: return 2;
		}
	}
	printf("TAP version 13\n1..%d\n", leak ? 5 : 4);
	if (!disk || !canary || strlen(canary) < 8 || mib < 1 || streams < 1) {
		printf("Bail out! usage: pvm-canary -d DISK -c CANARY [-s MIB] "
		       "[-j STREAMS] [-l]\n");
		return 1;
	}
	clen = strlen(canary);
	printf("# %d MiB in %d streams from %s\n", mib, streams, disk);
	self = canary_buffer((size_t)mib << 20);
	tap(self != NULL, "%s: the canary in this process's memory", "self");
	tap(step_freed(), "%s: memory holding the canary freed by an exited process",
	    "freed");
	tap(step_read(1), "%s: reads into buffers holding the canary", "odirect");
	tap(drop_caches() && step_read(0),
	    "%s: reads into new page-cache pages", "buffered");
	if (leak)
		tap(step_leak(), "%s: the canary written to the disk and the console",
		    "leak");
	return 0;
}
