// SPDX-License-Identifier: GPL-2.0
/*
 * vpmfs_faultinj: file operations on vpmfs under kernel fault injection,
 * each checked against an in-memory model of the files' contents.
 *
 *   vpmfs_faultinj nth DIR MODELDIR
 *	For each operation of a fixed list (overwrites, page-aligned and
 *	extending writes, O_APPEND, holes, reads, truncates, sendfile,
 *	copy_file_range, create/unlink), fail the 1st, 2nd, 3rd, ...
 *	fault-injection site the syscall reaches (/proc/thread-self/fail-nth)
 *	until one runs to the end without reaching the Nth site.  Twice:
 *	with the pages cached, then with the caches dropped before each
 *	try (page allocation, reads, block mapping).
 *   vpmfs_faultinj random DIR MODELDIR SEED NOPS
 *	Random operations with /proc/self/make-it-fail set, so that the
 *	probabilistic failslab/fail_page_alloc/fail_usercopy settings the
 *	caller made (task-filter=Y) apply to this process only.
 *
 * Which sites count is the caller's choice (debugfs fault attributes,
 * e.g. a require-start/require-end range over the project's modules).
 *
 * After every operation: a syscall that failed must have failed with
 * ENOMEM, EIO or EFAULT; a write or read may be short; and the file read
 * back (with injection off) must equal the model, where a write that
 * returned N changed exactly its first N bytes.  At the end the model is
 * written to MODELDIR/<name>, for a comparison after a remount.
 * Prints "ops N, faults injected N, errors N (ENOMEM N, EIO N, EFAULT N),
 * short N" (random mode: the injected count is the debugfs attributes'
 * business) and exits 0, or 1 at the first violation.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#define NFILES	3
#define MAXSIZE	(256 << 10)

struct model {
	const char *name;
	char path[1024];
	unsigned char *data;
	size_t size;
	int fd;
	int afd;		/* O_APPEND */
};

static struct model files[NFILES] = {
	{ .name = "f0" }, { .name = "f1" }, { .name = "f2" },
};

static const char *dir, *modeldir;
static unsigned char *buf, *rbuf;
static unsigned long long rng = 88172645463325252ULL;
static long injected, errs, err_nomem, err_io, err_fault, shorts, nops;
static int nthfd = -1;
static const char *curop = "setup";

static unsigned int rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng >> 11);
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "vpmfs_faultinj: op %ld (%s): ", nops, curop);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

/* fail-nth: arm for the Nth site (0 disarms); read back whether it fired */
static void nth_set(long n)
{
	char s[32];
	int len = snprintf(s, sizeof(s), "%ld", n);

	if (pwrite(nthfd, s, len, 0) != len)
		die("cannot write fail-nth: %s", strerror(errno));
}

static long nth_get(void)
{
	char s[32] = "";

	if (pread(nthfd, s, sizeof(s) - 1, 0) < 0)
		die("cannot read fail-nth: %s", strerror(errno));
	return atol(s);
}

/* A failed syscall: only these errors are allowed under injection. */
static void check_errno(int e)
{
	errs++;
	switch (e) {
	case ENOMEM:
		err_nomem++;
		break;
	case EIO:
		err_io++;
		break;
	case EFAULT:
		err_fault++;
		break;
	default:
		die("failed with %s (only ENOMEM, EIO, EFAULT allowed)", strerror(e));
	}
}

static void model_write(struct model *m, size_t off, const unsigned char *src, size_t n)
{
	if (off + n > m->size) {
		if (off > m->size)
			memset(m->data + m->size, 0, off - m->size);
		m->size = off + n;
	}
	memcpy(m->data + off, src, n);
}

static void model_truncate(struct model *m, size_t size)
{
	if (size > m->size)
		memset(m->data + m->size, 0, size - m->size);
	m->size = size;
}

/* The file, read with injection off, must equal the model. */
static void verify(struct model *m)
{
	struct stat st;
	size_t off = 0;
	ssize_t r;

	if (fstat(m->fd, &st))
		die("fstat: %s", strerror(errno));
	if ((size_t)st.st_size != m->size) {
		fprintf(stderr, "vpmfs_faultinj: %s: size %lld, model %zu\n",
			m->name, (long long)st.st_size, m->size);
		die("size differs from the model%s", "");
	}
	while (off < m->size) {
		r = pread(m->fd, rbuf, m->size - off, off);
		if (r <= 0)
			die("verifying read failed: %s", r ? strerror(errno) : "EOF");
		if (memcmp(rbuf, m->data + off, r)) {
			size_t i = 0;

			while (rbuf[i] == m->data[off + i])
				i++;
			fprintf(stderr, "vpmfs_faultinj: %s: byte %zu is %02x, model %02x\n",
				m->name, off + i, rbuf[i], m->data[off + i]);
			die("data differs from the model%s", "");
		}
		off += r;
	}
}

static void fill(size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (unsigned char)(rnd() | 1);
}

/* Operations: each returns after updating the model by what it did. */
enum { OP_OVERWRITE, OP_ALIGNED, OP_APPEND, OP_HOLE, OP_READ, OP_TRUNC_DOWN,
	OP_TRUNC_UP, OP_SENDFILE, OP_COPY_RANGE, OP_CREATE, OP_NR };
static const char *const opnames[OP_NR] = {
	"overwrite", "aligned-write", "append", "hole-write", "read",
	"truncate-down", "truncate-up", "sendfile", "copy_file_range",
	"create-unlink",
};

/* ftruncate, and the model with it; false if it failed (allowed errno) */
static int trunc_to(struct model *m, size_t n)
{
	if (ftruncate(m->fd, n)) {
		check_errno(errno);
		return 0;
	}
	model_truncate(m, n);
	return 1;
}

static void do_write(struct model *m, int fd, size_t off, size_t n, int append)
{
	ssize_t r;

	fill(n);
	if (append)
		off = m->size;
	r = append ? write(fd, buf, n) : pwrite(fd, buf, n, off);
	if (r < 0) {
		check_errno(errno);
		return;
	}
	if ((size_t)r < n)
		shorts++;
	model_write(m, off, buf, r);
}

static void do_op(int op, struct model *m, struct model *m2)
{
	size_t off, n;
	ssize_t r;
	int e;

	curop = opnames[op];
	switch (op) {
	case OP_OVERWRITE:	/* fetch path, crossing pages */
		off = m->size ? rnd() % m->size : 0;
		n = 1 + rnd() % 12000;
		if (off + n > MAXSIZE)
			n = MAXSIZE - off;
		do_write(m, m->fd, off, n, 0);
		break;
	case OP_ALIGNED:	/* create path: whole pages, may extend */
		off = (rnd() % (MAXSIZE / 4096 - 4)) * 4096;
		if (off > m->size + 8192)
			off = m->size & ~4095UL;
		do_write(m, m->fd, off, 4096 * (1 + rnd() % 3), 0);
		break;
	case OP_APPEND:
		if (m->size > MAXSIZE - 10000 && !trunc_to(m, 0))
			break;
		do_write(m, m->afd, 0, 1 + rnd() % 9000, 1);
		break;
	case OP_HOLE:		/* a write beyond EOF leaves a hole */
		off = m->size + 1 + rnd() % 20000;
		if (off + 5000 > MAXSIZE) {
			if (!trunc_to(m, 0))
				break;
			off = 1 + rnd() % 20000;
		}
		do_write(m, m->fd, off, 1 + rnd() % 5000, 0);
		break;
	case OP_READ:
		off = m->size ? rnd() % m->size : 0;
		n = 1 + rnd() % 40000;
		r = pread(m->fd, rbuf, n, off);
		if (r < 0) {
			check_errno(errno);
			break;
		}
		if ((size_t)r < n && off + r < m->size)
			shorts++;
		if (off + r > m->size || memcmp(rbuf, m->data + off, r))
			die("read returned data that is not the file's%s", "");
		break;
	case OP_TRUNC_DOWN:
	case OP_TRUNC_UP:
		n = op == OP_TRUNC_DOWN ? (m->size ? rnd() % m->size : 0)
					: m->size + rnd() % 30000;
		if (n > MAXSIZE)
			n = MAXSIZE;
		trunc_to(m, n);
		break;
	case OP_SENDFILE:	/* m -> m2, through splice_read (vpm_map_pages) */
	case OP_COPY_RANGE: {
		loff_t in = m->size ? rnd() % m->size : 0, out = m2->size ? rnd() % m2->size : 0;
		loff_t in0 = in;

		n = 1 + rnd() % 30000;
		if (in + n > m->size)
			n = m->size - in;
		if (!n || m == m2)
			break;
		if (op == OP_SENDFILE) {
			if (lseek(m2->fd, out, SEEK_SET) < 0)
				die("lseek: %s", strerror(errno));
			r = sendfile(m2->fd, m->fd, &in, n);
		} else {
			r = copy_file_range(m->fd, &in, m2->fd, &out, n, 0);
			out -= r > 0 ? r : 0;
		}
		if (r < 0) {
			check_errno(errno);
			break;
		}
		if ((size_t)r < n)
			shorts++;
		model_write(m2, out, m->data + in0, r);
		break;
	}
	case OP_CREATE: {
		char p[1100];
		int fd;

		snprintf(p, sizeof(p), "%s/new%ld", dir, nops);
		fd = open(p, O_CREAT | O_EXCL | O_RDWR, 0644);
		if (fd < 0) {
			e = errno;
			if (!access(p, F_OK))
				die("a failed create left %s behind", p);
			check_errno(e);
			break;
		}
		fill(5000);
		r = write(fd, buf, 5000);
		if (r < 0)
			check_errno(errno);
		close(fd);
		if (unlink(p)) {
			e = errno;
			check_errno(e);
			if (nthfd >= 0)
				nth_set(0);
			if (unlink(p))
				die("unlink after a failed unlink: %s", strerror(errno));
		}
		break;
	}
	}
}

static void open_files(void)
{
	int i;

	for (i = 0; i < NFILES; i++) {
		struct model *m = &files[i];

		snprintf(m->path, sizeof(m->path), "%s/%s", dir, m->name);
		m->fd = open(m->path, O_CREAT | O_TRUNC | O_RDWR, 0644);
		m->afd = open(m->path, O_WRONLY | O_APPEND);
		m->data = calloc(1, MAXSIZE + 65536);
		if (m->fd < 0 || m->afd < 0 || !m->data)
			die("cannot open %s", m->path);
		fill(20000);
		if (pwrite(m->fd, buf, 20000, 0) != 20000)
			die("initial write: %s", strerror(errno));
		model_write(m, 0, buf, 20000);
	}
}

static void save_models(void)
{
	int i;

	for (i = 0; i < NFILES; i++) {
		struct model *m = &files[i];
		char p[1100];
		FILE *f;

		verify(m);
		if (fsync(m->fd))
			die("fsync: %s", strerror(errno));
		snprintf(p, sizeof(p), "%s/%s", modeldir, m->name);
		f = fopen(p, "w");
		if (!f || fwrite(m->data, 1, m->size, f) != m->size || fclose(f))
			die("cannot write the model %s", p);
	}
}

static void report(void)
{
	if (nthfd >= 0)
		printf("ops %ld, faults injected %ld, ", nops, injected);
	else
		printf("ops %ld (faults injected: see the debugfs counts), ", nops);
	printf("errors %ld (ENOMEM %ld, EIO %ld, EFAULT %ld), short %ld\n",
	       errs, err_nomem, err_io, err_fault, shorts);
}

/*
 * Cold caches for the second sweep, so that its faults also land in page
 * allocation, reading and block mapping: sync, then drop (twice: once is
 * enough since the vpm cache holds no pages, twice costs nothing).
 */
static void cold_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	sync();
	if (fd < 0 || write(fd, "3", 1) != 1 || write(fd, "3", 1) != 1)
		die("cannot write /proc/sys/vm/drop_caches: %s", strerror(errno));
	close(fd);
}

static int run_nth(void)
{
	int op, k;
	long n;

	nthfd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nthfd < 0)
		die("no /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION): %s", strerror(errno));
	for (k = 0; k < 2; k++) {
		for (op = 0; op < OP_NR; op++) {
			for (n = 1; n < 100000; n++) {
				struct model *m = &files[(op + k) % NFILES];
				struct model *m2 = &files[(op + k + 1) % NFILES];
				long left;

				nops++;
				if (k == 1)
					cold_caches();
				nth_set(n);
				do_op(op, m, m2);
				left = nth_get();
				nth_set(0);
				verify(m);
				verify(m2);
				if (left)	/* ran to the end: the sweep is done */
					break;
				injected++;
			}
		}
	}
	save_models();
	report();
	return 0;
}

static int run_random(unsigned long long seed, long ops)
{
	int fd = open("/proc/self/make-it-fail", O_WRONLY);
	long i;

	rng ^= seed * 0x9E3779B97F4A7C15ULL;
	if (fd < 0 || write(fd, "1", 1) != 1)
		die("cannot set /proc/self/make-it-fail: %s", strerror(errno));
	for (i = 0; i < ops; i++) {
		struct model *m = &files[rnd() % NFILES];
		struct model *m2 = &files[rnd() % NFILES];

		nops++;
		do_op(rnd() % OP_NR, m, m2);
		if (i % 16 == 15) {
			if (write(fd, "0", 1) != 1)
				die("make-it-fail: %s", strerror(errno));
			verify(m);
			verify(m2);
			if (write(fd, "1", 1) != 1)
				die("make-it-fail: %s", strerror(errno));
		}
	}
	if (write(fd, "0", 1) != 1)
		die("make-it-fail: %s", strerror(errno));
	save_models();
	report();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: vpmfs_faultinj nth DIR MODELDIR\n"
			"       vpmfs_faultinj random DIR MODELDIR SEED NOPS\n");
		return 2;
	}
	dir = argv[2];
	modeldir = argv[3];
	buf = malloc(MAXSIZE);
	rbuf = malloc(MAXSIZE);
	if (!buf || !rbuf)
		die("out of memory%s", "");
	open_files();
	if (!strcmp(argv[1], "nth"))
		return run_nth();
	if (!strcmp(argv[1], "random") && argc == 6)
		return run_random(strtoull(argv[4], NULL, 0), atol(argv[5]));
	fprintf(stderr, "vpmfs_faultinj: bad arguments\n");
	return 2;
}
