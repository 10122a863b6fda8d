// SPDX-License-Identifier: GPL-2.0
/*
 * vpmfs_crash: crash-consistency workloads for vpmfs, in the manner of
 * CrashMonkey/Ace: generate a workload, run it on a vpmfs over a
 * dm-log-writes device (marking every persistence point in the log), and
 * check a file system replayed to a crash point (selftests/guest/crash.sh
 * drives it, with vpmfs_logreplay).
 *
 *   vpmfs_crash ids one                 every one-operation workload
 *   vpmfs_crash ids two [-a] [-k K -S SEED]
 *	two-operation workloads: both operations from the core set, the
 *	first not followed by fdatasync (-a: every pair), or a seeded
 *	sample of K of them
 *   vpmfs_crash ids nosync [-k K -S SEED]
 *	a mkdir, creat-many or link with no persistence call, then each
 *	rename, link or unlink workload (or a seeded sample of K)
 *   vpmfs_crash ids random SEED COUNT   COUNT random workloads (10-50 ops)
 *   vpmfs_crash desc ID...              what the workloads do
 *   vpmfs_crash run ID DEV MNT DMNAME STATE COPY
 *	mkfs.vpmfs DEV, mount it (-o copy=COPY) on MNT, set up, sync, mark
 *	"setup" in the log of dm device DMNAME, run the workload (mark
 *	"b<i>" before operation i, "p<i>" after its persistence call),
 *	unmount, mark "u", flush the device, mark "end" (from there on
 *	everything is promised); write what the checker needs to STATE
 *   vpmfs_crash batch [-s N] [-D] [-v] [-d DIR] [-n DMNAME] DATA LOG SCRATCH MODE < IDS
 *	for each workload id read: create the dm-log-writes device DMNAME
 *	over DATA and LOG (DM ioctls), "run" it, remove the device, then
 *	vpmfs_logreplay run -s N -f setup -C SCRATCH [-d] LOG DIR/replay.img --
 *	vpmfs_crash check (copy=MODE); -D: with -d, the images that lack
 *	one unflushed write.  Failure and fsck repair lines go to
 *	DIR/failures (default DIR /tmp/crash); prints a "# " line per
 *	failing workload and "workloads W, crash points P, failures F (in
 *	N workloads)".
 *   vpmfs_crash check STATE DEV MNT
 *	check a crash image in DEV (a copy: it is repaired): fsck.vpmfs -n,
 *	else -y then -n; mount read-only on MNT, check; uses
 *	LOGREPLAY_MARK and LOGREPLAY_WMARK (see vpmfs_logreplay run)
 *
 * Workload ids are stable: a one-operation workload is OP * 4 + PERSIST
 * (operation and persistence call by index in the tables below, which
 * only grow at the end), a two-operation one 1000000 + ONE1 * 1000 + ONE2,
 * a random one 2000000 + SEED, a "nosync" one 1100000000 + OP * 1000 +
 * ONE2 (OP by index, with no persistence call).
 *
 * The checker: every byte a write puts in a file encodes the file's
 * identity, the write and the offset, so a byte that a file never had
 * (another file's, a deleted file's) is found at every crash point.  The
 * promises of every persistence point passed (after fsync or fdatasync of
 * a file: its data and size, and the names it was given since setup;
 * after fsync also its mode and mtime; after fsync of a directory: its
 * entries, and the type and size of what they name; after sync and after
 * the unmount: everything) are checked for every object that no later
 * operation (one that may have reached the image) touched.
 *
 * Exit status: 0 pass, 1 check failure, 2 usage or run error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include <linux/dm-ioctl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <time.h>
#include <sys/wait.h>

extern char **environ;

#define MAXID		128	/* identities: inodes the workload ever had */
#define MAXENT		160	/* live directory entries */
#define MAXSTEP		50	/* operations in a workload */
#define MAXEV		512	/* writes and truncations */
#define MAXFILE		(80 * 1024)
#define NMANY		70	/* files of a "creat-many": past one directory block */
#define NAMELEN		8
#define PATHLEN		64
#define PG		4096

enum { T_NONE, T_REG, T_DIR, T_LNK };

/* ---- the model ---- */

struct ident {
	__u8 type, alive;
	__u16 mode;
	__s64 size;
	char label[12];		/* for messages: the first name */
	char target[16];	/* symlink */
};

struct ent {
	__u8 dir, id;
	char name[NAMELEN];
};

struct model {
	int nid, nent, nev;
	struct ident id[MAXID];
	struct ent ent[MAXENT];
};

enum { EV_WRITE, EV_TRUNC };

/* A write of [off, off + len) or a truncation to len; its index is its id. */
struct event {
	__u8 id, kind;
	__s32 off, len;
};

static struct event ev[MAXEV];
static int nev_total;

/* ---- operations ---- */

enum {
	OP_CREAT, OP_WRITE, OP_TRUNC, OP_LINK, OP_UNLINK, OP_RENAME, OP_MKDIR,
	OP_RMDIR, OP_SYMLINK, OP_CHMOD, OP_UTIMES, OP_CREAT_MANY
};

/* W_FAR: from 60 KiB, so through the single indirect block */
enum { W_APPEND, W_OVER, W_EXTEND, W_HOLE, W_UNALIGNED, W_FAR };
enum { TR_DOWN, TR_UP, TR_MID };
enum { P_FSYNC, P_FDATASYNC, P_FSYNC_DIR, P_SYNC, NPERSIST };

static const char *const persist_name[NPERSIST] = {
	"fsync", "fdatasync", "fsync-dir", "sync"
};

/*
 * @core: in the two-operation tier (both operations from this set unless
 * "ids two -a"): one of each kind of change to data, size, names and
 * attributes, on the files and directories the fewest.
 */
struct opdef {
	__u8 kind, var, core;
	const char *a, *b;
};

/* Append only: a workload's id is its index here. */
static const struct opdef ops[] = {
	{ OP_CREAT, 0, 1, "C", NULL },
	{ OP_CREAT, 0, 0, "D/C", NULL },
	{ OP_WRITE, W_APPEND, 1, "A", NULL },
	{ OP_WRITE, W_OVER, 0, "A", NULL },
	{ OP_WRITE, W_EXTEND, 0, "A", NULL },
	{ OP_WRITE, W_HOLE, 1, "A", NULL },
	{ OP_WRITE, W_UNALIGNED, 0, "A", NULL },
	{ OP_WRITE, W_APPEND, 0, "D/B", NULL },
	{ OP_WRITE, W_OVER, 0, "D/B", NULL },
	{ OP_WRITE, W_EXTEND, 0, "D/B", NULL },
	{ OP_WRITE, W_HOLE, 0, "D/B", NULL },
	{ OP_WRITE, W_UNALIGNED, 0, "D/B", NULL },
	{ OP_WRITE, W_APPEND, 1, "C", NULL },
	{ OP_WRITE, W_OVER, 0, "C", NULL },
	{ OP_WRITE, W_EXTEND, 0, "C", NULL },
	{ OP_WRITE, W_HOLE, 0, "C", NULL },
	{ OP_WRITE, W_UNALIGNED, 0, "C", NULL },
	{ OP_TRUNC, TR_DOWN, 0, "A", NULL },
	{ OP_TRUNC, TR_UP, 1, "A", NULL },
	{ OP_TRUNC, TR_MID, 1, "A", NULL },
	{ OP_TRUNC, TR_DOWN, 0, "D/B", NULL },
	{ OP_TRUNC, TR_UP, 0, "D/B", NULL },
	{ OP_TRUNC, TR_MID, 0, "D/B", NULL },
	{ OP_TRUNC, TR_DOWN, 0, "C", NULL },
	{ OP_TRUNC, TR_UP, 0, "C", NULL },
	{ OP_TRUNC, TR_MID, 0, "C", NULL },
	{ OP_LINK, 0, 1, "A", "D/L" },
	{ OP_LINK, 0, 0, "A", "L" },
	{ OP_LINK, 0, 0, "D/B", "L" },
	{ OP_UNLINK, 0, 1, "A", NULL },
	{ OP_UNLINK, 0, 0, "D/B", NULL },
	{ OP_UNLINK, 0, 0, "C", NULL },
	{ OP_UNLINK, 0, 0, "L", NULL },
	{ OP_RENAME, 0, 0, "A", "C" },
	{ OP_RENAME, 0, 1, "A", "D/C" },
	{ OP_RENAME, 0, 1, "A", "D/B" },
	{ OP_RENAME, 0, 0, "D/B", "A" },
	{ OP_RENAME, 0, 1, "D", "G" },
	{ OP_RENAME, 0, 0, "D", "E/D" },
	{ OP_RENAME, 0, 0, "D", "E" },
	{ OP_MKDIR, 0, 1, "G", NULL },
	{ OP_MKDIR, 0, 0, "D/G", NULL },
	{ OP_RMDIR, 0, 1, "E", NULL },
	{ OP_RMDIR, 0, 0, "G", NULL },
	{ OP_SYMLINK, 0, 1, "S", "A" },
	{ OP_SYMLINK, 0, 0, "D/S", "../A" },
	{ OP_CHMOD, 0, 1, "A", NULL },
	{ OP_CHMOD, 0, 0, "D/B", NULL },
	{ OP_CHMOD, 0, 0, "D", NULL },
	{ OP_UTIMES, 0, 0, "A", NULL },
	{ OP_UTIMES, 0, 0, "D/B", NULL },
	{ OP_WRITE, W_FAR, 0, "A", NULL },
	{ OP_CREAT_MANY, 0, 0, "E/m", NULL },
	{ OP_RENAME, 0, 0, "A", "G/A" },
	{ OP_LINK, 0, 0, "A", "G/L" },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NOPS		((int)ARRAY_SIZE(ops))
#define NONE		(NOPS * NPERSIST)
#define ID_TWO		1000000L
#define ID_RANDOM	2000000L
#define ID_NOSYNC	1100000000L

static const char *const op_name[] = {
	"creat", "write", "truncate", "link", "unlink", "rename", "mkdir",
	"rmdir", "symlink", "chmod", "utimes", "creat-many"
};

static const char *const wvar_name[] = {
	"append", "overwrite", "extend", "hole", "unaligned", "far"
};

static const char *const tvar_name[] = { "down", "up", "mid-page" };

/* An operation made concrete against a model state. */
struct plan {
	int op;			/* index in ops[] */
	int persist;		/* P_*, or -1: none */
	int kind;
	char a[PATHLEN], b[PATHLEN];
	__s64 off, len;	/* write; truncate: len is the new size */
	int ida, idb;		/* identities of a and of b (before) */
	int newid;		/* created identity */
	char obj[PATHLEN];	/* what the persistence call is about */
	int objid;		/* its identity after the operation, or -1 */
	/* what the operation touched */
	__u64 tid[(MAXID + 63) / 64];	/* identities (bit mask) */
	int nkey;
	struct { __u8 dir; char name[NAMELEN]; } key[2];
};

struct workload {
	long id;
	int n;
	/* 1..n; n + 1 stands for the unmount (a sync of everything) */
	struct plan step[MAXSTEP + 2];
	struct model snap[MAXSTEP + 2];	/* 0: after set-up; i: after step i */
	int nev_snap[MAXSTEP + 2];
};

static const char *prog = "vpmfs_crash";

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/*
 * The byte a write leaves at file offset @o: an 8-byte word per aligned
 * offset, (identity + 1, write id, 0x5a, offset / 8 in 4 bytes, a check
 * byte), so a byte's origin can be read back from its word.
 */
static __u8 pat(int id, int e, __s64 o)
{
	__u32 w = (__u32)(o >> 3);
	__u8 b[8];
	int k;

	b[0] = (__u8)(id + 1);
	b[1] = (__u8)(e + 1);
	b[2] = 0x5a;
	b[3] = (__u8)w;
	b[4] = (__u8)(w >> 8);
	b[5] = (__u8)(w >> 16);
	b[6] = (__u8)(((unsigned int)e + 1) >> 8);
	b[7] = 0xc3;
	for (k = 0; k < 7; k++)
		b[7] ^= b[k];
	return b[o & 7];
}

/* ---- model helpers ---- */

static int find_ent(const struct model *m, int dir, const char *name)
{
	int i;

	for (i = 0; i < m->nent; i++)
		if (m->ent[i].dir == dir && !strcmp(m->ent[i].name, name))
			return i;
	return -1;
}

/* Split @path into its parent directory's identity and last name. */
static int resolve_parent(const struct model *m, const char *path,
			  const char **base)
{
	char comp[PATHLEN];
	const char *p = path, *slash;
	int dir = 0, e;

	while ((slash = strchr(p, '/'))) {
		snprintf(comp, sizeof(comp), "%.*s", (int)(slash - p), p);
		e = find_ent(m, dir, comp);
		if (e < 0 || m->id[m->ent[e].id].type != T_DIR)
			return -1;
		dir = m->ent[e].id;
		p = slash + 1;
	}
	*base = p;
	return dir;
}

static int resolve(const struct model *m, const char *path)
{
	const char *base;
	int dir, e;

	dir = resolve_parent(m, path, &base);
	if (dir < 0)
		return -1;
	e = find_ent(m, dir, base);
	return e < 0 ? -1 : m->ent[e].id;
}

static int nlinks(const struct model *m, int id)
{
	int i, n = 0;

	for (i = 0; i < m->nent; i++)
		n += m->ent[i].id == id;
	return n;
}

static int add_id(struct model *m, int type, int mode, const char *label)
{
	struct ident *x;

	if (m->nid >= MAXID)
		return -1;
	x = &m->id[m->nid];
	memset(x, 0, sizeof(*x));
	x->type = (__u8)type;
	x->alive = 1;
	x->mode = (__u16)mode;
	snprintf(x->label, sizeof(x->label), "%s", label);
	return m->nid++;
}

static void add_ent(struct model *m, int dir, const char *name, int id)
{
	struct ent *e = &m->ent[m->nent++];

	e->dir = (__u8)dir;
	e->id = (__u8)id;
	snprintf(e->name, sizeof(e->name), "%s", name);
}

static void del_ent(struct model *m, int i)
{
	m->ent[i] = m->ent[--m->nent];
}

static int add_ev(int id, int kind, __s64 off, __s64 len)
{
	if (nev_total >= MAXEV)
		die("too many writes");
	ev[nev_total].id = (__u8)id;
	ev[nev_total].kind = (__u8)kind;
	ev[nev_total].off = (__s32)off;
	ev[nev_total].len = (__s32)len;
	return nev_total++;
}

static void touch_id(struct plan *p, int id)
{
	if (id >= 0)
		p->tid[id / 64] |= 1ULL << (id % 64);
}

static void touch_key(struct plan *p, int dir, const char *name)
{
	p->key[p->nkey].dir = (__u8)dir;
	snprintf(p->key[p->nkey].name, NAMELEN, "%s", name);
	p->nkey++;
}

/* The state every workload starts from (the runner creates it). */
static void model_setup(struct model *m)
{
	int a, b, d;

	memset(m, 0, sizeof(*m));
	nev_total = 0;
	add_id(m, T_DIR, 0755, "/");
	a = add_id(m, T_REG, 0644, "A");
	d = add_id(m, T_DIR, 0755, "D");
	b = add_id(m, T_REG, 0644, "D/B");
	add_id(m, T_DIR, 0755, "E");
	add_ent(m, 0, "A", a);
	add_ent(m, 0, "D", d);
	add_ent(m, d, "B", b);
	add_ent(m, 0, "E", 4);
	/* A: a page, a hole, most of a page; B: a page and a bit */
	add_ev(a, EV_WRITE, 0, PG);
	add_ev(a, EV_WRITE, 2 * PG, 3808);
	m->id[a].size = 2 * PG + 3808;
	add_ev(b, EV_WRITE, 0, 5000);
	m->id[b].size = 5000;
	m->nev = nev_total;
}

/*
 * Make ops[@op] concrete against @m and apply it to @m.  Return -1 (and
 * leave @m alone) if it cannot run in this state.
 */
static int plan_apply(struct model *m, int op, int persist, struct plan *p)
{
	const struct opdef *d = &ops[op];
	const char *base, *bbase;
	int dir, bdir, id, vid, e, be;
	__s64 size;
	struct model save = *m;
	int save_nev = nev_total;

	memset(p, 0, sizeof(*p));
	p->op = op;
	p->persist = persist;
	p->kind = d->kind;
	p->newid = -1;
	p->objid = -1;
	snprintf(p->a, sizeof(p->a), "%s", d->a);
	if (d->b)
		snprintf(p->b, sizeof(p->b), "%s", d->b);
	dir = resolve_parent(m, d->a, &base);
	if (dir < 0)
		return -1;
	e = find_ent(m, dir, base);
	id = e < 0 ? -1 : m->ent[e].id;
	p->ida = id;
	p->idb = -1;
	snprintf(p->obj, sizeof(p->obj), "%s", d->a);

	switch (d->kind) {
	case OP_CREAT_MANY: {
		/* E/m00 .. E/m69: the directory grows by a block */
		char name[NAMELEN], full[12];
		int k, nid;

		if (dir < 0 || m->nent + NMANY > MAXENT ||
		    m->nid + NMANY > MAXID)
			return -1;
		for (k = 0; k < NMANY; k++) {
			snprintf(name, sizeof(name), "m%02d", k % 100);
			if (find_ent(m, dir, name) >= 0) {
				*m = save;
				return -1;
			}
			snprintf(full, sizeof(full), "%.8s%02d", d->a, k % 100);
			nid = add_id(m, T_REG, 0644, full);
			add_ent(m, dir, name, nid);
			touch_id(p, nid);
			if (k == NMANY - 1) {
				p->newid = nid;
				snprintf(p->obj, sizeof(p->obj), "%s", full);
			}
		}
		/* every name in the directory may have changed */
		touch_key(p, dir, "*");
		break;
	}
	case OP_CREAT:
	case OP_MKDIR:
	case OP_SYMLINK:
		if (id >= 0)
			return -1;
		if (d->kind == OP_CREAT)
			id = add_id(m, T_REG, 0644, d->a);
		else if (d->kind == OP_MKDIR)
			id = add_id(m, T_DIR, 0755, d->a);
		else
			id = add_id(m, T_LNK, 0777, d->a);
		if (id < 0 || m->nent >= MAXENT) {
			*m = save;
			return -1;
		}
		if (d->kind == OP_SYMLINK) {
			snprintf(m->id[id].target, sizeof(m->id[id].target), "%s",
				 d->b);
			m->id[id].size = (__s64)strlen(d->b);
			p->b[0] = '\0';
		}
		add_ent(m, dir, base, id);
		p->newid = id;
		touch_id(p, id);
		touch_key(p, dir, base);
		break;
	case OP_WRITE:
		if (id < 0 || m->id[id].type != T_REG)
			return -1;
		size = m->id[id].size;
		switch (d->var) {
		case W_APPEND:
			p->off = size;
			p->len = 3000;
			break;
		case W_OVER:
			p->off = 0;
			p->len = PG;
			break;
		case W_EXTEND:
			p->off = size + 6000;
			p->len = 2000;
			break;
		case W_HOLE:
			p->off = PG;
			p->len = PG;
			break;
		case W_FAR:
			p->off = 15 * PG;
			p->len = 8000;
			break;
		default:
			p->off = 1500;
			p->len = 5000;
			break;
		}
		if (p->off + p->len > MAXFILE)
			return -1;
		add_ev(id, EV_WRITE, p->off, p->len);
		if (p->off + p->len > size)
			m->id[id].size = p->off + p->len;
		touch_id(p, id);
		break;
	case OP_TRUNC:
		if (id < 0 || m->id[id].type != T_REG)
			return -1;
		size = m->id[id].size;
		p->len = d->var == TR_DOWN ? PG : d->var == TR_UP ? size + 9000 : 2500;
		if (p->len > MAXFILE)
			return -1;
		add_ev(id, EV_TRUNC, 0, p->len);
		m->id[id].size = p->len;
		touch_id(p, id);
		break;
	case OP_LINK:
		if (id < 0 || m->id[id].type != T_REG)
			return -1;
		bdir = resolve_parent(m, d->b, &bbase);
		if (bdir < 0 || find_ent(m, bdir, bbase) >= 0 || m->nent >= MAXENT)
			return -1;
		add_ent(m, bdir, bbase, id);
		touch_key(p, bdir, bbase);
		snprintf(p->obj, sizeof(p->obj), "%s", d->b);
		break;
	case OP_UNLINK:
	case OP_RMDIR:
		if (id < 0)
			return -1;
		if (d->kind == OP_UNLINK && m->id[id].type == T_DIR)
			return -1;
		if (d->kind == OP_RMDIR) {
			int i;

			if (m->id[id].type != T_DIR)
				return -1;
			for (i = 0; i < m->nent; i++)
				if (m->ent[i].dir == id)
					return -1;
		}
		del_ent(m, e);
		if (!nlinks(m, id)) {
			m->id[id].alive = 0;
			touch_id(p, id);
		}
		touch_key(p, dir, base);
		break;
	case OP_RENAME:
		if (id < 0)
			return -1;
		bdir = resolve_parent(m, d->b, &bbase);
		if (bdir < 0)
			return -1;
		/* a directory cannot move below itself */
		if (m->id[id].type == T_DIR) {
			int up = bdir, guard = 0;

			while (up != 0 && guard++ < MAXENT) {
				int i;

				if (up == id)
					return -1;
				for (i = 0; i < m->nent; i++)
					if (m->ent[i].id == up &&
					    m->id[up].type == T_DIR)
						break;
				if (i == m->nent)
					return -1;
				up = m->ent[i].dir;
			}
		}
		be = find_ent(m, bdir, bbase);
		vid = be < 0 ? -1 : m->ent[be].id;
		p->idb = vid;
		if (vid == id)
			return -1;
		if (vid >= 0) {
			int i;

			if (!(m->id[vid].type == T_DIR) != !(m->id[id].type == T_DIR))
				return -1;
			if (m->id[vid].type == T_DIR)
				for (i = 0; i < m->nent; i++)
					if (m->ent[i].dir == vid)
						return -1;
			del_ent(m, be);
			if (!nlinks(m, vid)) {
				m->id[vid].alive = 0;
				touch_id(p, vid);
			}
			e = find_ent(m, dir, base);
		}
		m->ent[e].dir = (__u8)bdir;
		snprintf(m->ent[e].name, NAMELEN, "%s", bbase);
		touch_key(p, dir, base);
		touch_key(p, bdir, bbase);
		snprintf(p->obj, sizeof(p->obj), "%s", d->b);
		break;
	case OP_CHMOD:
	case OP_UTIMES:
		if (id < 0 || m->id[id].type == T_LNK)
			return -1;
		if (d->kind == OP_CHMOD)
			m->id[id].mode ^= 0044;
		else if (m->id[id].type != T_REG)
			return -1;
		touch_id(p, id);
		break;
	}
	p->objid = resolve(m, p->obj);
	/* can the persistence call run? */
	switch (persist) {
	case -1:
	case P_SYNC:
		break;
	case P_FSYNC:
	case P_FDATASYNC:
		if (p->objid < 0 || m->id[p->objid].type == T_LNK ||
		    d->kind == OP_UNLINK || d->kind == OP_RMDIR)
			goto bad;
		break;
	case P_FSYNC_DIR:
		if (resolve_parent(m, p->obj, &base) < 0)
			goto bad;
		break;
	}
	m->nev = nev_total;
	return 0;
bad:
	*m = save;
	nev_total = save_nev;
	return -1;
}

/* ---- workloads ---- */

static __u64 rng;

static __u32 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (__u32)(rng >> 16);
}

/* Build workload @id (and its model snapshots); -1 if it is not valid. */
static int build(long id, struct workload *w)
{
	struct model m;
	int one[2], n = 0, i, k;

	w->id = id;
	w->n = 0;
	model_setup(&m);
	w->snap[0] = m;
	w->nev_snap[0] = nev_total;
	if (id >= 0 && id < NONE) {
		one[n++] = (int)id;
	} else if (id >= ID_TWO && id < ID_TWO + 1000L * 1000) {
		one[n++] = (int)((id - ID_TWO) / 1000);
		one[n++] = (int)((id - ID_TWO) % 1000);
		if (one[0] >= NONE || one[1] >= NONE)
			return -1;
	} else if (id >= ID_NOSYNC && id < ID_NOSYNC + 1000L * 1000) {
		/* an operation with no persistence call, then a one-op one */
		if (plan_apply(&m, (int)((id - ID_NOSYNC) / 1000), -1,
			       &w->step[1]))
			return -1;
		w->snap[1] = m;
		w->nev_snap[1] = nev_total;
		one[0] = (int)((id - ID_NOSYNC) % 1000);
		if (one[0] >= NONE ||
		    plan_apply(&m, one[0] / NPERSIST, one[0] % NPERSIST,
			       &w->step[2]))
			return -1;
		w->snap[2] = m;
		w->nev_snap[2] = nev_total;
		w->n = 2;
		goto unmount;
	} else if (id >= ID_RANDOM && id < ID_RANDOM + 1000000000L) {
		int len, tries;

		rng = 0x9e3779b97f4a7c15ULL ^ (__u64)(id - ID_RANDOM) * 0x2545f4914f6cdd1dULL;
		for (k = 0; k < 8; k++)
			rnd();
		len = 10 + (int)(rnd() % 41);
		for (i = 1; i <= len; i++) {
			for (tries = 0; tries < 500; tries++) {
				int op = (int)(rnd() % NOPS);
				int ps = rnd() % 3 ? -1 : (int)(rnd() % NPERSIST);

				if (!plan_apply(&m, op, ps, &w->step[i]))
					break;
			}
			if (tries == 500)
				break;
			w->snap[i] = m;
			w->nev_snap[i] = nev_total;
			w->n = i;
		}
		if (!w->n)
			return -1;
		goto unmount;
	} else {
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (plan_apply(&m, one[i] / NPERSIST, one[i] % NPERSIST,
			       &w->step[i + 1]))
			return -1;
		w->snap[i + 1] = m;
		w->nev_snap[i + 1] = nev_total;
	}
	w->n = n;
unmount:
	w->snap[w->n + 1] = w->snap[w->n];
	w->nev_snap[w->n + 1] = w->nev_snap[w->n];
	memset(&w->step[w->n + 1], 0, sizeof(w->step[0]));
	w->step[w->n + 1].persist = P_SYNC;
	w->step[w->n + 1].objid = -1;
	return 0;
}

static void describe_step(const struct plan *p, char *buf, size_t len)
{
	const struct opdef *d = &ops[p->op];
	char what[96];

	switch (d->kind) {
	case OP_WRITE:
		snprintf(what, sizeof(what), "write(%s, %s %lld+%lld)",
			 p->a, wvar_name[d->var], p->off, p->len);
		break;
	case OP_TRUNC:
		snprintf(what, sizeof(what), "truncate(%s, %s %lld)", p->a,
			 tvar_name[d->var], p->len);
		break;
	case OP_LINK:
	case OP_RENAME:
	case OP_SYMLINK:
		snprintf(what, sizeof(what), "%s(%s, %s)", op_name[d->kind],
			 d->kind == OP_SYMLINK ? d->b : p->a,
			 d->kind == OP_SYMLINK ? p->a : p->b);
		break;
	default:
		snprintf(what, sizeof(what), "%s(%s)", op_name[d->kind], p->a);
		break;
	}
	if (p->persist < 0) {
		snprintf(buf, len, "%s", what);
	} else if (p->persist == P_SYNC) {
		snprintf(buf, len, "%s; sync", what);
	} else if (p->persist == P_FSYNC_DIR) {
		const char *s = strrchr(p->obj, '/');

		snprintf(buf, len, "%s; fsync(%.*s)", what,
			 s ? (int)(s - p->obj) : 1, s ? p->obj : "/");
	} else {
		snprintf(buf, len, "%s; %s(%s)", what, persist_name[p->persist],
			 p->obj);
	}
}

static void describe(const struct workload *w, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 1; i <= w->n && used + 2 < len; i++) {
		describe_step(&w->step[i], buf + used, len - used);
		used = strlen(buf);
		if (i < w->n && used + 3 < len) {
			strcat(buf, "; ");
			used += 2;
		}
	}
}

static int cmd_ids(int argc, char **argv)
{
	struct workload *w = malloc(sizeof(*w));
	long *list, n = 0, i, k = -1;
	__u64 seed = 1;
	int all = 0, opt, a, b;

	if (!w || argc < 3)
		die("usage: ids one|two|nosync|random ...");
	list = malloc(sizeof(*list) * NONE * NONE);
	if (!list)
		die("out of memory");
	if (!strcmp(argv[2], "one")) {
		for (a = 0; a < NONE; a++)
			if (!build(a, w))
				printf("%d\n", a);
		return 0;
	}
	if (!strcmp(argv[2], "random")) {
		if (argc != 5)
			die("usage: ids random SEED COUNT");
		k = atol(argv[4]);
		for (i = 0; i < k; i++)
			printf("%ld\n", ID_RANDOM + atol(argv[3]) + i);
		return 0;
	}
	if (strcmp(argv[2], "two") && strcmp(argv[2], "nosync"))
		die("unknown tier %s", argv[2]);
	optind = 3;
	while ((opt = getopt(argc, argv, "ak:S:")) != -1) {
		switch (opt) {
		case 'a':
			all = 1;
			break;
		case 'k':
			k = atol(optarg);
			break;
		case 'S':
			seed = strtoull(optarg, NULL, 0);
			break;
		default:
			die("usage: ids two|nosync [-a] [-k K -S SEED]");
		}
	}
	if (!strcmp(argv[2], "nosync")) {
		/*
		 * A name made with no sync (mkdir, the directory grown by a
		 * block, a link), then a rename, link or unlink that gives an
		 * existing inode a name there or takes its other one away.
		 */
		for (a = 0; a < NOPS; a++) {
			int ka = ops[a].kind;

			if (ka != OP_MKDIR && ka != OP_CREAT_MANY && ka != OP_LINK)
				continue;
			for (b = 0; b < NONE; b++) {
				int kb = ops[b / NPERSIST].kind;

				if (kb != OP_RENAME && kb != OP_LINK && kb != OP_UNLINK)
					continue;
				if (!build(ID_NOSYNC + a * 1000L + b, w))
					list[n++] = ID_NOSYNC + a * 1000L + b;
			}
		}
		goto sample;
	}
	for (a = 0; a < NONE; a++) {
		/* core tier: fdatasync only as the last call */
		if (!all && (!ops[a / NPERSIST].core || a % NPERSIST == P_FDATASYNC))
			continue;
		if (build(a, w))
			continue;
		for (b = 0; b < NONE; b++) {
			if (!all && !ops[b / NPERSIST].core)
				continue;
			if (!build(ID_TWO + a * 1000L + b, w))
				list[n++] = ID_TWO + a * 1000L + b;
		}
	}
sample:
	if (k >= 0 && k < n) {
		/* a seeded sample, in id order */
		rng = seed * 0x9e3779b97f4a7c15ULL + 1;
		for (i = 0; i < k; i++) {
			long j = i + (long)(rnd() % (__u32)(n - i)), t = list[i];

			list[i] = list[j];
			list[j] = t;
		}
		n = k;
		for (i = 1; i < n; i++)
			for (a = (int)i; a > 0 && list[a - 1] > list[a]; a--) {
				long t = list[a];

				list[a] = list[a - 1];
				list[a - 1] = t;
			}
	}
	for (i = 0; i < n; i++)
		printf("%ld\n", list[i]);
	return 0;
}

static long parse_id(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		die("bad workload id %s", s);
	return v;
}

static int cmd_desc(int argc, char **argv)
{
	struct workload *w = malloc(sizeof(*w));
	static char buf[8192];
	int i;

	if (!w)
		die("out of memory");
	for (i = 2; i < argc; i++) {
		if (build(parse_id(argv[i]), w)) {
			printf("%s: not a valid workload\n", argv[i]);
			continue;
		}
		describe(w, buf, sizeof(buf));
		printf("%s: %s\n", argv[i], buf);
	}
	return 0;
}

/* ---- running ---- */

static int run_prog(char *const argv[], char *out, size_t outlen)
{
	posix_spawn_file_actions_t fa;
	int pfd[2], st;
	size_t used = 0;
	ssize_t r;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ))
		die("%s: cannot run", argv[0]);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	for (;;) {
		char junk[512];

		if (out && used + 1 < outlen)
			r = read(pfd[0], out + used, outlen - 1 - used);
		else
			r = read(pfd[0], junk, sizeof(junk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (out && used + 1 < outlen)
			used += (size_t)r;
	}
	if (out)
		out[used] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* `dmsetup message DMNAME 0 mark NAME`, through the DM ioctl. */
/* Suspend (@on) without freezing the file system, or resume, @name. */
static void dm_suspend(int fd, const char *name, int on)
{
	struct dm_ioctl io;

	memset(&io, 0, sizeof(io));
	io.version[0] = DM_VERSION_MAJOR;
	io.data_size = sizeof(io);
	io.data_start = sizeof(io);
	io.flags = on ? DM_SUSPEND_FLAG | DM_SKIP_LOCKFS_FLAG : 0;
	snprintf(io.name, sizeof(io.name), "%s", name);
	if (ioctl(fd, DM_DEV_SUSPEND, &io))
		die("%s: %s: %s", name, on ? "suspend" : "resume",
		    strerror(errno));
}

static void dm_mark(const char *dmname, const char *mark)
{
	static union {
		struct dm_ioctl io;
		char buf[16384];
	} u;
	struct dm_target_msg *msg;
	int fd;

	memset(&u, 0, sizeof(u));
	u.io.version[0] = DM_VERSION_MAJOR;
	u.io.data_size = sizeof(u);
	u.io.data_start = sizeof(struct dm_ioctl);
	snprintf(u.io.name, sizeof(u.io.name), "%s", dmname);
	msg = (struct dm_target_msg *)(u.buf + u.io.data_start);
	msg->sector = 0;
	snprintf(msg->message, 256, "mark %s", mark);
	fd = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("/dev/mapper/control: %s", strerror(errno));
	/*
	 * dm-log-writes logs the writes a flush covers when that flush
	 * completes: with a flush still in flight (writeback's, say) when
	 * ours returned, its writes would land after this mark although the
	 * device had them.  Suspending (no freeze of the file system: that
	 * would sync it) waits for every bio in flight, so the mark goes in
	 * after all of them.
	 */
	dm_suspend(fd, dmname, 1);
	if (ioctl(fd, DM_TARGET_MSG, &u.io))
		die("%s: mark %s: %s", dmname, mark, strerror(errno));
	dm_suspend(fd, dmname, 0);
	close(fd);
}

#define FULLPATH	512

static char mnt[128];

/* @out: FULLPATH bytes */
static void mpath(char *out, const char *rel)
{
	snprintf(out, FULLPATH, "%.127s/%.300s", mnt, rel);
}

static void xwrite(const char *rel, int id, int e, __s64 off, __s64 len)
{
	static __u8 buf[MAXFILE];
	char path[FULLPATH];
	__s64 i;
	int fd;

	for (i = 0; i < len; i++)
		buf[i] = pat(id, e, off + i);
	mpath(path, rel);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		die("open %s: %s", rel, strerror(errno));
	if (pwrite(fd, buf, (size_t)len, off) != len)
		die("write %s: %s", rel, strerror(errno));
	if (close(fd))
		die("close %s: %s", rel, strerror(errno));
}

static void sys_op(const struct plan *p, int e)
{
	char a[FULLPATH], b[FULLPATH];
	const struct opdef *d = &ops[p->op];
	struct timespec ts[2];
	struct stat st;
	int fd, r = 0;

	mpath(a, p->a);
	mpath(b, p->b);
	switch (p->kind) {
	case OP_CREAT:
		fd = open(a, O_CREAT | O_EXCL | O_WRONLY, 0644);
		r = fd < 0 ? -1 : close(fd);
		break;
	case OP_CREAT_MANY: {
		char f[FULLPATH + 4];
		int k;

		for (k = 0; k < NMANY && !r; k++) {
			snprintf(f, sizeof(f), "%s%02d", a, k % 100);
			fd = open(f, O_CREAT | O_EXCL | O_WRONLY, 0644);
			r = fd < 0 ? -1 : close(fd);
		}
		break;
	}
	case OP_WRITE:
		xwrite(p->a, p->ida, e, p->off, p->len);
		break;
	case OP_TRUNC:
		r = truncate(a, p->len);
		break;
	case OP_LINK:
		r = link(a, b);
		break;
	case OP_UNLINK:
		r = unlink(a);
		break;
	case OP_RENAME:
		r = rename(a, b);
		break;
	case OP_MKDIR:
		r = mkdir(a, 0755);
		break;
	case OP_RMDIR:
		r = rmdir(a);
		break;
	case OP_SYMLINK:
		r = symlink(d->b, a);
		break;
	case OP_CHMOD:
		r = lstat(a, &st);
		if (!r)
			r = chmod(a, (st.st_mode & 07777) ^ 0044);
		break;
	case OP_UTIMES:
		ts[0].tv_sec = 1000000000;
		ts[0].tv_nsec = 0;
		ts[1].tv_sec = 1000000000 + p->op;
		ts[1].tv_nsec = 0;
		r = utimensat(AT_FDCWD, a, ts, 0);
		break;
	}
	if (r)
		die("%s %s: %s", op_name[p->kind], p->a, strerror(errno));
}

static void sys_persist(const struct plan *p)
{
	char path[FULLPATH], obj[PATHLEN];
	char *s;
	int fd, r;

	if (p->persist < 0)
		return;
	if (p->persist == P_SYNC) {
		sync();
		return;
	}
	snprintf(obj, sizeof(obj), "%s", p->obj);
	if (p->persist == P_FSYNC_DIR) {
		s = strrchr(obj, '/');
		if (s)
			*s = '\0';
		else
			strcpy(obj, ".");
	}
	mpath(path, obj);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open %s: %s", obj, strerror(errno));
	r = p->persist == P_FDATASYNC ? fdatasync(fd) : fsync(fd);
	if (r)
		die("%s %s: %s", persist_name[p->persist], obj, strerror(errno));
	close(fd);
}

/* A path of a live identity in @m, "" for the root; -1 if unreachable. */
static int id_path(const struct model *m, int id, char *out)
{
	char tmp[PATHLEN];
	int i, guard = 0;

	out[0] = '\0';
	while (id != 0) {
		for (i = 0; i < m->nent; i++)
			if (m->ent[i].id == id)
				break;
		if (i == m->nent || guard++ > 16)
			return -1;
		if (out[0])
			snprintf(tmp, sizeof(tmp), "%s/%s", m->ent[i].name, out);
		else
			snprintf(tmp, sizeof(tmp), "%s", m->ent[i].name);
		memcpy(out, tmp, sizeof(tmp));
		id = m->ent[i].dir;
	}
	return 0;
}

/* Record inode numbers and mtimes of the live identities after step @i. */
static void record(FILE *f, const struct model *m, int i, long *ino)
{
	char rel[PATHLEN], path[FULLPATH];
	struct stat st;
	int id;

	for (id = 0; id < m->nid; id++) {
		if (!m->id[id].alive || id_path(m, id, rel))
			continue;
		mpath(path, rel);
		if (lstat(path, &st))
			die("stat %s: %s", rel[0] ? rel : "/", strerror(errno));
		if ((st.st_mode & 07777) != m->id[id].mode && m->id[id].type != T_LNK)
			die("%s: mode %o, the model says %o", rel,
			    st.st_mode & 07777, m->id[id].mode);
		if (ino[id] != (long)st.st_ino) {
			ino[id] = (long)st.st_ino;
			fprintf(f, "ino %d %ld\n", id, ino[id]);
		}
		fprintf(f, "mtime %d %d %lld\n", i, id, (long long)st.st_mtime);
	}
	fflush(f);
}

static int cmd_run(int argc, char **argv)
{
	struct workload *w = malloc(sizeof(*w));
	/* 160 inodes: a creat-many needs NMANY more than the set-up */
	char *const mkfs[] = { "mkfs.vpmfs", "-q", "-N", "160", argv[3], NULL };
	char opts[32], out[4096], name[16];
	long ino[MAXID];
	FILE *f;
	int i, e;

	if (argc != 8)
		die("usage: run ID DEV MNT DMNAME STATE COPY");
	if (!w)
		die("out of memory");
	if (build(parse_id(argv[2]), w))
		die("%s: not a valid workload", argv[2]);
	snprintf(mnt, sizeof(mnt), "%s", argv[4]);
	snprintf(opts, sizeof(opts), "copy=%s", argv[7]);
	f = fopen(argv[6], "w");
	if (!f)
		die("%s: %s", argv[6], strerror(errno));
	fprintf(f, "id %ld\ncopy %s\n", w->id, argv[7]);
	for (i = 0; i < MAXID; i++)
		ino[i] = -1;

	if (run_prog(mkfs, out, sizeof(out)))
		die("mkfs.vpmfs %s: %s", argv[3], out);
	if (mount(argv[3], mnt, "vpmfs", 0, opts))
		die("mount %s: %s", argv[3], strerror(errno));
	umask(0);
	/* the set-up: what model_setup() describes */
	{
		char p[FULLPATH];
		int fd;

		mpath(p, "D");
		if (mkdir(p, 0755))
			die("mkdir D: %s", strerror(errno));
		mpath(p, "E");
		if (mkdir(p, 0755))
			die("mkdir E: %s", strerror(errno));
		mpath(p, "A");
		fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0 || close(fd))
			die("creat A: %s", strerror(errno));
		mpath(p, "D/B");
		fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0 || close(fd))
			die("creat D/B: %s", strerror(errno));
		for (e = 0; e < w->nev_snap[0]; e++)
			xwrite(ev[e].id == 1 ? "A" : "D/B", ev[e].id, e,
			       ev[e].off, ev[e].len);
	}
	/*
	 * The set-up is not under test: sync, then flush the device's
	 * cache ourselves (fsync of the block device), whatever vpmfs's
	 * sync does, so that every crash point starts from it.
	 */
	sync();
	{
		int fd = open(argv[3], O_RDONLY | O_CLOEXEC);

		if (fd < 0 || fsync(fd))
			die("flush %s: %s", argv[3], strerror(errno));
		close(fd);
	}
	record(f, &w->snap[0], 0, ino);
	dm_mark(argv[5], "setup");
	for (i = 1; i <= w->n; i++) {
		snprintf(name, sizeof(name), "b%d", i);
		dm_mark(argv[5], name);
		sys_op(&w->step[i], w->nev_snap[i - 1]);
		sys_persist(&w->step[i]);
		if (w->step[i].persist >= 0) {
			snprintf(name, sizeof(name), "p%d", i);
			dm_mark(argv[5], name);
		}
		record(f, &w->snap[i], i, ino);
	}
	if (umount(mnt))
		die("umount %s: %s", mnt, strerror(errno));
	dm_mark(argv[5], "u");
	/*
	 * Flush, then mark "end": after this point everything is promised.
	 * Without the flush, removing the target would put the writes not
	 * yet flushed in front of marks its log thread has not written yet.
	 */
	{
		int fd = open(argv[3], O_RDONLY | O_CLOEXEC);

		if (fd < 0 || fsync(fd))
			die("flush %s: %s", argv[3], strerror(errno));
		close(fd);
	}
	dm_mark(argv[5], "end");
	fprintf(f, "end\n");
	if (fclose(f))
		die("%s: %s", argv[6], strerror(errno));
	return 0;
}

/* ---- checking ---- */

static struct workload *W;
static long st_ino[MAXID];
static long long rec_mtime[MAXSTEP + 2][MAXID];
static char copy_mode[16];
static int failures;
static char where[128];
static char wdesc[4096];

static void fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	if (failures > 6)
		return;
	printf("FAIL w%ld %s: ", W->id, where);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("  [copy=%s: %s]\n", copy_mode, wdesc);
}

static void load_state(const char *path)
{
	char line[256], mode[16];
	long id = -1, ino;
	long long t;
	int i, x, end = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	for (i = 0; i < MAXID; i++)
		st_ino[i] = -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "id %ld", &id) == 1)
			continue;
		if (sscanf(line, "copy %15s", mode) == 1) {
			snprintf(copy_mode, sizeof(copy_mode), "%s", mode);
			continue;
		}
		if (sscanf(line, "ino %d %ld", &x, &ino) == 2 && x >= 0 && x < MAXID) {
			st_ino[x] = ino;
			continue;
		}
		if (sscanf(line, "mtime %d %d %lld", &i, &x, &t) == 3 &&
		    i >= 0 && i <= MAXSTEP && x >= 0 && x < MAXID) {
			rec_mtime[i][x] = t;
			continue;
		}
		if (!strncmp(line, "end", 3))
			end = 1;
	}
	fclose(f);
	if (!end)
		die("%s: the run did not finish", path);
	W = malloc(sizeof(*W));
	if (!W || build(id, W))
		die("%s: workload %ld is not valid", path, id);
	describe(W, wdesc, sizeof(wdesc));
	memcpy(rec_mtime[W->n + 1], rec_mtime[W->n], sizeof(rec_mtime[0]));
}

/*
 * Which persistence points a mark says were passed, and how many
 * operations had started.  "setup": 0; "b<i>": i started, persistence
 * points before i passed; "p<i>": i started and passed; "u" or the
 * target's own end mark: everything, and the unmount's promise.
 */
static int mark_step(const char *mark, int *passed_self)
{
	*passed_self = 0;
	if (!mark[0])
		return -1;
	if (!strcmp(mark, "setup")) {
		*passed_self = 1;
		return 0;
	}
	/*
	 * "u" follows the unmount, whose last writes need not be flushed
	 * yet; the target's end mark follows every write (the device went
	 * away cleanly): only then is everything promised.
	 */
	if (!strcmp(mark, "u"))
		return W->n + 1;
	if (!strcmp(mark, "end") || !strcmp(mark, "dm-log-writes-end")) {
		*passed_self = 1;
		return W->n + 1;
	}
	if (mark[0] == 'b')
		return atoi(mark + 1);
	if (mark[0] == 'p') {
		*passed_self = 1;
		return atoi(mark + 1);
	}
	return 0;
}

/* What was found in the image. */
struct found {
	int seen;
	int kept;		/* an entry may be this identity (check_kept) */
	char path[256];
	struct stat st;
	__u8 *data;		/* regular files */
	char target[64];	/* symlinks */
	int tlen;
};

static struct found fnd[MAXID];

struct fent {
	int dir, id;
	char name[NAMELEN + 8];
};

static struct fent fents[256];
static int nfents;
static int smax;		/* last step whose effects may be in the image */

/* Identities that entry (@dir, @name) named at some step <= smax, with @ino and type. */
static int candidates(int dir, const char *name, long ino, int type, int *out)
{
	int n = 0, i, k, x, dup;

	for (i = 0; i <= smax && i <= W->n; i++) {
		const struct model *m = &W->snap[i];

		k = find_ent(m, dir, name);
		if (k < 0)
			continue;
		x = m->ent[k].id;
		if (st_ino[x] != ino || m->id[x].type != type)
			continue;
		for (dup = 0; dup < n; dup++)
			if (out[dup] == x)
				break;
		if (dup == n)
			out[n++] = x;
	}
	return n;
}

static int mode_type(mode_t mode)
{
	if (S_ISREG(mode))
		return T_REG;
	if (S_ISDIR(mode))
		return T_DIR;
	if (S_ISLNK(mode))
		return T_LNK;
	return T_NONE;
}

static void describe_word(const __u8 *data, __s64 size, __s64 o,
			  char *buf, size_t len)
{
	__s64 a = o & ~7LL;
	size_t used = 0;
	int k;

	used += (size_t)snprintf(buf, len, "word at %lld:", a);
	for (k = 0; k < 8 && a + k < size && used < len; k++)
		used += (size_t)snprintf(buf + used, len - used, " %02x", data[a + k]);
	if (a + 7 < size && data[a + 2] == 0x5a && data[a] && data[a] <= MAXID) {
		int id = data[a] - 1;
		__u32 off = (__u32)data[a + 3] | (__u32)data[a + 4] << 8 |
			       (__u32)data[a + 5] << 16;

		snprintf(buf + used, len - used,
			 " (written to %s, write %d, at offset %u)",
			 id < W->snap[W->n].nid ? W->snap[W->n].id[id].label : "?",
			 (data[a + 1] | data[a + 6] << 8) - 1, off << 3);
	}
}

/* Universal: every byte is zero or one the file had at that offset. */
static void check_bytes(const struct found *f, const int *cand, int ncand)
{
	__s64 o, size = f->st.st_size;
	int lim = W->nev_snap[smax > W->n ? W->n : smax];
	int e, c;
	char buf[160];

	for (o = 0; o < size; o++) {
		__u8 v = f->data[o];
		int ok = 0;

		if (!v)
			continue;
		for (e = lim - 1; e >= 0 && !ok; e--) {
			if (ev[e].kind != EV_WRITE || o < ev[e].off ||
			    o >= ev[e].off + ev[e].len)
				continue;
			for (c = 0; c < ncand; c++)
				if (ev[e].id == cand[c] && pat(cand[c], e, o) == v)
					ok = 1;
		}
		if (!ok) {
			describe_word(f->data, size, o, buf, sizeof(buf));
			fail("%s: byte %lld is %#x, never written there (%s)",
			     f->path, o, v, buf);
			return;
		}
	}
}

static void walk(int dir, const char *rel, int depth)
{
	char path[FULLPATH], sub[256];
	struct dirent *de;
	struct stat st;
	DIR *d;

	mpath(path, rel);
	d = opendir(path);
	if (!d) {
		fail("%s: opendir: %s", rel[0] ? rel : "/", strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		int cand[MAXID], n, type, x, c2;
		struct found *f;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%.120s%s%.100s", rel, rel[0] ? "/" : "",
			 de->d_name);
		mpath(path, sub);
		if (lstat(path, &st)) {
			fail("%s: lstat: %s", sub, strerror(errno));
			continue;
		}
		type = mode_type(st.st_mode);
		n = strlen(de->d_name) < NAMELEN ?
		    candidates(dir, de->d_name, (long)st.st_ino, type, cand) : 0;
		if (nfents < 256) {
			fents[nfents].dir = dir;
			fents[nfents].id = n ? cand[0] : -1;
			snprintf(fents[nfents].name, sizeof(fents[nfents].name),
				 "%s", de->d_name);
			nfents++;
		}
		if (!n) {
			fail("%s: inode %lu (mode %o) was never there", sub,
			     (unsigned long)st.st_ino, st.st_mode);
			continue;
		}
		/* (an inode number reused: each identity it was is found) */
		for (c2 = 1; c2 < n; c2++)
			if (!fnd[cand[c2]].seen)
				fnd[cand[c2]].kept = 1;
		x = cand[0];
		f = &fnd[x];
		if (!f->seen) {
			f->seen = 1;
			snprintf(f->path, sizeof(f->path), "%.250s", sub);
			f->st = st;
		}
		if (type == T_REG && !f->data) {
			__s64 mx = 0;
			int i, c, fd;

			for (i = 0; i <= smax && i <= W->n; i++)
				for (c = 0; c < n; c++)
					if (W->snap[i].id[cand[c]].size > mx)
						mx = W->snap[i].id[cand[c]].size;
			if (st.st_size > mx) {
				fail("%s: size %lld, never more than %lld", sub,
				     (long long)st.st_size, mx);
				continue;
			}
			f->data = calloc(1, (size_t)st.st_size + 1);
			fd = open(path, O_RDONLY);
			if (!f->data || fd < 0 ||
			    read(fd, f->data, (size_t)st.st_size) != st.st_size) {
				fail("%s: read: %s", sub, strerror(errno));
				if (fd >= 0)
					close(fd);
				continue;
			}
			close(fd);
			check_bytes(f, cand, n);
		} else if (type == T_LNK) {
			ssize_t r = readlink(path, f->target, sizeof(f->target) - 1);
			int c, ok = r == 0;

			f->tlen = r < 0 ? 0 : (int)r;
			f->target[f->tlen] = '\0';
			for (c = 0; c < n; c++)
				if (!strcmp(f->target, W->snap[W->n].id[cand[c]].target))
					ok = 1;
			if (!ok)
				fail("%s: symlink to \"%s\", never that", sub, f->target);
		} else if (type == T_DIR && depth < 8) {
			walk(x, sub, depth + 1);
		}
	}
	closedir(d);
}

/* Did a step in (@j, smax] touch identity @id / entry (@dir, @name)? */
static int touched_id(int j, int id)
{
	int i;

	for (i = j + 1; i <= smax && i <= W->n; i++)
		if (W->step[i].tid[id / 64] & (1ULL << (id % 64)))
			return 1;
	return 0;
}

static int touched_key(int j, int dir, const char *name)
{
	int i, k;

	for (i = j + 1; i <= smax && i <= W->n; i++)
		for (k = 0; k < W->step[i].nkey; k++)
			if (W->step[i].key[k].dir == dir &&
			    (!strcmp(W->step[i].key[k].name, name) ||
			     !strcmp(W->step[i].key[k].name, "*")))
				return 1;
	return 0;
}

static const char *plabel(int j)
{
	static char buf[PATHLEN + 32];

	if (j == 0)
		return "set-up sync";
	if (j > W->n)
		return "unmount";
	if (W->step[j].persist == P_SYNC) {
		snprintf(buf, sizeof(buf), "step %d sync", j);
	} else if (W->step[j].persist == P_FSYNC_DIR) {
		const char *sl = strrchr(W->step[j].obj, '/');

		snprintf(buf, sizeof(buf), "step %d fsync(%.*s)", j,
			 sl ? (int)(sl - W->step[j].obj) : 1,
			 sl ? W->step[j].obj : "/");
	} else {
		snprintf(buf, sizeof(buf), "step %d %s(%s)", j,
			 persist_name[W->step[j].persist], W->step[j].obj);
	}
	return buf;
}

/* Data and size of identity @id exactly as at snapshot @j. */
static void check_data(int j, int id)
{
	const struct model *m = &W->snap[j];
	const struct found *f = &fnd[id];
	static __u8 want[MAXFILE + PG];
	__s64 size = m->id[id].size, o, k;
	int e;
	char buf[160];

	if (f->st.st_size != size) {
		fail("%s: size %lld, promised %lld by %s", f->path,
		     (long long)f->st.st_size, size, plabel(j));
		return;
	}
	if (!f->data)
		return;
	memset(want, 0, (size_t)size);
	for (e = 0; e < W->nev_snap[j]; e++) {
		if (ev[e].id != id)
			continue;
		if (ev[e].kind == EV_TRUNC) {
			if (ev[e].len < MAXFILE)
				memset(want + ev[e].len, 0, (size_t)(MAXFILE - ev[e].len));
			continue;
		}
		for (k = 0; k < ev[e].len; k++)
			want[ev[e].off + k] = pat(id, e, ev[e].off + k);
	}
	for (o = 0; o < size; o++) {
		if (f->data[o] == want[o])
			continue;
		describe_word(f->data, size, o, buf, sizeof(buf));
		fail("%s: byte %lld is %#x, promised %#x by %s (%s)", f->path,
		     o, f->data[o], want[o], plabel(j), buf);
		return;
	}
}

/* Attributes of identity @id as at snapshot @j (@meta: mode, mtime too). */
static void check_inode(int j, int id, int data, int meta)
{
	const struct ident *x = &W->snap[j].id[id];
	const struct found *f = &fnd[id];

	if (!f->seen)
		return;		/* the entries say whether that is wrong */
	if (x->type == T_REG && data)
		check_data(j, id);
	else if (x->type == T_REG && f->st.st_size != x->size)
		fail("%s: size %lld, promised %lld by %s", f->path,
		     (long long)f->st.st_size, x->size, plabel(j));
	if (x->type == T_LNK && (f->st.st_size != x->size ||
				 (data && strcmp(f->target, x->target))))
		fail("%s: symlink \"%s\" (size %lld), promised \"%s\" by %s",
		     f->path, f->target, (long long)f->st.st_size, x->target,
		     plabel(j));
	if (meta && (f->st.st_mode & 07777) != x->mode)
		fail("%s: mode %o, promised %o by %s", f->path,
		     f->st.st_mode & 07777, x->mode, plabel(j));
	if (meta && x->type == T_REG && f->st.st_mtime != rec_mtime[j][id])
		fail("%s: mtime %lld, promised %lld by %s", f->path,
		     (long long)f->st.st_mtime, rec_mtime[j][id], plabel(j));
}

static int found_ent(int dir, const char *name)
{
	int i;

	for (i = 0; i < nfents; i++)
		if (fents[i].dir == dir && !strcmp(fents[i].name, name))
			return i;
	return -1;
}

/* The entries of directory @dir exactly as at snapshot @j. */
static void check_dir(int j, int dir, int inodes)
{
	const struct model *m = &W->snap[j];
	int i, k, x;

	if (dir != 0 && !fnd[dir].seen)
		return;
	for (i = 0; i < m->nent; i++) {
		if (m->ent[i].dir != dir || touched_key(j, dir, m->ent[i].name))
			continue;
		x = m->ent[i].id;
		k = found_ent(dir, m->ent[i].name);
		if (k < 0) {
			fail("%s%s%s missing, promised by %s", fnd[dir].path,
			     dir ? "/" : "", m->ent[i].name, plabel(j));
			continue;
		}
		if (fents[k].id != x) {
			fail("%s%s%s names the wrong inode, promised by %s",
			     fnd[dir].path, dir ? "/" : "", m->ent[i].name, plabel(j));
			continue;
		}
		if (inodes && !touched_id(j, x))
			check_inode(j, x, 0, 0);
	}
	for (k = 0; k < nfents; k++) {
		if (fents[k].dir != dir || find_ent(m, dir, fents[k].name) >= 0 ||
		    touched_key(j, dir, fents[k].name))
			continue;
		fail("%s%s%s exists, but not as promised by %s", fnd[dir].path,
		     dir ? "/" : "", fents[k].name, plabel(j));
	}
}

/* The names of @id made since set-up that it has at @j. */
static void check_new_names(int j, int id)
{
	const struct model *m = &W->snap[j];
	int i, k;

	for (i = 0; i < m->nent; i++) {
		const struct ent *e = &m->ent[i];

		if (e->id != id || touched_key(j, e->dir, e->name))
			continue;
		k = find_ent(&W->snap[0], e->dir, e->name);
		if (k >= 0 && W->snap[0].ent[k].id == id)
			continue;
		k = found_ent(e->dir, e->name);
		if (k < 0 || fents[k].id != id)
			fail("%s%s%s: %s after %s", fnd[e->dir].path,
			     e->dir ? "/" : "", e->name,
			     k < 0 ? "missing" : "wrong inode", plabel(j));
	}
}

static void check_promise(int j)
{
	const struct model *m = &W->snap[j];
	int sync_like = j == 0 || W->step[j].persist == P_SYNC;
	int id, obj;

	if (sync_like) {
		for (id = 0; id < m->nid; id++) {
			if (!m->id[id].alive || touched_id(j, id))
				continue;
			if (m->id[id].type == T_DIR)
				check_dir(j, id, 0);
			check_inode(j, id, 1, 1);
		}
		return;
	}
	obj = W->step[j].objid;
	switch (W->step[j].persist) {
	case P_FSYNC:
	case P_FDATASYNC:
		if (obj < 0 || touched_id(j, obj))
			break;
		if (m->id[obj].type == T_DIR) {
			check_dir(j, obj, 1);
			break;
		}
		check_inode(j, obj, 1, W->step[j].persist == P_FSYNC);
		check_new_names(j, obj);
		break;
	case P_FSYNC_DIR: {
		const char *base;
		int dir = resolve_parent(m, W->step[j].obj, &base);

		if (dir >= 0)
			check_dir(j, dir, 1);
		break;
	}
	}
}

/*
 * Without a promise about its names, an object is still never lost: one
 * the set-up or the last sync passed (@hi) left on disk, and that had a
 * name at every step whose effects may be in the image, is found under
 * one of those names (a rename that reached the disk only in part leaves
 * the old name, the new one or both).
 */
static void check_kept(int hi)
{
	char rel[PATHLEN];
	int p = 0, j, id;

	for (j = 1; j <= hi && j <= W->n; j++)
		if (W->step[j].persist == P_SYNC)
			p = j;
	for (id = 1; id < W->snap[p].nid; id++) {
		if (!W->snap[p].id[id].alive || fnd[id].seen || fnd[id].kept)
			continue;
		for (j = p; j <= smax; j++)
			if (!W->snap[j].id[id].alive)
				break;
		if (j <= smax)
			continue;
		if (id_path(&W->snap[p], id, rel))
			snprintf(rel, sizeof(rel), "#%d", id);
		fail("%s: lost: it had a name at every step since %s",
		     rel, p ? "the last sync" : "the set-up");
	}
}

static int cmd_check(int argc, char **argv)
{
	char *fsck[4] = { "fsck.vpmfs", "-n" };	/* [2]: the device, below */
	static char out[8192];
	const char *mark, *wmark, *entry, *kind;
	char opts[32];
	int rc, rc2, passed, self, j, hi, id;

	if (argc != 5)
		die("usage: check STATE DEV MNT");
	load_state(argv[2]);
	snprintf(mnt, sizeof(mnt), "%s", argv[4]);
	mark = getenv("LOGREPLAY_MARK");
	wmark = getenv("LOGREPLAY_WMARK");
	entry = getenv("LOGREPLAY_ENTRY");
	kind = getenv("LOGREPLAY_KIND");
	if (!mark || !wmark)
		die("LOGREPLAY_MARK and LOGREPLAY_WMARK are not set");
	snprintf(where, sizeof(where), "entry %s (%s, after mark %s)",
		 entry ? entry : "?", kind ? kind : "?", mark[0] ? mark : "-");
	passed = mark_step(mark, &self);
	hi = passed;			/* last persistence point passed */
	if (!self)
		hi--;
	smax = mark_step(wmark, &self);
	if (smax < hi)
		smax = hi;
	if (smax > W->n)
		smax = W->n;
	if (smax < 0)
		smax = 0;

	/* fsck: -n, and if that is not clean, -y then -n */
	fsck[2] = argv[3];
	rc = run_prog(fsck, out, sizeof(out));
	if (rc) {
		fsck[1] = "-y";
		rc = run_prog(fsck, out, sizeof(out));
		if (rc != 0 && rc != 1) {
			fail("fsck.vpmfs -y exit %d: %.300s", rc, out);
			return 1;
		}
		{
			/* what fsck repaired, beyond the unclean state */
			char *l = out, *nl;

			for (; *l; l = nl + 1) {
				nl = strchr(l, '\n');
				if (!nl)
					break;
				*nl = '\0';
				if (strstr(l, "not cleanly unmounted") ||
				    strstr(l, "problems fixed"))
					continue;
				printf("REPAIR w%ld %s: %s  [copy=%s: %s]\n", W->id,
				       where, l, copy_mode, wdesc);
			}
		}
		fsck[1] = "-n";
		rc2 = run_prog(fsck, out, sizeof(out));
		if (rc2) {
			fail("fsck.vpmfs -n after -y: exit %d: %.300s", rc2, out);
			return 1;
		}
	}
	snprintf(opts, sizeof(opts), "copy=%s", copy_mode);
	if (mount(argv[3], mnt, "vpmfs", MS_RDONLY, opts)) {
		fail("mount: %s", strerror(errno));
		return 1;
	}
	fnd[0].seen = 1;
	fnd[0].path[0] = '\0';
	if (lstat(mnt, &fnd[0].st))
		die("%s: %s", mnt, strerror(errno));
	walk(0, "", 0);
	/* promises: set-up, each persistence point passed, the unmount */
	for (j = 0; j <= hi && j <= W->n + 1; j++) {
		if (j > 0 && j <= W->n && W->step[j].persist < 0)
			continue;
		check_promise(j);
	}
	check_kept(hi);
	if (umount(mnt))
		die("umount %s: %s", mnt, strerror(errno));
	for (id = 0; id < MAXID; id++)
		free(fnd[id].data);
	if (failures > 6)
		printf("FAIL w%ld %s: ... %d failures in all\n", W->id, where,
		       failures);
	return failures ? 1 : 0;
}

/* ---- batch: many workloads, no shell in between ---- */

static int dm_ioctl_cmd(unsigned long cmd, const char *name, const char *table,
			__u64 sectors, __u64 *dev)
{
	static union {
		struct dm_ioctl io;
		char buf[16384];
	} u;
	struct dm_target_spec *sp;
	int fd, r;

	memset(&u, 0, sizeof(u));
	u.io.version[0] = DM_VERSION_MAJOR;
	u.io.data_size = sizeof(u);
	u.io.data_start = sizeof(struct dm_ioctl);
	snprintf(u.io.name, sizeof(u.io.name), "%s", name);
	if (table) {
		size_t plen = strlen(table) + 1;

		u.io.target_count = 1;
		sp = (struct dm_target_spec *)(u.buf + u.io.data_start);
		sp->sector_start = 0;
		sp->length = sectors;
		snprintf(sp->target_type, sizeof(sp->target_type), "log-writes");
		memcpy(sp + 1, table, plen);
		sp->next = (__u32)((sizeof(*sp) + plen + 7) & ~7UL);
	}
	fd = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("/dev/mapper/control: %s", strerror(errno));
	r = ioctl(fd, cmd, &u.io);
	close(fd);
	if (!r && dev)
		*dev = u.io.dev;
	return r;
}

/*
 * `dmsetup create NAME --table "0 SECTORS log-writes DATA LOG"` and a
 * device node /dev/mapper/NAME (there is no udev in the test VM).
 */
static void dm_create(const char *name, const char *data, const char *log,
		      __u64 sectors)
{
	char table[512], node[128];
	__u64 dev = 0;

	snprintf(table, sizeof(table), "%s %s", data, log);
	if (dm_ioctl_cmd(DM_DEV_CREATE, name, NULL, 0, &dev))
		die("create %s: %s", name, strerror(errno));
	if (dm_ioctl_cmd(DM_TABLE_LOAD, name, table, sectors, NULL))
		die("load %s (log-writes %s): %s", name, table, strerror(errno));
	if (dm_ioctl_cmd(DM_DEV_SUSPEND, name, NULL, 0, &dev))
		die("resume %s: %s", name, strerror(errno));
	snprintf(node, sizeof(node), "/dev/mapper/%s", name);
	unlink(node);
	if (mknod(node, S_IFBLK | 0600, (dev_t)dev))
		die("mknod %s: %s", node, strerror(errno));
}

static void dm_remove(const char *name)
{
	char node[128];

	snprintf(node, sizeof(node), "/dev/mapper/%s", name);
	unlink(node);
	if (dm_ioctl_cmd(DM_DEV_REMOVE, name, NULL, 0, NULL))
		die("remove %s: %s", name, strerror(errno));
}

/* Zero the log's super block, so that a log that never started is empty. */
static void zero_log(const char *log)
{
	void *buf;
	int fd;

	if (posix_memalign(&buf, 4096, 4096))
		die("out of memory");
	memset(buf, 0, 4096);
	fd = open(log, O_WRONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0 || pwrite(fd, buf, 4096, 0) != 4096 || fsync(fd))
		die("zero %s: %s", log, strerror(errno));
	close(fd);
	free(buf);
}

static int cmd_batch(int argc, char **argv)
{
	const char *dmname = "crashlw", *dir = "/tmp/crash";
	char node[128], state[160], replay[160], cmnt[160], rmnt[160];
	char line[64], ns[16], desc[4096];
	static char out[1 << 16];
	unsigned long nw = 0, np = 0, nf = 0, nfw = 0;
	int opt, nsample = 1, verbose = 0, drop = 0, fd;
	const char *data, *log, *scratch, *mode;
	struct workload *w = malloc(sizeof(*w));
	__u64 sectors = 2048;
	time_t t0 = time(NULL);
	FILE *flog;

	optind = 2;
	while ((opt = getopt(argc, argv, "s:vDd:n:")) != -1) {
		switch (opt) {
		case 'n':
			dmname = optarg;
			break;
		case 'D':
			drop = 1;
			break;
		case 's':
			nsample = atoi(optarg);
			break;
		case 'v':
			verbose = 1;
			break;
		case 'd':
			dir = optarg;
			break;
		default:
			die("usage: batch [-s N] [-D] [-v] [-d DIR] [-n DMNAME] %s",
			    "DATA LOG SCRATCH MODE < IDS");
		}
	}
	if (argc - optind != 4 || !w)
		die("usage: batch [-s N] [-D] [-v] [-d DIR] [-n DMNAME] %s",
		    "DATA LOG SCRATCH MODE < IDS");
	data = argv[optind];
	log = argv[optind + 1];
	scratch = argv[optind + 2];
	mode = argv[optind + 3];
	snprintf(node, sizeof(node), "/dev/mapper/%s", dmname);
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(replay, sizeof(replay), "%s/replay.img", dir);
	snprintf(rmnt, sizeof(rmnt), "%s/mnt", dir);
	snprintf(cmnt, sizeof(cmnt), "%s/check", dir);
	snprintf(ns, sizeof(ns), "%d", nsample);
	mkdir(dir, 0755);
	mkdir(rmnt, 0755);
	mkdir(cmnt, 0755);
	snprintf(desc, sizeof(desc), "%s/failures", dir);
	flog = fopen(desc, "a");
	if (!flog)
		die("%s: %s", desc, strerror(errno));

	while (fgets(line, sizeof(line), stdin)) {
		char *const runargv[] = { "vpmfs_crash", "run", line, node, rmnt,
				    (char *)dmname, state, (char *)mode, NULL };
		/* (-d last among the options: dropped if not asked for) */
		char *const replayargv[] = { "vpmfs_logreplay", "run", "-s", ns, "-f",
				       "setup", "-C", (char *)scratch,
				       drop ? "-d" : "-s", drop ? "-d" : ns,
				       (char *)log, replay, "--", "vpmfs_crash",
				       "check", state, (char *)scratch, cmnt,
				       NULL };
		unsigned long p = 0, f = 0;
		int rc, shown = 0;
		char *l, *nl;

		line[strcspn(line, "\n ")] = '\0';
		if (!line[0])
			continue;
		if (build(parse_id(line), w)) {
			fprintf(flog, "SKIP w%s: not a valid workload\n", line);
			continue;
		}
		describe(w, desc, sizeof(desc));
		nw++;
		zero_log(log);
		dm_create(dmname, data, log, sectors);
		rc = run_prog(runargv, out, sizeof(out));
		if (rc)
			umount(rmnt);
		dm_remove(dmname);
		if (rc) {
			fprintf(flog, "RUN w%s copy=%s: exit %d: %s", line, mode, rc, out);
			printf("# w%s copy=%s: the run failed (exit %d): %s: %s", line,
			       mode, rc, desc, out);
			nf++;
			nfw++;
			continue;
		}
		fd = open(replay, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0 || ftruncate(fd, (off_t)(sectors * 512)) || close(fd))
			die("%s: %s", replay, strerror(errno));
		rc = run_prog(replayargv, out, sizeof(out));
		for (l = out; *l; l = nl + 1) {
			nl = strchr(l, '\n');
			if (!nl)
				break;
			*nl = '\0';
			if (sscanf(l, "points %lu failures %lu", &p, &f) == 2)
				continue;
			fprintf(flog, "%s\n", l);
			if (!strncmp(l, "FAIL ", 5) && (verbose || shown++ < 3))
				printf("%s\n", l);
		}
		if (rc && !f) {
			fprintf(flog, "REPLAY w%s copy=%s: exit %d\n", line, mode, rc);
			f = 1;
		}
		np += p;
		nf += f;
		if (f) {
			char lpath[200];
			char *const listargv[] = { "vpmfs_logreplay", "list",
					     (char *)log, NULL };
			FILE *lf;

			nfw++;
			printf("# w%s copy=%s: %lu crash points, %lu failed: %s\n",
			       line, mode, p, f, desc);
			/* the evidence: the log is reused by the next workload */
			snprintf(lpath, sizeof(lpath), "%s/w%s.log-list", dir, line);
			lf = fopen(lpath, "w");
			if (lf) {
				run_prog(listargv, out, sizeof(out));
				fputs(out, lf);
				fclose(lf);
			}
		} else if (nw % 25 == 0) {
			printf("# copy=%s: %lu workloads, %lu crash points, %lu failures, %ld s\n",
			       mode, nw, np, nf, (long)(time(NULL) - t0));
		}
		fflush(flog);
	}
	fclose(flog);
	printf("# copy=%s: workloads %lu, crash points %lu, failures %lu %s%lu%s, %ld s\n",
	       mode, nw, np, nf, "(in ", nfw, " workloads)",
	       (long)(time(NULL) - t0));
	printf("workloads %lu, crash points %lu, failures %lu (in %lu workloads)\n",
	       nw, np, nf, nfw);
	return nf ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "ids"))
		return cmd_ids(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "desc"))
		return cmd_desc(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "check"))
		return cmd_check(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "batch"))
		return cmd_batch(argc, argv);
	fprintf(stderr,
		"usage: vpmfs_crash ids one | two [-a] [-k K -S SEED] | random SEED COUNT\n"
		"       vpmfs_crash desc ID...\n"
		"       vpmfs_crash run ID DEV MNT DMNAME STATE COPY\n"
		"       vpmfs_crash check STATE DEV MNT\n");
	return 2;
}
