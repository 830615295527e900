// SPDX-License-Identifier: GPL-2.0
/*
 * pvm-blkcheck: write a checksummed pattern to a block device, read it back
 * and verify it, in one or more parallel streams, with O_DIRECT or through
 * the page cache. Prints TAP.
 *
 * Every 4 KiB block carries a header (magic, stream, block number, seed)
 * and a body generated from those values, so a block that lands in the
 * wrong place, comes back stale, or is corrupted in flight is detected.
 * The verifier proves it can fail by checking one block against a wrong
 * seed, which must be reported as a mismatch.
 *
 * With -E (fault injection), I/O errors are tolerated: a stream stops at
 * its first error, and only blocks that were read back count; any of them
 * that mismatches still fails. I/O may fail, data must never be wrong.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define BLK		4096
#define MAGIC		0x70766d626c6b2121ULL	/* "pvmblk!!" */

struct opts {
	const char *dev;
	unsigned long mib;
	unsigned int streams;
	unsigned int chunk_kib;
	int direct;
	int tolerate_errors;
	uint64_t seed;
};

static int io_errors;	/* streams that stopped on an error (-E) */
static uint64_t *written;	/* per stream: blocks known to be on the device */

static int tap_n;

static void tap(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static uint64_t next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void fill_block(uint64_t *b, unsigned int stream, uint64_t blkno, uint64_t seed)
{
	uint64_t s = (seed ^ (blkno * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)stream << 48)) | 1;
	size_t i;

	b[0] = MAGIC;
	b[1] = stream;
	b[2] = blkno;
	b[3] = seed;
	for (i = 4; i < BLK / 8; i++)
		b[i] = next(&s);
}

/* Number of 8-byte words that differ from the expected block. */
static size_t check_block(const uint64_t *b, unsigned int stream, uint64_t blkno,
			  uint64_t seed)
{
	uint64_t want[BLK / 8];
	size_t i, bad = 0;

	fill_block(want, stream, blkno, seed);
	for (i = 0; i < BLK / 8; i++)
		bad += b[i] != want[i];
	return bad;
}

static int open_dev(const struct opts *o, int flags)
{
	return open(o->dev, flags | (o->direct ? O_DIRECT : 0));
}

/* One stream: write or verify its region. Returns mismatching blocks, or -1. */
static long run_stream(const struct opts *o, unsigned int stream, int verify)
{
	uint64_t blocks = ((uint64_t)o->mib << 20) / BLK / o->streams;
	uint64_t first = blocks * stream, done = 0;
	/* after a tolerated write error, only what was written can be checked */
	uint64_t todo = verify ? written[stream] : blocks;
	size_t chunk = (size_t)o->chunk_kib * 1024;
	long mismatches = 0;
	void *buf;
	int fd;

	if (posix_memalign(&buf, BLK, chunk))
		return -1;
	fd = open_dev(o, verify ? O_RDONLY : O_WRONLY);
	if (fd < 0) {
		printf("# stream %u: open %s: %s\n", stream, o->dev, strerror(errno));
		return -1;
	}
	if (!verify)
		written[stream] = 0;
	while (done < todo) {
		uint64_t n = chunk / BLK, i;
		off_t off = (off_t)(first + done) * BLK;
		ssize_t r;

		if (n > todo - done)
			n = todo - done;
		if (!verify)
			for (i = 0; i < n; i++)
				fill_block((uint64_t *)((char *)buf + i * BLK), stream,
					   first + done + i, o->seed);
		r = verify ? pread(fd, buf, n * BLK, off) : pwrite(fd, buf, n * BLK, off);
		if (r != (ssize_t)(n * BLK)) {
			printf("# stream %u: %s at %lld: %s%s\n", stream,
			       verify ? "read" : "write", (long long)off,
			       r < 0 ? strerror(errno) : "short transfer",
			       o->tolerate_errors ? " (tolerated)" : "");
			close(fd);
			free(buf);
			return o->tolerate_errors ? -2 - mismatches : -1;
		}
		if (verify)
			for (i = 0; i < n; i++)
				if (check_block((uint64_t *)((char *)buf + i * BLK), stream,
						first + done + i, o->seed)) {
					if (!mismatches)
						printf("# stream %u: first mismatch in block %llu\n",
						       stream, (unsigned long long)(first + done + i));
					mismatches++;
				}
		done += n;
	}
	if (!verify && fsync(fd)) {
		printf("# stream %u: fsync: %s%s\n", stream, strerror(errno),
		       o->tolerate_errors ? " (tolerated)" : "");
		mismatches = o->tolerate_errors ? -2 : -1;
		done = 0;
	}
	if (!verify)
		written[stream] = done;
	close(fd);
	free(buf);
	return mismatches;
}

/* Run all streams in parallel processes; returns total mismatches or -1. */
static long run_parallel(const struct opts *o, int verify)
{
	long total = 0;
	unsigned int i;
	int failed = 0;

	for (i = 0; i < o->streams; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			long r = run_stream(o, i, verify);

			fflush(stdout);
			/* 0-126 mismatches (126: more), +128 stopped on a tolerated error */
			if (r == -1)
				_exit(255);
			if (r <= -2)
				_exit(128 + (-2 - r > 126 ? 126 : -2 - r));
			_exit(r > 126 ? 126 : r);
		}
		if (pid < 0)
			return -1;
	}
	for (i = 0; i < o->streams; i++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) == 255) {
			failed = 1;
		} else if (WEXITSTATUS(st) >= 128) {
			io_errors++;
			total += WEXITSTATUS(st) - 128;
		} else {
			total += WEXITSTATUS(st);
		}
	}
	return failed ? -1 : total;
}

static void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "3\n", 2) != 2)
			printf("# drop_caches failed: %s\n", strerror(errno));
		close(fd);
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: pvm-blkcheck -d DEV [-s MIB] [-j STREAMS] [-c CHUNK_KIB]\n"
		"                    [-m direct|buffered[,...]] [-S SEED] [-E]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct opts o = { .mib = 64, .streams = 1, .chunk_kib = 1024, .seed = 0x5eed };
	char *modes = "direct", *mode, *save;
	uint64_t blk[BLK / 8];
	int c, nmodes = 1;

	while ((c = getopt(argc, argv, "d:s:j:c:m:S:E")) != -1) {
		switch (c) {
		case 'd': o.dev = optarg; break;
		case 's': o.mib = strtoul(optarg, NULL, 0); break;
		case 'j': o.streams = strtoul(optarg, NULL, 0); break;
		case 'c': o.chunk_kib = strtoul(optarg, NULL, 0); break;
		case 'm': modes = optarg; break;
		case 'S': o.seed = strtoull(optarg, NULL, 0); break;
		case 'E': o.tolerate_errors = 1; break;
		default: usage();
		}
	}
	if (!o.dev || !o.mib || !o.streams || !o.chunk_kib || o.chunk_kib % 4)
		usage();
	written = mmap(NULL, o.streams * sizeof(*written), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (written == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (mode = modes; *mode; mode++)
		nmodes += *mode == ',';

	printf("TAP version 13\n1..%d\n", 1 + 2 * nmodes);
	/* The verifier must be able to fail. */
	fill_block(blk, 0, 7, o.seed);
	tap(check_block(blk, 0, 7, o.seed) == 0 && check_block(blk, 0, 7, o.seed + 1) != 0 &&
	    check_block(blk, 0, 8, o.seed) != 0,
	    "verifier accepts a good block and rejects a wrong seed or position");

	modes = strdup(modes);
	for (mode = strtok_r(modes, ",", &save); mode; mode = strtok_r(NULL, ",", &save)) {
		long w, r;

		o.direct = !strcmp(mode, "direct");
		if (!o.direct && strcmp(mode, "buffered"))
			usage();
		o.seed++;	/* a fresh pattern per mode: stale data cannot pass */
		io_errors = 0;
		w = run_parallel(&o, 0);
		tap(w == 0, "%s: wrote %lu MiB in %u stream(s) to %s%s", mode, o.mib,
		    o.streams, o.dev, io_errors ? " (some writes failed, tolerated)" : "");
		drop_caches();
		io_errors = 0;
		r = run_parallel(&o, 1);
		tap(r == 0, "%s: read back %lu MiB and verified it (%ld bad blocks)%s",
		    mode, o.mib, r < 0 ? 0 : r,
		    io_errors ? " (some reads failed, tolerated)" : "");
	}
	return 0;
}
