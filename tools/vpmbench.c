// SPDX-License-Identifier: GPL-2.0
/*
 * vpmbench: throughput of vpmfs with copy=vpm against copy=generic on
 * identical files in the same boot, with a user-space memcpy of the same
 * sizes as the physical limit.  See Documentation/performance.rst.
 *
 *   vpmbench --one-dir /mnt/a [--pairs 22] [--json FILE]
 *   vpmbench --dir-a /mnt/a --dir-b /mnt/b [--pairs 22] [--json FILE]
 *
 * With --one-dir both sides run on the same files of one vpmfs, which
 * vpmbench remounts with copy=vpm or copy=generic before each of their
 * runs.  Otherwise DIR-A is a vpmfs mounted with copy=vpm, DIR-B one
 * mounted with copy=generic, and vpmbench writes the same files on both.
 * Then for each
 * workload calibrates the work per run to --target seconds, runs one
 * warm-up round and --pairs timed rounds of "vpm, generic, memcpy, rep
 * movsb", and reports per workload the median of each side, the median
 * of the per-pair ratios vpm/generic and their spread.  With --steal-cmd it
 * then runs CMD (which reloads vpm with a small cache and remounts) and
 * times the large-file workload again: the steal path.
 *
 *   vpmbench --pool [--json FILE] RUN.json...
 *
 * pools the pairs of several runs' JSON (one per boot, scripts/bench
 * --boots) and reports them as one run, with each run's median beside.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#define KIB		1024UL
#define MIB		(1024UL * 1024UL)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_PAIRS	101	/* per run */
#define MAX_BOOTS	8	/* runs --pool takes */
#define MAX_POOLED	(MAX_BOOTS * MAX_PAIRS)
#define MAX_THREADS	2
#define BUF_SLIDE	64	/* pages a run's buffer may move by */
#define PREAD_OFF	1024	/* the fixed offset of the 64-byte pread */
#define FILL_CHUNK	MIB	/* set-up writes and verification reads */

static const char *stats_path = "/sys/kernel/debug/vpm/stats";
static const char *drop_path = "/proc/sys/vm/drop_caches";

/*
 * SIDE_MEM is glibc memcpy(); SIDE_MOVSB copies with "rep movsb", what the
 * kernel's copy_to_user() and copy_from_user() use on CPUs with ERMS/FSRM
 * (QEMU's -cpu max has them), and what TCG emulates slowly.
 */
enum side { SIDE_VPM, SIDE_GEN, SIDE_MEM, SIDE_MOVSB, NSIDES };
static const char * const side_name[NSIDES] = {
	"vpm", "generic", "memcpy", "movsb",
};

enum kind { K_SEQ, K_RAND, K_PREAD, K_OVERWRITE, K_APPEND, K_COLD };

/* The files written on each side; F_APP is created and removed per run. */
enum file_id { F_DATA, F_P0, F_P1, F_OW, F_COLD, F_BIG, F_APP, NFILES };
static const char * const file_name[NFILES] = {
	"data", "p0", "p1", "ow", "cold", "big", "app",
};

/* vpm counters sampled around each timed vpm run. */
static const char * const stat_names[] = {
	"getmap", "hits", "misses", "steals", "getpage", "pagecreate",
	"stale", "nofreevpms", "contend", "pairfull",
};

#define NSTATS ARRAY_SIZE(stat_names)

struct workload {
	const char *name;
	const char *desc;
	enum kind kind;
	int file;		/* F_*; for private threads, thread i adds i */
	size_t chunk;		/* bytes per call */
	int nthreads;
	int phase;		/* 0: default cache; 1: after --steal-cmd */
	int ops_per_sec;	/* unit: ops/s instead of MiB/s */

	/* results */
	int done;
	unsigned long ops;	/* calls per thread per run, file sides */
	unsigned long mops;	/* the same for memcpy */
	unsigned long bops;	/* the same for rep movsb */
	int n;			/* timed pairs */
	double v[NSIDES][MAX_POOLED];
	double ratio[MAX_POOLED];
	int nboots;		/* --pool: the runs it has pairs from */
	double boot_ratio[MAX_BOOTS];	/* --pool: each run's median ratio */
	unsigned long long stat[NSTATS];
	int drops[2];		/* cold: most drop_caches writes needed */
	double resident1[2];	/* cold: most % left after the first */
	unsigned long long slots; /* vpm cache slots during the runs */

	/* where each side's next run continues (runs cycle the file) */
	size_t pos[NSIDES][MAX_THREADS];
	unsigned long long rnd[NSIDES][MAX_THREADS];
};

static struct workload wls[] = {
	{ .name = "seqread-1m",
	  .desc = "hot sequential read, 1 MiB read()",
	  .kind = K_SEQ, .file = F_DATA, .chunk = MIB, .nthreads = 1 },
	{ .name = "seqread-64k",
	  .desc = "hot sequential read, 64 KiB read()",
	  .kind = K_SEQ, .file = F_DATA, .chunk = 64 * KIB, .nthreads = 1 },
	{ .name = "seqread-4k",
	  .desc = "hot sequential read, 4 KiB read()",
	  .kind = K_SEQ, .file = F_DATA, .chunk = 4 * KIB, .nthreads = 1 },
	{ .name = "randread-4k",
	  .desc = "hot random 4 KiB-aligned pread(), 4 KiB",
	  .kind = K_RAND, .file = F_DATA, .chunk = 4 * KIB, .nthreads = 1 },
	{ .name = "pread-64b",
	  .desc = "hot 64-byte pread() at a fixed offset",
	  .kind = K_PREAD, .file = F_DATA, .chunk = 64, .nthreads = 1, .ops_per_sec = 1 },
	{ .name = "overwrite-1m",
	  .desc = "overwrite of a cached file, 1 MiB pwrite()",
	  .kind = K_OVERWRITE, .file = F_OW, .chunk = MIB, .nthreads = 1 },
	{ .name = "overwrite-4k",
	  .desc = "overwrite of a cached file, 4 KiB pwrite()",
	  .kind = K_OVERWRITE, .file = F_OW, .chunk = 4 * KIB, .nthreads = 1 },
	{ .name = "append-1m",
	  .desc = "append to a new file, 1 MiB write()",
	  .kind = K_APPEND, .file = F_APP, .chunk = MIB, .nthreads = 1 },
	{ .name = "threads-private",
	  .desc = "2 threads, each a private file, 1 MiB read()",
	  .kind = K_SEQ, .file = F_P0, .chunk = MIB, .nthreads = 2 },
	{ .name = "threads-shared",
	  .desc = "2 threads, one shared file, 1 MiB read()",
	  .kind = K_SEQ, .file = F_DATA, .chunk = MIB, .nthreads = 2 },
	{ .name = "bigfile-fit",
	  .desc = "hot sequential 1 MiB read(), large file, default cache",
	  .kind = K_SEQ, .file = F_BIG, .chunk = MIB, .nthreads = 1 },
	{ .name = "coldread-1m",
	  .desc = "sequential 1 MiB read() after drop_caches",
	  .kind = K_COLD, .file = F_COLD, .chunk = MIB, .nthreads = 1 },
	{ .name = "bigfile-steal",
	  .desc = "the same, cache of --steal-slots (file 4x larger)",
	  .kind = K_SEQ, .file = F_BIG, .chunk = MIB, .nthreads = 1, .phase = 1 },
};

static struct {
	const char *dir[2];
	int pairs;
	double target;
	size_t size;
	size_t big;
	const char *json;
	const char *meta_file;
	const char *steal_cmd;
	const char *only;
	int verbose;
	int fixed_order;	/* --order fixed: vpm first in every round */
	int fixed_buffer;	/* --fixed-buffer: the buffer never moves */
	int aa;			/* --aa: both directories in the same mode */
	int one_dir;		/* --one-dir: dir[0] == dir[1], remounted */
	int pool;		/* --pool: the arguments are runs' JSON */
} opt = {
	.pairs = 22,
	.target = 0.15,
	.size = 32 * MIB,
	.big = 64 * MIB,
};

/* Memory-side stand-ins for the files: one region, as large as the largest. */
static unsigned char *mem_region;
static size_t mem_size;
static char *meta_text;		/* the --meta-file, verbatim */
static char *pool_text[MAX_BOOTS];	/* --pool: each run's JSON */
static int pool_runs;
static struct utsname uts;
static unsigned long long cache0[3];	/* slots, slot_bytes, cache_bytes */

struct job {
	int side;
	int tid;
	struct workload *w;
	unsigned long ops;
	size_t fsize;
	size_t *pos;		/* in and out: the offset to go on from */
	unsigned long long *rnd;	/* in and out: random offsets */
	char path[PATH_MAX];
	unsigned char *buf;
	unsigned char *alloc;	/* buf is in it, at the run's slide */
	unsigned char *mem;	/* memcpy side: the "file" */
	pthread_barrier_t *bar;
	double t0, t1;
	int err;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vpmbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = aligned_alloc(4096, (n + 4095) & ~4095UL);

	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1000000000.0;
}

/* Keep the compiler from dropping a copy nobody reads. */
static inline void clobber(void *p)
{
	asm volatile("" : : "r"(p) : "memory");
}

static unsigned long long xorshift(unsigned long long *s)
{
	unsigned long long x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* File contents: a function of the offset, the same on every side. */
static void fill(unsigned char *p, size_t off, size_t len)
{
	unsigned long long *w = (unsigned long long *)p;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = (off / 8 + i + 1) * 0x9e3779b97f4a7c15ULL;
}

static size_t file_size(int f)
{
	switch (f) {
	case F_P0:
	case F_P1:
		return opt.size / 2;
	case F_BIG:
		return opt.big;
	default:
		return opt.size;
	}
}

static void file_path(char *buf, int side, int f)
{
	snprintf(buf, PATH_MAX, "%s/vpmbench.%s", opt.dir[side], file_name[f]);
}

/* ---- vpm statistics ---- */

static int read_stats(const char * const *names, size_t n,
		      unsigned long long *val)
{
	char line[128], name[64];
	unsigned long long v;
	FILE *f = fopen(stats_path, "r");
	size_t i;

	memset(val, 0, n * sizeof(*val));
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %llu", name, &v) != 2)
			continue;
		for (i = 0; i < n; i++)
			if (!strcmp(name, names[i]))
				val[i] = v;
	}
	fclose(f);
	return 0;
}

static void read_cache_shape(unsigned long long *shape)
{
	static const char * const names[] = {
		"slots", "slot_bytes", "cache_bytes",
	};

	read_stats(names, ARRAY_SIZE(names), shape);
}

/* ---- set-up ---- */

/* --aa: the copy mode each directory turned out to have (0: vpm) */
static int aa_mode[2];
/* the copy mode check_mount() found last (0: vpm) */
static int cur_mode;

static void check_mount(int side)
{
	static const char * const want[2] = { "copy=vpm", "copy=generic" };
	char real[PATH_MAX], line[4096], dev[256], mnt[PATH_MAX], type[64];
	char opts[2048];
	FILE *f;
	int found = 0;

	if (!realpath(opt.dir[side], real))
		die("%s: %s", opt.dir[side], strerror(errno));
	f = fopen("/proc/self/mounts", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %4095s %63s %2047s", dev, mnt, type,
			   opts) != 4 || strcmp(mnt, real))
			continue;
		found = 1;
		if (strcmp(type, "vpmfs")) {
			if (opt.one_dir)
				die("--one-dir: %s is %s, not vpmfs", real, type);
			fprintf(stderr, "vpmbench: warning: %s is %s, not vpmfs\n",
				real, type);
			continue;
		}
		if (opt.aa || opt.one_dir) {
			/* A/A: the same mode on both sides, whichever it is */
			if (strstr(opts, want[0]))
				found |= 2;
			continue;
		}
		if (!strstr(opts, want[side]))
			die("%s is mounted with %s; --dir-%c needs %s", real,
			    opts, 'a' + side, want[side]);
	}
	fclose(f);
	if (!found)
		fprintf(stderr, "vpmbench: warning: %s is not a mount point\n",
			real);
	if (opt.aa)
		aa_mode[side] = found & 2 ? 0 : 1;
	if (opt.one_dir && !found)
		die("--one-dir: %s is not a mount point", real);
	cur_mode = found & 2 ? 0 : 1;
}

/*
 * --one-dir: remount the directory with the copy mode of @side (A/A: the
 * mode it was found in) before every run of a file side, whether the mode
 * changes or not, so that each run starts after the same remount (which
 * writes the file system back) and none pays for it in its time.
 */
static void switch_mode(int side)
{
	static const char * const data[2] = { "copy=vpm", "copy=generic" };
	static int checked[2];
	int mode = opt.aa ? aa_mode[0] : side;

	if (!opt.one_dir)
		return;
	if (mount(NULL, opt.dir[0], NULL, MS_REMOUNT, data[mode]))
		die("remount %s with %s: %s", opt.dir[0], data[mode],
		    strerror(errno));
	/* once per mode: did the file system take it? */
	if (!checked[mode]) {
		check_mount(0);
		if (cur_mode != mode)
			die("%s: remounted with %s, but /proc/self/mounts disagrees",
			    opt.dir[0], data[mode]);
		checked[mode] = 1;
	}
}

static void write_file(int side, int f)
{
	char path[PATH_MAX];
	unsigned char *buf = xmalloc(FILL_CHUNK);
	size_t off, size = file_size(f);
	int fd;

	file_path(path, side, f);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	for (off = 0; off < size; off += FILL_CHUNK) {
		size_t n = size - off < FILL_CHUNK ? size - off : FILL_CHUNK;

		fill(buf, off, n);
		if (write(fd, buf, n) != (ssize_t)n)
			die("write %s: %s", path, strerror(errno));
	}
	if (fsync(fd) || close(fd))
		die("fsync %s: %s", path, strerror(errno));
	free(buf);
}

/* Read a file back and compare it with the pattern; also warms it. */
static void verify_file(int side, int f)
{
	char path[PATH_MAX];
	unsigned char *buf = xmalloc(FILL_CHUNK), *want = xmalloc(FILL_CHUNK);
	size_t off, size = file_size(f);
	int fd;

	file_path(path, side, f);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	for (off = 0; off < size; off += FILL_CHUNK) {
		size_t n = size - off < FILL_CHUNK ? size - off : FILL_CHUNK;

		if (read(fd, buf, n) != (ssize_t)n)
			die("read %s: %s", path, strerror(errno));
		fill(want, off, n);
		if (memcmp(buf, want, n))
			die("%s: wrong data at offset %zu", path, off);
	}
	close(fd);
	free(buf);
	free(want);
}

static void setup_files(void)
{
	int nsides = opt.one_dir ? 1 : 2;
	int side, f;

	for (side = 0; side < nsides; side++) {
		for (f = 0; f < F_APP; f++)
			write_file(side, f);
	}
	sync();
	for (side = 0; side < nsides; side++) {
		for (f = 0; f < F_APP; f++)
			verify_file(side, f);
	}
	mem_size = opt.big > opt.size ? opt.big : opt.size;
	mem_region = xmalloc(mem_size);
	fill(mem_region, 0, mem_size);
}

/* ---- cold cache ---- */

/* Percentage of @path's pages in the page cache. */
static double resident_pct(const char *path)
{
	size_t size, pages, i, in = 0;
	unsigned char *vec;
	struct stat st;
	void *map;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		die("%s: %s", path, strerror(errno));
	size = st.st_size;
	pages = (size + 4095) / 4096;
	if (!pages) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap %s: %s", path, strerror(errno));
	vec = xmalloc(pages);
	if (mincore(map, size, vec))
		die("mincore %s: %s", path, strerror(errno));
	for (i = 0; i < pages; i++)
		in += vec[i] & 1;
	munmap(map, size);
	close(fd);
	free(vec);
	return 100.0 * in / pages;
}

/*
 * sync and drop the page cache until none of @path is left (at most three
 * times).  Returns the number of writes to drop_caches; *first gets the
 * percentage still cached after the first.
 */
static int drop_caches(const char *path, double *first)
{
	int i, fd;

	for (i = 1; i <= 3; i++) {
		double pct;

		sync();
		fd = open(drop_path, O_WRONLY);
		if (fd < 0 || write(fd, "3\n", 2) != 2)
			die("%s: %s", drop_path, strerror(errno));
		close(fd);
		pct = resident_pct(path);
		if (i == 1)
			*first = pct;
		if (pct == 0)
			return i;
	}
	return i - 1;
}

/* ---- one run ---- */

static int job_file(struct job *j)
{
	struct workload *w = j->w;
	size_t chunk = w->chunk, pos = *j->pos, nblk = j->fsize / chunk;
	unsigned long long rnd = *j->rnd;
	int fd, flags = O_RDONLY;
	unsigned long i;

	if (w->kind == K_OVERWRITE)
		flags = O_WRONLY;
	else if (w->kind == K_APPEND)
		flags = O_WRONLY | O_CREAT | O_TRUNC;
	fd = open(j->path, flags, 0644);
	if (fd < 0)
		return -errno;
	if (w->kind == K_COLD)
		pos = 0;		/* a whole pass from the start */
	if (pos && lseek(fd, pos, SEEK_SET) < 0)
		goto err;
	if (j->bar)
		pthread_barrier_wait(j->bar);
	j->t0 = now();
	switch (w->kind) {
	case K_SEQ:
	case K_COLD:
		for (i = 0; i < j->ops; i++) {
			if (pos + chunk > j->fsize) {
				if (lseek(fd, 0, SEEK_SET))
					goto err;
				pos = 0;
			}
			if (read(fd, j->buf, chunk) != (ssize_t)chunk)
				goto err;
			pos += chunk;
		}
		break;
	case K_RAND:
		for (i = 0; i < j->ops; i++) {
			off_t off = (xorshift(&rnd) % nblk) * chunk;

			if (pread(fd, j->buf, chunk, off) != (ssize_t)chunk)
				goto err;
		}
		break;
	case K_PREAD:
		for (i = 0; i < j->ops; i++)
			if (pread(fd, j->buf, chunk, PREAD_OFF) != (ssize_t)chunk)
				goto err;
		break;
	case K_OVERWRITE:
		for (i = 0; i < j->ops; i++) {
			if (pos + chunk > j->fsize)
				pos = 0;
			if (pwrite(fd, j->buf, chunk, pos) != (ssize_t)chunk)
				goto err;
			pos += chunk;
		}
		break;
	case K_APPEND:
		for (i = 0; i < j->ops; i++)
			if (write(fd, j->buf, chunk) != (ssize_t)chunk)
				goto err;
		break;
	}
	j->t1 = now();
	*j->pos = pos;
	*j->rnd = rnd;
	/* Outside the timed region: write back, so no run pays for another. */
	if (flags != O_RDONLY && fsync(fd))
		goto err;
	close(fd);
	if (w->kind == K_APPEND && unlink(j->path))
		return -errno;
	return 0;
err:
	j->err = errno ? -errno : -EIO;
	close(fd);
	return j->err;
}

static void copy_movsb(void *dst, const void *src, size_t n)
{
	asm volatile("rep movsb"
		     : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

static void copy(int side, void *dst, const void *src, size_t n)
{
	if (side == SIDE_MOVSB)
		copy_movsb(dst, src, n);
	else
		memcpy(dst, src, n);
	clobber(dst);
}

/* The same access pattern with memcpy() on memory: the physical limit. */
static int job_mem(struct job *j)
{
	struct workload *w = j->w;
	size_t chunk = w->chunk, pos = *j->pos, nblk = j->fsize / chunk;
	unsigned long long rnd = *j->rnd;
	unsigned char *m = j->mem;
	unsigned long i;

	if (j->bar)
		pthread_barrier_wait(j->bar);
	j->t0 = now();
	switch (w->kind) {
	case K_SEQ:
	case K_COLD:
		for (i = 0; i < j->ops; i++) {
			if (pos + chunk > j->fsize)
				pos = 0;
			copy(j->side, j->buf, m + pos, chunk);
			pos += chunk;
		}
		break;
	case K_RAND:
		for (i = 0; i < j->ops; i++)
			copy(j->side, j->buf, m + (xorshift(&rnd) % nblk) * chunk,
			     chunk);
		break;
	case K_PREAD:
		for (i = 0; i < j->ops; i++)
			copy(j->side, j->buf, m + PREAD_OFF, chunk);
		break;
	case K_OVERWRITE:
	case K_APPEND:
		for (i = 0; i < j->ops; i++) {
			if (pos + chunk > j->fsize)
				pos = 0;
			copy(j->side, m + pos, j->buf, chunk);
			pos += chunk;
		}
		break;
	}
	j->t1 = now();
	*j->pos = pos;
	*j->rnd = rnd;
	return 0;
}

static void *job_thread(void *arg)
{
	struct job *j = arg;

	j->err = j->side >= SIDE_MEM ? job_mem(j) : job_file(j);
	return NULL;
}

/*
 * Run @w once on @side with @ops calls per thread.  Returns the elapsed
 * seconds (first start to last finish over the threads).
 */
static double run_once(struct workload *w, int side, unsigned long ops)
{
	struct job jobs[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	pthread_barrier_t bar;
	double t0 = 0, t1 = 0;
	int t, nt = w->nthreads;

	if (side < SIDE_MEM)
		switch_mode(side);
	memset(jobs, 0, sizeof(jobs));
	if (nt > 1)
		pthread_barrier_init(&bar, NULL, nt);
	for (t = 0; t < nt; t++) {
		struct job *j = &jobs[t];
		int f = w->file;

		j->side = side;
		j->tid = t;
		j->w = w;
		j->ops = ops;
		j->bar = nt > 1 ? &bar : NULL;
		/*
		 * The buffer moves from one round to the next, 7 pages
		 * further modulo 64 (a second thread's one page more; both
		 * sides of a round use the same place): a buffer
		 * that stays put for a whole boot can be placed well for
		 * one side's page-cache pages and badly for the other's
		 * (measured: seqread-64k 0.75 in one boot, 1.34 in the
		 * next, each with a narrow IQR).
		 */
		j->alloc = xmalloc(w->chunk + BUF_SLIDE * 4096);
		j->buf = j->alloc;
		if (!opt.fixed_buffer)
			j->buf += ((w->n * 7 + t) % BUF_SLIDE) * 4096;
		fill(j->buf, 0, w->chunk);
		if (w->file == F_P0)
			f += t;			/* private files */
		j->fsize = file_size(f);
		j->pos = &w->pos[side][t];
		j->rnd = &w->rnd[side][t];
		if (side >= SIDE_MEM)
			j->mem = mem_region + (w->file == F_P0 ? t * j->fsize : 0);
		else
			file_path(j->path, side, f);
	}
	if (nt == 1) {
		job_thread(&jobs[0]);
	} else {
		for (t = 0; t < nt; t++)
			if (pthread_create(&th[t], NULL, job_thread, &jobs[t]))
				die("pthread_create failed");
		for (t = 0; t < nt; t++)
			pthread_join(th[t], NULL);
		pthread_barrier_destroy(&bar);
	}
	for (t = 0; t < nt; t++) {
		if (jobs[t].err)
			die("%s on %s: %s (%s)", w->name, side_name[side],
			    strerror(-jobs[t].err), jobs[t].path);
		if (!t || jobs[t].t0 < t0)
			t0 = jobs[t].t0;
		if (!t || jobs[t].t1 > t1)
			t1 = jobs[t].t1;
		free(jobs[t].alloc);
	}
	return t1 > t0 ? t1 - t0 : 1 / 1000000000.0;
}

/* Throughput of a run, in the workload's unit. */
static double rate(const struct workload *w, unsigned long ops, double secs)
{
	double n = (double)ops * w->nthreads;

	if (w->ops_per_sec)
		return n / secs;
	return n * w->chunk / MIB / secs;
}

/* Most calls per run: appends stop at the file size (dirty limits). */
static unsigned long ops_cap(const struct workload *w)
{
	if (w->kind == K_APPEND || w->kind == K_COLD)
		return file_size(w->file) / w->chunk;
	return ULONG_MAX / 2;
}

/* Calls per run so that the slower of @sides takes about opt.target s. */
static unsigned long calibrate(struct workload *w, int s0, int s1)
{
	unsigned long best = ULONG_MAX, cap = ops_cap(w);
	int side, i;

	if (w->kind == K_COLD)
		return cap;
	for (side = s0; side <= s1; side++) {
		unsigned long ops = w->ops_per_sec ? 256 : MIB / w->chunk;
		double t;

		if (ops > cap)
			ops = cap;
		for (;;) {
			t = run_once(w, side, ops);
			if (t >= opt.target / 8 || ops >= cap)
				break;
			ops = ops * 4 > cap ? cap : ops * 4;
		}
		/* The fastest of three: one stall must not shrink the runs. */
		for (i = 0; i < 2; i++) {
			double t2 = run_once(w, side, ops);

			if (t2 < t)
				t = t2;
		}
		ops = (unsigned long)(ops * (opt.target / t));
		if (ops < 1)
			ops = 1;
		if (ops > cap)
			ops = cap;
		if (ops < best)
			best = ops;
	}
	return best;
}

/*
 * Every side starts at the same place: offset 0, or for threads sharing
 * a file, staggered by the file size over the threads; the same seed.
 */
static void reset_positions(struct workload *w)
{
	int side, t;

	for (side = 0; side < NSIDES; side++) {
		for (t = 0; t < w->nthreads; t++) {
			w->pos[side][t] = w->file == F_P0 ? 0 :
				t * (file_size(w->file) / w->nthreads);
			w->rnd[side][t] = 0x2545f4914f6cdd1dULL + t;
		}
	}
}

static void cold_prepare(struct workload *w, int side, int timed)
{
	char path[PATH_MAX];
	double first = 0;
	int drops;

	file_path(path, side, w->file);
	drops = drop_caches(path, &first);
	if (!timed)
		return;
	if (drops > w->drops[side])
		w->drops[side] = drops;
	if (first > w->resident1[side])
		w->resident1[side] = first;
}

static double timed_run(struct workload *w, int side, int timed)
{
	unsigned long long s0[NSTATS], s1[NSTATS];
	unsigned long ops = side == SIDE_MEM ? w->mops :
			    side == SIDE_MOVSB ? w->bops : w->ops;
	/*
	 * Both file sides read the counters around their runs, though only
	 * vpm's are kept: reading them walks debugfs and the per-CPU
	 * counters just before the timed calls, which moves what the caches
	 * and the TLB hold, and it must move it for both sides alike.
	 */
	int want_stats = timed && side < SIDE_MEM;
	double t;
	size_t i;

	if (w->kind == K_COLD && side < SIDE_MEM)
		cold_prepare(w, side, timed);
	if (want_stats)
		read_stats(stat_names, NSTATS, s0);
	t = run_once(w, side, ops);
	if (want_stats && side == SIDE_VPM) {
		read_stats(stat_names, NSTATS, s1);
		for (i = 0; i < NSTATS; i++)
			w->stat[i] += s1[i] - s0[i];
	}
	return rate(w, ops, t);
}

static void run_workload(struct workload *w)
{
	unsigned long long shape[3];
	double t0 = now();
	int i, side;

	read_cache_shape(shape);
	w->slots = shape[0];
	reset_positions(w);
	w->ops = calibrate(w, SIDE_VPM, SIDE_GEN);
	w->mops = calibrate(w, SIDE_MEM, SIDE_MEM);
	w->bops = calibrate(w, SIDE_MOVSB, SIDE_MOVSB);
	reset_positions(w);
	for (side = 0; side < NSIDES; side++)
		timed_run(w, side, 0);			/* warm-up */
	for (i = 0; i < opt.pairs; i++) {
		/*
		 * Whoever runs first in a round runs after the memcpy and
		 * movsb runs of the last one: alternate who that is, so that
		 * an advantage of either place is in both sides' figures.
		 */
		int swap = !opt.fixed_order && (i & 1);

		for (side = 0; side < NSIDES; side++) {
			int s = side < SIDE_MEM && swap ? !side : side;

			w->v[s][i] = timed_run(w, s, 1);
		}
		w->ratio[i] = w->v[SIDE_VPM][i] / w->v[SIDE_GEN][i];
		w->n = i + 1;
		if (opt.verbose)
			fprintf(stderr, "  %-16s pair %2d: vpm %10.1f generic %10.1f ratio %.3f\n",
				w->name, i, w->v[SIDE_VPM][i], w->v[SIDE_GEN][i],
				w->ratio[i]);
	}
	w->done = 1;
	fprintf(stderr, "vpmbench: %-16s %lu x %zu B per run, %.1f s\n",
		w->name, w->ops, w->chunk, now() - t0);
}

/* ---- statistics ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Quantile @q (0..1) of @n values, linear interpolation. */
static double quantile(const double *v, int n, double q)
{
	double s[MAX_POOLED], pos;
	int lo;

	if (n <= 0)
		return NAN;
	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	pos = q * (n - 1);
	lo = (int)pos;
	if (lo >= n - 1)
		return s[n - 1];
	return s[lo] + (pos - lo) * (s[lo + 1] - s[lo]);
}

static double median(const double *v, int n)
{
	return quantile(v, n, 0.5);
}

static struct workload *find_wl(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wls); i++)
		if (!strcmp(wls[i].name, name) && wls[i].done)
			return &wls[i];
	return NULL;
}

static double med(const char *name, int side)
{
	struct workload *w = find_wl(name);

	return w ? median(w->v[side], w->n) : NAN;
}

/* ---- output ---- */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6g", v);
	else
		fputs("null", f);
}

static void json_bool(FILE *f, double v, double min)
{
	if (isfinite(v))
		fputs(v >= min ? "true" : "false", f);
	else
		fputs("null", f);
}

static void json_meta(FILE *f)
{
	char *line, *save = NULL, *text;

	fputs("  \"meta\": {\n", f);
	if (opt.pool) {
		fprintf(f, "    \"pooled\": \"the pairs of %d runs (boots) together",
			pool_runs);
		fputs("; each run's own JSON in \\\"boots\\\"\",\n", f);
		fputs("    \"units\": {\n"
		      "      \"ratio\": \"median over the pooled pairs of vpm/generic\",\n"
		      "      \"boot_ratios\": \"each run's median ratio\"\n"
		      "    }\n  },\n", f);
		return;
	}
	if (meta_text) {
		text = strdup(meta_text);
		for (line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *eq = strchr(line, '=');

			if (!eq || eq == line)
				continue;
			*eq = '\0';
			fputs("    ", f);
			json_str(f, line);
			fputs(": ", f);
			json_str(f, eq + 1);
			fputs(",\n", f);
		}
		free(text);
	}
	fputs("    \"kernel\": ", f);
	json_str(f, uts.release);
	fprintf(f, ",\n    \"guest_cpus\": %ld,\n", sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(f, "    \"guest_mem_mib\": %lld,\n",
		(long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE) /
		(long long)MIB);
	fprintf(f, "    \"pairs\": %d,\n    \"target_run_s\": %g,\n",
		opt.pairs, opt.target);
	fprintf(f, "    \"order\": \"%s\",\n",
		opt.fixed_order ? "fixed" : "alternate");
	fprintf(f, "    \"buffer\": \"%s\",\n",
		opt.fixed_buffer ? "fixed" : "moves 7 pages per round, modulo 64");
	fprintf(f, "    \"files\": \"%s\",\n", opt.one_dir ?
		"one vpmfs, remounted with the side's copy= before each run" :
		"two vpmfs, one per side");
	if (opt.aa)
		fprintf(f, "    \"aa\": \"copy=%s on both\",\n",
			aa_mode[0] ? "generic" : "vpm");
	fprintf(f, "    \"file_mib\": %zu,\n    \"big_file_mib\": %zu,\n",
		opt.size / MIB, opt.big / MIB);
	fprintf(f, "    \"vpm_cache\": {\"slots\": %llu, ", cache0[0]);
	fprintf(f, "\"slot_bytes\": %llu, \"cache_bytes\": %llu", cache0[1],
		cache0[2]);
	fputs(", \"bytes_per_slot\": ", f);
	json_num(f, cache0[0] ? (double)cache0[2] / cache0[0] : NAN);
	fputs("},\n", f);
	fputs("    \"units\": {\n"
	      "      \"MiB/s\": \"2^20 bytes per second of wall time, all threads\",\n"
	      "      \"ops/s\": \"calls per second\",\n"
	      "      \"ratio\": \"median over the pairs of vpm/generic\",\n"
	      "      \"memcpy\": \"user-space glibc memcpy, same sizes and pattern\",\n"
	      "      \"movsb\": \"the same with rep movsb, the kernel's copy\"\n"
	      "    }\n", f);
	fputs("  },\n", f);
}

static void json_array(FILE *f, const double *v, int n)
{
	int i;

	fputc('[', f);
	for (i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		json_num(f, v[i]);
	}
	fputc(']', f);
}

static void json_workload(FILE *f, struct workload *w)
{
	size_t i;
	int s;

	fputs("  ", f);
	json_str(f, w->name);
	fputs(": {\n    \"desc\": ", f);
	json_str(f, w->desc);
	fprintf(f, ",\n    \"unit\": \"%s\",\n", w->ops_per_sec ? "ops/s" : "MiB/s");
	for (s = 0; s < NSIDES; s++) {
		fprintf(f, "    \"%s\": ", side_name[s]);
		json_num(f, median(w->v[s], w->n));
		fputs(",\n", f);
	}
	fputs("    \"ratio\": ", f);
	json_num(f, median(w->ratio, w->n));
	fputs(",\n    \"ratio_min\": ", f);
	json_num(f, quantile(w->ratio, w->n, 0));
	fputs(", \"ratio_q1\": ", f);
	json_num(f, quantile(w->ratio, w->n, 0.25));
	fputs(", \"ratio_q3\": ", f);
	json_num(f, quantile(w->ratio, w->n, 0.75));
	fputs(", \"ratio_max\": ", f);
	json_num(f, quantile(w->ratio, w->n, 1));
	fputs(",\n    \"vpm_vs_memcpy\": ", f);
	json_num(f, median(w->v[SIDE_VPM], w->n) / median(w->v[SIDE_MEM], w->n));
	fputs(", \"vpm_vs_movsb\": ", f);
	json_num(f, median(w->v[SIDE_VPM], w->n) /
		 median(w->v[SIDE_MOVSB], w->n));
	fprintf(f, ",\n    \"pairs\": %d, \"threads\": %d,", w->n, w->nthreads);
	if (opt.pool) {
		fprintf(f, " \"bytes_per_call\": %zu,\n    \"boot_ratios\": ",
			w->chunk);
		json_array(f, w->boot_ratio, w->nboots);
		goto runs;
	}
	fprintf(f, " \"bytes_per_call\": %zu, \"calls_per_run\": %lu,", w->chunk,
		w->ops);
	fprintf(f, " \"memcpy_calls_per_run\": %lu,", w->mops);
	fprintf(f, " \"movsb_calls_per_run\": %lu, \"vpm_cache_slots\": %llu,\n",
		w->bops, w->slots);
	if (w->kind == K_COLD) {
		fprintf(f, "    \"drop_caches_needed\": {\"vpm\": %d, \"generic\": %d},\n",
			w->drops[0], w->drops[1]);
		fprintf(f, "    \"resident_pct_after_one_drop\": ");
		fprintf(f, "{\"vpm\": %.1f, \"generic\": %.1f},\n",
			w->resident1[0], w->resident1[1]);
	}
	fputs("    \"vpm_stats_per_run\": {", f);
	for (i = 0; i < NSTATS; i++) {
		fprintf(f, "%s\"%s\": ", i ? ", " : "", stat_names[i]);
		json_num(f, w->n ? (double)w->stat[i] / w->n : NAN);
	}
	fputs("}", f);
runs:
	fputs(",\n    \"runs\": {", f);
	for (s = 0; s < NSIDES; s++) {
		fprintf(f, "%s\"%s\": ", s ? ", " : "", side_name[s]);
		json_array(f, w->v[s], w->n);
	}
	fputs(", \"ratio\": ", f);
	json_array(f, w->ratio, w->n);
	fputs("}\n  },\n", f);
}

/* The targets, as numbers: value and the minimum it must reach. */
struct target {
	const char *name;
	double value;
	double min;
	char detail[256];
};

static int compute_targets(struct target *t)
{
	double worst = INFINITY, sv, sg;
	const char *wname = "none";
	int n = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wls); i++) {
		double r;

		if (!wls[i].done)
			continue;
		r = median(wls[i].ratio, wls[i].n);
		if (r < worst) {
			worst = r;
			wname = wls[i].name;
		}
	}
	t[n].name = "ratio_every_workload";
	t[n].value = worst;
	t[n].min = 1.0;
	snprintf(t[n].detail, sizeof(t[n].detail),
		 "lowest median ratio vpm/generic: %s", wname);
	n++;

	t[n].name = "seqread_1m_vs_memcpy";
	t[n].value = med("seqread-1m", SIDE_VPM) / med("seqread-1m", SIDE_MEM);
	t[n].min = 0.8;
	snprintf(t[n].detail, sizeof(t[n].detail),
		 "seqread-1m vpm / in-VM memcpy");
	n++;

	t[n].name = "steal_vs_fit";
	t[n].value = med("bigfile-steal", SIDE_VPM) /
		     med("bigfile-fit", SIDE_VPM);
	t[n].min = 0.9;
	snprintf(t[n].detail, sizeof(t[n].detail),
		 "bigfile-steal vpm / bigfile-fit vpm (generic moved %+.1f%% between the phases)",
		 100.0 * (med("bigfile-steal", SIDE_GEN) /
			  med("bigfile-fit", SIDE_GEN) - 1));
	n++;

	for (i = 0; i < 2; i++) {
		const char *tw = i ? "threads-shared" : "threads-private";

		sv = med(tw, SIDE_VPM) / med("seqread-1m", SIDE_VPM);
		sg = med(tw, SIDE_GEN) / med("seqread-1m", SIDE_GEN);
		t[n].name = i ? "scaling_shared" : "scaling_private";
		t[n].value = sv / sg;
		t[n].min = 1.0;
		snprintf(t[n].detail, sizeof(t[n].detail),
			 "%s / seqread-1m: vpm %.2fx, generic %.2fx", tw, sv,
			 sg);
		n++;
	}
	return n;
}

static void write_json(const char *path, struct target *t, int nt)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	size_t i;
	int k;

	if (!f)
		die("%s: %s", path, strerror(errno));
	fputs("{\n", f);
	json_meta(f);
	for (i = 0; i < ARRAY_SIZE(wls); i++)
		if (wls[i].done)
			json_workload(f, &wls[i]);
	fputs("  \"targets\": {\n", f);
	for (k = 0; k < nt; k++) {
		fprintf(f, "    \"%s\": {\"value\": ", t[k].name);
		json_num(f, t[k].value);
		fputs(", \"min\": ", f);
		json_num(f, t[k].min);
		fputs(", \"met\": ", f);
		json_bool(f, t[k].value, t[k].min);
		fputs(", \"detail\": ", f);
		json_str(f, t[k].detail);
		fprintf(f, "}%s\n", k < nt - 1 ? "," : "");
	}
	fputs("  }", f);
	if (opt.pool) {
		fputs(",\n  \"boots\": [\n", f);
		for (k = 0; k < pool_runs; k++) {
			size_t len = strlen(pool_text[k]);

			while (len && pool_text[k][len - 1] == '\n')
				len--;
			fwrite(pool_text[k], 1, len, f);
			fputs(k < pool_runs - 1 ? ",\n" : "\n", f);
		}
		fputs("  ]", f);
	}
	fputs("\n}\n", f);
	if (f != stdout && fclose(f))
		die("%s: %s", path, strerror(errno));
	else if (f == stdout)
		fflush(f);
}

static const char cache_fmt[] =
	"\nvpm cache: %llu slots, slot_bytes %llu, cache_bytes %llu (%.1f bytes per slot)\n";

static void print_table(struct target *t, int nt)
{
	size_t i;
	int k;

	printf("%-16s %-5s %9s %9s %6s %13s %11s %10s %5s %9s %5s\n",
	       "workload", "unit", "vpm", "generic", "ratio", "ratio min-max",
	       "ratio IQR", "memcpy", "/mcpy", "movsb", "/movs");
	for (i = 0; i < ARRAY_SIZE(wls); i++) {
		struct workload *w = &wls[i];
		double v = median(w->v[SIDE_VPM], w->n);
		double m = median(w->v[SIDE_MEM], w->n);
		double b = median(w->v[SIDE_MOVSB], w->n);

		if (!w->done)
			continue;
		printf("%-16s %-5s %9.1f %9.1f %6.3f %6.3f-%-6.3f %5.3f-%-5.3f",
		       w->name, w->ops_per_sec ? "ops/s" : "MiB/s", v,
		       median(w->v[SIDE_GEN], w->n), median(w->ratio, w->n),
		       quantile(w->ratio, w->n, 0), quantile(w->ratio, w->n, 1),
		       quantile(w->ratio, w->n, 0.25),
		       quantile(w->ratio, w->n, 0.75));
		printf(" %10.1f %5.3f %9.1f %5.3f\n", m, v / m, b, v / b);
	}
	printf("\ntargets:\n");
	for (k = 0; k < nt; k++)
		printf("  %-22s %7.3f (>= %.2f) %-9s %s\n", t[k].name,
		       t[k].value, t[k].min,
		       !isfinite(t[k].value) ? "n/a" :
		       t[k].value >= t[k].min ? "MET" : "NOT MET", t[k].detail);
	if (opt.pool) {
		printf("\nmedian ratio of each of the %d runs:\n", pool_runs);
		for (i = 0; i < ARRAY_SIZE(wls); i++) {
			if (!wls[i].done)
				continue;
			printf("%-16s", wls[i].name);
			for (k = 0; k < wls[i].nboots; k++)
				printf(" %6.3f", wls[i].boot_ratio[k]);
			printf("\n");
		}
	} else {
		printf(cache_fmt, cache0[0], cache0[1], cache0[2],
		       cache0[0] ? (double)cache0[2] / cache0[0] : 0.0);
	}
	fflush(stdout);
}

/* ---- main ---- */

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	if (!f)
		die("%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, n + 1);
	if (!s || fread(s, 1, n, f) != (size_t)n)
		die("%s: read failed", path);
	fclose(f);
	return s;
}

/* ---- --pool ---- */

/*
 * The numbers of the array that follows @key in @p (a run's JSON as
 * write_json() writes it), appended to @v at *@n.  Returns how many.
 */
static int pool_array(const char *path, const char *p, const char *key,
		      double *v, int *n)
{
	const char *q = strstr(p, key);
	int got = 0;
	char *end;

	if (q)
		q = strchr(q, '[');
	if (!q)
		die("%s: no %s", path, key);
	for (q++; *q && *q != ']'; q = end) {
		while (*q == ' ' || *q == ',')
			q++;
		if (*q == ']')
			break;
		if (*n >= MAX_POOLED)
			die("--pool: more than %d pairs", MAX_POOLED);
		if (!strncmp(q, "null", 4)) {
			v[(*n)++] = NAN;
			end = (char *)q + 4;
		} else {
			v[(*n)++] = strtod(q, &end);
			if (end == q)
				die("%s: %s: not a number at \"%.20s\"", path,
				    key, q);
		}
		got++;
	}
	return got;
}

/* Add the pairs of one run's JSON to every workload it has. */
static void pool_file(const char *path)
{
	char key[64], *text = read_text(path);
	int n0, side, got;
	size_t i;

	if (pool_runs >= MAX_BOOTS)
		die("--pool: more than %d runs", MAX_BOOTS);
	pool_text[pool_runs++] = text;
	if (!strstr(text, "\"meta\"") || !strstr(text, "\"targets\""))
		die("%s: not a vpmbench JSON", path);
	for (i = 0; i < ARRAY_SIZE(wls); i++) {
		struct workload *w = &wls[i];
		const char *p;

		snprintf(key, sizeof(key), "\n  \"%s\": {", w->name);
		p = strstr(text, key);
		if (!p)
			continue;
		p = strstr(p, "\"runs\": {");
		if (!p)
			die("%s: %s has no runs", path, w->name);
		n0 = w->n;
		got = 0;
		for (side = 0; side <= NSIDES; side++) {
			double *v = side < NSIDES ? w->v[side] : w->ratio;
			int n = n0, m;

			snprintf(key, sizeof(key), "\"%s\": [",
				 side < NSIDES ? side_name[side] : "ratio");
			m = pool_array(path, p, key, v, &n);
			if (!side)
				got = m;
			if (!m || m != got)
				die("%s: %s: %d %s figures for %d pairs", path,
				    w->name, m, key, got);
		}
		w->n = n0 + got;
		w->boot_ratio[w->nboots++] = median(w->ratio + n0, got);
		w->done = 1;
	}
}

static int selected(const char *name)
{
	const char *p = opt.only;
	size_t len = strlen(name);

	if (!p)
		return 1;
	while ((p = strstr(p, name))) {
		if ((p == opt.only || p[-1] == ',') &&
		    (p[len] == '\0' || p[len] == ','))
			return 1;
		p += len;
	}
	return 0;
}

static void print_help(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: vpmbench --one-dir DIR [options]\n"
		"       vpmbench --dir-a DIR --dir-b DIR [options]\n"
		"\n"
		"Compare vpmfs copy=vpm with copy=generic on the same files (one\n"
		"vpmfs, remounted before each run) or on identical files (DIR-A\n"
		"and DIR-B), interleaved vpm, generic, memcpy, movsb, one warm-up\n"
		"round then PAIRS.\n"
		"\n"
		"  -1, --one-dir DIR      a vpmfs mount point: both sides on its\n"
		"                         files, copy= switched by remount\n"
		"  -a, --dir-a DIR        a vpmfs mounted with copy=vpm\n"
		"  -b, --dir-b DIR        a vpmfs mounted with copy=generic\n"
		"  -p, --pairs N          timed pairs per workload (default 22, max %d;\n"
		"                         even unless --order fixed or 1)\n"
		"  -t, --target SECS      work per run, calibrated (default 0.15)\n"
		"  -s, --size MIB         file size (default 32)\n"
		"  -B, --big MIB          large-file size (default 64)\n"
		"  -S, --steal-cmd CMD    after the default-cache workloads, run CMD\n"
		"                         (sh -c; reloads vpm with a small cache and\n"
		"                         remounts) and run bigfile-steal\n"
		"  -o, --only LIST        comma-separated workloads\n"
		"  -m, --meta-file FILE   KEY=VALUE lines copied into the JSON meta\n"
		"  -j, --json FILE        write the results as JSON (- for stdout)\n"
		"  -O, --order ORDER      alternate (default): the two file systems\n"
		"                         take turns at running first in a round;\n"
		"                         fixed: vpm first in every round\n"
		"  -F, --fixed-buffer     keep each run's buffer at the start of its\n"
		"                         allocation instead of moving it 7 pages\n"
		"                         (modulo 64) per round\n"
		"  -A, --aa               A/A run: both sides in the same copy mode\n"
		"                         (the one the directories are mounted\n"
		"                         with); measures the method's bias\n"
		"  -P, --pool             the arguments are the JSON files of runs\n"
		"                         (one per boot, at most %d): report their\n"
		"                         pairs as one run, with each run's median\n"
		"  -v, --verbose          print every pair\n"
		"  -h, --help             this text\n"
		"\nworkloads:\n", MAX_PAIRS, MAX_BOOTS);
	for (i = 0; i < ARRAY_SIZE(wls); i++)
		fprintf(f, "  %-16s %s\n", wls[i].name, wls[i].desc);
}

static void parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "one-dir", required_argument, NULL, '1' },
		{ "dir-a", required_argument, NULL, 'a' },
		{ "dir-b", required_argument, NULL, 'b' },
		{ "pairs", required_argument, NULL, 'p' },
		{ "target", required_argument, NULL, 't' },
		{ "size", required_argument, NULL, 's' },
		{ "big", required_argument, NULL, 'B' },
		{ "steal-cmd", required_argument, NULL, 'S' },
		{ "only", required_argument, NULL, 'o' },
		{ "meta-file", required_argument, NULL, 'm' },
		{ "json", required_argument, NULL, 'j' },
		{ "order", required_argument, NULL, 'O' },
		{ "aa", no_argument, NULL, 'A' },
		{ "fixed-buffer", no_argument, NULL, 'F' },
		{ "pool", no_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "1:a:b:p:t:s:B:S:o:m:j:O:AFPvh", lo,
				NULL)) != -1) {
		switch (c) {
		case '1':
			opt.one_dir = 1;
			opt.dir[0] = optarg;
			opt.dir[1] = optarg;
			break;
		case 'a':
			opt.dir[0] = optarg;
			break;
		case 'b':
			opt.dir[1] = optarg;
			break;
		case 'p':
			opt.pairs = atoi(optarg);
			break;
		case 't':
			opt.target = atof(optarg);
			break;
		case 's':
			opt.size = strtoul(optarg, NULL, 0) * MIB;
			break;
		case 'B':
			opt.big = strtoul(optarg, NULL, 0) * MIB;
			break;
		case 'S':
			opt.steal_cmd = optarg;
			break;
		case 'o':
			opt.only = optarg;
			break;
		case 'm':
			opt.meta_file = optarg;
			break;
		case 'j':
			opt.json = optarg;
			break;
		case 'O':
			if (!strcmp(optarg, "fixed")) {
				opt.fixed_order = 1;
			} else if (strcmp(optarg, "alternate")) {
				fprintf(stderr, "vpmbench: --order: alternate or fixed, not %s\n",
					optarg);
				exit(2);
			}
			break;
		case 'A':
			opt.aa = 1;
			break;
		case 'F':
			opt.fixed_buffer = 1;
			break;
		case 'P':
			opt.pool = 1;
			break;
		case 'v':
			opt.verbose = 1;
			break;
		case 'h':
			print_help(stdout);
			exit(0);
		default:
			print_help(stderr);
			exit(2);
		}
	}
	if (opt.one_dir && opt.dir[0] != opt.dir[1]) {
		fprintf(stderr, "vpmbench: --one-dir and --dir-a/--dir-b exclude each other\n");
		exit(2);
	}
	if (opt.pool) {
		if (optind == argc || opt.dir[0]) {
			print_help(stderr);
			exit(2);
		}
		return;
	}
	/*
	 * Alternating, an odd number of rounds has one side first once more
	 * than the other; where running second gains (the other side has
	 * just read the same pages), the median of the ratios then lands in
	 * the larger of two clusters (A/A randread-4k: 0.984 and 0.991 with
	 * 21 pairs).
	 */
	if (!opt.fixed_order && opt.pairs > 1 && (opt.pairs & 1)) {
		fprintf(stderr, "vpmbench: --pairs %d: must be even (each side first as often)\n",
			opt.pairs);
		exit(2);
	}
	if (optind != argc || !opt.dir[0] || !opt.dir[1] || opt.pairs < 1 ||
	    opt.pairs > MAX_PAIRS || opt.target <= 0 || opt.size < 2 * MIB ||
	    opt.big < MIB) {
		print_help(stderr);
		exit(2);
	}
}

static void run_phase(int phase)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wls); i++)
		if (wls[i].phase == phase && selected(wls[i].name))
			run_workload(&wls[i]);
}

int main(int argc, char **argv)
{
	struct target t[8];
	double start = now();
	int nt, st;

	parse_args(argc, argv);
	if (opt.pool) {
		for (; optind < argc; optind++)
			pool_file(argv[optind]);
		nt = compute_targets(t);
		print_table(t, nt);
		if (opt.json)
			write_json(opt.json, t, nt);
		return 0;
	}
	uname(&uts);
	if (opt.meta_file)
		meta_text = read_text(opt.meta_file);
	check_mount(0);
	check_mount(1);
	if (opt.aa && aa_mode[0] != aa_mode[1])
		die("--aa: %s and %s are mounted with different copy modes",
		    opt.dir[0], opt.dir[1]);
	setup_files();
	read_cache_shape(cache0);
	fprintf(stderr, "vpmbench: files written and verified, %.1f s\n",
		now() - start);
	run_phase(0);
	if (opt.steal_cmd && selected("bigfile-steal")) {
		unsigned long long shape[3];

		st = system(opt.steal_cmd);
		if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st))
			die("--steal-cmd failed (status %d)", st);
		check_mount(0);
		check_mount(1);
		verify_file(0, F_BIG);
		if (!opt.one_dir)
			verify_file(1, F_BIG);
		run_phase(1);
		read_cache_shape(shape);
		fprintf(stderr, "vpmbench: steal phase: %llu slots\n", shape[0]);
	}
	nt = compute_targets(t);
	print_table(t, nt);
	if (opt.json)
		write_json(opt.json, t, nt);
	fprintf(stderr, "vpmbench: done in %.1f s\n", now() - start);
	return 0;
}
