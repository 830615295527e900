// SPDX-License-Identifier: GPL-2.0
/*
 * pvm-canary: plant the run's canary in memory the host must never see,
 * then do block and network I/O and Ultravisor calls, so that the
 * emulator's exposure detector can tell whether any of it reached a page
 * the host can read.
 *
 *   pvm-canary -d DISK -c CANARY [-s MIB] [-j STREAMS] [-n IF0,IF1] [-u DIR] [-l]
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
 *   net       (-n) IF0 and IF1, two NICs on one emulated hub, are brought
 *             up after the memory was freed (their receive buffers come
 *             from it), then STREAMS senders broadcast datagrams on IF0
 *             that receivers bound to IF1 check; skipped without -n
 *   uv        (-u DIR) the canary as attestation user data and as a
 *             plain secret added to the secret store, through /dev/uv,
 *             with the requests in DIR that the runner sealed for the
 *             emulator's host keys; skipped without -u
 *   leak      (-l only) the deliberate leak of the negative boot: the
 *             canary written to the disk and printed on the console
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <asm/uvdevice.h>

#define CHUNK (1 << 20)

static const char *disk, *canary, *nics, *uv;
static size_t clen;
static int mib = 32, streams = 4, leak, test_nr;

static void tap(int ok, const char *fmt, const char *what)
{
	printf("%s %d - ", ok ? "ok" : "not ok", ++test_nr);
	printf(fmt, what);
	printf("\n");
	fflush(stdout);
}

static void skip(const char *what, const char *why)
{
	printf("ok %d - %s # SKIP %s\n", ++test_nr, what, why);
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

/* network: IF0 and IF1 on one subnet, datagrams broadcast on IF0 */
#define NET_PORT	40000
#define NET_DGRAM	1400
#define NET_ADDR0	"10.99.0.1"
#define NET_ADDR1	"10.99.0.2"
#define NET_BCAST	"10.99.0.255"

static int set_proc(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	int ok;

	if (fd < 0)
		return 0;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok;
}

static int ifup(const char *ifname, const char *addr)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	int ok = 0;

	if (s < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1 ||
	    ioctl(s, SIOCSIFADDR, &ifr))
		goto out;
	inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr);
	if (ioctl(s, SIOCSIFNETMASK, &ifr))
		goto out;
	inet_pton(AF_INET, NET_BCAST, &sin->sin_addr);
	if (ioctl(s, SIOCSIFBRDADDR, &ifr) || ioctl(s, SIOCGIFFLAGS, &ifr))
		goto out;
	ifr.ifr_flags |= IFF_UP | IFF_BROADCAST;
	ok = !ioctl(s, SIOCSIFFLAGS, &ifr);
out:
	if (!ok)
		fprintf(stderr, "# %s %s: %s\n", ifname, addr, strerror(errno));
	close(s);
	return ok;
}

static int udp_socket(const char *ifname, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 3 };
	int s = socket(AF_INET, SOCK_DGRAM, 0), one = 1, buf = 4 << 20;

	if (s < 0)
		return -1;
	if (setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname)) ||
	    setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin))) {
		fprintf(stderr, "# socket on %s port %d: %s\n", ifname, port,
			strerror(errno));
		close(s);
		return -1;
	}
	/* as root, past rmem_max: the receiver must not drop for lack of room */
	setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	return s;
}

/* the bytes of datagram seq of stream: no canary, just checkable data */
static void dgram_fill(unsigned char *p, int stream, uint32_t seq)
{
	uint32_t x = seq * 2654435761u ^ (uint32_t)stream << 24;
	int i;

	for (i = 0; i < NET_DGRAM; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = x >> 16;
	}
	memcpy(p, &seq, sizeof(seq));
}

static int net_sender(const char *ifname, int stream, int count)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(NET_PORT + stream) };
	unsigned char p[NET_DGRAM];
	int s = udp_socket(ifname, NET_PORT + 100 + stream);
	int i;

	if (s < 0)
		return 1;
	inet_pton(AF_INET, NET_BCAST, &to.sin_addr);
	for (i = 0; i < count; i++) {
		dgram_fill(p, stream, i);
		if (sendto(s, p, sizeof(p), 0, (struct sockaddr *)&to,
			   sizeof(to)) != sizeof(p)) {
			fprintf(stderr, "# send on %s: %s\n", ifname, strerror(errno));
			return 1;
		}
		/* let the receivers keep up: the hub does not drop, sockets do */
		if (i % 32 == 31)
			usleep(2000);
	}
	close(s);
	return 0;
}

/*
 * Every datagram that arrives must be intact; a few may be lost (UDP),
 * most must arrive.  Exit status 0 when so.
 */
static int net_receiver(int s, int stream, int count)
{
	unsigned char p[NET_DGRAM + 1], want[NET_DGRAM];
	int got = 0, bad = 0;
	uint32_t seq;

	for (;;) {
		ssize_t n = recv(s, p, sizeof(p), 0);

		if (n < 0)
			break;
		memcpy(&seq, p, sizeof(seq));
		dgram_fill(want, stream, seq);
		if (n != NET_DGRAM || seq >= (uint32_t)count ||
		    memcmp(p, want, NET_DGRAM))
			bad++;
		else
			got++;
		if (got == count)
			break;
	}
	printf("# stream %d: %d of %d datagrams, %d damaged\n", stream, got,
	       count, bad);
	fflush(stdout);
	return bad || got < count / 2;
}

static int step_net(void)
{
	char if0[IFNAMSIZ], if1[IFNAMSIZ];
	const char *comma = strchr(nics, ',');
	int count = ((mib > 8 ? 8 : mib) << 20) / NET_DGRAM / streams;
	char path[96];
	int i, ok = 1, status, s;
	pid_t pid;

	if (!comma || comma - nics >= IFNAMSIZ || strlen(comma + 1) >= IFNAMSIZ)
		return 0;
	snprintf(if0, sizeof(if0), "%.*s", (int)(comma - nics), nics);
	snprintf(if1, sizeof(if1), "%s", comma + 1);
	/* IF1 takes datagrams whose source is IF0's address, also local */
	if (!set_proc("/proc/sys/net/ipv4/conf/all/accept_local", "1"))
		return 0;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/accept_local", if1);
	/* the receive buffers filled at link up come from freed canary memory */
	if (!set_proc(path, "1") || !step_freed() || !ifup(if0, NET_ADDR0) ||
	    !ifup(if1, NET_ADDR1))
		return 0;
	for (i = 0; i < streams; i++) {
		s = udp_socket(if1, NET_PORT + i);
		if (s < 0)
			return 0;
		pid = fork();
		if (pid == 0)
			_exit(net_receiver(s, i, count));
		close(s);
		if (pid < 0)
			ok = 0;
	}
	for (i = 0; i < streams; i++) {
		pid = fork();
		if (pid == 0)
			_exit(net_sender(if0, i, count));
		if (pid < 0)
			ok = 0;
	}
	while (wait(&status) > 0)
		ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
	return ok;
}

/*
 * Ultravisor calls with the canary, with requests the runner sealed for
 * the emulator's host keys (pvm/requests.py) in directory @dir: att.exch,
 * a pvattest exchange file, and NN.asrcb, add-secret requests for plain
 * secrets that hold the canary, one of which is added (the store keeps
 * what an earlier boot of a kexec round trip added: a duplicate is
 * refused with 0x010c and the next one is taken)
 */
#ifndef UVIO_IOCTL_ADD_SECRET
#define UVIO_IOCTL_ADD_SECRET	_IOWR(UVIO_TYPE_UVC, 0x02, struct uvio_ioctl_cb)
#endif
#define MEAS_LEN	64
#define UVRC_OK		0x0001
#define UVRC_REFUSED	0x010c

static unsigned char *read_file(const char *dir, const char *name, size_t *len)
{
	static unsigned char buf[16384];
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0 || n == sizeof(buf))
		return NULL;
	*len = n;
	return buf;
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* the Ultravisor's rc, 0 if the ioctl itself failed */
static int uv_call(int fd, unsigned long cmd, void *arg, size_t len, const char *what)
{
	struct uvio_ioctl_cb cb;

	memset(&cb, 0, sizeof(cb));
	cb.argument_addr = (unsigned long)arg;
	cb.argument_len = len;
	if (ioctl(fd, cmd, &cb)) {
		fprintf(stderr, "# %s: %s\n", what, strerror(errno));
		return 0;
	}
	if (cb.uv_rc != UVRC_OK)
		fprintf(stderr, "# %s: rc 0x%04x rrc 0x%04x\n", what, cb.uv_rc, cb.uv_rrc);
	return cb.uv_rc;
}

static int step_uv(const char *dir)
{
	static unsigned char arcb[4096], meas[MEAS_LEN], add[256];
	struct uvio_attest att;
	unsigned char *x;
	uint32_t size, off;
	size_t len;
	char name[32];
	int fd = open("/dev/uv", O_RDWR), ok = 0, i, rc;

	if (fd < 0) {
		fprintf(stderr, "# /dev/uv: %s\n", strerror(errno));
		return 0;
	}
	/* attestation: the canary as user data */
	x = read_file(dir, "att.exch", &len);
	if (!x || len < 0x40 || memcmp(x, "pvattest", 8)) {
		fprintf(stderr, "# %s/att.exch: no exchange file\n", dir);
	} else {
		size = get_be32(x + 0x18);
		off = get_be32(x + 0x1c);
		if (off && size <= sizeof(arcb) && off <= len && size <= len - off) {
			memcpy(arcb, x + off, size);
			memset(&att, 0, sizeof(att));
			att.arcb_addr = (unsigned long)arcb;
			att.arcb_len = size;
			att.meas_addr = (unsigned long)meas;
			att.meas_len = sizeof(meas);
			att.add_data_addr = (unsigned long)add;
			att.add_data_len = sizeof(add);
			fill((char *)att.user_data, sizeof(att.user_data));
			att.user_data_len = sizeof(att.user_data);
			ok = uv_call(fd, UVIO_IOCTL_ATT, &att, sizeof(att),
				     "attestation") == UVRC_OK;
			memset(&att, 0, sizeof(att));
		}
	}
	/* a secret that is the canary */
	for (i = 0, rc = UVRC_REFUSED; rc == UVRC_REFUSED; i++) {
		snprintf(name, sizeof(name), "%02d.asrcb", i);
		x = read_file(dir, name, &len);
		if (!x) {
			fprintf(stderr, "# %s/%s: no request left\n", dir, name);
			rc = 0;
			break;
		}
		rc = uv_call(fd, UVIO_IOCTL_ADD_SECRET, x, len, "add secret");
	}
	close(fd);
	return ok && rc == UVRC_OK;
}

/* the deliberate leak: the canary sent to the host on purpose */
static int step_leak(void)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(NET_PORT) };
	int fd = open(disk, O_WRONLY | O_DIRECT);
	char *buf = canary_buffer(CHUNK), if0[IFNAMSIZ];
	const char *comma = nics ? strchr(nics, ',') : NULL;
	int ok, s;

	if (fd < 0 || !buf)
		return 0;
	ok = pwrite(fd, buf, CHUNK, (off_t)(mib + 1) * CHUNK) == CHUNK;
	ok &= fsync(fd) == 0;
	close(fd);
	printf("# deliberate console leak: %s\n", canary);
	/* and a datagram of the canary from IF0, which step_net brought up */
	if (comma && comma - nics < IFNAMSIZ) {
		snprintf(if0, sizeof(if0), "%.*s", (int)(comma - nics), nics);
		s = udp_socket(if0, NET_PORT + 200);
		inet_pton(AF_INET, NET_BCAST, &to.sin_addr);
		ok &= s >= 0 && sendto(s, buf, NET_DGRAM, 0, (struct sockaddr *)&to,
				       sizeof(to)) == NET_DGRAM;
		if (s >= 0)
			close(s);
		printf("# deliberate network leak: one datagram of the canary from %s\n", if0);
	}
	return ok;
}

int main(int argc, char **argv)
{
	char *self;
	int c;

	while ((c = getopt(argc, argv, "d:c:s:j:n:u:l")) != -1) {
		switch (c) {
		case 'd': disk = optarg; break;
		case 'c': canary = optarg; break;
		case 's': mib = atoi(optarg); break;
		case 'j': streams = atoi(optarg); break;
		case 'n': nics = optarg; break;
		case 'u': uv = optarg; break;
		case 'l': leak = 1; break;
		default: return 2;
		}
	}
	printf("TAP version 13\n1..%d\n", leak ? 7 : 6);
	if (!disk || !canary || strlen(canary) < 8 || mib < 1 || streams < 1) {
		printf("Bail out! usage: pvm-canary -d DISK -c CANARY [-s MIB] "
		       "[-j STREAMS] [-n IF0,IF1] [-u] [-l]\n");
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
	if (nics)
		tap(step_net(), "%s: datagrams from IF0 to IF1 after the memory was freed",
		    "net");
	else
		skip("net", "no -n IF0,IF1");
	if (uv)
		tap(step_uv(uv), "%s: the canary as attestation user data and as a secret",
		    "uv");
	else
		skip("uv", "no -u");
	if (leak)
		tap(step_leak(), nics ? "%s: the canary written to the disk and the console "
		    "and sent from IF0" : "%s: the canary written to the disk and the console",
		    "leak");
	return 0;
}
