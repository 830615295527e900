// SPDX-License-Identifier: GPL-2.0
/*
 * pvm-bench: the in-guest half of "make bench". Measures, on the scratch
 * disk, sequential 1 MiB O_DIRECT write and read, 4 KiB O_DIRECT random
 * read, and 1 MiB O_DIRECT reads in 1, 4 and 16 parallel streams; and the
 * time the guest needs to copy the same bytes with the kernel's copy
 * through buffers as large as the bounce pool (the floor of what bouncing
 * costs, see mvc_copy()). With a bounce pool (protected guest), it reports
 * the pool's high-water mark and the mapping failures ("swiotlb buffer is
 * full") of each parallel run. Prints "pvm-bench: key=value" lines; the
 * host turns them into ratios.
 *
 *   pvm-bench DEV MIB
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB	(1UL << 20)
#define HIWATER	"/sys/kernel/debug/swiotlb/io_tlb_used_hiwater"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *buffer(size_t size)
{
	void *p;

	if (posix_memalign(&p, 4096, size)) {
		perror("posix_memalign");
		exit(1);
	}
	memset(p, 0x5a, size);
	return p;
}

/* Sequential 1 MiB transfers over [off, off + mib); returns seconds. */
static double seq(const char *dev, int writing, unsigned long off_mib, unsigned long mib)
{
	int fd = open(dev, (writing ? O_WRONLY : O_RDONLY) | O_DIRECT);
	void *buf = buffer(MIB);
	unsigned long i;
	double t;

	if (fd < 0) {
		perror(dev);
		exit(1);
	}
	t = now();
	for (i = 0; i < mib; i++) {
		off_t off = (off_t)(off_mib + i) * MIB;
		ssize_t r = writing ? pwrite(fd, buf, MIB, off) : pread(fd, buf, MIB, off);

		if (r != (ssize_t)MIB) {
			fprintf(stderr, "pvm-bench: %s at %lld: %s\n", writing ? "write" : "read",
				(long long)off, r < 0 ? strerror(errno) : "short");
			exit(1);
		}
	}
	if (writing)
		fsync(fd);
	t = now() - t;
	close(fd);
	free(buf);
	return t;
}

static double randread(const char *dev, unsigned long mib, int ops)
{
	int fd = open(dev, O_RDONLY | O_DIRECT), i;
	void *buf = buffer(4096);
	unsigned long blocks = mib * MIB / 4096, x = 88172645463325252UL;
	double t;

	if (fd < 0) {
		perror(dev);
		exit(1);
	}
	t = now();
	for (i = 0; i < ops; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (pread(fd, buf, 4096, (off_t)(x % blocks) * 4096) != 4096) {
			perror("pvm-bench: random read");
			exit(1);
		}
	}
	t = now() - t;
	close(fd);
	free(buf);
	return t;
}

/*
 * The floor of what bouncing costs: the time the guest needs to copy @mib
 * MiB with the kernel's copy, through buffers as large as the bounce pool
 * (@buf bytes each), so that the copy streams through memory as bouncing
 * does instead of reusing two hot buffers. Measured two ways, of which the
 * faster is the floor (the floor must not be overestimated, or efficiency
 * would look better than it is):
 *   kcopy  in the kernel: copy_file_range() between two files in tmpfs
 *          (or the initramfs' rootfs), which the kernel does by splicing
 *          the source pages and memcpy()ing them into the destination's
 *          existing pages; it pays some page-cache work per 64 KiB;
 *   mvc    the loop of the s390 kernel's memcpy() (arch/s390/lib/mem.S:
 *          MVC of 256 bytes, the remainder by EX) run in user space, which
 *          is what swiotlb_bounce() runs, without the page-cache work.
 * Each returns seconds, or -1 when it could not be measured.
 */
static void mvc_copy(char *dst, const char *src, unsigned long len)
{
	unsigned long n;

	for (n = len / 256; n; n--, dst += 256, src += 256)
		asm volatile("mvc 0(256,%0),0(%1)" : : "a" (dst), "a" (src) : "memory");
	if (len % 256)
		memcpy(dst, src, len % 256);
}

static double copy_mvc(unsigned long mib, size_t buf)
{
	char *a = buffer(buf), *b = buffer(buf);
	unsigned long left = mib * MIB;
	double t = now();

	while (left) {
		size_t n = left < buf ? left : buf;

		a[left % buf] = (char)left;	/* keep the copies from being merged */
		mvc_copy(b, a, n);
		left -= n;
	}
	t = now() - t;
	if (b[0] == 42)
		putchar(' ');
	free(a);
	free(b);
	return t;
}

static int scratch_file(const char *path, size_t len, int c)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char *p = buffer(MIB);
	size_t off;

	unlink(path);
	memset(p, c, MIB);
	for (off = 0; fd >= 0 && off < len; off += MIB)
		if (pwrite(fd, p, MIB, off) != (ssize_t)MIB) {
			close(fd);
			fd = -1;
		}
	free(p);
	return fd;
}

static double copy_kernel(unsigned long mib, size_t buf)
{
	const char *dir = "/tmp/pvm-bench-copy";
	unsigned long left = mib * MIB;
	char src[64], dst[64];
	int in, out;
	double t = -1;

	mkdir(dir, 0700);
	/* a tmpfs of its own if the kernel has one, else the rootfs */
	mount("tmpfs", dir, "tmpfs", 0, "size=90%");
	snprintf(src, sizeof(src), "%s/src", dir);
	snprintf(dst, sizeof(dst), "%s/dst", dir);
	in = scratch_file(src, buf, 0x5a);
	out = scratch_file(dst, buf, 0);	/* its pages exist before the clock runs */
	if (in < 0 || out < 0)
		goto out;
	t = now();
	while (left) {
		loff_t off_in = 0, off_out = 0;
		size_t n = left < buf ? left : buf;

		while (n) {
			ssize_t r = copy_file_range(in, &off_in, out, &off_out, n, 0);

			if (r <= 0) {
				fprintf(stderr, "pvm-bench: copy_file_range: %s\n",
					r ? strerror(errno) : "no progress");
				t = -1;
				goto out;
			}
			n -= r;
			left -= r;
		}
	}
	t = now() - t;
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	umount(dir);
	rmdir(dir);
	return t;
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static void write_zero(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs("0\n", f);
		fclose(f);
	}
}

/* How often the kernel log says the bounce pool was full. */
static long pool_full_reports(void)
{
	int len = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf, *p;
	long n = 0;

	if (len <= 0)
		return -1;
	buf = malloc(len + 1);
	len = klogctl(3, buf, len);	/* SYSLOG_ACTION_READ_ALL */
	if (len < 0)
		return -1;
	buf[len] = '\0';
	for (p = buf; (p = strstr(p, "swiotlb buffer is full")); p++)
		n++;
	free(buf);
	return n;
}

/* @streams processes, each reading its own @mib MiB; returns seconds. */
static double parallel(const char *dev, int streams, unsigned long mib)
{
	double t = now();
	int i, st, failed = 0;

	for (i = 0; i < streams; i++)
		if (fork() == 0) {
			seq(dev, 0, (unsigned long)i * mib, mib);
			_exit(0);
		}
	for (i = 0; i < streams; i++)
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			failed = 1;
	if (failed) {
		fprintf(stderr, "pvm-bench: a parallel stream failed\n");
		exit(1);
	}
	return now() - t;
}

int main(int argc, char **argv)
{
	static const int streams[] = { 1, 4, 16 };
	unsigned long mib, per;
	double kcopy, mvc;
	const char *dev;
	size_t buf;
	long pool;
	unsigned int i;

	if (argc != 3) {
		fprintf(stderr, "usage: pvm-bench DEV MIB\n");
		return 2;
	}
	dev = argv[1];
	mib = strtoul(argv[2], NULL, 0);
	printf("pvm-bench: mib=%lu\n", mib);
	pool = read_long("/sys/kernel/debug/swiotlb/io_tlb_nslabs");
	/* as large as the pool (2 KiB slots), the swiotlb default without one */
	buf = pool > 0 ? (size_t)pool << 11 : 64 * MIB;
	if (buf > mib * MIB)
		buf = mib * MIB;
	kcopy = copy_kernel(mib, buf);
	mvc = copy_mvc(mib, buf);
	printf("pvm-bench: copy_buf_mib=%zu kcopy_s=%.4f mvc_s=%.4f copy_s=%.4f\n",
	       buf / MIB, kcopy, mvc, kcopy > 0 && kcopy < mvc ? kcopy : mvc);
	printf("pvm-bench: seq_write_s=%.4f\n", seq(dev, 1, 0, mib));
	printf("pvm-bench: seq_read_s=%.4f\n", seq(dev, 0, 0, mib));
	printf("pvm-bench: rand_read_s=%.4f rand_read_ops=%d\n", randread(dev, mib, 4096), 4096);
	for (i = 0; i < sizeof(streams) / sizeof(streams[0]); i++) {
		long full0 = pool_full_reports(), full1;
		double t;

		per = mib / streams[i];
		write_zero(HIWATER);
		t = parallel(dev, streams[i], per);
		full1 = pool_full_reports();
		printf("pvm-bench: par%d_s=%.4f par%d_mib=%lu par%d_hiwater=%ld par%d_full=%ld\n",
		       streams[i], t, streams[i], per * streams[i], streams[i], read_long(HIWATER),
		       streams[i], full0 < 0 || full1 < 0 ? -1 : full1 - full0);
	}
	printf("pvm-bench: pool_slots=%ld\n", read_long("/sys/kernel/debug/swiotlb/io_tlb_nslabs"));
	printf("pvm-bench: shared_pages=%ld\n",
	       read_long("/sys/kernel/debug/s390/pv_guest/shared_pages"));
	fflush(stdout);
	return 0;
}
