// SPDX-License-Identifier: GPL-2.0
/*
 * vpmfs_race: races between the data paths of a file system (write,
 * read, splice, mmap, truncate, writeback, name space operations), each
 * checked byte for byte against what was written.
 *
 *   vpmfs_race [-s SEED] [-t N] [-d SECONDS] [-m MIB] SCENARIO DIR
 *   vpmfs_race verify DIR
 *
 * Scenarios (DIR should be an empty directory on the file system):
 *
 *   append-wb   one thread appends records of 1-3000 bytes (-m MiB, 96)
 *               to a new file while writeback runs: a sync_file_range()
 *               WRITE loop, an fsync() loop and a sync() loop, each alone
 *               in one of the first three quarters of the file and all
 *               together in the last; -t readers (1) check the file up to
 *               the size they see.  Nothing below EOF may read as zero.
 *   hole-fill   writes a first page, fills the free space behind it with
 *               0xA5 and deletes that, then fills a sparse file (-m MiB,
 *               16) page by page, in rounds until -d seconds (10): full
 *               pages, partial pages, and sources that fault (a
 *               just-mapped page of another file, fresh anonymous memory,
 *               a buffer whose tail is unmapped, a userfaultfd page that
 *               holds the write while the handler reads the page), and
 *               wide writes of 16 pages (one vpm pass) whose userfaultfd
 *               page is taken away once the blocks are allocated, so
 *               that the write stops short there: the pages after it
 *               must read as zero; and overwrites, of 16 pages or of
 *               one cached page, from a buffer that starts inside a
 *               page, whose retry after a fault starts inside a file
 *               page that the handler evicts meanwhile: the first
 *               pass's bytes there must stay.  -t
 *               readers (1) read the page being written by read(), mmap
 *               and splice, aiming at the moment its block is allocated.
 *               A reader may see 0 or the data written, nothing else.
 *   mmap-write  write() and stores through MAP_SHARED mappings into the
 *               same pages, from threads and a second process, each
 *               writer owning its own 256-byte stripes; -t writers per
 *               process (2).
 *   truncate    truncation down, up and into the middle of pages against
 *               writers, readers (read, splice, mmap; SIGBUS past EOF is
 *               allowed) and writeback; after a truncate down to S and up,
 *               [S, new size) must read as zero, also after drop_caches.
 *   namespace   -t processes (4) create, link, unlink, rename, mkdir,
 *               rmdir, symlink in a small shared set of names (as
 *               fsstress does); then link counts and file contents are
 *               checked.  Run fsck after it.
 *   mix         a seeded random mix of writes, appends, mmap stores,
 *               truncations, faulting and short writes, syncs and cache
 *               drops on -t files (3), one owner thread each checking its
 *               file exactly, while two more threads read all files.
 *   verify      check every DIR/ *.manifest that the scenarios above leave
 *               (after a remount, say).
 *
 * File data is a function of (offset, key), the key naming the writer
 * and its generation, and never 0, so a wrong byte tells zero, stale
 * (0xA5, the deleted file, or an earlier round's data) or foreign apart.
 * Data files are described in DIR/SCENARIO.manifest for "verify".
 * VPMFS_RACE_NO_DROP=1: never write /proc/sys/vm/drop_caches (on a host).
 * Every scenario prints the seed and "# SCENARIO: N ops, M bad"; exit 0
 * when nothing was wrong, 1
 * when a byte (or, for namespace, an operation or link count) was wrong,
 * 2 on an unexpected error.
 */
#define _GNU_SOURCE
#include "kselftest.h"	/* ARRAY_SIZE() */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>

#define PG		4096UL
#define STALE		0xA5
#define MAX_EVENTS	25	/* bad reads printed in full */
#define MIB		(1024UL * 1024)

static __u64 seed;
static int opt_threads = -1;
static double opt_dur = -1, opt_mib = -1;
static const char *scen = "vpmfs_race";
static const char *dir;
static double t_end;

/* Counters shared with child processes (MAP_SHARED). */
struct stats {
	__u64 ops, bad, zero, stale, foreign;
	__u64 events, skipped, sigbus;
	int stop;
};

static struct stats *st;

/* ---- output and errors ---- */

static void say(const char *fmt, ...)
{
	char b[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(b) - 1)
		n = sizeof(b) - 1;
	if (write(1, b, n) < 0)
		_exit(2);
}

static void die(const char *what)
{
	say("ERROR %s: %s: %s\n", scen, what, strerror(errno));
	__atomic_store_n(&st->stop, 1, __ATOMIC_SEQ_CST);
	exit(2);
}

static void add(__u64 *c, __u64 n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool running(void)
{
	return !__atomic_load_n(&st->stop, __ATOMIC_RELAXED) && now() < t_end;
}

static void *shared_alloc(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap shared memory");
	return p;
}

/*
 * Run the calling thread on the @nth CPU it may use (modulo their
 * number); nothing if there is only one.
 */
static cpu_set_t all_cpus;	/* as the program started */

static void pin_to(int nth)
{
	cpu_set_t all = all_cpus, one;
	int c, n = 0, want;

	if (CPU_COUNT(&all) < 2)
		return;
	want = nth % CPU_COUNT(&all);
	for (c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &all) || n++ != want)
			continue;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
		return;
	}
}

static void xpthread_create(pthread_t *t, void *(*fn)(void *), void *arg)
{
	errno = pthread_create(t, NULL, fn, arg);
	if (errno)
		die("pthread_create");
}

/* ---- random numbers and file content ---- */

static __u64 mix64(__u64 z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct rng {
	__u64 s;
};

static void rng_init(struct rng *r, __u64 salt)
{
	r->s = mix64(seed ^ mix64(salt));
}

static __u64 rnd(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

static __u64 rndn(struct rng *r, __u64 n)
{
	return n ? rnd(r) % n : 0;
}

/*
 * The byte at file offset @off written under @key: eight bytes of a hash
 * of (key, offset / 8), never 0.  Keys are themselves mix64() results.
 */
static void fill_pat(unsigned char *buf, __u64 key, __u64 off, size_t n)
{
	size_t i = 0;

	while (i < n) {
		__u64 o = off + i, w = o >> 3, h = mix64(key + w);
		unsigned int k = o & 7;

		for (; k < 8 && i < n; k++, i++) {
			unsigned char b = h >> (k * 8);

			buf[i] = b ? b : (unsigned char)(0x80 | ((w * 8 + k) & 0x7f));
		}
	}
}

static unsigned char pat(__u64 key, __u64 off)
{
	unsigned char b;

	fill_pat(&b, key, off, 1);
	return b;
}

static __u64 mkkey(__u64 a, __u64 b)
{
	return mix64(mix64(seed ^ a) + b * 0xd1342543de82ef95ULL);
}

/* ---- reporting bad bytes ---- */

static __u64 stale_key;	/* also stale: data of this key (0: none) */
static __u8 *badpg;		/* optional: distinct bad pages (shared) */
static __u64 badpg_n;

static const char *klass(unsigned int got)
{
	return got == 0 ? "zero" : got == STALE ? "stale" : "foreign";
}

/*
 * Account for @nbad bad bytes found in one read of [@off, @off + @n) of
 * @file by @who; @first is the first bad one's offset, @exp and @got its
 * expected and actual byte; @nz/@ns the zero and stale ones.
 */
static void report(const char *who, const char *file, __u64 off, size_t n,
		   __u64 first, unsigned int exp, unsigned int got,
		   __u64 nbad, __u64 nz, __u64 ns, const char *allow)
{
	__u64 ev;

	add(&st->bad, nbad);
	add(&st->zero, nz);
	add(&st->stale, ns);
	add(&st->foreign, nbad - nz - ns);
	ev = __atomic_fetch_add(&st->events, 1, __ATOMIC_RELAXED);
	if (ev < MAX_EVENTS) {
		char a[512], b[256];

		snprintf(a, sizeof(a), "%s %s: %s [%llu, +%zu): %llu bad bytes",
			 scen, who, file, off, n, nbad);
		snprintf(b, sizeof(b), "(zero %llu, stale %llu, foreign %llu)",
			 nz, ns, nbad - nz - ns);
		say("BAD %s %s; first at %llu (page %llu +%llu):", a, b, first,
		    first / PG, first % PG);
		say(" expected %s0x%02x, got 0x%02x (%s)\n", allow, exp, got, klass(got));
	} else if (ev == MAX_EVENTS) {
		say("BAD %s: more bad reads, not printed\n", scen);
	}
}

static void mark_bad_page(__u64 off)
{
	if (badpg && off / PG < badpg_n)
		__atomic_store_n(&badpg[off / PG], 1, __ATOMIC_RELAXED);
}

static __u64 count_bad_pages(void)
{
	__u64 i, n = 0;

	for (i = 0; badpg && i < badpg_n; i++)
		n += badpg[i];
	return n;
}

/*
 * Compare @n bytes read at @off with @exp; 0 is also accepted when
 * @zero_ok.  Returns the number of bad bytes (reported).
 */
static __u64 cmp_report(const char *who, const char *file,
			const unsigned char *got, const unsigned char *exp,
			__u64 off, size_t n, bool zero_ok)
{
	__u64 nbad = 0, nz = 0, ns = 0, first = 0;
	unsigned int fe = 0, fg = 0;
	size_t i;

	if (!memcmp(got, exp, n))
		return 0;
	for (i = 0; i < n; i++) {
		if (got[i] == exp[i] || (zero_ok && !got[i]))
			continue;
		if (!nbad++) {
			first = off + i;
			fe = exp[i];
			fg = got[i];
		}
		nz += !got[i];
		ns += got[i] == STALE ||
		      (stale_key && got[i] && got[i] == pat(stale_key, off + i));
		mark_bad_page(off + i);
	}
	if (nbad)
		report(who, file, off, n, first, fe, fg, nbad, nz, ns,
		       zero_ok ? "0 or " : "");
	return nbad;
}

/* ---- I/O helpers ---- */

static void pwrite_all(int fd, const void *buf, size_t n, __u64 off)
{
	const char *p = buf;

	while (n) {
		ssize_t r = pwrite(fd, p, n, off);

		if (r <= 0)
			die("pwrite");
		p += r;
		n -= r;
		off += r;
	}
}

/* pread until @n bytes or EOF; returns the bytes read. */
static size_t pread_full(int fd, void *buf, size_t n, __u64 off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, off + got);

		if (r < 0)
			die("pread");
		if (!r)
			break;
		got += r;
	}
	return got;
}

/* Read through a pipe with splice(); returns the bytes read. */
static size_t splice_full(int fd, int pfd[2], unsigned char *buf, size_t n,
			  __u64 off)
{
	loff_t o = off;
	size_t got = 0;

	while (got < n) {
		size_t want = n - got > 65536 ? 65536 : n - got, have = 0;
		ssize_t r = splice(fd, &o, pfd[1], NULL, want, 0);

		if (r < 0)
			die("splice");
		if (!r)
			break;
		while (have < (size_t)r) {
			ssize_t k = read(pfd[0], buf + got + have, r - have);

			if (k <= 0)
				die("read pipe");
			have += k;
		}
		got += r;
	}
	return got;
}

static off_t fsize(int fd)
{
	struct stat sb;

	if (fstat(fd, &sb))
		die("fstat");
	return sb.st_size;
}

/*
 * A source buffer of which only the last @l bytes before a PROT_NONE
 * guard can be read, for a write of @n bytes (the guard covers the rest;
 * a hole made by munmap() could be filled by another thread's mmap()).
 * Returns the buffer; *@base and *@len to munmap().
 */
static unsigned char *short_source(size_t l, size_t n, void **base, size_t *len)
{
	size_t lr = (l + PG - 1) / PG * PG, nr = (n + PG - 1) / PG * PG + PG;
	unsigned char *r = mmap(NULL, lr + nr, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (r == MAP_FAILED)
		die("mmap");
	if (mprotect(r + lr, nr, PROT_NONE))
		die("mprotect");
	*base = r;
	*len = lr + nr;
	return r + lr - l;
}

/* SIGBUS from a mapping past EOF: allowed where the caller says so. */
struct bus_jump {
	sigjmp_buf jb;
};

static __thread struct bus_jump *bus_jb;

static void on_sigbus(int sig)
{
	struct bus_jump *j = __atomic_load_n(&bus_jb, __ATOMIC_RELAXED);

	if (j)
		siglongjmp(j->jb, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Copy from (store) or to (load) a mapping; -1 on SIGBUS. */
static int map_copy(void *dst, const void *src, size_t n)
{
	struct bus_jump j;

	if (sigsetjmp(j.jb, 1)) {
		__atomic_store_n(&bus_jb, NULL, __ATOMIC_RELAXED);
		add(&st->sigbus, 1);
		return -1;
	}
	/* the fences keep the compiler from moving the stores past the copy */
	__atomic_store_n(&bus_jb, &j, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	memcpy(dst, src, n);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&bus_jb, NULL, __ATOMIC_RELAXED);
	return 0;
}

static void drop_all_caches(int fd)
{
	int d;

	if (fd >= 0 && fsync(fd))
		die("fsync");
	sync();
	/* VPMFS_RACE_NO_DROP: not the whole machine's caches (on a host) */
	d = getenv("VPMFS_RACE_NO_DROP") ? -1 :
	    open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (d >= 0) {
		if (write(d, "3\n", 2) != 2)
			say("# %s: drop_caches: %s\n", scen, strerror(errno));
		close(d);
	}
	if (fd >= 0)
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
}

static void path_of(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

/* ---- manifests: what a file must hold, for "verify" ---- */

struct ext {
	__u64 a, b, key;	/* [a, b) holds pat(key); 0 elsewhere */
};

struct manifest {
	FILE *f;
	char tmp[4200], path[4200];
};

static void mf_open(struct manifest *m)
{
	snprintf(m->path, sizeof(m->path), "%s/%s.manifest", dir, scen);
	if (snprintf(m->tmp, sizeof(m->tmp), "%s.tmp", m->path) >= (int)sizeof(m->tmp))
		die("path too long");
	m->f = fopen(m->tmp, "w");
	if (!m->f)
		die(m->tmp);
	fprintf(m->f, "vpmfs_race manifest 1 %s\n", scen);
}

static void mf_file(struct manifest *m, const char *name, __u64 size)
{
	fprintf(m->f, "file %s %llu\n", name, size);
}

static void mf_ext(struct manifest *m, __u64 a, __u64 b, __u64 key)
{
	if (b > a)
		fprintf(m->f, "ext %llu %llu %llx\n", a, b, key);
}

static void mf_close(struct manifest *m)
{
	fprintf(m->f, "end\n");
	if (fflush(m->f) || fsync(fileno(m->f)) || fclose(m->f))
		die("write manifest");
	if (rename(m->tmp, m->path))
		die("rename manifest");
}

/*
 * Fill @exp with the expected bytes of [@off, @off + @n) from the sorted
 * extents @e[@ne]; *@cursor remembers where the scan is.
 */
static void exts_expect(const struct ext *e, size_t ne, size_t *cursor,
			unsigned char *exp, __u64 off, size_t n)
{
	__u64 end = off + n, a, b;
	size_t i;

	memset(exp, 0, n);
	while (*cursor < ne && e[*cursor].b <= off)
		(*cursor)++;
	for (i = *cursor; i < ne && e[i].a < end; i++) {
		a = e[i].a > off ? e[i].a : off;
		b = e[i].b < end ? e[i].b : end;
		if (b > a)
			fill_pat(exp + (a - off), e[i].key, a, b - a);
	}
}

/* Check a whole file against extents; returns bad bytes. */
static __u64 check_file_exts(const char *who, const char *name, int fd,
			     __u64 size, const struct ext *e, size_t ne)
{
	size_t chunk = MIB, cursor = 0, n;
	unsigned char *got = malloc(chunk), *exp = malloc(chunk);
	__u64 off, bad = 0, have = fsize(fd);

	if (!got || !exp)
		die("malloc");
	if (have != size) {
		say("BAD %s %s: %s: size %llu, expected %llu\n",
		    scen, who, name, have, size);
		add(&st->bad, 1);
		add(&st->foreign, 1);
		bad++;
	}
	for (off = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		if (pread_full(fd, got, n, off) != n) {
			say("BAD %s %s: %s: short read at %llu\n",
			    scen, who, name, off);
			add(&st->bad, 1);
			add(&st->foreign, 1);
			bad++;
			break;
		}
		exts_expect(e, ne, &cursor, exp, off, n);
		bad += cmp_report(who, name, got, exp, off, n, false);
		add(&st->ops, 1);
	}
	free(got);
	free(exp);
	return bad;
}

static __u64 verify_manifest(const char *mpath)
{
	char line[4400], name[4200] = "", p[8500];
	struct ext *e = NULL;
	size_t ne = 0, cap = 0;
	__u64 size = 0, bad = 0, a, b, k;
	int files = 0;
	FILE *f = fopen(mpath, "r");

	if (!f)
		die(mpath);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "ext %llu %llu %llx", &a, &b, &k) == 3) {
			if (ne == cap) {
				cap = cap ? cap * 2 : 1024;
				e = realloc(e, cap * sizeof(*e));
				if (!e)
					die("realloc");
			}
			e[ne++] = (struct ext){ a, b, k };
			continue;
		}
		if (!strncmp(line, "file ", 5) || !strncmp(line, "end", 3)) {
			if (name[0]) {
				int fd;

				path_of(p, sizeof(p), name);
				fd = open(p, O_RDONLY);
				if (fd < 0)
					die(p);
				bad += check_file_exts("verify", name, fd, size, e, ne);
				close(fd);
				files++;
			}
			name[0] = 0;
			ne = 0;
			if (line[0] == 'f' &&
			    sscanf(line, "file %4199s %llu", name, &size) != 2)
				die("bad manifest line");
		}
	}
	fclose(f);
	free(e);
	say("# verify: %s: %d files, %llu bad bytes\n", mpath, files, bad);
	return bad;
}

static int do_verify(void)
{
	struct dirent *de;
	char p[8500];
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		die(dir);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > 9 && !strcmp(de->d_name + l - 9, ".manifest")) {
			path_of(p, sizeof(p), de->d_name);
			verify_manifest(p);
			n++;
		}
	}
	closedir(d);
	if (!n) {
		say("ERROR verify: no manifest in %s\n", dir);
		return 2;
	}
	return 0;
}

/* ---- a shared model of one file's contents ---- */

/*
 * Every change of the file is an operation with a sequence number,
 * logged when it starts and applied to the per-byte model (the sequence
 * number of the write that left each byte, 0 for zero) when it is done.
 * Bytes are owned so that no two changes of one byte run at once.  A
 * reader snapshots the model and the operations in flight before it
 * reads and collects those started meanwhile after: each byte must be
 * the snapshot's or one of theirs.  Lives in shared memory with a
 * process-shared mutex, so forked writers can use it.
 */
#define LOGN	4096
#define MAXW	16
#define MAXCAND	(MAXW + 512)

enum { OP_WRITE, OP_ZERO, OP_TRUNC };

struct logent {
	__u64 seq, a, b;
	int kind;
};

struct fmodel {
	pthread_mutex_t mu;
	char name[64];
	__u64 key, next_seq, size, max;
	__u64 inflight[MAXW];
	struct logent ring[LOGN];
	__u32 m[];
};

struct fsnap {
	__u64 s0, a;
	size_t n, cap;
	__u32 *m0;
	int ncand;
	bool invalid;
	struct logent cand[MAXCAND];
};

static struct fmodel *fm_new(const char *name, __u64 max, __u64 key)
{
	struct fmodel *f = shared_alloc(sizeof(*f) + max * sizeof(__u32));
	pthread_mutexattr_t at;

	pthread_mutexattr_init(&at);
	pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&f->mu, &at);
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->key = key;
	f->max = max;
	return f;
}

static __u64 fm_key(const struct fmodel *f, __u64 seq)
{
	return mix64(f->key ^ (seq * 0xd1342543de82ef95ULL));
}

static __u64 fm_begin(struct fmodel *f, int w, __u64 a, __u64 b, int kind)
{
	__u64 seq;

	pthread_mutex_lock(&f->mu);
	seq = ++f->next_seq;
	f->ring[seq % LOGN] = (struct logent){ seq, a, b, kind };
	f->inflight[w] = seq;
	pthread_mutex_unlock(&f->mu);
	return seq;
}

/*
 * The operation is done: [a, end) was written (OP_WRITE, OP_ZERO) or
 * the file was truncated to @a (OP_TRUNC).
 */
static void fm_end(struct fmodel *f, int w, __u64 seq, __u64 a,
		   __u64 end, int kind)
{
	__u64 i;

	pthread_mutex_lock(&f->mu);
	if (kind == OP_TRUNC) {
		for (i = a; i < f->size && i < f->max; i++)
			f->m[i] = 0;
		f->size = a;
	} else {
		for (i = a; i < end; i++)
			f->m[i] = kind == OP_WRITE ? seq : 0;
		if (end > a && end > f->size)
			f->size = end;
	}
	f->inflight[w] = 0;
	pthread_mutex_unlock(&f->mu);
}

/* Truncate up: no byte changes. */
static void fm_grow(struct fmodel *f, __u64 size)
{
	pthread_mutex_lock(&f->mu);
	if (size > f->size)
		f->size = size;
	pthread_mutex_unlock(&f->mu);
}

static __u64 fm_size(struct fmodel *f)
{
	__u64 s;

	pthread_mutex_lock(&f->mu);
	s = f->size;
	pthread_mutex_unlock(&f->mu);
	return s;
}

static void fs_init(struct fsnap *s, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->cap = cap;
	s->m0 = malloc(cap * sizeof(__u32));
	if (!s->m0)
		die("malloc");
}

static void fm_snap(struct fmodel *f, struct fsnap *s, __u64 a, size_t n)
{
	int w;

	if (n > s->cap)
		n = s->cap;
	s->a = a;
	s->n = n;
	s->ncand = 0;
	s->invalid = false;
	pthread_mutex_lock(&f->mu);
	s->s0 = f->next_seq;
	memcpy(s->m0, f->m + a, n * sizeof(__u32));
	for (w = 0; w < MAXW; w++) {
		__u64 q = f->inflight[w];

		if (!q)
			continue;
		if (f->ring[q % LOGN].seq != q)
			s->invalid = true;
		else
			s->cand[s->ncand++] = f->ring[q % LOGN];
	}
	pthread_mutex_unlock(&f->mu);
}

/*
 * Check @n bytes read at s->a after fm_snap(); returns bad bytes.  A
 * byte is good if it is the snapshot's, or 0 where a truncation or zero
 * write ran, or the data of a write that ran, during the read.
 */
static __u64 fm_check(struct fmodel *f, struct fsnap *s, const char *who,
		      const unsigned char *got, size_t n)
{
	__u64 s1, q, a = s->a, nbad = 0, nz = 0, ns = 0, first = 0;
	unsigned int fe = 0, fg = 0;
	unsigned char *exp;
	size_t i, j;
	int c;

	if (n > s->n)
		n = s->n;
	pthread_mutex_lock(&f->mu);
	s1 = f->next_seq;
	if (s1 - s->s0 > MAXCAND - MAXW)
		s->invalid = true;
	for (q = s->s0 + 1; !s->invalid && q <= s1; q++) {
		if (f->ring[q % LOGN].seq != q)
			s->invalid = true;
		else
			s->cand[s->ncand++] = f->ring[q % LOGN];
	}
	pthread_mutex_unlock(&f->mu);
	if (s->invalid) {
		add(&st->skipped, 1);
		return 0;
	}
	exp = malloc(n ? n : 1);
	if (!exp)
		die("malloc");
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && s->m0[j] == s->m0[i]; j++)
			;
		if (s->m0[i])
			fill_pat(exp + i, fm_key(f, s->m0[i]), a + i, j - i);
		else
			memset(exp + i, 0, j - i);
	}
	if (!memcmp(exp, got, n)) {
		free(exp);
		return 0;
	}
	for (i = 0; i < n; i++) {
		__u64 off = a + i;

		if (got[i] == exp[i])
			continue;
		for (c = 0; c < s->ncand; c++) {
			struct logent *e = &s->cand[c];

			if (off < e->a || off >= e->b)
				continue;
			if (e->kind == OP_WRITE ? got[i] == pat(fm_key(f, e->seq), off)
						: !got[i])
				break;
		}
		if (c < s->ncand)
			continue;
		if (!nbad++) {
			first = off;
			fe = exp[i];
			fg = got[i];
		}
		nz += !got[i];
		ns += got[i] == STALE;
	}
	free(exp);
	if (nbad)
		report(who, f->name, a, n, first, fe, fg, nbad, nz, ns, "");
	return nbad;
}

/* Read [a, a + n) of @fd with pread and check it against the model. */
static __u64 fm_read_check(struct fmodel *f, struct fsnap *s, int fd,
			   const char *who, unsigned char *buf, __u64 a,
			   size_t n)
{
	fm_snap(f, s, a, n);
	n = pread_full(fd, buf, s->n, a);
	return fm_check(f, s, who, buf, n);
}

/* Whole-file check, nothing else running. */
static __u64 fm_check_all(struct fmodel *f, int fd, const char *who)
{
	struct fsnap *s = malloc(sizeof(*s));
	size_t chunk = MIB, n;
	unsigned char *buf = malloc(chunk);
	__u64 off, bad = 0, size = fm_size(f), have = fsize(fd);

	if (!s || !buf)
		die("malloc");
	fs_init(s, chunk);
	if (have != size) {
		say("BAD %s %s: %s: size %llu, expected %llu\n",
		    scen, who, f->name, (__u64)have, size);
		add(&st->bad, 1);
		add(&st->foreign, 1);
		bad++;
	}
	for (off = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		bad += fm_read_check(f, s, fd, who, buf, off, n);
	}
	free(s->m0);
	free(s);
	free(buf);
	return bad;
}

static void fm_manifest(struct fmodel *f, struct manifest *m, const char *name)
{
	__u64 i, j;

	mf_file(m, name, f->size);
	for (i = 0; i < f->size; i = j) {
		for (j = i + 1; j < f->size && f->m[j] == f->m[i]; j++)
			;
		if (f->m[i])
			mf_ext(m, i, j, fm_key(f, f->m[i]));
	}
}

/* ---- append-wb ---- */

static struct {
	int fd;
	__u64 key, total, phase_len;
	int phase, done;
} aw;

static const char *const aw_phase[] = { "sync_file_range", "fsync", "sync", "all" };

static void *aw_writer(void *arg)
{
	unsigned char buf[3000];
	__u64 off = 0;
	struct rng r;

	(void)arg;
	rng_init(&r, 0x11);
	while (off < aw.total && running()) {
		size_t len = 1 + rndn(&r, 3000), done = 0;

		if (len > aw.total - off)
			len = aw.total - off;
		fill_pat(buf, aw.key, off, len);
		while (done < len) {
			ssize_t k = write(aw.fd, buf + done, len - done);

			if (k <= 0)
				die("append");
			done += k;
		}
		off += len;
		__atomic_store_n(&aw.phase, (int)(off / aw.phase_len), __ATOMIC_RELAXED);
		add(&st->ops, 1);
	}
	aw.total = off;
	__atomic_store_n(&aw.done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *aw_syncer(void *arg)
{
	long kind = (long)arg;

	while (!__atomic_load_n(&aw.done, __ATOMIC_RELAXED)) {
		int ph = __atomic_load_n(&aw.phase, __ATOMIC_RELAXED);

		if (ph != kind && ph < 3) {
			usleep(1000);
			continue;
		}
		if (kind == 0 && sync_file_range(aw.fd, 0, 0, SYNC_FILE_RANGE_WRITE))
			die("sync_file_range");
		if (kind == 1 && fsync(aw.fd))
			die("fsync");
		if (kind == 2)
			sync();
		add(&st->ops, 1);
	}
	return NULL;
}

static void *aw_reader(void *arg)
{
	unsigned char *buf = malloc(65536), *exp = malloc(65536);
	struct rng r;
	char p[4200];
	int fd;

	rng_init(&r, 0x12 + (long)arg);
	path_of(p, sizeof(p), "append-wb");
	fd = open(p, O_RDONLY);
	if (fd < 0 || !buf || !exp)
		die("reader open");
	while (!__atomic_load_n(&aw.done, __ATOMIC_RELAXED)) {
		__u64 size = fsize(fd), a, n;

		if (!size) {
			sched_yield();
			continue;
		}
		if (rndn(&r, 10) < 7) {
			n = size < 8192 ? size : 8192;
			a = size - n;
		} else {
			a = rndn(&r, size);
			n = 1 + rndn(&r, 65536);
			if (n > size - a)
				n = size - a;
		}
		n = pread_full(fd, buf, n, a);
		fill_pat(exp, aw.key, a, n);
		cmp_report("reader", "append-wb", buf, exp, a, n, false);
		add(&st->ops, 1);
		usleep(500);	/* the CPU is for the writer and writeback */
	}
	close(fd);
	free(buf);
	free(exp);
	return NULL;
}

static __u64 aw_check_all(const char *who)
{
	size_t chunk = MIB;
	unsigned char *got = malloc(chunk), *exp = malloc(chunk);
	__u64 off, n, i, runs = 0, bad = 0, phase_bad[4] = { 0 };
	bool inrun = false;
	int ph;

	if (!got || !exp)
		die("malloc");
	if ((__u64)fsize(aw.fd) != aw.total) {
		say("BAD %s %s: size %llu, expected %llu\n", scen,
		    who, (__u64)fsize(aw.fd), aw.total);
		add(&st->bad, 1);
		add(&st->foreign, 1);
		bad++;
	}
	for (off = 0; off < aw.total; off += n) {
		ph = off / aw.phase_len;
		n = (ph + 1) * aw.phase_len - off;
		if (n > chunk)
			n = chunk;
		if (n > aw.total - off)
			n = aw.total - off;
		n = pread_full(aw.fd, got, n, off);
		if (!n)
			break;
		fill_pat(exp, aw.key, off, n);
		phase_bad[ph < 3 ? ph : 3] += cmp_report(who, "append-wb", got,
							 exp, off, n, false);
		for (i = 0; i < n; i++) {
			bool b = got[i] != exp[i];

			runs += b && !inrun;
			inrun = b;
		}
	}
	for (ph = 0; ph < 4; ph++)
		bad += phase_bad[ph];
	say("# append-wb: %s: %llu bad bytes in %llu runs; by writeback loop:", who, bad, runs);
	say(" %s %llu, %s %llu, %s %llu, %s %llu\n", aw_phase[0], phase_bad[0],
	    aw_phase[1], phase_bad[1], aw_phase[2], phase_bad[2], aw_phase[3],
	    phase_bad[3]);
	free(got);
	free(exp);
	return bad;
}

static void run_append_wb(void)
{
	int nr = opt_threads >= 0 ? opt_threads : 1;
	pthread_t w, s[3], *rd = calloc(nr + 1, sizeof(pthread_t));
	struct manifest m;
	char p[4200];
	long i;

	aw.total = (__u64)((opt_mib >= 0 ? opt_mib : 96) * MIB);
	aw.phase_len = aw.total / 4 + 1;
	aw.key = mkkey(0xa99e, 0);
	say("# append-wb: %llu bytes in records of 1-3000, %d readers;", aw.total, nr);
	say(" writeback loops: %s, %s, %s, then all\n", aw_phase[0], aw_phase[1],
	    aw_phase[2]);
	path_of(p, sizeof(p), "append-wb");
	aw.fd = open(p, O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (aw.fd < 0 || !rd)
		die(p);
	xpthread_create(&w, aw_writer, NULL);
	for (i = 0; i < 3; i++)
		xpthread_create(&s[i], aw_syncer, (void *)i);
	for (i = 0; i < nr; i++)
		xpthread_create(&rd[i], aw_reader, (void *)i);
	pthread_join(w, NULL);
	for (i = 0; i < 3; i++)
		pthread_join(s[i], NULL);
	for (i = 0; i < nr; i++)
		pthread_join(rd[i], NULL);
	if (aw.total < (__u64)((opt_mib >= 0 ? opt_mib : 96) * MIB))
		say("# append-wb: time ran out after %llu bytes\n", aw.total);
	if (fsync(aw.fd))
		die("fsync");
	aw_check_all("final");
	drop_all_caches(aw.fd);
	aw_check_all("after drop_caches");
	mf_open(&m);
	mf_file(&m, "append-wb", aw.total);
	mf_ext(&m, 0, aw.total, aw.key);
	mf_close(&m);
	close(aw.fd);
	free(rd);
}

/* ---- hole-fill ---- */

enum {
	HF_FULL, HF_PART, HF_MAPSRC, HF_ANON, HF_SHORT, HF_UFFD, HF_WIDE,
	HF_WIDE_OVER, HF_PAGE_OVER, HF_KINDS
};

static const char *const hf_kind[] = { "full", "partial", "mapped-source",
				       "anon-source", "short", "userfaultfd-source",
				       "wide-userfaultfd", "wide-overwrite",
				       "page-overwrite" };

/* Pages of a wide write: one 64 KiB pass of vpm_data_copy_ops(). */
#define HF_WIDE_PAGES	16
static const char *const hf_rkind[] = { "read", "mmap", "splice" };

static struct {
	int fd, srcfd, round;
	__u64 npages, kkey, avg_ns;
	__u64 cur;			/* page being written */
	unsigned int curkind;		/* and how */
	__u32 seq;			/* publications */
	__u64 hits[3], early[3], late[3];	/* per reader kind */
	__s32 *pr;			/* round that wrote each page, -1: none */
	__u16 *pa, *pb;		/* written range [pa, pb) of the page */
	__u8 *pz;			/* written with zeroes */
	__u64 kinds[HF_KINDS], kind_bad[HF_KINDS];
	int done;
	/* userfaultfd source: the handler's state, see hf_uffd_handler() */
	int uffd, uf_busy, uf_window;
	int uf_kill;			/* HF_UF_*: what else the handler does */
	__u64 uf_evicts;		/* pages HF_UF_EVICT evicted */
	__u64 uf_page, uf_zaps, uf_faults, uf_bfree;
	unsigned char *uf_src, *uf_content;
	const unsigned char *uf_map;
	double uf_delay;
	__u64 uf_writes, uf_windows[2], uf_hits[2], uf_efault, uf_missed;
	__u64 wide_short, wide_full;	/* wide writes cut at the page, or not */
	__u64 wide_evicted;		/* wide overwrites with a page evicted */
	__u64 page_evicted;		/* one-page overwrites, evicted */
	pthread_rwlock_t lock;		/* readers vs. round changes */
} hf;

static __u64 hf_key(int round)
{
	return mkkey(0x401e, round + 1);
}

/* Write page @p of round @r in one of the ways; records what was written. */
/*
 * How long the writer waits (ns) between announcing a full-page write and
 * making it: readers react more slowly than the write starts, and they
 * adapt their own delay (hf_reader()) inside this head start.
 */
static const double hf_head = 100000;

#define HF_UF_ZAPS	10	/* zaps of a userfaultfd source per write */

/*
 * Tell the readers which page is about to be written, and how; for a
 * full page, give them their head start.
 */
static void hf_publish(__u64 p, unsigned int kind)
{
	double t, until;

	if (!p)
		return;
	__atomic_store_n(&hf.curkind, kind, __ATOMIC_RELAXED);
	__atomic_store_n(&hf.cur, p, __ATOMIC_RELAXED);
	__atomic_add_fetch(&hf.seq, 1, __ATOMIC_RELEASE);
	if (kind != HF_FULL)
		return;
	for (t = now(), until = t + hf_head / 1e9; t < until; t = now())
		sched_yield();
}

/* How hf_uffd_pwrite() treats its write, beyond filling the page. */
enum { HF_UF_PLAIN, HF_UF_KILL, HF_UF_EVICT };

/*
 * pwrite(@len bytes from @src + @d) to page @p, where page @k of @src
 * faults through userfaultfd: the handler fills it with the data of @key.
 * With HF_UF_KILL it ends the write where it holds the writer after the
 * block was allocated, by taking the page away for good (PROT_NONE), so
 * that the write stops short at that page with EFAULT.  With
 * HF_UF_EVICT, from its second fault on (a copy faulted, or the zap came
 * early), it writes back and evicts the file page the userfaultfd page's
 * data starts in before it fills the page.  Returns what pwrite()
 * returned, errno kept.
 */
static ssize_t hf_uffd_pwrite(unsigned char *src, size_t d, size_t len,
			      unsigned int k, __u64 p, __u64 key, int kill)
{
	__u64 uoff = p * PG + (__u64)k * PG - d;	/* the page's data in the file */
	struct uffdio_register reg = {
		.range = { (unsigned long)(src + (size_t)k * PG), PG },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	struct statfs sf;
	__u64 cached;
	ssize_t ret;
	int e;

	if (ioctl(hf.uffd, UFFDIO_REGISTER, &reg))
		die("UFFDIO_REGISTER");
	fill_pat(hf.uf_content, key, uoff, PG);
	cached = hf.uf_windows[1];
	hf.uf_page = uoff / PG;
	hf.uf_zaps = 0;
	hf.uf_faults = 0;
	hf.uf_kill = kill;
	if (fstatfs(hf.fd, &sf))
		die("fstatfs");
	hf.uf_bfree = sf.f_bfree;
	__atomic_store_n(&hf.uf_window, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&hf.uf_src, src + (size_t)k * PG, __ATOMIC_RELEASE);
	hf_publish(uoff / PG, kill ? HF_WIDE : HF_UFFD);
	ret = pwrite(hf.fd, src + d, len, p * PG);
	e = errno;
	__atomic_store_n(&hf.uf_src, NULL, __ATOMIC_RELEASE);
	while (__atomic_load_n(&hf.uf_busy, __ATOMIC_ACQUIRE))
		sched_yield();
	/*
	 * Aim the zaps of the next write, once per write: too late
	 * if the page was in the cache already when the writer was
	 * held, or if it never was held although zaps were left;
	 * too early if every zap came before the block was there.
	 * Not after an overwrite (HF_UF_EVICT): it allocates no block,
	 * so it has no window to aim at.
	 */
	if (kill != HF_UF_EVICT) {
		if (!hf.uf_window)
			hf.uf_missed++;
		if (hf.uf_window ? hf.uf_windows[1] > cached :
		    hf.uf_zaps <= HF_UF_ZAPS)
			hf.uf_delay *= 0.9;
		else if (!hf.uf_window && hf.uf_delay < 500000)
			hf.uf_delay = hf.uf_delay * 1.3 + 1000;
	}
	hf.uf_writes++;
	ioctl(hf.uffd, UFFDIO_UNREGISTER, &reg.range);
	errno = e;
	return ret;
}

/*
 * A wide write: pages @p to @p + HF_WIDE_PAGES - 1 in one pwrite(), one
 * pass of vpm_data_copy_ops(), from a buffer whose page K (1 or later)
 * faults through userfaultfd and is taken away once the pass has
 * allocated the blocks: the write stops short at page K.  The pages from
 * K on were locked, and their blocks allocated, by the pass; none of them
 * may then read as anything but zero, neither from the cache nor from
 * the blocks (a block allocated for them and not given back holds 0xA5
 * or an older round's data).
 */
static void hf_write_wide(struct rng *r, __u64 p, __u64 key)
{
	size_t len = (size_t)HF_WIDE_PAGES * PG, kept, i;
	unsigned int k = 1 + rndn(r, HF_WIDE_PAGES - 1);
	unsigned char *src = mmap(NULL, len, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *got = malloc(PG), *zero = calloc(1, PG);
	ssize_t ret;

	if (src == MAP_FAILED || !got || !zero)
		die("mmap");
	/* no large folio may fill page K while the others are filled */
	madvise(src, len, MADV_NOHUGEPAGE);
	fill_pat(src, key, p * PG, (size_t)k * PG);
	fill_pat(src + (k + 1) * PG, key, (p + k + 1) * PG,
		 (HF_WIDE_PAGES - k - 1) * PG);
	ret = hf_uffd_pwrite(src, 0, len, k, p, key, HF_UF_KILL);
	munmap(src, len);
	if (ret != (ssize_t)len && ret != (ssize_t)(k * PG)) {
		say("BAD %s: wide write of pages [%llu, +%d), page %u faulting,",
		    scen, p, HF_WIDE_PAGES, k);
		say(" returned %zd (%s)\n", ret, ret < 0 ? strerror(errno) : "");
		add(&st->bad, 1);
		add(&st->foreign, 1);
		ret = ret < 0 ? 0 : ret;
	}
	kept = ret / PG;
	if (kept < HF_WIDE_PAGES)
		hf.wide_short++;
	else
		hf.wide_full++;
	for (i = 0; i < HF_WIDE_PAGES; i++) {
		hf.pr[p + i] = i < kept ? hf.round : -1;
		hf.pa[p + i] = 0;
		hf.pb[p + i] = i < kept ? PG : 0;
		hf.pz[p + i] = 0;
		if (i < kept)
			continue;
		/* the pages the pass held but kept nothing in */
		if (pread_full(hf.fd, got, PG, (p + i) * PG) != PG)
			die("short read");
		cmp_report("page after a wide write cut short", "hole-fill",
			   got, zero, (p + i) * PG, PG, false);
	}
	hf.kinds[HF_WIDE]++;
	free(got);
	free(zero);
}

/*
 * An overwrite: pages @p to @p + @n - 1 (@n is HF_WIDE_PAGES or 1), just
 * written, are written again with the same bytes in one pwrite() from a
 * buffer that starts D bytes into a page, so that its userfaultfd page K
 * begins inside file page @p + K - 1.  When the zap makes the copy fault
 * there, the first pass keeps the part of that page before it, and the
 * retry starts inside the page; the handler writes the page back and
 * evicts it first.  The retry must not make that page anew (the create
 * path) and zero what the first pass wrote.  With @n 1 the page is read
 * first, so that the vpm cache knows it, and the first pass is vpm's
 * overwrite of one cached page, which hands the rest of the page to the
 * passes.
 */
static void hf_write_over(struct rng *r, __u64 p, __u64 key, unsigned int n)
{
	size_t len = (size_t)n * PG, d = 1 + rndn(r, PG - 1), i;
	unsigned int k = n > 1 ? 1 + rndn(r, n - 1) : 1;
	unsigned char *src = mmap(NULL, len + PG, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *got = malloc(PG), *exp = malloc(len);
	__u64 evicts = hf.uf_evicts;
	ssize_t ret;

	if (src == MAP_FAILED || !got || !exp)
		die("mmap");
	madvise(src, len + PG, MADV_NOHUGEPAGE);
	fill_pat(exp, key, p * PG, len);
	pwrite_all(hf.fd, exp, len, p * PG);
	/* a page read (a miss) is one the vpm cache knows: the overwrite hits */
	if (n == 1 && pread_full(hf.fd, got, PG, p * PG) != PG)
		die("short read");
	/* the buffer but its page K: file bytes [p * PG, + len) from D */
	memcpy(src + d, exp, (size_t)k * PG - d);
	if (len + d > (k + 1) * PG)
		memcpy(src + (k + 1) * PG, exp + (k + 1) * PG - d,
		       len + d - (k + 1) * PG);
	ret = hf_uffd_pwrite(src, d, len, k, p, key, HF_UF_EVICT);
	munmap(src, len + PG);
	if (ret != (ssize_t)len) {
		say("BAD %s: overwrite of pages [%llu, +%u) returned %zd (%s)\n",
		    scen, p, n, ret, ret < 0 ? strerror(errno) : "");
		add(&st->bad, 1);
		add(&st->foreign, 1);
	}
	if (hf.uf_evicts > evicts) {
		if (n > 1)
			hf.wide_evicted++;
		else
			hf.page_evicted++;
	}
	for (i = 0; i < n; i++) {
		hf.pr[p + i] = hf.round;
		hf.pa[p + i] = 0;
		hf.pb[p + i] = PG;
		hf.pz[p + i] = 0;
		if (pread_full(hf.fd, got, PG, (p + i) * PG) != PG)
			die("short read");
		cmp_report("page after an overwrite retried inside it", "hole-fill",
			   got, exp + i * PG, (p + i) * PG, PG, false);
	}
	hf.kinds[n > 1 ? HF_WIDE_OVER : HF_PAGE_OVER]++;
	free(got);
	free(exp);
}

static unsigned int hf_write_page(struct rng *r, __u64 p, unsigned char *buf,
				  unsigned int *slot)
{
	__u64 off = p * PG, k = rndn(r, 100);
	__u64 key = hf_key(hf.round);
	unsigned int a = 0, b = PG, kind;
	ssize_t ret;

	kind = k < 82 ? HF_FULL : k < 88 ? HF_PART : k < 90 ? HF_MAPSRC :
	       k < 92 ? HF_ANON : k < 95 ? HF_SHORT : HF_UFFD;
	if (kind == HF_UFFD && hf.uffd < 0)
		kind = HF_FULL;
	if (kind == HF_FULL || kind == HF_PART) {
		if (kind == HF_PART) {
			a = rndn(r, PG);
			b = a + 1 + rndn(r, PG - a);
		}
		fill_pat(buf, key, off + a, b - a);
		hf_publish(p, kind);
		pwrite_all(hf.fd, buf, b - a, off + a);
	} else if (kind == HF_MAPSRC) {
		/* the source: a page of another file, written, evicted */
		__u64 so = (__u64)(*slot)++ % 64 * PG;
		void *src;

		fill_pat(buf, key, off, PG);
		pwrite_all(hf.srcfd, buf, PG, so);
		if (sync_file_range(hf.srcfd, so, PG, SYNC_FILE_RANGE_WAIT_BEFORE |
				    SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER))
			die("sync_file_range src");
		posix_fadvise(hf.srcfd, so, PG, POSIX_FADV_DONTNEED);
		src = mmap(NULL, PG, PROT_READ, MAP_SHARED, hf.srcfd, so);
		if (src == MAP_FAILED)
			die("mmap src");
		hf_publish(p, kind);
		ret = pwrite(hf.fd, src, PG, off);
		if (ret != (ssize_t)PG)
			die("pwrite from a mapped file");
		munmap(src, PG);
	} else if (kind == HF_ANON) {
		void *src = mmap(NULL, PG, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (src == MAP_FAILED)
			die("mmap anon");
		hf_publish(p, kind);
		ret = pwrite(hf.fd, src, PG, off);
		if (ret != (ssize_t)PG)
			die("pwrite from fresh anonymous memory");
		munmap(src, PG);
	} else if (kind == HF_UFFD) {
		/* from a page that faults through userfaultfd, see below */
		unsigned char *src = mmap(NULL, PG, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (src == MAP_FAILED)
			die("mmap");
		ret = hf_uffd_pwrite(src, 0, PG, 0, p, key, HF_UF_PLAIN);
		munmap(src, PG);
		if (ret < 0 && errno == EFAULT) {
			/* vpm gives up after two passes that copied nothing */
			hf.uf_efault++;
			ret = 0;
		} else if (ret != (ssize_t)PG) {
			die("pwrite from a userfaultfd page");
		}
		b = ret;
	} else {
		/* a full-page write whose source ends after L bytes */
		unsigned int l = 1 + rndn(r, PG - 1);
		size_t len;
		void *base;
		unsigned char *src = short_source(l, PG, &base, &len);

		fill_pat(src, key, off, l);
		hf_publish(p, kind);
		ret = pwrite(hf.fd, src, PG, off);
		munmap(base, len);
		if (ret < 0 && errno != EFAULT)
			die("short pwrite");
		if (ret > (ssize_t)l) {
			say("BAD %s: short write of page %llu returned %zd, %u bytes readable\n",
			    scen, p, ret, l);
			add(&st->bad, 1);
			add(&st->foreign, 1);
		}
		b = ret > 0 ? (unsigned int)ret : 0;
	}
	hf.pr[p] = hf.round;
	hf.pa[p] = a;
	hf.pb[p] = b;
	hf.pz[p] = kind == HF_ANON;
	hf.kinds[kind]++;
	return kind;
}

/*
 * The userfaultfd handler.  A write whose source page is registered
 * faults on it first when the file system faults the buffer in; the
 * handler fills the page and, after a delay it adapts, takes it away
 * again (MADV_DONTNEED), so that the write faults once more later.  A
 * fault that comes after the target page's block was allocated (the free
 * block count went down: statfs takes no lock the writer may hold, as
 * FIBMAP does on some file systems) holds the writer inside the write,
 * between the allocation and the
 * copy: the handler reads the page then (read, mmap, splice in turn),
 * which must give 0 or the data, and lets the write go on.  mincore()
 * tells whether the page was in the page cache at that moment.
 */
static void *hf_uffd_handler(void *arg)
{
	static const char *const who[2][3] = {
		{ "read, writer held, page not cached", "mmap, writer held, page not cached",
		  "splice, writer held, page not cached" },
		{ "read, writer held, copy faulted", "mmap, writer held, copy faulted",
		  "splice, writer held, copy faulted" } };
	unsigned char *buf = malloc(PG), *exp = malloc(PG), vec;
	struct pollfd pf = { .fd = hf.uffd, .events = POLLIN };
	struct uffd_msg msg;
	int fd, pfd[2], n = 0;
	struct rng r;
	char p[4200];

	(void)arg;
	rng_init(&r, 0x2f);
	path_of(p, sizeof(p), "hole-fill");
	fd = open(p, O_RDONLY);
	if (fd < 0 || !buf || !exp || pipe(pfd))
		die("uffd handler");
	posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
	pin_to(1);
	while (!__atomic_load_n(&hf.done, __ATOMIC_RELAXED)) {
		struct uffdio_copy c;
		struct statfs sf;
		unsigned long addr;
		__u64 pg;
		int blk;

		if (poll(&pf, 1, 100) <= 0)
			continue;
		__atomic_store_n(&hf.uf_busy, 1, __ATOMIC_SEQ_CST);
		if (read(hf.uffd, &msg, sizeof(msg)) != sizeof(msg) ||
		    msg.event != UFFD_EVENT_PAGEFAULT ||
		    !__atomic_load_n(&hf.uf_src, __ATOMIC_ACQUIRE)) {
			__atomic_store_n(&hf.uf_busy, 0, __ATOMIC_RELEASE);
			continue;
		}
		addr = msg.arg.pagefault.address & ~(PG - 1);
		pg = hf.uf_page;
		if (fstatfs(hf.fd, &sf))
			die("fstatfs");
		blk = sf.f_bfree < hf.uf_bfree;	/* the writer allocated */
		hf.uf_faults++;
		if (blk && !hf.uf_window) {
			int k = n++ % 3, bad;
			size_t got;

			hf.uf_window = 1;
			if (mincore((void *)(hf.uf_map + pg * PG), PG, &vec))
				die("mincore");
			vec &= 1;
			hf.uf_windows[vec]++;
			if (k == 0)
				got = pread_full(fd, buf, PG, pg * PG);
			else if (k == 1)
				got = map_copy(buf, hf.uf_map + pg * PG, PG) ? 0 : PG;
			else
				got = splice_full(fd, pfd, buf, PG, pg * PG);
			fill_pat(exp, hf_key(hf.round), pg * PG, got);
			bad = cmp_report(who[vec][k], "hole-fill", buf, exp, pg * PG,
					 got, true);
			hf.uf_hits[vec] += bad > 0;
			add(&st->ops, 1);
		}
		if (hf.uf_kill == HF_UF_EVICT && hf.uf_faults > 1) {
			/* (uf_faults counts this fault already) */
			__u64 eo = hf.uf_page * PG;

			if (sync_file_range(hf.fd, eo, PG, SYNC_FILE_RANGE_WAIT_BEFORE |
					    SYNC_FILE_RANGE_WRITE |
					    SYNC_FILE_RANGE_WAIT_AFTER))
				die("sync_file_range");
			posix_fadvise(hf.fd, eo, PG, POSIX_FADV_DONTNEED);
			hf.uf_evicts++;
		}
		if (hf.uf_window && hf.uf_kill == HF_UF_KILL) {
			/* the writer's fault-in fails: the write ends here */
			struct uffdio_range rg = { addr, PG };

			if (mprotect((void *)addr, PG, PROT_NONE))
				die("mprotect");
			ioctl(hf.uffd, UFFDIO_WAKE, &rg);
			__atomic_store_n(&hf.uf_busy, 0, __ATOMIC_RELEASE);
			continue;
		}
		c = (struct uffdio_copy){ addr, (unsigned long)hf.uf_content, PG, 0, 0 };
		if (ioctl(hf.uffd, UFFDIO_COPY, &c) && errno == EEXIST) {
			struct uffdio_range rg = { addr, PG };

			ioctl(hf.uffd, UFFDIO_WAKE, &rg);
		}
		if (!hf.uf_window && hf.uf_zaps++ < HF_UF_ZAPS) {
			double until = now() + hf.uf_delay *
				       (0.9 + rndn(&r, 200) / 1000.0) / 1e9;

			while (now() < until)
				;
			madvise((void *)addr, PG, MADV_DONTNEED);
		}
		__atomic_store_n(&hf.uf_busy, 0, __ATOMIC_RELEASE);
	}
	close(fd);
	close(pfd[0]);
	close(pfd[1]);
	free(buf);
	free(exp);
	return NULL;
}

/*
 * A reader reads the page the writer is about to write, after a delay
 * that it adapts: a read that finds only zeroes came before the block
 * was allocated (or before its page was created), one that finds the
 * data came after the write; in between lies the window where a fresh
 * block is allocated and its page not yet in the cache.  read() and
 * mmap go one page at a time (POSIX_FADV_RANDOM, MADV_RANDOM); splice
 * is used less, as its read-ahead puts the next pages in the cache as
 * holes, which closes their window.
 */
static void *hf_reader(void *arg)
{
	const char *const *who = hf_rkind;
	unsigned char *buf = malloc(PG), *exp = malloc(PG);
	const unsigned char *map = NULL;
	__u32 last = 0;
	long id = (long)arg;
	double d[3] = { 0, 0, 0 }, jit = 20000;
	int fd, pfd[2];
	struct rng r;
	char p[4200];

	rng_init(&r, 0x21 + id);
	path_of(p, sizeof(p), "hole-fill");
	fd = open(p, O_RDONLY);
	if (fd < 0 || !buf || !exp || pipe(pfd))
		die("reader open");
	posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
	map = mmap(NULL, hf.npages * PG, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	madvise((void *)map, hf.npages * PG, MADV_RANDOM);
	pin_to(1 + id);
	while (!__atomic_load_n(&hf.done, __ATOMIC_RELAXED)) {
		__u32 sq = __atomic_load_n(&hf.seq, __ATOMIC_ACQUIRE);
		__u64 pg = __atomic_load_n(&hf.cur, __ATOMIC_RELAXED), n, i;
		unsigned int wkind = __atomic_load_n(&hf.curkind, __ATOMIC_RELAXED);
		int kind = rndn(&r, 10), zero = 0, data = 0;
		double until;

		if (sq == last || !pg || wkind == HF_UFFD || wkind == HF_WIDE) {
			/* a write from userfaultfd: the handler reads it */
			last = sq;
			sched_yield();
			continue;
		}
		last = sq;
		kind = kind < 4 ? 0 : kind < 8 ? 1 : 2;
		until = d[kind] + (rndn(&r, 2001) - 1000.0) / 1000 * jit;
		until = now() + (until > 0 ? until : 0) / 1e9;
		while (now() < until)
			;
		pthread_rwlock_rdlock(&hf.lock);
		if (pg != __atomic_load_n(&hf.cur, __ATOMIC_ACQUIRE) &&
		    !__atomic_load_n(&hf.cur, __ATOMIC_ACQUIRE)) {
			pthread_rwlock_unlock(&hf.lock);	/* a new round */
			continue;
		}
		if (kind == 0)
			n = pread_full(fd, buf, PG, pg * PG);
		else if (kind == 2)
			n = splice_full(fd, pfd, buf, PG, pg * PG);
		else
			n = map_copy(buf, map + pg * PG, PG) ? 0 : PG;
		fill_pat(exp, hf_key(hf.round), pg * PG, n);
		pthread_rwlock_unlock(&hf.lock);
		if (cmp_report(who[kind], "hole-fill", buf, exp, pg * PG, n, true)) {
			add(&hf.hits[kind], 1);
		} else if (n) {
			for (i = 0; i < n; i++) {
				zero += !buf[i];
				data += buf[i] && buf[i] == exp[i];
			}
			/* aim at the boundary between zeroes and data */
			if (wkind == HF_FULL && !data) {
				add(&hf.early[kind], 1);
				d[kind] = d[kind] * 1.05 + 1000;
			} else if (wkind == HF_FULL && !zero) {
				add(&hf.late[kind], 1);
				d[kind] = d[kind] > 1000 ? d[kind] * 0.95 - 1000 : 0;
			}
		}
		add(&st->ops, 1);
	}
	munmap((void *)map, hf.npages * PG);
	close(fd);
	close(pfd[0]);
	close(pfd[1]);
	free(buf);
	free(exp);
	return NULL;
}

static __u64 hf_check_all(const char *who)
{
	unsigned char *got = malloc(PG), *exp = malloc(PG);
	__u64 p, bad = 0;

	if (!got || !exp)
		die("malloc");
	if ((__u64)fsize(hf.fd) != hf.npages * PG) {
		say("BAD %s %s: size %llu\n", scen, who, (__u64)fsize(hf.fd));
		add(&st->bad, 1);
		bad++;
	}
	for (p = 0; p < hf.npages; p++) {
		memset(exp, 0, PG);
		if (hf.pr[p] >= 0 && !hf.pz[p])
			fill_pat(exp + hf.pa[p], hf_key(hf.pr[p]), p * PG + hf.pa[p],
				 hf.pb[p] - hf.pa[p]);
		if (pread_full(hf.fd, got, PG, p * PG) != PG)
			die("short read");
		bad += cmp_report(who, "hole-fill", got, exp, p * PG, PG, false);
	}
	free(got);
	free(exp);
	return bad;
}

static void run_hole_fill(void)
{
	int nr = opt_threads >= 0 ? opt_threads : 1;
	double dur = opt_dur >= 0 ? opt_dur : 10;
	__u64 p, stale_pages = 0, pages_written = 0, reads_bad;
	unsigned char *buf = malloc(MIB);
	pthread_t *rd = calloc(nr + 1, sizeof(pthread_t));
	pthread_rwlockattr_t ra;
	unsigned int slot = 0, k;
	struct manifest m;
	pthread_t uh;
	char p1[4200], p2[4200], p3[4200];
	struct rng r;
	long i;
	int fd;

	hf.npages = (__u64)((opt_mib >= 0 ? opt_mib : 16) * MIB) / PG;
	if (hf.npages < 16)
		hf.npages = 16;
	rng_init(&r, 0x20);
	pin_to(0);
	hf.pr = malloc(hf.npages * sizeof(*hf.pr));
	hf.pa = malloc(hf.npages * sizeof(*hf.pa));
	hf.pb = malloc(hf.npages * sizeof(*hf.pb));
	hf.pz = malloc(hf.npages);
	badpg_n = hf.npages;
	badpg = shared_alloc(hf.npages);
	if (!buf || !rd || !hf.pr || !hf.pa || !hf.pb || !hf.pz)
		die("malloc");
	for (p = 0; p < hf.npages; p++)
		hf.pr[p] = -1;
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&hf.lock, &ra);

	path_of(p1, sizeof(p1), "hole-fill");
	path_of(p2, sizeof(p2), "hole-fill.stale");
	path_of(p3, sizeof(p3), "hole-fill.src");
	hf.fd = open(p1, O_RDWR | O_CREAT | O_TRUNC, 0644);
	hf.srcfd = open(p3, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (hf.fd < 0 || hf.srcfd < 0)
		die(p1);
	/*
	 * Page 0 first, so that its block is where the following pages
	 * look for free blocks; then the deleted file's blocks, which
	 * come right after it and are where the sparse file's pages go.
	 */
	hf.pr[0] = 0, hf.pa[0] = 0, hf.pb[0] = PG, hf.pz[0] = 0;
	fill_pat(buf, hf_key(0), 0, PG);
	pwrite_all(hf.fd, buf, PG, 0);
	if (fsync(hf.fd))
		die("fsync");
	memset(buf, STALE, MIB);
	fd = open(p2, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(p2);
	for (p = 0; p < hf.npages + 256; p += MIB / PG) {
		ssize_t k = write(fd, buf, MIB);

		if (k < 0 && errno == ENOSPC)
			break;
		if (k <= 0)
			die("write stale file");
		stale_pages += k / PG;
	}
	if (fsync(fd))
		die("fsync stale file");
	close(fd);
	if (unlink(p2))
		die("unlink");
	if (syncfs(hf.fd))
		die("syncfs");
	say("# hole-fill: %llu pages, %d readers (read, mmap, splice in turn),", hf.npages, nr);
	say(" %llu pages of 0x%02x written and deleted first; rounds for %.1fs\n",
	    stale_pages, STALE, dur);
	if (ftruncate(hf.fd, hf.npages * PG))
		die("ftruncate");
	hf.uf_content = malloc(PG);
	hf.uf_map = mmap(NULL, hf.npages * PG, PROT_READ, MAP_SHARED, hf.fd, 0);
	if (!hf.uf_content || hf.uf_map == MAP_FAILED)
		die("mmap");
	madvise((void *)hf.uf_map, hf.npages * PG, MADV_RANDOM);
	hf.uf_delay = 20000;
	hf.uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (hf.uffd >= 0) {
		struct uffdio_api api = { .api = UFFD_API };

		if (ioctl(hf.uffd, UFFDIO_API, &api)) {
			close(hf.uffd);
			hf.uffd = -1;
		}
	}
	if (hf.uffd < 0)
		say("# hole-fill: no userfaultfd (%s): no writes from a userfaultfd page\n",
		    strerror(errno));
	else
		xpthread_create(&uh, hf_uffd_handler, NULL);
	hf.avg_ns = 50000;
	for (i = 0; i < nr; i++)
		xpthread_create(&rd[i], hf_reader, (void *)i);
	t_end = now() + dur;	/* the rounds' time, the set-up not counted */

	for (hf.round = 0;; ) {
		double t0 = now(), t1;
		__u64 before = pages_written;

		for (p = 1; p < hf.npages; p++) {
			double a;

			a = now();
			if (hf.uffd >= 0 && !(p % HF_WIDE_PAGES) &&
			    p + HF_WIDE_PAGES <= hf.npages && !rndn(&r, 8)) {
				if (rndn(&r, 2))
					hf_write_wide(&r, p, hf_key(hf.round));
				else
					hf_write_over(&r, p, hf_key(hf.round),
						      HF_WIDE_PAGES);
				k = HF_WIDE;
				p += HF_WIDE_PAGES - 1;
				pages_written += HF_WIDE_PAGES - 1;
			} else if (hf.uffd >= 0 && !rndn(&r, 16)) {
				hf_write_over(&r, p, hf_key(hf.round), 1);
				k = HF_PAGE_OVER;
			} else {
				k = hf_write_page(&r, p, buf, &slot);
			}
			t1 = now();
			/* how long a plain write takes: where readers aim */
			if (k == HF_FULL)
				hf.avg_ns = (hf.avg_ns * 15 + (__u64)((t1 - a) * 1e9)) / 16;
			pages_written++;
			add(&st->ops, 1);
			if (t1 > t_end)
				break;
		}
		t1 = now();
		say("# hole-fill: round %d: %llu pages in %.1fs, %llu bad bytes so far\n",
		    hf.round, pages_written - before, t1 - t0, st->bad);
		if (t1 > t_end)
			break;
		/* next round: the blocks now hold this round's data */
		pthread_rwlock_wrlock(&hf.lock);
		__atomic_store_n(&hf.cur, 0, __ATOMIC_RELEASE);
		if (fsync(hf.fd) || ftruncate(hf.fd, PG) || syncfs(hf.fd) ||
		    ftruncate(hf.fd, hf.npages * PG))
			die("next round");
		for (p = 1; p < hf.npages; p++)
			hf.pr[p] = -1;
		hf.round++;
		/* what the blocks hold now */
		stale_key = hf_key(hf.round - 1);
		pthread_rwlock_unlock(&hf.lock);
	}
	__atomic_store_n(&hf.done, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < nr; i++)
		pthread_join(rd[i], NULL);
	if (hf.uffd >= 0)
		pthread_join(uh, NULL);
	reads_bad = st->bad;
	say("# hole-fill: readers: %llu bad bytes in %llu pages", reads_bad, count_bad_pages());
	say(" (zero %llu, stale (0x%02x or older data) %llu, foreign %llu)\n",
	    st->zero, STALE, st->stale, st->foreign);
	say("# hole-fill: reads with bad bytes / too early / too late:");
	for (i = 0; i < 3; i++)
		say(" %s %llu/%llu/%llu", hf_rkind[i], hf.hits[i], hf.early[i], hf.late[i]);
	say("\n# hole-fill: writes:");
	for (i = 0; i < HF_KINDS; i++)
		say(" %s %llu", hf_kind[i], hf.kinds[i]);
	say("\n");
	if (hf.uffd >= 0) {
		say("# hole-fill: wide writes (%d pages, a userfaultfd page among them):",
		    HF_WIDE_PAGES);
		say(" %llu cut short at that page, %llu whole;", hf.wide_short, hf.wide_full);
		say(" wide overwrites from an unaligned buffer: %llu with the page evicted;",
		    hf.wide_evicted);
		say(" one-page overwrites: %llu with the page evicted\n",
		    hf.page_evicted);
	}
	if (hf.uffd >= 0) {
		say("# hole-fill: %llu writes from a userfaultfd page, held after the block",
		    hf.uf_writes);
		say(" was allocated: %llu times before the page was in the cache (%llu bad reads),",
		    hf.uf_windows[0], hf.uf_hits[0]);
		say(" %llu times after a copy into it faulted (%llu bad reads);",
		    hf.uf_windows[1], hf.uf_hits[1]);
		say(" %llu not held, %llu failed with EFAULT\n", hf.uf_missed, hf.uf_efault);
	}
	if (fsync(hf.fd))
		die("fsync");
	hf_check_all("final");
	drop_all_caches(hf.fd);
	hf_check_all("after drop_caches");
	mf_open(&m);
	mf_file(&m, "hole-fill", hf.npages * PG);
	{
		__u64 a = 0, b = 0, key = 0;

		for (p = 0; p < hf.npages; p++) {
			__u64 pa, pb, k;

			if (hf.pr[p] < 0 || hf.pz[p] || hf.pa[p] == hf.pb[p])
				continue;
			pa = p * PG + hf.pa[p];
			pb = p * PG + hf.pb[p];
			k = hf_key(hf.pr[p]);
			if (pa == b && k == key) {
				b = pb;
				continue;
			}
			mf_ext(&m, a, b, key);
			a = pa, b = pb, key = k;
		}
		mf_ext(&m, a, b, key);
	}
	mf_close(&m);
	close(hf.fd);
	close(hf.srcfd);
	unlink(p3);
	free(buf);
	free(rd);
}

/* ---- mmap-write ---- */

#define MW_STRIPE	256

static struct {
	struct fmodel *f;
	__u64 npages;
	int nw;
} mw;

static int mw_owner(__u64 p, unsigned int s)
{
	return (p + s) % mw.nw;
}

/* Writer @w: its stripes, by pwrite() (or pwritev()) or by stores. */
static void *mw_writer(void *arg)
{
	long w = (long)arg;
	bool by_map = w & 1;
	unsigned char *map, buf[MW_STRIPE];
	struct rng r;
	char p[4200];
	int fd;

	rng_init(&r, 0x30 + w);
	path_of(p, sizeof(p), "mmap-write");
	fd = open(p, O_RDWR);
	if (fd < 0)
		die(p);
	map = mmap(NULL, mw.npages * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	while (running()) {
		__u64 pg = rndn(&r, mw.npages), a, b, seq;
		unsigned int s = rndn(&r, PG / MW_STRIPE);
		bool store = rndn(&r, 10) < 8 ? by_map : !by_map;

		while (mw_owner(pg, s) != w)
			s = (s + 1) % (PG / MW_STRIPE);
		a = pg * PG + s * MW_STRIPE;
		b = a + MW_STRIPE;
		if (rndn(&r, 10) < 3) {
			a += rndn(&r, MW_STRIPE);
			b = a + 1 + rndn(&r, b - a);
		}
		seq = fm_begin(mw.f, w, a, b, OP_WRITE);
		fill_pat(buf, fm_key(mw.f, seq), a, b - a);
		if (store) {
			if (map_copy(map + a, buf, b - a)) {
				say("BAD %s: SIGBUS storing to [%llu, %llu)\n",
				    scen, a, b);
				add(&st->bad, 1);
				add(&st->foreign, 1);
			}
		} else if (b - a > 1 && rndn(&r, 2)) {
			size_t h = (b - a) / 2;
			struct iovec iov[2] = { { buf, h }, { buf + h, b - a - h } };

			if (pwritev(fd, iov, 2, a) != (ssize_t)(b - a))
				die("pwritev");
		} else {
			pwrite_all(fd, buf, b - a, a);
		}
		fm_end(mw.f, w, seq, a, b, OP_WRITE);
		add(&st->ops, 1);
	}
	munmap(map, mw.npages * PG);
	close(fd);
	return NULL;
}

/* Writeback and cache pressure: msync, fsync, sync_file_range, fadvise. */
static void *mw_flusher(void *arg)
{
	unsigned char *map;
	struct rng r;
	int fd = (int)(long)arg;

	rng_init(&r, 0x3f);
	map = mmap(NULL, mw.npages * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	while (running()) {
		__u64 pg = rndn(&r, mw.npages);

		switch (rndn(&r, 5)) {
		case 0:
			if (msync(map + pg * PG, PG, MS_SYNC))
				die("msync");
			break;
		case 1:
			if (fsync(fd))
				die("fsync");
			break;
		case 2:
			if (sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE))
				die("sync_file_range");
			break;
		case 3:
			posix_fadvise(fd, pg * PG, 8 * PG, POSIX_FADV_DONTNEED);
			break;
		default:
			madvise(map + pg * PG, PG, MADV_DONTNEED);
			break;
		}
		add(&st->ops, 1);
		usleep(rndn(&r, 2000));
	}
	munmap(map, mw.npages * PG);
	return NULL;
}

static void *mw_reader(void *arg)
{
	struct fsnap *s = malloc(sizeof(*s));
	unsigned char *buf = malloc(16 * PG);
	int fd = (int)(long)arg;
	struct rng r;

	if (!s || !buf)
		die("malloc");
	fs_init(s, 16 * PG);
	rng_init(&r, 0x3e);
	while (running()) {
		__u64 a = rndn(&r, mw.npages * PG), n = 1 + rndn(&r, 16 * PG);

		if (n > mw.npages * PG - a)
			n = mw.npages * PG - a;
		fm_read_check(mw.f, s, fd, "reader", buf, a, n);
		add(&st->ops, 1);
	}
	free(s->m0);
	free(s);
	free(buf);
	return NULL;
}

static void run_mmap_write(void)
{
	int per = opt_threads > 0 ? opt_threads : 2, i, status;
	double dur = opt_dur >= 0 ? opt_dur : 10;
	pthread_t *th = calloc(per + 2, sizeof(pthread_t));
	struct manifest m;
	pid_t child;
	char p[4200];
	int fd;

	mw.npages = (__u64)((opt_mib >= 0 ? opt_mib : 0.25) * MIB) / PG;
	if (mw.npages < 2)
		mw.npages = 2;
	mw.nw = 2 * per;
	if (mw.nw > MAXW)
		mw.nw = MAXW;
	per = mw.nw / 2;
	t_end = now() + dur;
	mw.f = fm_new("mmap-write", mw.npages * PG, mkkey(0x30, 0));
	path_of(p, sizeof(p), "mmap-write");
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || !th)
		die(p);
	if (ftruncate(fd, mw.npages * PG))
		die("ftruncate");
	fm_grow(mw.f, mw.npages * PG);
	say("# mmap-write: %llu pages, %d writers (%d threads here, %d in a second process;",
	    mw.npages, mw.nw, per, per);
	say(" odd ones mostly store through mmap, even ones mostly pwrite),");
	say(" %d-byte stripes, %.1fs\n", MW_STRIPE, dur);
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		for (i = 0; i < per; i++)
			xpthread_create(&th[i], mw_writer, (void *)(long)(per + i));
		for (i = 0; i < per; i++)
			pthread_join(th[i], NULL);
		_exit(0);
	}
	for (i = 0; i < per; i++)
		xpthread_create(&th[i], mw_writer, (void *)(long)i);
	xpthread_create(&th[per], mw_flusher, (void *)(long)fd);
	xpthread_create(&th[per + 1], mw_reader, (void *)(long)fd);
	for (i = 0; i < per + 2; i++)
		pthread_join(th[i], NULL);
	if (waitpid(child, &status, 0) != child)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		say("ERROR %s: writer process: status 0x%x\n", scen, status);
		exit(2);
	}
	if (fsync(fd))
		die("fsync");
	fm_check_all(mw.f, fd, "final");
	drop_all_caches(fd);
	fm_check_all(mw.f, fd, "after drop_caches");
	mf_open(&m);
	fm_manifest(mw.f, &m, "mmap-write");
	mf_close(&m);
	close(fd);
	free(th);
}

/* ---- truncate ---- */

#define TR_CHUNK	(8 * PG)

static struct {
	struct fmodel *f;
	__u64 max, floor;
	int nw;
	__u64 cycles, tail_checks, drops;
	pthread_rwlock_t lock;	/* locked writers vs. the truncator */
} tr;

/*
 * Writer @w.  Writer 0 owns the chunks below tr.floor, where truncation
 * never reaches, and takes no lock; the others own the chunks above it
 * in turn and write with the lock held for reading.
 */
static void *tr_writer(void *arg)
{
	long w = (long)arg;
	unsigned char *map, *buf = malloc(TR_CHUNK);
	__u64 nchunks = tr.max / TR_CHUNK, fchunks = tr.floor / TR_CHUNK;
	struct rng r;
	char p[4200];
	int fd;

	rng_init(&r, 0x40 + w);
	path_of(p, sizeof(p), "truncate");
	fd = open(p, O_RDWR);
	if (fd < 0 || !buf)
		die(p);
	map = mmap(NULL, tr.max, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	while (running()) {
		__u64 c, a, b, seq, size, k = rndn(&r, 100);
		bool locked = w > 0;

		if (!locked) {
			c = rndn(&r, fchunks);
		} else {
			c = fchunks + rndn(&r, nchunks - fchunks);
			c -= (c - fchunks) % (tr.nw - 1);
			c += w - 1;
			if (c >= nchunks)
				c = fchunks + w - 1;
		}
		a = c * TR_CHUNK;
		if (k < 30) {		/* whole pages */
			a += rndn(&r, 8) * PG;
			b = a + (1 + rndn(&r, 2)) * PG;
		} else if (k < 80) {	/* anywhere, up to two pages */
			a += rndn(&r, TR_CHUNK);
			b = a + 1 + rndn(&r, 2 * PG);
		} else {		/* a few bytes */
			a += rndn(&r, TR_CHUNK);
			b = a + 1 + rndn(&r, 16);
		}
		if (b > (c + 1) * TR_CHUNK)
			b = (c + 1) * TR_CHUNK;
		if (locked)
			pthread_rwlock_rdlock(&tr.lock);
		size = fm_size(tr.f);
		seq = fm_begin(tr.f, w, a, b, OP_WRITE);
		fill_pat(buf, fm_key(tr.f, seq), a, b - a);
		if (b <= size && rndn(&r, 3) == 0) {
			if (map_copy(map + a, buf, b - a)) {
				say("BAD %s: SIGBUS storing to [%llu, %llu) below EOF %llu\n",
				    scen, a, b, size);
				add(&st->bad, 1);
				add(&st->foreign, 1);
			}
		} else {
			pwrite_all(fd, buf, b - a, a);
		}
		fm_end(tr.f, w, seq, a, b, OP_WRITE);
		if (locked)
			pthread_rwlock_unlock(&tr.lock);
		add(&st->ops, 1);
	}
	munmap(map, tr.max);
	close(fd);
	free(buf);
	return NULL;
}

static void *tr_reader(void *arg)
{
	long kind = (long)arg % 3;
	static const char *const who[] = { "read", "splice", "mmap" };
	struct fsnap *s = malloc(sizeof(*s));
	unsigned char *buf = malloc(16 * PG);
	const unsigned char *map;
	int fd, pfd[2];
	struct rng r;
	char p[4200];

	rng_init(&r, 0x48 + (long)arg);
	path_of(p, sizeof(p), "truncate");
	fd = open(p, O_RDONLY);
	if (fd < 0 || !s || !buf || pipe(pfd))
		die(p);
	fs_init(s, 16 * PG);
	map = mmap(NULL, tr.max, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	while (running()) {
		__u64 size = fm_size(tr.f), a, n;

		/* near EOF half of the time, past it now and then */
		if (rndn(&r, 2) && size)
			a = size - 1 - rndn(&r, size < 2 * PG ? size : 2 * PG);
		else
			a = rndn(&r, size + PG < tr.max ? size + PG : tr.max);
		n = 1 + rndn(&r, 4 * PG);
		if (n > tr.max - a)
			n = tr.max - a;
		fm_snap(tr.f, s, a, n);
		if (kind == 0)
			n = pread_full(fd, buf, n, a);
		else if (kind == 1)
			n = splice_full(fd, pfd, buf, n, a);
		else if (map_copy(buf, map + a, n))
			n = 0;	/* past EOF: SIGBUS is allowed */
		fm_check(tr.f, s, who[kind], buf, n);
		add(&st->ops, 1);
	}
	munmap((void *)map, tr.max);
	close(fd);
	close(pfd[0]);
	close(pfd[1]);
	free(s->m0);
	free(s);
	free(buf);
	return NULL;
}

static void *tr_flusher(void *arg)
{
	int fd = (int)(long)arg;
	struct rng r;

	rng_init(&r, 0x4f);
	while (running()) {
		switch (rndn(&r, 4)) {
		case 0:
			if (fsync(fd))
				die("fsync");
			break;
		case 1:
			posix_fadvise(fd, rndn(&r, tr.max), 16 * PG, POSIX_FADV_DONTNEED);
			break;
		default:
			if (sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE))
				die("sync_file_range");
			break;
		}
		add(&st->ops, 1);
		usleep(rndn(&r, 3000));
	}
	return NULL;
}

/* [a, b) must read as zeroes, by read() and through @map. */
static void tr_check_zero(int fd, const unsigned char *map, __u64 a,
			  __u64 b, const char *who)
{
	static unsigned char *buf, *zero;
	__u64 n = b - a;

	if (!buf) {
		buf = malloc(tr.max);
		zero = calloc(1, tr.max);
		if (!buf || !zero)
			die("malloc");
	}
	if (!n)
		return;
	n = pread_full(fd, buf, n, a);
	if (n != b - a) {
		say("BAD %s: %s: short read at %llu\n", scen, who, a);
		add(&st->bad, 1);
		add(&st->foreign, 1);
	}
	cmp_report(who, "truncate", buf, zero, a, n, false);
	if (map_copy(buf, map + a, b - a)) {
		say("BAD %s: %s: SIGBUS reading [%llu, %llu) below EOF\n",
		    scen, who, a, b);
		add(&st->bad, 1);
		add(&st->foreign, 1);
		return;
	}
	cmp_report(who, "truncate (mmap)", buf, zero, a, b - a, false);
	tr.tail_checks++;
}

static void tr_truncator(int fd)
{
	unsigned char *map;
	double last_drop = now();
	struct rng r;
	char who[64];

	rng_init(&r, 0x4e);
	map = mmap(NULL, tr.max, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	while (running()) {
		__u64 s, s2, seq, k = rndn(&r, 4), v = rndn(&r, 4);

		s = tr.floor + rndn(&r, tr.max - tr.floor);
		if (k == 0)			/* page aligned */
			s &= ~(PG - 1);
		else if (k == 1)		/* just past a page start */
			s = (s & ~(PG - 1)) + rndn(&r, 8);
		s2 = s + rndn(&r, tr.max - s + 1);
		pthread_rwlock_wrlock(&tr.lock);
		seq = fm_begin(tr.f, MAXW - 1, s, UINT64_MAX, OP_TRUNC);
		if (ftruncate(fd, s))
			die("ftruncate down");
		fm_end(tr.f, MAXW - 1, seq, s, 0, OP_TRUNC);
		if (v == 1) {			/* the zeroed tail to disk */
			if (sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE |
					    SYNC_FILE_RANGE_WRITE |
					    SYNC_FILE_RANGE_WAIT_AFTER))
				die("sync_file_range");
			posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		} else if (v == 2 && s & (PG - 1)) {	/* fault the EOF page */
			unsigned char c;

			if (map_copy(&c, map + s - 1, 1))
				die("SIGBUS below EOF");
		}
		if (ftruncate(fd, s2))
			die("ftruncate up");
		fm_grow(tr.f, s2);
		snprintf(who, sizeof(who), "tail after truncate %llu->%llu->%llu", tr.max, s, s2);
		tr_check_zero(fd, map, s, s2, who);
		if (v == 3) {
			if (sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE |
					    SYNC_FILE_RANGE_WRITE |
					    SYNC_FILE_RANGE_WAIT_AFTER))
				die("sync_file_range");
			posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
			tr_check_zero(fd, map, s, s2, who);
		}
		if (tr.cycles % 8 == 7)
			fm_check_all(tr.f, fd, "whole file between truncations");
		if (tr.cycles % 32 == 31 || now() > last_drop + 4) {
			last_drop = now();
			drop_all_caches(fd);
			tr.drops++;
			snprintf(who, sizeof(who), "tail after truncate %llu->%llu, dropped caches",
				 s, s2);
			tr_check_zero(fd, map, s, s2, who);
			fm_check_all(tr.f, fd, "whole file after drop_caches");
		}
		pthread_rwlock_unlock(&tr.lock);
		tr.cycles++;
		add(&st->ops, 1);
		usleep(rndn(&r, 3000));
	}
	munmap(map, tr.max);
}

static void run_truncate(void)
{
	int nw = opt_threads > 1 ? opt_threads : 3, nr = 3, i;
	double dur = opt_dur >= 0 ? opt_dur : 10;
	pthread_t *th = calloc(nw + nr + 1, sizeof(pthread_t));
	pthread_rwlockattr_t ra;
	unsigned char *buf;
	struct manifest m;
	char p[4200];
	__u64 s;
	int fd;

	if (nw > MAXW - 1)
		nw = MAXW - 1;
	tr.nw = nw;
	tr.max = (__u64)((opt_mib >= 0 ? opt_mib : 1) * MIB) / TR_CHUNK * TR_CHUNK;
	if (tr.max < 8 * TR_CHUNK)
		tr.max = 8 * TR_CHUNK;
	tr.floor = tr.max / TR_CHUNK / 8 * TR_CHUNK;
	t_end = now() + dur;
	tr.f = fm_new("truncate", tr.max, mkkey(0x40, 0));
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&tr.lock, &ra);
	path_of(p, sizeof(p), "truncate");
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	buf = malloc(tr.max);
	if (fd < 0 || !th || !buf)
		die(p);
	/* start full */
	s = fm_begin(tr.f, 0, 0, tr.max, OP_WRITE);
	fill_pat(buf, fm_key(tr.f, s), 0, tr.max);
	pwrite_all(fd, buf, tr.max, 0);
	fm_end(tr.f, 0, s, 0, tr.max, OP_WRITE);
	free(buf);
	say("# truncate: up to %llu bytes, truncation above %llu; %d writers (1 below that,",
	    tr.max, tr.floor, nw);
	say(" unlocked), %d readers (read, splice, mmap), a flusher; %.1fs\n", nr, dur);
	for (i = 0; i < nw; i++)
		xpthread_create(&th[i], tr_writer, (void *)(long)i);
	for (i = 0; i < nr; i++)
		xpthread_create(&th[nw + i], tr_reader, (void *)(long)i);
	xpthread_create(&th[nw + nr], tr_flusher, (void *)(long)fd);
	tr_truncator(fd);
	for (i = 0; i < nw + nr + 1; i++)
		pthread_join(th[i], NULL);
	say("# truncate: %llu truncations, %llu zero-tail checks, %llu cache drops,",
	    tr.cycles, tr.tail_checks, tr.drops);
	say(" %llu SIGBUS (allowed), %llu checks skipped\n", st->sigbus, st->skipped);
	fm_check_all(tr.f, fd, "final");
	drop_all_caches(fd);
	fm_check_all(tr.f, fd, "final after drop_caches");
	mf_open(&m);
	fm_manifest(tr.f, &m, "truncate");
	mf_close(&m);
	close(fd);
	free(th);
}

/* ---- namespace ---- */

static const char *const ns_names[] = { "a", "b", "c", "d", "e", "f" };
#define NS_REC	32

static void ns_path(struct rng *r, char *out, size_t n)
{
	int depth = 1 + rndn(r, 3), i;
	size_t l = snprintf(out, n, "%s/ns", dir);

	for (i = 0; i < depth; i++)
		l += snprintf(out + l, n - l, "/%s", ns_names[rndn(r, 6)]);
}

static bool ns_allowed(int e, const int *ok)
{
	for (; *ok; ok++)
		if (e == *ok)
			return true;
	return false;
}

static void ns_child(int id, long nops)
{
	static const int ok_create[] = { ENOENT, ENOTDIR, EISDIR, 0 };
	static const int ok_link[] = { ENOENT, ENOTDIR, EEXIST, EPERM, EMLINK, 0 };
	static const int ok_unlink[] = { ENOENT, ENOTDIR, EISDIR, 0 };
	static const int ok_rename[] = { ENOENT, ENOTDIR, EISDIR, ENOTEMPTY, EEXIST,
					 EINVAL, EMLINK, 0 };
	static const int ok_mkdir[] = { ENOENT, ENOTDIR, EEXIST, EMLINK, 0 };
	static const int ok_rmdir[] = { ENOENT, ENOTDIR, ENOTEMPTY, EEXIST, 0 };
	static const char *const opname[] = { "create", "append", "link", "unlink",
					      "rename", "mkdir", "rmdir", "symlink",
					      "readdir" };
	char p1[4200], p2[4200], rec[64];
	struct rng r;
	long i;

	rng_init(&r, 0x50 + id);
	for (i = 0; i < nops && running(); i++) {
		int op = rndn(&r, 9), ret = 0, fd;
		const int *ok = ok_create;

		ns_path(&r, p1, sizeof(p1));
		ns_path(&r, p2, sizeof(p2));
		/* 32 bytes: "ns ID OP HASH", blanks, newline */
		if (snprintf(rec, sizeof(rec), "ns %02d %010ld %08llx%6s\n", id, i,
			     mix64(id * 1000003ULL + i) & 0xffffffff, "") != NS_REC)
			die("record");
		switch (op) {
		case 0:
		case 1:
			fd = open(p1, O_WRONLY | O_APPEND | (op ? 0 : O_CREAT), 0644);
			ok = op ? ok_unlink : ok_create;
			if (fd < 0) {
				ret = -1;
				break;
			}
			if (write(fd, rec, NS_REC) != NS_REC)
				ret = -1;
			close(fd);
			break;
		case 2:
			ret = link(p1, p2);
			ok = ok_link;
			break;
		case 3:
			ret = unlink(p1);
			ok = ok_unlink;
			break;
		case 4:
			ret = rename(p1, p2);
			ok = ok_rename;
			break;
		case 5:
			ret = mkdir(p1, 0755);
			ok = ok_mkdir;
			break;
		case 6:
			ret = rmdir(p1);
			ok = ok_rmdir;
			break;
		case 7:
			ret = symlink(p2 + strlen(dir), p1);
			ok = ok_mkdir;
			break;
		default: {
			DIR *d;
			struct dirent *de;
			struct stat sb;

			ok = ok_unlink;
			d = opendir(p1);
			if (!d) {
				ret = -1;
				break;
			}
			while ((de = readdir(d))) {
				if (snprintf(p2, sizeof(p2), "%s/%s", p1,
					     de->d_name) >= (int)sizeof(p2))
					die("path too long");
				if (lstat(p2, &sb) && errno != ENOENT) {
					ret = -1;
					break;
				}
			}
			closedir(d);
		}
		}
		add(&st->ops, 1);
		if (ret && !ns_allowed(errno, ok)) {
			add(&st->bad, 1);
			if (__atomic_fetch_add(&st->events, 1, __ATOMIC_RELAXED) < MAX_EVENTS)
				say("BAD %s: process %d op %ld: %s %s: %s\n", scen, id, i,
				    opname[op], p1, strerror(errno));
		}
	}
}

struct ns_ino {
	ino_t ino;
	nlink_t nlink;
	unsigned int names;
};

static struct ns_ino *ns_inos;
static size_t ns_ninos;
static __u64 ns_files, ns_dirs, ns_bad;

static void ns_bad_line(const char *fmt, const char *p, long a, long b)
{
	char msg[4400];

	snprintf(msg, sizeof(msg), fmt, p, a, b);
	say("BAD %s: %s\n", scen, msg);
	add(&st->bad, 1);
	ns_bad++;
}

/* Check a quiescent tree: link counts and the records in the files. */
static void ns_walk(const char *p)
{
	char q[4200], rec[NS_REC];
	struct dirent *de;
	struct stat sb, db;
	long subdirs = 0;
	DIR *d = opendir(p);

	if (!d || fstat(dirfd(d), &db))
		die(p);
	ns_dirs++;
	while ((de = readdir(d))) {
		size_t i;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(q, sizeof(q), "%s/%s", p, de->d_name);
		if (lstat(q, &sb)) {
			ns_bad_line("%s: listed but lstat fails (%ld %ld)", q, errno, 0);
			continue;
		}
		if (S_ISDIR(sb.st_mode)) {
			subdirs++;
			ns_walk(q);
			continue;
		}
		if (!S_ISREG(sb.st_mode))
			continue;
		for (i = 0; i < ns_ninos && ns_inos[i].ino != sb.st_ino; i++)
			;
		if (i == ns_ninos) {
			ns_inos = realloc(ns_inos, (ns_ninos + 1) * sizeof(*ns_inos));
			if (!ns_inos)
				die("realloc");
			ns_inos[ns_ninos++] = (struct ns_ino){ sb.st_ino, sb.st_nlink, 0 };
			ns_files++;
			if (sb.st_size % NS_REC) {
				ns_bad_line("%s: size %ld is not a multiple of %ld", q,
					    (long)sb.st_size, NS_REC);
			} else {
				int fd = open(q, O_RDONLY);
				off_t o;

				if (fd < 0)
					die(q);
				for (o = 0; o < sb.st_size; o += NS_REC) {
					unsigned int id;
					unsigned long op, h;

					if (pread_full(fd, rec, NS_REC, o) != NS_REC ||
					    sscanf(rec, "ns %u %lu %lx", &id, &op, &h) != 3 ||
					    rec[NS_REC - 1] != '\n' ||
					    h != (mix64(id * 1000003ULL + op) & 0xffffffff)) {
						ns_bad_line("%s: bad record at %ld (%ld)", q, o, 0);
						break;
					}
				}
				close(fd);
			}
		}
		ns_inos[i].names++;
	}
	closedir(d);
	if (db.st_nlink != (nlink_t)(2 + subdirs))
		ns_bad_line("%s: directory link count %ld, %ld subdirectories", p,
			    (long)db.st_nlink, subdirs);
}

static void run_namespace(void)
{
	int np = opt_threads > 0 ? opt_threads : 4, i, status;
	double dur = opt_dur >= 0 ? opt_dur : 8;
	long nops = (long)((opt_mib >= 0 ? opt_mib : 1) * 4000);
	char p[4200];
	pid_t *pid = calloc(np, sizeof(pid_t));
	size_t k;

	t_end = now() + dur;
	path_of(p, sizeof(p), "ns");
	if (mkdir(p, 0755) && errno != EEXIST)
		die(p);
	say("# namespace: %d processes, up to %ld operations each on 6 names at depth 1-3, %.1fs\n",
	    np, nops, dur);
	for (i = 0; i < np; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			die("fork");
		if (!pid[i]) {
			ns_child(i, nops);
			_exit(0);
		}
	}
	for (i = 0; i < np; i++) {
		if (waitpid(pid[i], &status, 0) != pid[i])
			die("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			say("ERROR %s: process %d: status 0x%x\n", scen, i, status);
			exit(2);
		}
	}
	ns_walk(p);
	for (k = 0; k < ns_ninos; k++)
		if (ns_inos[k].names != ns_inos[k].nlink) {
			snprintf(p, sizeof(p), "inode %lu", (unsigned long)ns_inos[k].ino);
			ns_bad_line("%s: link count %ld, %ld names", p,
				    (long)ns_inos[k].nlink, ns_inos[k].names);
		}
	say("# namespace: tree: %llu directories, %llu files, %llu bad\n", ns_dirs,
	    ns_files, ns_bad);
	free(pid);
	free(ns_inos);
}

/* ---- mix ---- */

static struct {
	int nf;
	__u64 max;
	struct fmodel **f;
	__u64 opcount[20];
} mx;

static const char *const mx_opname[] = {
	"pwrite", "append", "mmap-store", "truncate-down", "truncate-up",
	"check-read", "check-splice", "check-mmap", "sync", "fadvise",
	"short-write", "mapped-source", "anon-source", "drop_caches",
};

/* A write of [a, b) from a buffer whose source faults in some way. */
static ssize_t mx_odd_write(struct rng *r, int fd, int kind, __u64 key,
			    __u64 a, __u64 b, int srcfd)
{
	size_t n = b - a;
	ssize_t ret;

	if (kind == 10) {	/* only the first l bytes can be read */
		size_t l = 1 + rndn(r, n), len;
		void *base;
		unsigned char *src = short_source(l, n, &base, &len);

		fill_pat(src, key, a, l);
		ret = pwrite(fd, src, n, a);
		munmap(base, len);
		if (ret < 0 && errno != EFAULT)
			die("short pwrite");
		if (ret > (ssize_t)l) {
			say("BAD %s: short write at %llu returned %zd, only %zu bytes readable\n",
			    scen, a, ret, l);
			add(&st->bad, 1);
			add(&st->foreign, 1);
			ret = l;
		}
		return ret;
	}
	if (kind == 11) {	/* a just-mapped, evicted page of another file */
		unsigned char *buf = malloc(n), *src;

		if (!buf)
			die("malloc");
		fill_pat(buf, key, a, n);
		if (ftruncate(srcfd, 0))
			die("ftruncate src");
		pwrite_all(srcfd, buf, n, 0);
		if (fdatasync(srcfd))
			die("fdatasync src");
		posix_fadvise(srcfd, 0, 0, POSIX_FADV_DONTNEED);
		src = mmap(NULL, n, PROT_READ, MAP_SHARED, srcfd, 0);
		if (src == MAP_FAILED)
			die("mmap src");
		ret = pwrite(fd, src, n, a);
		munmap(src, n);
		free(buf);
		if (ret != (ssize_t)n)
			die("pwrite from a mapped file");
		return ret;
	}
	{			/* fresh anonymous memory: zeroes */
		void *src = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (src == MAP_FAILED)
			die("mmap anon");
		ret = pwrite(fd, src, n, a);
		munmap(src, n);
		if (ret != (ssize_t)n)
			die("pwrite from anonymous memory");
		return ret;
	}
}

static void *mx_owner(void *arg)
{
	long id = (long)arg;
	struct fmodel *f = mx.f[id];
	struct fsnap *s = malloc(sizeof(*s));
	unsigned char *buf = malloc(mx.max), *map;
	int fd, afd, srcfd, pfd[2];
	char p[4200];
	struct rng r;

	rng_init(&r, 0x60 + id);
	snprintf(p, sizeof(p), "%s/mix%ld", dir, id);
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	afd = open(p, O_WRONLY | O_APPEND);
	snprintf(p, sizeof(p), "%s/.mixsrc%ld", dir, id);
	srcfd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || afd < 0 || srcfd < 0 || !s || !buf || pipe(pfd))
		die(p);
	fs_init(s, mx.max);
	map = mmap(NULL, mx.max, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	while (running()) {
		__u64 size = f->size, k = rndn(&r, 1000), a, b, n, seq;
		int op;
		ssize_t ret;

		op = k < 280 ? 0 : k < 360 ? 1 : k < 460 ? 2 : k < 520 ? 3 :
		     k < 570 ? 4 : k < 700 ? 5 : k < 760 ? 6 : k < 810 ? 7 :
		     k < 860 ? 8 : k < 890 ? 9 : k < 930 ? 10 : k < 960 ? 11 :
		     k < 995 ? 12 : 13;
		if ((op == 2 || op == 3 || op == 7) && !size)
			op = 0;
		if ((op == 1 || op == 4) && size >= mx.max)
			op = 3;
		if (op == 13 && rndn(&r, 20))
			op = 9;
		mx.opcount[op]++;
		/* a range: page aligned or not, small or up to 64 KiB */
		a = rndn(&r, 2) ? rndn(&r, mx.max / PG) * PG : rndn(&r, mx.max);
		n = rndn(&r, 3) ? 1 + rndn(&r, 2 * PG) : 1 + rndn(&r, 64 * 1024);
		if (rndn(&r, 4) == 0)
			n = (1 + rndn(&r, 4)) * PG;
		if (op == 2 || op == 7) {	/* inside the file */
			a = rndn(&r, size);
			if (n > size - a)
				n = size - a;
		}
		if (op == 1)
			a = size;
		if (a >= mx.max)
			a = mx.max - 1;
		if (n > mx.max - a)
			n = mx.max - a;
		b = a + n;
		switch (op) {
		case 0:
		case 1:
		case 2:
			seq = fm_begin(f, id, a, b, OP_WRITE);
			fill_pat(buf, fm_key(f, seq), a, n);
			if (op == 0) {
				pwrite_all(fd, buf, n, a);
			} else if (op == 1) {
				if (write(afd, buf, n) != (ssize_t)n)
					die("append");
			} else if (map_copy(map + a, buf, n)) {
				say("BAD %s: mix%ld: SIGBUS storing to [%llu, %llu), EOF %llu\n",
				    scen, id, a, b, size);
				add(&st->bad, 1);
				add(&st->foreign, 1);
			}
			fm_end(f, id, seq, a, b, OP_WRITE);
			break;
		case 3:
			a = rndn(&r, size);
			if (rndn(&r, 2))
				a &= ~(PG - 1);
			seq = fm_begin(f, id, a, UINT64_MAX, OP_TRUNC);
			if (ftruncate(fd, a))
				die("ftruncate");
			fm_end(f, id, seq, a, 0, OP_TRUNC);
			break;
		case 4:
			a = size + 1 + rndn(&r, mx.max - size);
			if (ftruncate(fd, a))
				die("ftruncate");
			fm_grow(f, a);
			break;
		case 5:
		case 6:
		case 7:
			if (rndn(&r, 20) == 0) {
				a = 0;
				n = op == 7 ? size : mx.max;
			}
			fm_snap(f, s, a, n);
			if (op == 5)
				n = pread_full(fd, buf, n, a);
			else if (op == 6)
				n = splice_full(fd, pfd, buf, n, a);
			else if (map_copy(buf, map + a, n))
				die("SIGBUS below EOF");
			fm_check(f, s, mx_opname[op], buf, n);
			break;
		case 8:
			k = rndn(&r, 3);
			if (k == 0 && fsync(fd))
				die("fsync");
			if (k == 1 && fdatasync(fd))
				die("fdatasync");
			if (k == 2 && sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE))
				die("sync_file_range");
			break;
		case 9:
			posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
			break;
		case 10:
		case 11:
		case 12:
			seq = fm_begin(f, id, a, b, op == 12 ? OP_ZERO : OP_WRITE);
			ret = mx_odd_write(&r, fd, op, fm_key(f, seq), a, b, srcfd);
			fm_end(f, id, seq, a, ret > 0 ? a + ret : a,
			       op == 12 ? OP_ZERO : OP_WRITE);
			break;
		default:
			drop_all_caches(fd);
			fm_check_all(f, fd, "whole file after drop_caches");
			break;
		}
		add(&st->ops, 1);
	}
	munmap(map, mx.max);
	close(fd);
	close(afd);
	close(srcfd);
	close(pfd[0]);
	close(pfd[1]);
	snprintf(p, sizeof(p), "%s/.mixsrc%ld", dir, id);
	unlink(p);
	free(s->m0);
	free(s);
	free(buf);
	return NULL;
}

/* Reads of any file by read, splice or mmap (SIGBUS past EOF allowed). */
static void *mx_reader(void *arg)
{
	static const char *const who[] = { "reader read", "reader splice", "reader mmap" };
	struct fsnap *s = malloc(sizeof(*s));
	unsigned char *buf = malloc(64 * 1024);
	const unsigned char **map = calloc(mx.nf, sizeof(*map));
	int *fd = calloc(mx.nf, sizeof(int)), pfd[2], i;
	char p[4200];
	struct rng r;

	rng_init(&r, 0x70 + (long)arg);
	if (!s || !buf || !map || !fd || pipe(pfd))
		die("reader");
	fs_init(s, 64 * 1024);
	for (i = 0; i < mx.nf; i++) {
		snprintf(p, sizeof(p), "%s/mix%d", dir, i);
		while ((fd[i] = open(p, O_RDONLY)) < 0 && errno == ENOENT)
			usleep(1000);
		if (fd[i] < 0)
			die(p);
		map[i] = mmap(NULL, mx.max, PROT_READ, MAP_SHARED, fd[i], 0);
		if (map[i] == MAP_FAILED)
			die("mmap");
	}
	while (running()) {
		int f = rndn(&r, mx.nf), kind = rndn(&r, 3);
		__u64 size = fm_size(mx.f[f]), a, n = 1 + rndn(&r, 64 * 1024);

		a = rndn(&r, 2) && size ? size - 1 - rndn(&r, size < n ? size : n)
					: rndn(&r, mx.max);
		if (n > mx.max - a)
			n = mx.max - a;
		fm_snap(mx.f[f], s, a, n);
		if (kind == 0)
			n = pread_full(fd[f], buf, n, a);
		else if (kind == 1)
			n = splice_full(fd[f], pfd, buf, n, a);
		else if (map_copy(buf, map[f] + a, n))
			n = 0;
		fm_check(mx.f[f], s, who[kind], buf, n);
		add(&st->ops, 1);
	}
	for (i = 0; i < mx.nf; i++) {
		munmap((void *)map[i], mx.max);
		close(fd[i]);
	}
	close(pfd[0]);
	close(pfd[1]);
	free(s->m0);
	free(s);
	free(buf);
	free(map);
	free(fd);
	return NULL;
}

static void *mx_syncer(void *arg)
{
	struct rng r;

	(void)arg;
	rng_init(&r, 0x7f);
	while (running()) {
		sync();
		add(&st->ops, 1);
		usleep(20000 + rndn(&r, 200000));
	}
	return NULL;
}

static void run_mix(void)
{
	double dur = opt_dur >= 0 ? opt_dur : 15;
	int nr = 2, i;
	pthread_t *th;
	struct manifest m;
	char p[4200], n[64];

	mx.nf = opt_threads > 0 ? opt_threads : 3;
	if (mx.nf > MAXW)
		mx.nf = MAXW;
	mx.max = (__u64)((opt_mib >= 0 ? opt_mib : 2) * MIB);
	if (mx.max < 4 * PG)
		mx.max = 4 * PG;
	t_end = now() + dur;
	mx.f = calloc(mx.nf, sizeof(*mx.f));
	th = calloc(mx.nf + nr + 1, sizeof(pthread_t));
	if (!mx.f || !th)
		die("calloc");
	for (i = 0; i < mx.nf; i++) {
		snprintf(n, sizeof(n), "mix%d", i);
		mx.f[i] = fm_new(n, mx.max, mkkey(0x60, i));
	}
	say("# mix: %d files of up to %llu bytes, one owner thread each, %d readers,",
	    mx.nf, mx.max, nr);
	say(" a sync() loop; %.1fs\n", dur);
	for (i = 0; i < mx.nf; i++)
		xpthread_create(&th[i], mx_owner, (void *)(long)i);
	for (i = 0; i < nr; i++)
		xpthread_create(&th[mx.nf + i], mx_reader, (void *)(long)i);
	xpthread_create(&th[mx.nf + nr], mx_syncer, NULL);
	for (i = 0; i < mx.nf + nr + 1; i++)
		pthread_join(th[i], NULL);
	{
		char line[1024];
		size_t l = 0;

		for (i = 0; i < 14; i++)
			l += snprintf(line + l, sizeof(line) - l, " %s %llu",
				      mx_opname[i], mx.opcount[i]);
		say("# mix: operations:%s; %llu SIGBUS (allowed), %llu checks skipped\n",
		    line, st->sigbus, st->skipped);
	}
	mf_open(&m);
	for (i = 0; i < mx.nf; i++) {
		int fd;

		snprintf(p, sizeof(p), "%s/mix%d", dir, i);
		fd = open(p, O_RDWR);
		if (fd < 0)
			die(p);
		if (fsync(fd))
			die("fsync");
		fm_check_all(mx.f[i], fd, "final");
		drop_all_caches(fd);
		fm_check_all(mx.f[i], fd, "final after drop_caches");
		close(fd);
		snprintf(n, sizeof(n), "mix%d", i);
		fm_manifest(mx.f[i], &m, n);
	}
	mf_close(&m);
	free(th);
	free(mx.f);
}

/* ---- main ---- */

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: vpmfs_race [-s SEED] [-t N] [-d SECONDS] [-m MIB] SCENARIO DIR\n"
		"       vpmfs_race verify DIR\n"
		"scenarios: append-wb hole-fill mmap-write truncate namespace mix\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} scens[] = {
		{ "append-wb", run_append_wb },
		{ "hole-fill", run_hole_fill },
		{ "mmap-write", run_mmap_write },
		{ "truncate", run_truncate },
		{ "namespace", run_namespace },
		{ "mix", run_mix },
	};
	struct sigaction sa = { .sa_handler = on_sigbus };
	double t0 = now();
	size_t i;
	int c, rc;

	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return 2;
	seed = (__u64)time(NULL) ^ ((__u64)getpid() << 32);
	if (sched_getaffinity(0, sizeof(all_cpus), &all_cpus))
		CPU_ZERO(&all_cpus);
	while ((c = getopt(argc, argv, "s:t:d:m:")) != -1) {
		switch (c) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			opt_threads = atoi(optarg);
			break;
		case 'd':
			opt_dur = strtod(optarg, NULL);
			break;
		case 'm':
			opt_mib = strtod(optarg, NULL);
			break;
		default:
			bad_usage();
		}
	}
	if (argc - optind != 2)
		bad_usage();
	scen = argv[optind];
	dir = argv[optind + 1];
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	t_end = now() + 3600;

	if (!strcmp(scen, "verify")) {
		rc = do_verify();
		if (rc)
			return rc;
		say("# verify: %llu ops, %llu bad\n", st->ops, st->bad);
		return st->bad ? 1 : 0;
	}
	for (i = 0; i < ARRAY_SIZE(scens); i++)
		if (!strcmp(scen, scens[i].name))
			break;
	if (i == ARRAY_SIZE(scens))
		bad_usage();
	{
		char o[128] = "";
		size_t l = 0;

		if (opt_threads >= 0)
			l += snprintf(o + l, sizeof(o) - l, " -t %d", opt_threads);
		if (opt_dur >= 0)
			l += snprintf(o + l, sizeof(o) - l, " -d %g", opt_dur);
		if (opt_mib >= 0)
			snprintf(o + l, sizeof(o) - l, " -m %g", opt_mib);
		say("# %s: seed %llu (again: vpmfs_race -s %llu%s %s DIR)\n",
		    scen, seed, seed, o, scen);
	}
	scens[i].run();
	if (st->bad) {
		say("# %s: bad bytes: zero %llu, stale (0x%02x or older data) %llu,",
		    scen, st->zero, STALE, st->stale);
		say(" foreign %llu%s\n", st->foreign,
		    !strcmp(scen, "namespace") ? " (bad operations)" : "");
	}
	say("# %s: %llu ops, %llu bad (%.1fs)\n", scen, st->ops,
	    st->bad, now() - t0);
	return st->bad ? 1 : 0;
}
