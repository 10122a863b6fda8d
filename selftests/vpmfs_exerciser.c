// SPDX-License-Identifier: GPL-2.0
/*
 * vpmfs_exerciser: random file operations on a file system under test,
 * each repeated on a shadow copy (on a file system trusted to be right,
 * e.g. tmpfs), comparing byte for byte.
 *
 *   vpmfs_exerciser run DIR SHADOW SEED NOPS   operate, compare as it goes
 *   vpmfs_exerciser verify DIR SHADOW          compare every file
 *
 * The operations: pwrite and pwritev at random (often page-boundary)
 * offsets, O_APPEND writes, truncate up and down, stores through a shared
 * mapping, copy_file_range and sendfile between files, fsync, dropping
 * the page cache, and reads compared with the shadow.  Exit 0 if all
 * matched, 1 at the first difference (which is printed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>

#define NFILES		4
#define MAXSIZE		(6 << 20)
#define MAXIO		(96 << 10)
#define PG		4096

static char dir[2][1024];
static int fds[2][NFILES];
static unsigned long long rng;
static char *bufa, *bufb;
static long op;

static unsigned int rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng >> 11);
}

static void die(const char *what)
{
	fprintf(stderr, "vpmfs_exerciser: op %ld: %s: %s\n", op, what,
		strerror(errno));
	exit(2);
}

static void path(char *out, int side, int f)
{
	snprintf(out, 4200, "%s/ex%d", dir[side], f);
}

static void open_all(int flags)
{
	char p[4200];
	int s, f;

	for (s = 0; s < 2; s++)
		for (f = 0; f < NFILES; f++) {
			path(p, s, f);
			fds[s][f] = open(p, O_RDWR | flags, 0644);
			if (fds[s][f] < 0)
				die(p);
		}
}

static off_t size_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		die("fstat");
	return st.st_size;
}

/* Compare [off, off+len) of file f; with len < 0 the whole file. */
static int compare(int f, off_t off, long long len)
{
	off_t sa = size_of(fds[0][f]), sb = size_of(fds[1][f]);
	ssize_t a, b;

	if (sa != sb) {
		printf("op %ld: file %d: size %lld, shadow %lld\n", op, f,
		       (long long)sa, (long long)sb);
		return 1;
	}
	if (len < 0) {
		off = 0;
		len = sa;
	}
	while (len > 0) {
		size_t n = len > MAXIO ? MAXIO : (size_t)len;
		ssize_t i;

		a = pread(fds[0][f], bufa, n, off);
		b = pread(fds[1][f], bufb, n, off);
		if (a < 0 || b < 0)
			die("pread");
		if (a != b) {
			printf("op %ld: file %d: read at %lld gave %zd, shadow %zd\n",
			       op, f, (long long)off, a, b);
			return 1;
		}
		if (memcmp(bufa, bufb, a)) {
			for (i = 0; i < a && bufa[i] == bufb[i]; i++)
				;
			printf("op %ld: file %d: differs at byte %lld (0x%02x, shadow 0x%02x)\n",
			       op, f, (long long)(off + i), bufa[i] & 0xff,
			       bufb[i] & 0xff);
			return 1;
		}
		if (!a)
			break;
		off += a;
		len -= a;
	}
	return 0;
}

static off_t rnd_off(int f)
{
	off_t sz = size_of(fds[1][f]);
	unsigned int r = rnd() % 8;

	if (r < 3 && sz)	/* inside the file */
		return rnd() % sz;
	if (r < 5)		/* near a page boundary */
		return (off_t)(rnd() % (MAXSIZE / PG)) * PG + (rnd() % 3) - 1 +
		       (rnd() % 2 ? 0 : 1);
	if (r < 6)		/* at EOF */
		return sz;
	return rnd() % MAXSIZE;
}

static size_t rnd_len(void)
{
	switch (rnd() % 4) {
	case 0:
		return 1 + rnd() % 64;
	case 1:
		return PG * (1 + rnd() % 4);
	default:
		return 1 + rnd() % MAXIO;
	}
}

static void fill(char *b, size_t n)
{
	size_t i;
	unsigned int v = rnd();

	for (i = 0; i < n; i++) {
		v = v * 1664525 + 1013904223;
		b[i] = (char)(v >> 24);
	}
}

static int one_op(void)
{
	int f = rnd() % NFILES, g = rnd() % NFILES, s;
	unsigned int kind = rnd() % 100;
	off_t off = rnd_off(f), sz;
	size_t len = rnd_len();
	ssize_t r[2];

	if (off < 0)
		off = 0;
	if (off + (off_t)len > MAXSIZE)
		len = off < MAXSIZE ? MAXSIZE - off : 1;
	if (kind < 35) {			/* pwrite */
		fill(bufa, len);
		for (s = 0; s < 2; s++)
			if (pwrite(fds[s][f], bufa, len, off) != (ssize_t)len)
				die("pwrite");
	} else if (kind < 42) {			/* pwritev, 3 pieces */
		struct iovec iov[3];
		size_t a = len / 3, b = len / 2;

		fill(bufa, len);
		iov[0].iov_base = bufa;
		iov[0].iov_len = a;
		iov[1].iov_base = bufa + a;
		iov[1].iov_len = b - a;
		iov[2].iov_base = bufa + b;
		iov[2].iov_len = len - b;
		for (s = 0; s < 2; s++)
			if (pwritev(fds[s][f], iov, 3, off) != (ssize_t)len)
				die("pwritev");
	} else if (kind < 47) {			/* O_APPEND */
		char p[4200];
		int fd;

		fill(bufa, len);
		if (size_of(fds[1][f]) + (off_t)len > MAXSIZE)
			return 0;
		for (s = 0; s < 2; s++) {
			path(p, s, f);
			fd = open(p, O_WRONLY | O_APPEND);
			if (fd < 0 || write(fd, bufa, len) != (ssize_t)len)
				die("append");
			close(fd);
		}
	} else if (kind < 57) {			/* truncate */
		off_t to = rnd() % 3 ? rnd() % (size_of(fds[1][f]) + 1) :
			   rnd() % MAXSIZE;

		for (s = 0; s < 2; s++)
			if (ftruncate(fds[s][f], to))
				die("ftruncate");
	} else if (kind < 65) {			/* store through mmap */
		char *m;

		sz = size_of(fds[1][f]);
		if (!sz)
			return 0;
		off = rnd() % sz;
		if ((off_t)len > sz - off)
			len = sz - off;
		fill(bufa, len);
		for (s = 0; s < 2; s++) {
			off_t mo = off & ~(off_t)(PG - 1);

			m = mmap(NULL, len + (off - mo), PROT_READ | PROT_WRITE,
				 MAP_SHARED, fds[s][f], mo);
			if (m == MAP_FAILED)
				die("mmap");
			memcpy(m + (off - mo), bufa, len);
			if (rnd() % 2 && msync(m, len + (off - mo), MS_SYNC))
				die("msync");
			munmap(m, len + (off - mo));
		}
	} else if (kind < 70) {			/* copy_file_range */
		loff_t in, out;

		if (f == g)
			return 0;
		sz = size_of(fds[1][g]);
		in = sz ? rnd() % sz : 0;
		out = off;
		r[0] = copy_file_range(fds[0][g], &in, fds[0][f], &out, len, 0);
		if (r[0] < 0)
			die("copy_file_range");
		in -= r[0];
		r[1] = pread(fds[1][g], bufb, len, in);
		if (r[1] != r[0]) {
			printf("op %ld: copy_file_range copied %zd, shadow has %zd\n",
			       op, r[0], r[1]);
			return 1;
		}
		if (r[1] > 0 && pwrite(fds[1][f], bufb, r[1], off) != r[1])
			die("shadow pwrite");
	} else if (kind < 74) {			/* sendfile */
		off_t in;

		if (f == g)
			return 0;
		sz = size_of(fds[1][g]);
		in = sz ? rnd() % sz : 0;
		if (lseek(fds[0][f], off, SEEK_SET) < 0)
			die("lseek");
		r[0] = sendfile(fds[0][f], fds[0][g], &in, len);
		if (r[0] < 0)
			die("sendfile");
		in -= r[0];
		r[1] = pread(fds[1][g], bufb, len, in);
		if (r[1] != r[0]) {
			printf("op %ld: sendfile copied %zd, shadow has %zd\n",
			       op, r[0], r[1]);
			return 1;
		}
		if (r[1] > 0 && pwrite(fds[1][f], bufb, r[1], off) != r[1])
			die("shadow pwrite");
	} else if (kind < 77) {			/* fsync */
		if (rnd() % 2 ? fsync(fds[0][f]) : fdatasync(fds[0][f]))
			die("fsync");
	} else if (kind < 79) {			/* drop the page cache */
		int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

		if (fd >= 0) {
			if (fsync(fds[0][f]) || write(fd, "3", 1) != 1)
				die("drop_caches");
			close(fd);
		}
	} else {				/* read and compare */
		return compare(f, off, len);
	}
	return 0;
}

int main(int argc, char **argv)
{
	long nops;
	int f, bad = 0;

	bufa = malloc(MAXIO);
	bufb = malloc(MAXIO);
	if (!bufa || !bufb)
		die("malloc");
	if (argc == 6 && !strcmp(argv[1], "run")) {
		snprintf(dir[0], sizeof(dir[0]), "%s", argv[2]);
		snprintf(dir[1], sizeof(dir[1]), "%s", argv[3]);
		rng = strtoull(argv[4], NULL, 0) * 0x9e3779b97f4a7c15ULL + 1;
		nops = strtol(argv[5], NULL, 0);
		open_all(O_CREAT);
		for (op = 0; op < nops && !bad; op++)
			bad = one_op();
		for (f = 0; f < NFILES && !bad; f++)
			bad = compare(f, 0, -1);
		printf("vpmfs_exerciser: %ld operations, %s\n", op,
		       bad ? "MISMATCH" : "all matched");
		return bad;
	}
	if (argc == 4 && !strcmp(argv[1], "verify")) {
		snprintf(dir[0], sizeof(dir[0]), "%s", argv[2]);
		snprintf(dir[1], sizeof(dir[1]), "%s", argv[3]);
		open_all(0);
		op = -1;
		for (f = 0; f < NFILES && !bad; f++)
			bad = compare(f, 0, -1);
		printf("vpmfs_exerciser: verify %s\n", bad ? "MISMATCH" : "ok");
		return bad;
	}
	fprintf(stderr, "usage: vpmfs_exerciser run DIR SHADOW SEED NOPS\n"
			"       vpmfs_exerciser verify DIR SHADOW\n");
	return 2;
}
