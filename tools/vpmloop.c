// SPDX-License-Identifier: GPL-2.0
/*
 * vpmloop: one kind of file I/O call in a loop, between two markers, for
 * scripts/insncount.  The markers are get_robust_list(2) calls, which
 * nothing else in the test VM makes: the QEMU plugin of scripts/insncount
 * takes a snapshot of its instruction counts each time the guest kernel
 * enters that system call, so the snapshot between a start and an end
 * marker holds the loop's calls and nothing before or after them.
 *
 *   vpmloop MODE FILE CALLS SIZE
 *
 * MODE: seqread (read() of SIZE bytes, from the start again at EOF),
 * randread (pread() of SIZE bytes at SIZE-aligned pseudo-random offsets,
 * a fixed sequence), pread (pread() of SIZE bytes at offset 4096 every
 * time), overwrite (pwrite() of SIZE bytes, sequential, from the start
 * again at EOF; the file is not extended).  Prints the mean time per call,
 * which under QEMU TCG and a counting plugin is only a rough guide.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum mode { SEQREAD, RANDREAD, PREAD, OVERWRITE };

static void marker(void)
{
	struct robust_list_head *head;
	size_t len;

	syscall(SYS_get_robust_list, 0, &head, &len);
}

static int print_usage(void)
{
	fprintf(stderr,
		"usage: vpmloop seqread|randread|pread|overwrite FILE CALLS SIZE\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long long seed = 1;
	struct timespec t0, t1;
	long calls, i;
	size_t size;
	enum mode m;
	off_t fsize, off = 0, slots;
	struct stat st;
	ssize_t r = 0;
	char *buf;
	int fd;

	if (argc != 5)
		return print_usage();
	if (!strcmp(argv[1], "seqread"))
		m = SEQREAD;
	else if (!strcmp(argv[1], "randread"))
		m = RANDREAD;
	else if (!strcmp(argv[1], "pread"))
		m = PREAD;
	else if (!strcmp(argv[1], "overwrite"))
		m = OVERWRITE;
	else
		return print_usage();
	calls = atol(argv[3]);
	size = strtoul(argv[4], NULL, 0);
	if (calls <= 0 || !size)
		return print_usage();
	fd = open(argv[2], m == OVERWRITE ? O_RDWR : O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		perror(argv[2]);
		return 1;
	}
	fsize = st.st_size;
	slots = fsize / (off_t)size;
	if (slots < 1 || (m == PREAD && fsize < 4096 + (off_t)size)) {
		fprintf(stderr, "vpmloop: %s is too small\n", argv[2]);
		return 1;
	}
	buf = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);
	if (!buf) {
		perror("aligned_alloc");
		return 1;
	}
	memset(buf, 0x5a, size);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	marker();
	for (i = 0; i < calls; i++) {
		switch (m) {
		case SEQREAD:
			r = read(fd, buf, size);
			if (r == 0 && lseek(fd, 0, SEEK_SET) == 0)
				r = read(fd, buf, size);
			break;
		case RANDREAD:
			seed = seed * 6364136223846793005ULL +
			       1442695040888963407ULL;
			off = (off_t)((seed >> 33) % (unsigned long long)slots) *
			      (off_t)size;
			r = pread(fd, buf, size, off);
			break;
		case PREAD:
			r = pread(fd, buf, size, 4096);
			break;
		case OVERWRITE:
			if (off + (off_t)size > fsize)
				off = 0;
			r = pwrite(fd, buf, size, off);
			off += (off_t)size;
			break;
		}
		if (r <= 0)
			break;
	}
	marker();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (r <= 0) {
		fprintf(stderr, "vpmloop: %s: call %ld: %s\n", argv[2], i,
			r < 0 ? strerror(errno) : "nothing transferred");
		return 1;
	}
	printf("vpmloop %s %s %ld x %zu: %.0f ns/call\n", argv[1], argv[2],
	       calls, size,
	       ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
		(double)(t1.tv_nsec - t0.tv_nsec)) / (double)calls);
	return 0;
}
