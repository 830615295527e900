// SPDX-License-Identifier: GPL-2.0
/*
 * pvm-kexec: kexec into the kernel and initrd that the runner attached as
 * virtio-blk disks with the given serials, with the given command line.
 *
 *   pvm-kexec [--crash] KERNEL_SERIAL INITRD_SERIAL CMDLINE
 *
 * With --crash the kernel is loaded as the crash kernel (kdump) instead,
 * and pvm-kexec returns: the next panic starts it.
 * The disks are raw copies padded to whole sectors: the padding is zeros,
 * which the kernel image loader and the initramfs unpacker ignore. Each is
 * copied to a file in /tmp, since kexec_file_load() wants regular files.
 * On success this does not return.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Copy the disk with serial @serial to @path; returns an open fd or -1. */
static int disk_to_file(const char *serial, const char *path)
{
	char buf[1 << 16], name[300], dev[300];
	struct dirent *d;
	DIR *dir = opendir("/sys/block");
	int in = -1, out;
	ssize_t n;

	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		FILE *f;

		snprintf(name, sizeof(name), "/sys/block/%s/serial", d->d_name);
		f = fopen(name, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && !strncmp(buf, serial, strlen(serial))) {
			snprintf(dev, sizeof(dev), "/dev/%s", d->d_name);
			in = open(dev, O_RDONLY);
		}
		fclose(f);
		if (in >= 0)
			break;
	}
	closedir(dir);
	if (in < 0) {
		fprintf(stderr, "pvm-kexec: no disk with serial %s\n", serial);
		return -1;
	}
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -1;
	close(in);
	/* kexec refuses a file that is open for writing (ETXTBSY) */
	if (n < 0 || close(out))
		return -1;
	return open(path, O_RDONLY);
}

int main(int argc, char **argv)
{
	unsigned long flags = 0;
	int kfd, ifd;

	if (argc > 1 && !strcmp(argv[1], "--crash")) {
		flags = KEXEC_FILE_ON_CRASH;
		argv++;
		argc--;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: pvm-kexec [--crash] KERNEL_SERIAL INITRD_SERIAL CMDLINE\n");
		return 2;
	}
	kfd = disk_to_file(argv[1], "/tmp/kexec-kernel");
	ifd = disk_to_file(argv[2], "/tmp/kexec-initrd");
	if (kfd < 0 || ifd < 0) {
		perror("pvm-kexec: copying the images");
		return 1;
	}
	if (syscall(SYS_kexec_file_load, kfd, ifd, strlen(argv[3]) + 1, argv[3], flags)) {
		perror("pvm-kexec: kexec_file_load");
		return 1;
	}
	if (flags) {
		printf("pvm-kexec: loaded as the crash kernel\n");
		return 0;
	}
	printf("pvm-kexec: loaded, rebooting into it\n");
	fflush(stdout);
	sync();
	reboot(LINUX_REBOOT_CMD_KEXEC);
	perror("pvm-kexec: reboot(KEXEC)");
	return 1;
}
