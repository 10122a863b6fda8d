// SPDX-License-Identifier: GPL-2.0
/*
 * vpm_nopin: the pieces of selftests/guest/nopin.sh (issue #11, idle vpm
 * cache slots must not pin page-cache pages) that a shell cannot do.
 *
 *   vpm_nopin gen SEED OFF LEN
 *	write bytes [OFF, OFF + LEN) of the pattern of SEED to stdout
 *   vpm_nopin check SEED OFF LEN
 *	stdin must be exactly those bytes; prints the first difference
 *   vpm_nopin pipes FILE SEED NPIPES SIZE STALL
 *	make NPIPES pipes of SIZE bytes (F_SETPIPE_SZ) and fill pipe i with
 *	FILE's bytes [i * SIZE, (i + 1) * SIZE) by splice(2); nobody reads
 *	them.  Prints "pipes: filled ..." when all are full, or "pipes:
 *	stalled ..." when a splice made no progress for STALL seconds.
 *	Then holds the pipes until SIGUSR1 (or 600 s), reads them back and
 *	checks them against the pattern of SEED.  Exit 0 when every pipe
 *	was filled and read back exact, 1 if not.
 *   vpm_nopin resident FILE
 *	"resident R of N pages": FILE's pages in the page cache (mincore(2)
 *	on a mapping, which faults nothing in)
 *   vpm_nopin migrate FILE SEED
 *	read FILE with read(2) (checked against the pattern of SEED), map
 *	it MAP_SHARED, touch every page, and move_pages(2) every page to the
 *	node (0 or 1) it is not on; three tries, then the pages that did not
 *	move are listed with the reason.  Exit 0 when all moved, 1 if not,
 *	4 when the kernel has no NUMA (no /sys/devices/system/node; with
 *	NUMA, page migration is always built in on x86).
 *
 * OFF, LEN and SIZE take a K, M or G suffix.  The pattern: the 8 bytes
 * at offset 8w are mix64(SEED * 2^32 + w), little-endian, so any range
 * can be generated or checked on its own.  Exit 2 on an unexpected error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/mempolicy.h>
#include <linux/types.h>

#define PG		4096UL
#define CHUNK		(1024UL * 1024)
#define STEP		(64UL * 1024)	/* bytes a splice asks for */

static void die(const char *what)
{
	fprintf(stderr, "vpm_nopin: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: vpm_nopin gen|check SEED OFF LEN\n"
		"       vpm_nopin pipes FILE SEED NPIPES SIZE STALL\n"
		"       vpm_nopin resident FILE\n"
		"       vpm_nopin migrate FILE SEED\n");
	exit(2);
}

static __u64 num(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		bad_usage();
	switch (*end) {
	case 'K':
	case 'k':
		v <<= 10;
		end++;
		break;
	case 'M':
	case 'm':
		v <<= 20;
		end++;
		break;
	case 'G':
	case 'g':
		v <<= 30;
		end++;
		break;
	}
	if (*end)
		bad_usage();
	return v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the pattern ---- */

static __u64 mix64(__u64 z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Fill @buf with the pattern bytes [off, off + len). */
static void pattern(__u64 seed, __u64 off, unsigned char *buf,
		    size_t len)
{
	__u64 w = off >> 3, v;
	unsigned int b = off & 7;
	size_t i = 0;

	while (i < len) {
		v = mix64((seed << 32) + w) >> (8 * b);
		for (; b < 8 && i < len; b++, v >>= 8)
			buf[i++] = v & 0xff;
		b = 0;
		w++;
	}
}

/*
 * Compare @got with the pattern at @off; print the first difference,
 * prefixed by @what.  Returns true when equal.
 */
static bool same(const char *what, __u64 seed, __u64 off,
		 const unsigned char *got, size_t len)
{
	static unsigned char want[CHUNK];
	size_t n, i;

	while (len) {
		n = len < CHUNK ? len : CHUNK;
		pattern(seed, off, want, n);
		if (memcmp(got, want, n)) {
			for (i = 0; got[i] == want[i]; i++)
				;
			printf("%s: byte %llu is 0x%02x, expected 0x%02x\n",
			       what, (unsigned long long)(off + i), got[i],
			       want[i]);
			return false;
		}
		got += n;
		off += n;
		len -= n;
	}
	return true;
}

static int cmd_gen(__u64 seed, __u64 off, __u64 len)
{
	static unsigned char buf[CHUNK];
	size_t n, done;
	ssize_t r;

	while (len) {
		n = len < CHUNK ? len : CHUNK;
		pattern(seed, off, buf, n);
		for (done = 0; done < n; done += r) {
			r = write(1, buf + done, n - done);
			if (r < 0)
				die("write");
		}
		off += n;
		len -= n;
	}
	return 0;
}

static int cmd_check(__u64 seed, __u64 off, __u64 len)
{
	static unsigned char buf[CHUNK];
	__u64 start = off, end = off + len;
	ssize_t r;
	size_t n;

	for (;;) {
		/* one byte more than expected shows a long input */
		n = end - off < CHUNK ? end - off + 1 : CHUNK;
		r = read(0, buf, n);
		if (r < 0)
			die("read stdin");
		if (r == 0)
			break;
		if (off + r > end) {
			printf("check: more than %llu bytes\n",
			       (unsigned long long)len);
			return 1;
		}
		if (!same("check", seed, off, buf, r))
			return 1;
		off += r;
	}
	if (off != end) {
		printf("check: %llu bytes, expected %llu\n",
		       (unsigned long long)(off - start),
		       (unsigned long long)len);
		return 1;
	}
	return 0;
}

/* ---- pipes ---- */

struct filler {
	int fd, npipes;
	size_t size;
	int (*p)[2];
	/* written by the filling thread, read by the watchdog */
	__u64 bytes;		/* spliced so far, all pipes */
	int cur;		/* the pipe being filled */
	int done;		/* 1 all filled, -1 failed */
	int err;
};

static void *fill(void *arg)
{
	struct filler *f = arg;
	int i;

	for (i = 0; i < f->npipes; i++) {
		loff_t off = (loff_t)i * f->size;
		size_t left = f->size;
		ssize_t r;

		__atomic_store_n(&f->cur, i, __ATOMIC_RELAXED);
		while (left) {
			/* in steps, so that a slow disk still shows progress */
			r = splice(f->fd, &off, f->p[i][1], NULL,
				   left < STEP ? left : STEP, SPLICE_F_NONBLOCK);
			if (r <= 0) {
				f->err = r < 0 ? errno : ENODATA;
				__atomic_store_n(&f->done, -1,
						 __ATOMIC_RELEASE);
				return NULL;
			}
			left -= r;
			__atomic_fetch_add(&f->bytes, r, __ATOMIC_RELAXED);
		}
	}
	__atomic_store_n(&f->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int cmd_pipes(const char *file, __u64 seed, int npipes,
		     size_t size, double stall)
{
	struct filler f = { .npipes = npipes, .size = size };
	struct timespec hold = { .tv_sec = 600 };
	__u64 last = 0, b;
	double t0 = now(), tlast = t0;
	unsigned char *buf;
	pthread_t thread;
	sigset_t usr1;
	int i, done, sz, bad = 0;

	if (npipes < 1 || size < PG || size % PG)
		bad_usage();
	/* SIGUSR1 is taken with sigtimedwait(), in any thread */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);

	f.fd = open(file, O_RDONLY);
	if (f.fd < 0)
		die(file);
	f.p = calloc(npipes, sizeof(*f.p));
	buf = malloc(size);
	if (!f.p || !buf)
		die("malloc");
	for (i = 0; i < npipes; i++) {
		if (pipe(f.p[i]))
			die("pipe");
		sz = fcntl(f.p[i][1], F_SETPIPE_SZ, (int)size);
		if (sz < 0)
			die("F_SETPIPE_SZ");
		if ((size_t)sz < size) {
			printf("pipes: F_SETPIPE_SZ gave %d bytes, not %zu\n",
			       sz, size);
			return 2;
		}
	}
	errno = pthread_create(&thread, NULL, fill, &f);
	if (errno)
		die("pthread_create");

	/* watchdog: a splice that waits forever never returns */
	for (;;) {
		done = __atomic_load_n(&f.done, __ATOMIC_ACQUIRE);
		b = __atomic_load_n(&f.bytes, __ATOMIC_RELAXED);
		if (done)
			break;
		if (b != last) {
			last = b;
			tlast = now();
		} else if (now() - tlast > stall) {
			break;
		}
		usleep(100000);
	}
	if (done == 1) {
		printf("pipes: filled %d pipes of %zu bytes in %.1f s\n",
		       npipes, size, now() - t0);
	} else if (done == -1) {
		printf("pipes: splice into pipe %d of %d failed: %s\n",
		       f.cur + 1, npipes, strerror(f.err));
	} else {
		printf("pipes: stalled: pipe %d of %d: no progress in %.0f s, %d pipes full\n",
		       f.cur + 1, npipes, stall, f.cur);
	}
	fflush(stdout);

	if (sigtimedwait(&usr1, NULL, &hold) < 0)
		printf("pipes: no SIGUSR1 in %ld s\n", (long)hold.tv_sec);
	if (done != 1) {
		/* exit_group() kills a filling thread stuck in the kernel */
		fflush(stdout);
		_exit(1);
	}
	pthread_join(thread, NULL);
	for (i = 0; i < npipes; i++) {
		size_t got = 0;
		ssize_t r;

		close(f.p[i][1]);
		while (got < size) {
			r = read(f.p[i][0], buf + got, size - got);
			if (r < 0)
				die("read pipe");
			if (r == 0)
				break;
			got += r;
		}
		if (got != size) {
			printf("pipes: pipe %d held %zu bytes, not %zu\n", i,
			       got, size);
			bad++;
		} else if (!same("pipes: pipe data", seed, (__u64)i * size,
				 buf, size)) {
			bad++;
		}
	}
	printf("pipes: read back %d pipes, %d bad\n", npipes, bad);
	return bad ? 1 : 0;
}

/* ---- resident ---- */

static void *map_file(const char *file, int prot, size_t *len, int *fdp)
{
	struct stat st;
	void *p;
	int fd;

	fd = open(file, O_RDONLY);
	if (fd < 0)
		die(file);
	if (fstat(fd, &st))
		die("fstat");
	if (!st.st_size) {
		errno = EINVAL;
		die("empty file");
	}
	p = mmap(NULL, st.st_size, prot, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	*len = st.st_size;
	if (fdp)
		*fdp = fd;
	else
		close(fd);
	return p;
}

static int cmd_resident(const char *file)
{
	size_t len, n, i, res = 0;
	unsigned char *vec;
	void *p;

	p = map_file(file, PROT_READ, &len, NULL);
	n = (len + PG - 1) / PG;
	vec = malloc(n);
	if (!vec)
		die("malloc");
	if (mincore(p, len, vec))
		die("mincore");
	for (i = 0; i < n; i++)
		res += vec[i] & 1;
	printf("resident %zu of %zu pages\n", res, n);
	return 0;
}

/* ---- migrate ---- */

static long move_pages(unsigned long count, void **pages, const int *nodes,
		       int *status, int flags)
{
	return syscall(SYS_move_pages, 0, count, pages, nodes, status, flags);
}

/* where each page is now: a node, or a negative errno */
static void where(size_t n, void **pages, int *status)
{
	if (move_pages(n, pages, NULL, status, 0) < 0)
		die("move_pages (query)");
}

/* Print runs of pages with the same @why as one line each. */
static void report_run(size_t first, size_t last, const char *why)
{
	if (first == last)
		printf("migrate: page %zu: %s\n", first, why);
	else
		printf("migrate: pages %zu-%zu: %s\n", first, last, why);
}

static int cmd_migrate(const char *file, __u64 seed)
{
	size_t len, n, i, k, moved, on0, first = 0;
	int *target, *status, *one, *mst, fd, try, st1, tries = 3;
	char why[160], prev[160] = "";
	unsigned char *p, *buf;
	void **pages, **todo;
	__u64 off = 0;
	ssize_t r;
	long ret;

	if (access("/sys/devices/system/node", F_OK)) {
		printf("migrate: no NUMA in this kernel (no /sys/devices/system/node)\n");
		return 4;
	}
	p = map_file(file, PROT_READ, &len, &fd);
	n = (len + PG - 1) / PG;

	/* read(2) first, so that the file's read path has the pages */
	buf = malloc(CHUNK);
	if (!buf)
		die("malloc");
	while ((r = read(fd, buf, CHUNK)) > 0) {
		if (!same("migrate: read", seed, off, buf, r))
			return 1;
		off += r;
	}
	if (r < 0)
		die("read");
	if (off != len) {
		printf("migrate: read %llu bytes of %zu\n",
		       (unsigned long long)off, len);
		return 1;
	}

	pages = calloc(n, sizeof(*pages));
	todo = calloc(n, sizeof(*todo));
	target = calloc(n, sizeof(*target));
	status = calloc(n, sizeof(*status));
	one = calloc(n, sizeof(*one));
	mst = calloc(n, sizeof(*mst));
	if (!pages || !todo || !target || !status || !one || !mst)
		die("calloc");
	for (i = 0; i < n; i++)
		pages[i] = p + i * PG;
	/* reading it all through the mapping maps every page in */
	if (!same("migrate: mapping", seed, 0, p, len))
		return 1;

	where(n, pages, status);
	for (i = 0; i < n; i++) {
		if (status[i] < 0) {
			printf("migrate: page %zu not present after a touch: %s\n",
			       i, strerror(-status[i]));
			return 1;
		}
		if (status[i] > 1) {
			printf("migrate: page %zu on node %d: expected nodes 0 and 1\n",
			       i, status[i]);
			return 1;
		}
		target[i] = !status[i];
	}
	for (i = on0 = 0; i < n; i++)
		on0 += !status[i];
	printf("migrate: %zu pages, %zu on node 0, %zu on node 1 before\n",
	       n, on0, n - on0);

	for (try = 1; try <= tries; try++) {
		for (i = k = 0; i < n; i++) {
			if (status[i] == target[i])
				continue;
			todo[k] = pages[i];
			one[k++] = target[i];
		}
		if (!k)
			break;
		ret = move_pages(k, todo, one, mst, MPOL_MF_MOVE);
		if (ret < 0 && errno == ENODEV) {
			printf("migrate: move_pages: ENODEV: a target node has no memory\n");
			return 1;
		}
		if (ret < 0 && errno != EBUSY && errno != EAGAIN &&
		    errno != ENOMEM)
			die("move_pages");
		printf("migrate: try %d: move_pages(%zu pages) = %ld%s%s\n",
		       try, k, ret, ret < 0 ? ", " : "",
		       ret < 0 ? strerror(errno) : "");
		where(n, pages, status);
		if (try < tries)
			usleep(200000);
	}

	/*
	 * A batch that migrate_pages() gives up on reports a count, not a
	 * per-page errno: move what is left one page at a time to get one.
	 */
	for (i = moved = 0; i <= n; i++) {
		why[0] = 0;
		if (i < n && status[i] != target[i]) {
			st1 = -1;
			ret = move_pages(1, &pages[i], &target[i], &st1,
					 MPOL_MF_MOVE);
			if (ret < 0)
				snprintf(why, sizeof(why),
					 "not moved to node %d: move_pages: %s",
					 target[i], strerror(errno));
			else if (ret > 0)
				snprintf(why, sizeof(why),
					 "not moved to node %d: move_pages returned %ld (migrate_pages() gave up on it, with no errno for it)",
					 target[i], ret);
			else if (st1 < 0)
				snprintf(why, sizeof(why),
					 "not moved to node %d: status %s",
					 target[i], strerror(-st1));
			else if (st1 != target[i])
				snprintf(why, sizeof(why),
					 "not moved to node %d: still on node %d",
					 target[i], st1);
		}
		if (i < n && !why[0])
			moved++;
		if (strcmp(why, prev)) {
			if (prev[0])
				report_run(first, i - 1, prev);
			strcpy(prev, why);
			first = i;
		}
	}
	printf("migrate: %zu of %zu pages moved to the other node\n", moved, n);
	return moved == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "gen"))
		return cmd_gen(num(argv[2]), num(argv[3]), num(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "check"))
		return cmd_check(num(argv[2]), num(argv[3]), num(argv[4]));
	if (argc == 7 && !strcmp(argv[1], "pipes"))
		return cmd_pipes(argv[2], num(argv[3]), num(argv[4]),
				 num(argv[5]), num(argv[6]));
	if (argc == 3 && !strcmp(argv[1], "resident"))
		return cmd_resident(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "migrate"))
		return cmd_migrate(argv[2], num(argv[3]));
	bad_usage();
	return 2;
}
