// SPDX-License-Identifier: GPL-2.0
/*
 * vpmfs_logreplay: read and replay a dm-log-writes log (the kernel's
 * Documentation/admin-guide/device-mapper/log-writes.rst): a super block
 * in sector 0 of the log device, then one entry header per sector-size
 * block (a mark's name inline after the header), each write entry
 * followed by its data.  Used by selftests/guest/crash.sh, the guest half
 * of the vpmfs crash-consistency tests.
 *
 *   vpmfs_logreplay list LOG
 *	one line per entry: index, flags, sector, sectors, mark name
 *   vpmfs_logreplay find LOG MARK
 *	print the index of the first mark named MARK (exit 1: none)
 *   vpmfs_logreplay replay [-c CURSOR] LOG TARGET FROM TO
 *	apply entries FROM..TO (inclusive) to TARGET (an image file or a
 *	device; discards write zeroes).  CURSOR remembers where the next
 *	entry starts in the log, so "replay -c C L T 0 p1" followed by
 *	"replay -c C L T p1+1 p2" does not read the log from the start again
 *   vpmfs_logreplay run [-n] [-d] [-s N] [-f MARK] [-C COPY] LOG TARGET -- CMD...
 *	replay the whole log onto TARGET (which should start zeroed) and
 *	stop at every crash point at or after mark MARK: every FLUSH entry,
 *	every FUA entry, every mark, and N points evenly spread between
 *	two of them (default 0).  At each point TARGET is copied to COPY
 *	(if given) and CMD runs with, in its environment:
 *	  LOGREPLAY_ENTRY  index of the last entry applied
 *	  LOGREPLAY_KIND   flush, fua, mark or sample
 *	  LOGREPLAY_MARK   name of the last mark applied ("" if none)
 *	  LOGREPLAY_WMARK  name of the last mark before the last applied
 *			   write: whatever ran after that mark did not
 *			   reach this image yet
 *	A point with no write since the previous one gives the same image
 *	and is folded into the later one (whose marks say more).  -n lists
 *	the points instead.  Prints "points P failures F" (F: CMD exited
 *	non-zero) and exits 1 if F > 0.
 *	-d adds the images a volatile write cache may leave: just before
 *	every FLUSH entry, every mark and the end of the log, each image
 *	that lacks one write the device had not made durable yet (one
 *	since the last FLUSH, not FUA, not wholly overwritten since), with
 *	LOGREPLAY_KIND "drop E" (E: the entry left out).  A file system
 *	that lets write B reach the disk before write A that B depends on,
 *	with no flush between them, fails there however the log ordered
 *	them.
 *
 * Exit status: 0 success, 1 failures or mark not found, 2 usage or I/O
 * error (the log is malformed, a device cannot be read).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <endian.h>

#define LW_MAGIC	0x6a736677736872ULL
#define LW_VERSION	1ULL

#define LW_FLUSH	0x01U
#define LW_FUA		0x02U
#define LW_DISCARD	0x04U
#define LW_MARK		0x08U
#define LW_METADATA	0x10U

/* On-disk, little endian (drivers/md/dm-log-writes.c). */
struct lw_super {
	__u64 magic;
	__u64 version;
	__u64 nr_entries;
	__u32 sectorsize;
};	/* read by field: the 4 bytes of padding are not looked at */

struct lw_entry {
	__u64 sector;
	__u64 nr_sectors;
	__u64 flags;
	__u64 data_len;
};

#define MARK_MAX	256

/* One entry, decoded. */
struct entry {
	__u64 sector, nr_sectors, flags, data_len;
	char mark[MARK_MAX];
};

/* A log being read front to back. */
struct log {
	int fd;
	const char *path;
	__u64 nr_entries;
	__u32 ss;		/* sector size: unit of sector, nr_sectors */
	__u64 next;		/* index of the next entry */
	__u64 off;		/* its byte offset in the log */
	char *buf;		/* one sector */
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vpmfs_logreplay: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void xpread(int fd, void *buf, size_t len, __u64 off, const char *what)
{
	ssize_t n;

	while (len) {
		n = pread(fd, buf, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s: read at %llu: %s", what, off, strerror(errno));
		if (n == 0)
			die("%s: unexpected end at %llu", what, off);
		buf = (char *)buf + n;
		len -= (size_t)n;
		off += (__u64)n;
	}
}

static void xpwrite(int fd, const void *buf, size_t len, __u64 off,
		    const char *what)
{
	ssize_t n;

	while (len) {
		n = pwrite(fd, buf, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("%s: write at %llu: %s", what, off,
			    n < 0 ? strerror(errno) : "short write");
		buf = (const char *)buf + n;
		len -= (size_t)n;
		off += (__u64)n;
	}
}

/* Open a file or device; a block device's page cache is dropped first. */
static int open_dev(const char *path, int flags)
{
	struct stat st;
	int fd;

	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	if (fstat(fd, &st))
		die("%s: %s", path, strerror(errno));
	/*
	 * dm-log-writes writes the log with bios of its own, past this
	 * device's page cache: what an earlier reader cached is stale.
	 */
	if (S_ISBLK(st.st_mode) && ioctl(fd, BLKFLSBUF, 0))
		die("%s: BLKFLSBUF: %s", path, strerror(errno));
	return fd;
}

static void log_open(struct log *lg, const char *path)
{
	struct lw_super s;

	lg->path = path;
	lg->fd = open_dev(path, O_RDONLY);
	xpread(lg->fd, &s, sizeof(s), 0, path);
	if (le64toh(s.magic) != LW_MAGIC)
		die("%s: not a dm-log-writes log (magic %#llx)", path,
		    (__u64)le64toh(s.magic));
	if (le64toh(s.version) != LW_VERSION)
		die("%s: log version %llu unknown", path,
		    (__u64)le64toh(s.version));
	lg->nr_entries = le64toh(s.nr_entries);
	lg->ss = le32toh(s.sectorsize);
	if (lg->ss < 512 || lg->ss > 65536 || (lg->ss & (lg->ss - 1)))
		die("%s: bad sector size %u", path, lg->ss);
	lg->buf = malloc(lg->ss);
	if (!lg->buf)
		die("out of memory");
	lg->next = 0;
	lg->off = lg->ss;
}

/* Bytes of log the entry's data takes after its header sector. */
static __u64 entry_data_bytes(const struct log *lg, const struct entry *e)
{
	if (e->flags & (LW_DISCARD | LW_MARK))
		return 0;
	return e->nr_sectors * lg->ss;
}

/*
 * Read the header of entry lg->next (at lg->off) into @e, without
 * moving on.  Return 0, or -1 past the last entry.
 */
static int log_peek(struct log *lg, struct entry *e)
{
	struct lw_entry raw;
	size_t n;

	if (lg->next >= lg->nr_entries)
		return -1;
	xpread(lg->fd, lg->buf, lg->ss, lg->off, lg->path);
	memcpy(&raw, lg->buf, sizeof(raw));
	e->sector = le64toh(raw.sector);
	e->nr_sectors = le64toh(raw.nr_sectors);
	e->flags = le64toh(raw.flags);
	e->data_len = le64toh(raw.data_len);
	e->mark[0] = '\0';
	if (e->flags & LW_MARK) {
		n = e->data_len;
		if (n > lg->ss - sizeof(raw))
			die("%s: entry %llu: mark of %llu bytes",
			    lg->path, lg->next, e->data_len);
		if (n > MARK_MAX - 1)
			n = MARK_MAX - 1;
		memcpy(e->mark, lg->buf + sizeof(raw), n);
		e->mark[n] = '\0';
	} else if (e->data_len) {
		/* inline data: never produced by the kernel's target */
		die("%s: entry %llu: inline data not supported",
		    lg->path, lg->next);
	}
	return 0;
}

static void log_advance(struct log *lg, const struct entry *e)
{
	lg->off += lg->ss + entry_data_bytes(lg, e);
	lg->next++;
}

/* Position the log at entry @idx: from the cursor if it is there. */
static void log_seek(struct log *lg, __u64 idx, __u64 cur_idx,
		     __u64 cur_off)
{
	struct entry e;

	if (cur_idx && cur_idx <= idx) {
		lg->next = cur_idx;
		lg->off = cur_off;
	}
	while (lg->next < idx) {
		if (log_peek(lg, &e))
			die("%s: no entry %llu (%llu entries)",
			    lg->path, idx, lg->nr_entries);
		log_advance(lg, &e);
	}
}

/* Apply the entry at the log's position to @tfd and move on. */
static void log_apply(struct log *lg, const struct entry *e, int tfd,
		      const char *tpath)
{
	static char *buf;
	static size_t buflen;
	__u64 left, done = 0, n;

	if (!buf) {
		buflen = 1 << 20;
		buf = malloc(buflen);
		if (!buf)
			die("out of memory");
	}
	if (e->flags & LW_DISCARD) {
		memset(buf, 0, buflen);
		left = e->nr_sectors * lg->ss;
		while (left) {
			n = left < buflen ? left : buflen;
			xpwrite(tfd, buf, n, e->sector * lg->ss + done, tpath);
			done += n;
			left -= n;
		}
	} else if (!(e->flags & LW_MARK)) {
		left = e->nr_sectors * lg->ss;
		while (left) {
			n = left < buflen ? left : buflen;
			xpread(lg->fd, buf, n, lg->off + lg->ss + done, lg->path);
			xpwrite(tfd, buf, n, e->sector * lg->ss + done, tpath);
			done += n;
			left -= n;
		}
	}
	log_advance(lg, e);
}

static const char *flag_str(__u64 f)
{
	static char s[64];

	s[0] = '\0';
	if (f & LW_FLUSH)
		strcat(s, "FLUSH|");
	if (f & LW_FUA)
		strcat(s, "FUA|");
	if (f & LW_DISCARD)
		strcat(s, "DISCARD|");
	if (f & LW_MARK)
		strcat(s, "MARK|");
	if (f & LW_METADATA)
		strcat(s, "META|");
	if (f & ~0x1fULL)
		strcat(s, "?|");
	if (s[0])
		s[strlen(s) - 1] = '\0';
	else
		strcpy(s, "-");
	return s;
}

static int is_write(const struct entry *e)
{
	return !(e->flags & LW_MARK) && (e->nr_sectors || (e->flags & LW_DISCARD));
}

static int cmd_list(const char *path)
{
	struct log lg;
	struct entry e;

	log_open(&lg, path);
	printf("# %s: %llu entries, sector size %u\n", path,
	       lg.nr_entries, lg.ss);
	while (!log_peek(&lg, &e)) {
		printf("%6llu %-14s sector %8llu sectors %6llu",
		       lg.next, flag_str(e.flags), e.sector, e.nr_sectors);
		if (e.flags & LW_MARK)
			printf(" mark %s", e.mark);
		putchar('\n');
		log_advance(&lg, &e);
	}
	return 0;
}

static int find_mark(struct log *lg, const char *name, __u64 *idx)
{
	struct entry e;

	while (!log_peek(lg, &e)) {
		if ((e.flags & LW_MARK) && !strcmp(e.mark, name)) {
			*idx = lg->next;
			return 0;
		}
		log_advance(lg, &e);
	}
	return -1;
}

static int cmd_find(const char *path, const char *name)
{
	struct log lg;
	__u64 idx;

	log_open(&lg, path);
	if (find_mark(&lg, name, &idx)) {
		fprintf(stderr, "vpmfs_logreplay: %s: no mark %s\n", path, name);
		return 1;
	}
	printf("%llu\n", idx);
	return 0;
}

static __u64 parse_u64(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		die("bad %s: %s", what, s);
	return v;
}

static int cmd_replay(const char *cursor, const char *lpath, const char *tpath,
		      __u64 from, __u64 to)
{
	__u64 cidx = 0, coff = 0;
	struct log lg;
	struct entry e;
	FILE *f;
	int tfd;

	if (from > to)
		die("FROM %llu is after TO %llu", from, to);
	log_open(&lg, lpath);
	if (to >= lg.nr_entries)
		die("%s: no entry %llu (%llu entries)", lpath, to,
		    lg.nr_entries);
	if (cursor) {
		f = fopen(cursor, "r");
		if (f) {
			if (fscanf(f, "%llu %llu", &cidx, &coff) != 2) {
				cidx = 0;
				coff = 0;
			}
			fclose(f);
		}
	}
	log_seek(&lg, from, cidx, coff);
	tfd = open_dev(tpath, O_WRONLY);
	while (lg.next <= to) {
		if (log_peek(&lg, &e))
			break;
		log_apply(&lg, &e, tfd, tpath);
	}
	if (fsync(tfd))
		die("%s: fsync: %s", tpath, strerror(errno));
	close(tfd);
	if (cursor) {
		f = fopen(cursor, "w");
		if (!f)
			die("%s: %s", cursor, strerror(errno));
		fprintf(f, "%llu %llu\n", lg.next, lg.off);
		if (fclose(f))
			die("%s: %s", cursor, strerror(errno));
	}
	return 0;
}

/* Copy the first @len bytes of @src to @dst (a device: through its cache). */
static void copy_image(int sfd, const char *spath, const char *dpath,
		       __u64 len)
{
	static char buf[1 << 20];
	__u64 off = 0, n;
	int dfd;

	dfd = open_dev(dpath, O_WRONLY);
	while (off < len) {
		n = len - off < sizeof(buf) ? len - off : sizeof(buf);
		xpread(sfd, buf, n, off, spath);
		xpwrite(dfd, buf, n, off, dpath);
		off += n;
	}
	if (fsync(dfd))
		die("%s: fsync: %s", dpath, strerror(errno));
	close(dfd);
}

static const char *kind_str(__u64 flags)
{
	if (flags & LW_MARK)
		return "mark";
	if (flags & LW_FUA)
		return "fua";
	if (flags & LW_FLUSH)
		return "flush";
	return "sample";
}

/*
 * A write since the last FLUSH: one the device may still lose unless it
 * is FUA (kept only to know which sectors it overwrote).
 */
struct pending {
	__u64 idx, sector, nr;	/* its entry, first sector, sectors */
	int fua;
	char *old;		/* what the target held there before it */
};

/* The writes since the last FLUSH entry, for -d. */
struct volatile_set {
	struct pending *w;
	size_t n, cap;
	__u64 bytes;
	int overflow;		/* too much to keep: no drop points */
	int changed;		/* a write since the last drop points */
};

/* Old contents kept for drop points, at most (then they are skipped). */
#define VOLATILE_MAX_BYTES	(64ULL << 20)

struct run_ctx {
	const char *lpath, *tpath, *copy;
	char **cmd;
	int dry, drop;
	int tfd;
	__u64 tlen;
	unsigned long points, failures, drop_skipped;
	struct volatile_set vs;
};

static void check_point(struct run_ctx *c, __u64 idx, const char *kind,
			const char *mark, const char *wmark)
{
	char num[32];
	pid_t pid;
	int st;

	c->points++;
	if (c->dry) {
		printf("%6llu %-6s mark %s wmark %s\n", idx, kind,
		       mark[0] ? mark : "-", wmark[0] ? wmark : "-");
		return;
	}
	if (fsync(c->tfd))
		die("%s: fsync: %s", c->tpath, strerror(errno));
	if (c->copy)
		copy_image(c->tfd, c->tpath, c->copy, c->tlen);
	snprintf(num, sizeof(num), "%llu", idx);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		setenv("LOGREPLAY_ENTRY", num, 1);
		setenv("LOGREPLAY_KIND", kind, 1);
		setenv("LOGREPLAY_MARK", mark, 1);
		setenv("LOGREPLAY_WMARK", wmark, 1);
		execvp(c->cmd[0], c->cmd);
		fprintf(stderr, "vpmfs_logreplay: %s: %s\n", c->cmd[0],
			strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		c->failures++;
}

static void vs_clear(struct volatile_set *vs)
{
	size_t k;

	for (k = 0; k < vs->n; k++)
		free(vs->w[k].old);
	vs->n = 0;
	vs->bytes = 0;
	vs->overflow = 0;
	vs->changed = 0;
}

/* Remember write entry @e (entry @idx) before it is applied. */
static void vs_add(struct run_ctx *c, const struct log *lg,
		   const struct entry *e, __u64 idx)
{
	struct volatile_set *vs = &c->vs;
	int fua = !!(e->flags & LW_FUA);
	__u64 len = fua ? 0 : e->nr_sectors * lg->ss;
	struct pending *p;

	vs->changed = 1;
	if (vs->overflow)
		return;
	if (vs->bytes + len > VOLATILE_MAX_BYTES) {
		vs->overflow = 1;
		return;
	}
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? 2 * vs->cap : 64;
		vs->w = realloc(vs->w, vs->cap * sizeof(*vs->w));
		if (!vs->w)
			die("out of memory");
	}
	p = &vs->w[vs->n++];
	p->idx = idx;
	p->sector = e->sector;
	p->nr = e->nr_sectors;
	p->fua = fua;
	p->old = NULL;
	vs->bytes += len;
	if (c->dry || !len)
		return;
	p->old = malloc(len);
	if (!p->old)
		die("out of memory");
	xpread(c->tfd, p->old, len, e->sector * lg->ss, c->tpath);
}

/*
 * Sectors of pending write @k that no later write (FUA ones too) covers,
 * as a map (1: the drop shows there); returns how many.
 */
static __u64 vs_exposed(const struct volatile_set *vs, size_t k,
			unsigned char *map)
{
	const struct pending *w = &vs->w[k];
	__u64 s, n = 0;
	size_t j;

	memset(map, 1, w->nr);
	for (j = k + 1; j < vs->n; j++) {
		const struct pending *l = &vs->w[j];

		for (s = 0; s < w->nr; s++)
			if (w->sector + s >= l->sector &&
			    w->sector + s < l->sector + l->nr)
				map[s] = 0;
	}
	for (s = 0; s < w->nr; s++)
		n += map[s];
	return n;
}

static void check_point(struct run_ctx *c, __u64 idx, const char *kind,
			const char *mark, const char *wmark);

/*
 * -d: check the image as it is but for one pending write, for each
 * pending write whose absence shows; the image is put back after each.
 */
static void drop_points(struct run_ctx *c, __u32 ss, __u64 last,
			const char *mark, const char *wmark)
{
	struct volatile_set *vs = &c->vs;
	unsigned char *map;
	char kind[48], *cur;
	__u64 s;
	size_t k;

	if (!vs->changed)
		return;
	vs->changed = 0;
	if (vs->overflow) {
		c->drop_skipped++;
		return;
	}
	for (k = 0; k < vs->n; k++) {
		const struct pending *w = &vs->w[k];

		if (!w->nr || w->fua)
			continue;
		map = malloc(w->nr);
		cur = c->dry ? NULL : malloc(w->nr * ss);
		if (!map || (!c->dry && !cur))
			die("out of memory");
		if (vs_exposed(vs, k, map)) {
			for (s = 0; s < w->nr && !c->dry; s++) {
				if (!map[s])
					continue;
				xpread(c->tfd, cur + s * ss, ss,
				       (w->sector + s) * ss, c->tpath);
				xpwrite(c->tfd, w->old + s * ss, ss,
					(w->sector + s) * ss, c->tpath);
			}
			snprintf(kind, sizeof(kind), "drop %llu", w->idx);
			check_point(c, last, kind, mark, wmark);
			for (s = 0; s < w->nr && !c->dry; s++)
				if (map[s])
					xpwrite(c->tfd, cur + s * ss, ss,
						(w->sector + s) * ss, c->tpath);
		}
		free(map);
		free(cur);
	}
}

/*
 * run: one pass over the log.  Crash points are found as we go; the
 * sampled ones between two crash points need the count of writes in
 * between, so a first pass (headers only) collects the kinds.
 */
static int cmd_run(struct run_ctx *c, unsigned int nsample, const char *from)
{
	__u64 start = 0, i, j, nw, prev, *widx = NULL;
	unsigned char *major;
	char mark[MARK_MAX] = "", wmark[MARK_MAX] = "";
	char pmark[MARK_MAX] = "", pwmark[MARK_MAX] = "";
	__u64 pidx = 0;
	int pending = 0;	/* a point whose image is still the current one */
	const char *pkind = "";
	struct log lg;
	struct entry e;
	struct stat st;

	log_open(&lg, c->lpath);
	if (from && find_mark(&lg, from, &start)) {
		fprintf(stderr, "vpmfs_logreplay: %s: no mark %s\n", c->lpath, from);
		return 1;
	}
	major = calloc(lg.nr_entries + 1, 1);
	widx = calloc(lg.nr_entries + 1, sizeof(*widx));
	if (!major || !widx)
		die("out of memory");
	/* pass 1: which entries are crash points, which ones write */
	lg.next = 0;
	lg.off = lg.ss;
	nw = 0;
	while (!log_peek(&lg, &e)) {
		if (e.flags & (LW_FLUSH | LW_FUA | LW_MARK))
			major[lg.next] = 1;
		if (is_write(&e))
			major[lg.next] |= 2;
		log_advance(&lg, &e);
	}
	/* sampled points: evenly among the writes between two major points */
	if (nsample) {
		prev = start;
		for (i = start + 1; i <= lg.nr_entries; i++) {
			if (i < lg.nr_entries && !(major[i] & 1))
				continue;
			nw = 0;
			for (j = prev + 1; j < i; j++)
				if (major[j] & 2)
					widx[nw++] = j;
			for (j = 1; j <= nsample && nw > 1; j++) {
				__u64 k = nw * j / (nsample + 1);

				if (k < nw - 1)
					major[widx[k]] |= 4;
			}
			prev = i;
		}
	}
	if (!c->dry) {
		c->tfd = open_dev(c->tpath, O_RDWR);
		if (fstat(c->tfd, &st))
			die("%s: %s", c->tpath, strerror(errno));
		c->tlen = (__u64)st.st_size;
		if (S_ISBLK(st.st_mode) && ioctl(c->tfd, BLKGETSIZE64, &c->tlen))
			die("%s: BLKGETSIZE64: %s", c->tpath, strerror(errno));
	}
	/* pass 2: apply, stopping at the points */
	lg.next = 0;
	lg.off = lg.ss;
	while (!log_peek(&lg, &e)) {
		i = lg.next;
		if (c->drop && i > start && (e.flags & (LW_FLUSH | LW_MARK)))
			drop_points(c, lg.ss, i - 1, mark, wmark);
		if (c->drop && (e.flags & LW_FLUSH))
			vs_clear(&c->vs);
		if (is_write(&e)) {
			/* the image changes: the pending point is due */
			if (pending)
				check_point(c, pidx, pkind, pmark, pwmark);
			pending = 0;
			strcpy(wmark, mark);
			if (c->drop)
				vs_add(c, &lg, &e, i);
		}
		if (c->dry) {
			if (e.flags & LW_MARK)
				snprintf(mark, sizeof(mark), "%s", e.mark);
			log_advance(&lg, &e);
		} else {
			if (e.flags & LW_MARK)
				snprintf(mark, sizeof(mark), "%s", e.mark);
			log_apply(&lg, &e, c->tfd, c->tpath);
		}
		if (i >= start && (major[i] & 5)) {
			pending = 1;
			pidx = i;
			pkind = (major[i] & 1) ? kind_str(e.flags) : "sample";
			strcpy(pmark, mark);
			strcpy(pwmark, wmark);
		}
	}
	if (pending)
		check_point(c, pidx, pkind, pmark, pwmark);
	if (c->drop && lg.nr_entries > start + 1)
		drop_points(c, lg.ss, lg.nr_entries - 1, mark, wmark);
	vs_clear(&c->vs);
	free(c->vs.w);
	if (c->drop_skipped)
		printf("# %lu intervals had too much unflushed data for drop points\n",
		       c->drop_skipped);
	printf("points %lu failures %lu\n", c->points, c->failures);
	free(major);
	free(widx);
	return c->failures ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: vpmfs_logreplay list LOG\n"
		"       vpmfs_logreplay find LOG MARK\n"
		"       vpmfs_logreplay replay [-c CURSOR] LOG TARGET FROM TO\n"
		"       vpmfs_logreplay run [-n] [-d] [-s N] [-f MARK] [-C COPY] LOG TARGET -- CMD...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct run_ctx c = { 0 };
	const char *cursor = NULL, *from = NULL;
	unsigned int nsample = 0;
	int opt;

	if (argc < 2)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "list") && argc == 3)
		return cmd_list(argv[2]);
	if (!strcmp(argv[1], "find") && argc == 4)
		return cmd_find(argv[2], argv[3]);
	if (!strcmp(argv[1], "replay")) {
		optind = 2;
		while ((opt = getopt(argc, argv, "+c:")) != -1) {
			if (opt != 'c')
				usage();
			cursor = optarg;
		}
		if (argc - optind != 4)
			usage();
		return cmd_replay(cursor, argv[optind], argv[optind + 1],
				  parse_u64(argv[optind + 2], "FROM"),
				  parse_u64(argv[optind + 3], "TO"));
	}
	if (!strcmp(argv[1], "run")) {
		optind = 2;
		while ((opt = getopt(argc, argv, "+nds:f:C:")) != -1) {
			switch (opt) {
			case 'n':
				c.dry = 1;
				break;
			case 'd':
				c.drop = 1;
				break;
			case 's':
				nsample = (unsigned int)parse_u64(optarg, "N");
				break;
			case 'f':
				from = optarg;
				break;
			case 'C':
				c.copy = optarg;
				break;
			default:
				usage();
			}
		}
		if (argc - optind < 2)
			usage();
		c.lpath = argv[optind];
		c.tpath = argv[optind + 1];
		optind += 2;
		if (optind < argc && !strcmp(argv[optind], "--"))
			optind++;
		if (optind >= argc && !c.dry)
			usage();
		c.cmd = argv + optind;
		return cmd_run(&c, nsample, from);
	}
	usage();
	return 2;
}
