// SPDX-License-Identifier: GPL-2.0
/*
 * fsck.vpmfs - check and repair a vpmfs file system.
 *
 * fsck.vpmfs [-n|-y|-p|-a] [-f] [-v] [-C FD] DEVICE
 *
 * Exit status (fsck(8)): 0 clean, 1 errors corrected, 4 errors left
 * uncorrected, 8 operational error, 16 usage error.  fsck(8) passes the
 * options it does not know itself (-a, -p, -n, -y, -f, -v) on to
 * fsck.vpmfs; it passes -C only to ext2/3/4, so -C is accepted (for
 * e2fsck habits) and ignored: there is no progress bar.
 */
#include <getopt.h>
#include <stdarg.h>
#include "vpm/vpmfs_user.h"

#define EXIT_CLEAN	0
#define EXIT_FIXED	1
#define EXIT_UNFIXED	4
#define EXIT_OPERR	8
#define EXIT_USAGE	16

static int fd = -1;
static int repair;		/* -y / -p */
static int verbose;
static unsigned long problems, fixed;

static struct vpmfs_super_block sb;
static struct vpmfs_layout lay;
static __u32 nblocks, ninodes;
static struct vpmfs_inode *itab;	/* the whole inode table */
static __u8 *ibitmap, *bbitmap;	/* as on disk */
static __u32 *owner;		/* owning inode of each block, 0 = none */
static __u32 *links;		/* directory entries naming each inode */
static __u32 *parent;		/* parent directory found by the walk */
static __u8 *reached;		/* inode reached from the root */
static __u8 *cleared;		/* inode cleared by this run */
static int itab_dirty;

static void operr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "fsck.vpmfs: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(EXIT_OPERR);
}

/* Report a problem; returns 1 if it is to be repaired. */
static int problem(const char *fmt, ...)
{
	va_list ap;

	problems++;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (repair) {
		fixed++;
		printf(": fixed\n");
		return 1;
	}
	printf(": not fixed\n");
	return 0;
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p)
		operr("out of memory");
	return p;
}

static void rd(__u32 blk, void *buf)
{
	if (vpmfs_read_block(fd, blk, buf))
		operr("read error at block %u: %s", blk, strerror(errno));
}

static void wr(__u32 blk, const void *buf)
{
	if (vpmfs_write_block(fd, blk, buf))
		operr("write error at block %u: %s", blk, strerror(errno));
}

static int valid_data(__u32 b)
{
	return b >= lay.data_start && b < nblocks;
}

static void clear_inode(__u32 ino)
{
	memset(&itab[ino], 0, sizeof(itab[ino]));
	cleared[ino] = 1;
	itab_dirty = 1;
}

/* Forget which blocks an inode owns (it is cleared, or checked again). */
static void release_blocks(__u32 ino)
{
	__u32 b;

	for (b = 0; b < nblocks; b++)
		if (owner[b] == ino)
			owner[b] = 0;
}

/* ---- pass 0: superblock ---- */

static void check_super(void)
{
	static __u8 buf[VPMFS_BLOCK_SIZE];
	long long devsz = vpmfs_dev_size(fd);

	rd(0, buf);
	memcpy(&sb, buf, sizeof(sb));
	if (le32(sb.s_magic) != VPMFS_MAGIC)
		operr("bad magic number: not a vpmfs file system");
	if (le32(sb.s_version) != VPMFS_VERSION)
		operr("unsupported version %u", le32(sb.s_version));
	if (le32(sb.s_feature_incompat) & ~VPMFS_FEATURE_INCOMPAT_SUPP)
		operr("unsupported features 0x%x", le32(sb.s_feature_incompat));
	if (le32(sb.s_block_size) != VPMFS_BLOCK_SIZE)
		operr("unsupported block size %u", le32(sb.s_block_size));
	nblocks = le32(sb.s_blocks_count);
	ninodes = le32(sb.s_inodes_count);
	if (vpmfs_compute_layout(nblocks, ninodes, &lay))
		operr("bad block or inode count (%u, %u)", nblocks, ninodes);
	if (devsz >= 0 && (unsigned long long)devsz / VPMFS_BLOCK_SIZE < nblocks)
		operr("file system (%u blocks) is larger than the device", nblocks);
	if (le32(sb.s_ibitmap_start) != lay.ibitmap_start ||
	    le32(sb.s_ibitmap_blocks) != lay.ibitmap_blocks ||
	    le32(sb.s_bbitmap_start) != lay.bbitmap_start ||
	    le32(sb.s_bbitmap_blocks) != lay.bbitmap_blocks ||
	    le32(sb.s_itable_start) != lay.itable_start ||
	    le32(sb.s_itable_blocks) != lay.itable_blocks ||
	    le32(sb.s_data_start) != lay.data_start) {
		if (problem("superblock: metadata layout fields are inconsistent")) {
			sb.s_ibitmap_start = cle32(lay.ibitmap_start);
			sb.s_ibitmap_blocks = cle32(lay.ibitmap_blocks);
			sb.s_bbitmap_start = cle32(lay.bbitmap_start);
			sb.s_bbitmap_blocks = cle32(lay.bbitmap_blocks);
			sb.s_itable_start = cle32(lay.itable_start);
			sb.s_itable_blocks = cle32(lay.itable_blocks);
			sb.s_data_start = cle32(lay.data_start);
		}
	}
	if (le32(sb.s_root_ino) != VPMFS_ROOT_INO &&
	    problem("superblock: bad root inode number %u", le32(sb.s_root_ino)))
		sb.s_root_ino = cle32(VPMFS_ROOT_INO);
	if (le32(sb.s_checksum) != vpmfs_sb_csum(&sb))
		problem("superblock: checksum mismatch");
	if (le32(sb.s_state) & ~(VPMFS_STATE_CLEAN | VPMFS_STATE_ERROR) &&
	    problem("superblock: bad state 0x%x", le32(sb.s_state)))
		sb.s_state = cle32(le32(sb.s_state) & VPMFS_STATE_CLEAN);
	if (verbose)
		printf("%u blocks, %u inodes, data from block %u\n",
		       nblocks, ninodes, lay.data_start);
}

static void load_tables(void)
{
	__u32 b;

	itab = xcalloc((size_t)lay.itable_blocks, VPMFS_BLOCK_SIZE);
	for (b = 0; b < lay.itable_blocks; b++)
		rd(lay.itable_start + b, (__u8 *)itab + (size_t)b * VPMFS_BLOCK_SIZE);
	ibitmap = xcalloc(lay.ibitmap_blocks, VPMFS_BLOCK_SIZE);
	for (b = 0; b < lay.ibitmap_blocks; b++)
		rd(lay.ibitmap_start + b, ibitmap + (size_t)b * VPMFS_BLOCK_SIZE);
	bbitmap = xcalloc(lay.bbitmap_blocks, VPMFS_BLOCK_SIZE);
	for (b = 0; b < lay.bbitmap_blocks; b++)
		rd(lay.bbitmap_start + b, bbitmap + (size_t)b * VPMFS_BLOCK_SIZE);
	owner = xcalloc(nblocks, sizeof(*owner));
	links = xcalloc(ninodes, sizeof(*links));
	parent = xcalloc(ninodes, sizeof(*parent));
	reached = xcalloc(ninodes, 1);
	cleared = xcalloc(ninodes, 1);
}

/* ---- pass 1: inodes and their block maps ---- */

static int has_blocks(__u16 mode)
{
	return S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode);
}

/*
 * Claim one block pointer of inode @ino for file block @fblk (or for an
 * indirect block when @fblk is ~0).  Returns 0 to keep the pointer, 1 if
 * it must be cleared.
 */
static int claim(__u32 ino, __u32 b, __u64 fblk, __u64 limit, __u32 *count)
{
	if (!valid_data(b))
		return problem("inode %u: block pointer %u out of range", ino, b) ? 1 : 0;
	if (owner[b])
		return problem("inode %u: block %u is also used by inode %u",
			       ino, b, owner[b]) ? 1 : 0;
	if (fblk != ~0ULL && fblk >= limit)
		return problem("inode %u: block %u mapped past the end of the file",
			       ino, b) ? 1 : 0;
	owner[b] = ino;
	(*count)++;
	return 0;
}

/* Walk an indirect block at @depth (1: data pointers, 2: indirect). */
static int walk_ind(__u32 ino, __u32 blk, int depth, __u64 first, __u64 limit,
		    __u32 *count)
{
	__le32 ptr[VPMFS_PTRS_PER_BLOCK];
	__u64 span = depth == 2 ? VPMFS_PTRS_PER_BLOCK : 1;
	int i, dirty = 0, used = 0;

	rd(blk, ptr);
	for (i = 0; i < (int)VPMFS_PTRS_PER_BLOCK; i++) {
		__u32 b = le32(ptr[i]);
		__u64 fb = first + i * span;

		if (!b)
			continue;
		if (depth == 2) {
			if (fb >= limit) {
				if (problem("inode %u: indirect block %u past the end of the file",
					    ino, b)) {
					ptr[i] = 0;
					dirty = 1;
				}
				if (!repair && valid_data(b) && !owner[b]) {
					owner[b] = ino;
					(*count)++;
				}
				continue;
			}
			if (claim(ino, b, ~0ULL, limit, count)) {
				ptr[i] = 0;
				dirty = 1;
				continue;
			}
			/* an empty indirect block is allowed */
			walk_ind(ino, b, 1, fb, limit, count);
			used = 1;
		} else {
			if (claim(ino, b, fb, limit, count)) {
				ptr[i] = 0;
				dirty = 1;
				continue;
			}
			used = 1;
		}
	}
	if (dirty)
		wr(blk, ptr);
	return used;
}

static void check_inode(__u32 ino)
{
	struct vpmfs_inode *in = &itab[ino];
	__u16 mode = le16(in->i_mode);
	__u64 size = le64(in->i_size), limit;
	__u32 count = 0, b;
	int i;

	switch (mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFLNK:
	case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		break;
	default:
		if (problem("inode %u: bad file type 0%o", ino, mode))
			clear_inode(ino);
		else
			cleared[ino] = 1;	/* ignore it from now on */
		return;
	}
	if (!le16(in->i_links) && ino != VPMFS_ROOT_INO) {
		/* deleted but not freed (e.g. open when the system stopped) */
		if (problem("inode %u: in use with no links", ino))
			clear_inode(ino);
		else
			cleared[ino] = 1;
		return;
	}
	if (le32(in->i_flags) && problem("inode %u: reserved flags set", ino)) {
		in->i_flags = 0;
		itab_dirty = 1;
	}
	if (S_ISREG(mode) && size > VPMFS_MAX_FILE_SIZE &&
	    problem("inode %u: size %llu too large", ino, (unsigned long long)size)) {
		size = VPMFS_MAX_FILE_SIZE;
		in->i_size = cle64(size);
		itab_dirty = 1;
	}
	if (S_ISDIR(mode) && (size % VPMFS_BLOCK_SIZE || !size ||
			      size > VPMFS_MAX_FILE_SIZE) &&
	    problem("directory %u: bad size %llu", ino, (unsigned long long)size)) {
		size = size > VPMFS_MAX_FILE_SIZE ? VPMFS_BLOCK_SIZE :
		       size / VPMFS_BLOCK_SIZE * VPMFS_BLOCK_SIZE;
		if (!size)
			size = VPMFS_BLOCK_SIZE;
		in->i_size = cle64(size);
		itab_dirty = 1;
	}
	if (S_ISLNK(mode) && (!size || size > VPMFS_SYMLINK_MAX)) {
		if (problem("symlink %u: bad size %llu", ino, (unsigned long long)size))
			clear_inode(ino);
		else
			cleared[ino] = 1;
		return;
	}
	/* a crash before the target's block was linked (vpmfs.rst) */
	if (S_ISLNK(mode) && !le32(in->i_block[0])) {
		if (problem("symlink %u: no target block", ino))
			clear_inode(ino);
		else
			cleared[ino] = 1;
		return;
	}
	if (!has_blocks(mode))
		return;
	if (le32(in->i_block[VPMFS_NBLOCKS - 1]) &&
	    problem("inode %u: reserved block pointer set", ino)) {
		in->i_block[VPMFS_NBLOCKS - 1] = 0;
		itab_dirty = 1;
	}
	limit = (size + VPMFS_BLOCK_SIZE - 1) / VPMFS_BLOCK_SIZE;
	for (i = 0; i < VPMFS_NDIR; i++) {
		b = le32(in->i_block[i]);
		if (b && claim(ino, b, i, limit, &count)) {
			in->i_block[i] = 0;
			itab_dirty = 1;
		}
	}
	/*
	 * A symlink whose target block was just cleared (out of range, or
	 * another inode's) has no target: clear it as above, in this run,
	 * so that pass 2 drops the names of it.
	 */
	if (S_ISLNK(mode) && !le32(in->i_block[0])) {
		problem("symlink %u: target block lost", ino);
		release_blocks(ino);
		clear_inode(ino);
		return;
	}
	b = le32(in->i_block[VPMFS_IND]);
	if (b) {
		if (limit <= VPMFS_NDIR) {
			if (problem("inode %u: indirect block %u past the end of the file",
				    ino, b)) {
				in->i_block[VPMFS_IND] = 0;
				itab_dirty = 1;
			} else if (valid_data(b) && !owner[b]) {
				owner[b] = ino;
				count++;
			}
		} else if (claim(ino, b, ~0ULL, limit, &count)) {
			in->i_block[VPMFS_IND] = 0;
			itab_dirty = 1;
		} else {
			walk_ind(ino, b, 1, VPMFS_NDIR, limit, &count);
		}
	}
	b = le32(in->i_block[VPMFS_DIND]);
	if (b) {
		__u64 base = VPMFS_NDIR + VPMFS_PTRS_PER_BLOCK;

		if (limit <= base) {
			if (problem("inode %u: double indirect block %u past the end of the file",
				    ino, b)) {
				in->i_block[VPMFS_DIND] = 0;
				itab_dirty = 1;
			} else if (valid_data(b) && !owner[b]) {
				owner[b] = ino;
				count++;
			}
		} else if (claim(ino, b, ~0ULL, limit, &count)) {
			in->i_block[VPMFS_DIND] = 0;
			itab_dirty = 1;
		} else {
			walk_ind(ino, b, 2, base, limit, &count);
		}
	}
	if (le32(in->i_blocks) != count &&
	    problem("inode %u: block count %u, should be %u", ino,
		    le32(in->i_blocks), count)) {
		in->i_blocks = cle32(count);
		itab_dirty = 1;
	}
}

/* The disk block of file block @fb of an inode; 0 for a hole. */
static __u32 bmap(__u32 ino, __u64 fb)
{
	struct vpmfs_inode *in = &itab[ino];
	__le32 ptr[VPMFS_PTRS_PER_BLOCK];
	__u32 b;

	if (fb < VPMFS_NDIR)
		return le32(in->i_block[fb]);
	fb -= VPMFS_NDIR;
	if (fb < VPMFS_PTRS_PER_BLOCK) {
		b = le32(in->i_block[VPMFS_IND]);
		if (!valid_data(b))
			return 0;
		rd(b, ptr);
		b = le32(ptr[fb]);
		return valid_data(b) ? b : 0;
	}
	fb -= VPMFS_PTRS_PER_BLOCK;
	b = le32(in->i_block[VPMFS_DIND]);
	if (!valid_data(b) || fb >= (__u64)VPMFS_PTRS_PER_BLOCK * VPMFS_PTRS_PER_BLOCK)
		return 0;
	rd(b, ptr);
	b = le32(ptr[fb / VPMFS_PTRS_PER_BLOCK]);
	if (!valid_data(b))
		return 0;
	rd(b, ptr);
	b = le32(ptr[fb % VPMFS_PTRS_PER_BLOCK]);
	return valid_data(b) ? b : 0;
}

/* ---- pass 2: directories, from the root ---- */

static __u32 *queue;
static __u32 qhead, qtail;

static int inode_usable(__u32 ino)
{
	return ino >= VPMFS_ROOT_INO && ino < ninodes && !cleared[ino] &&
	       le16(itab[ino].i_mode);
}

/* Allocate a free data block holding an empty directory ("." and ".."). */
static __u32 new_dir_block(__u32 dir)
{
	static __u8 buf[VPMFS_BLOCK_SIZE];
	struct vpmfs_dirent *de = (struct vpmfs_dirent *)buf;
	__u32 b;

	for (b = lay.data_start; b < nblocks && owner[b]; b++)
		;
	if (b >= nblocks)
		operr("no free block for directory %u", dir);
	owner[b] = dir;
	memset(buf, 0, sizeof(buf));
	de[0].d_ino = cle32(dir);
	de[0].d_name_len = 1;
	de[0].d_type = VPMFS_FT_DIR;
	de[0].d_name[0] = '.';
	de[1].d_ino = cle32(parent[dir]);
	de[1].d_name_len = 2;
	de[1].d_type = VPMFS_FT_DIR;
	memcpy(de[1].d_name, "..", 2);
	wr(b, buf);
	return b;
}

static void check_dir(__u32 dir)
{
	static __u8 buf[VPMFS_BLOCK_SIZE];
	__u64 nb = le64(itab[dir].i_size) / VPMFS_BLOCK_SIZE, n;
	struct vpmfs_dirent *de;
	int i, dirty;

	for (n = 0; n < nb; n++) {
		__u32 b = bmap(dir, n);

		if (!b) {
			if (!problem("directory %u: hole at block %llu", dir,
				     (unsigned long long)n))
				return;
			itab_dirty = 1;
			release_blocks(dir);
			if (n) {
				/* keep the blocks before the hole */
				itab[dir].i_size = cle64(n * VPMFS_BLOCK_SIZE);
				check_inode(dir);
				return;
			}
			/* no first block: give it a new, empty one */
			memset(itab[dir].i_block, 0, sizeof(itab[dir].i_block));
			itab[dir].i_blocks = 0;
			b = new_dir_block(dir);
			itab[dir].i_block[0] = cle32(b);
			itab[dir].i_blocks = cle32(le32(itab[dir].i_blocks) + 1);
			itab[dir].i_size = cle64(VPMFS_BLOCK_SIZE);
			links[dir]++;
			links[parent[dir]]++;
			return;
		}
		rd(b, buf);
		dirty = 0;
		de = (struct vpmfs_dirent *)buf;
		for (i = 0; i < (int)VPMFS_DIRENTS_PER_BLOCK; i++, de++) {
			__u32 ino = le32(de->d_ino);
			unsigned int len = de->d_name_len;
			int dot = n == 0 && i == 0, dotdot = n == 0 && i == 1;
			__u32 want = dot ? dir : dotdot ? parent[dir] : 0;
			char name[VPMFS_NAME_LEN + 1];

			if (dot || dotdot) {
				unsigned int want_len = dot ? 1 : 2;

				if (ino == want && len == want_len &&
				    !memcmp(de->d_name, "..", want_len)) {
					links[want]++;
					continue;
				}
				if (problem("directory %u: bad or missing \"%s\" entry",
					    dir, dot ? "." : "..")) {
					memset(de, 0, sizeof(*de));
					de->d_ino = cle32(want);
					de->d_name_len = want_len;
					de->d_type = VPMFS_FT_DIR;
					memcpy(de->d_name, "..", want_len);
					dirty = 1;
					links[want]++;
				} else if (ino && ino < ninodes) {
					links[ino]++;
				}
				continue;
			}
			if (!ino)
				continue;
			if (!len || len > VPMFS_NAME_LEN ||
			    memchr(de->d_name, '/', len) ||
			    memchr(de->d_name, 0, len)) {
				if (problem("directory %u: entry %llu/%d has a bad name",
					    dir, (unsigned long long)n, i)) {
					memset(de, 0, sizeof(*de));
					dirty = 1;
				}
				continue;
			}
			memcpy(name, de->d_name, len);
			name[len] = 0;
			if (!strcmp(name, ".") || !strcmp(name, "..")) {
				if (problem("directory %u: extra \"%s\" entry", dir, name)) {
					memset(de, 0, sizeof(*de));
					dirty = 1;
				}
				continue;
			}
			if (!inode_usable(ino)) {
				if (problem("directory %u: \"%s\" names free or bad inode %u",
					    dir, name, ino)) {
					memset(de, 0, sizeof(*de));
					dirty = 1;
				}
				continue;
			}
			if (de->d_type != vpmfs_mode_to_ft(le16(itab[ino].i_mode)) &&
			    problem("directory %u: \"%s\" has the wrong type", dir, name)) {
				de->d_type = vpmfs_mode_to_ft(le16(itab[ino].i_mode));
				dirty = 1;
			}
			if (S_ISDIR(le16(itab[ino].i_mode))) {
				if (reached[ino] || ino == VPMFS_ROOT_INO) {
					if (problem("directory %u: \"%s\" links directory %u",
						    dir, name, ino)) {
						memset(de, 0, sizeof(*de));
						dirty = 1;
					} else {
						links[ino]++;
					}
					continue;
				}
				reached[ino] = 1;
				parent[ino] = dir;
				queue[qtail++] = ino;
			} else {
				reached[ino] = 1;
			}
			links[ino]++;
		}
		if (dirty && repair)
			wr(b, buf);
	}
}

static void walk_dirs(void)
{
	queue = xcalloc(ninodes, sizeof(*queue));
	if (!inode_usable(VPMFS_ROOT_INO) ||
	    !S_ISDIR(le16(itab[VPMFS_ROOT_INO].i_mode)))
		operr("root inode is not a directory; cannot repair");
	reached[VPMFS_ROOT_INO] = 1;
	parent[VPMFS_ROOT_INO] = VPMFS_ROOT_INO;
	queue[qtail++] = VPMFS_ROOT_INO;
	while (qhead < qtail)
		check_dir(queue[qhead++]);
}

/* ---- pass 3: unreachable inodes, link counts ---- */

static void check_links(void)
{
	__u32 ino;

	for (ino = VPMFS_ROOT_INO; ino < ninodes; ino++) {
		if (!inode_usable(ino))
			continue;
		if (!reached[ino]) {
			if (problem("inode %u: in use but not in any directory", ino))
				clear_inode(ino);
			continue;
		}
		if (le16(itab[ino].i_links) != links[ino] &&
		    problem("inode %u: link count %u, should be %u", ino,
			    le16(itab[ino].i_links), links[ino])) {
			itab[ino].i_links = cle16(links[ino]);
			itab_dirty = 1;
		}
	}
}

/* ---- pass 4: bitmaps and counters ---- */

static void check_bitmaps(void)
{
	__u8 *ib = xcalloc(lay.ibitmap_blocks, VPMFS_BLOCK_SIZE);
	__u8 *bb = xcalloc(lay.bbitmap_blocks, VPMFS_BLOCK_SIZE);
	__u64 n, bad;
	__u32 free_b = 0, free_i = 0, b;

	for (n = 0; n < (__u64)lay.ibitmap_blocks * VPMFS_BITS_PER_BLOCK; n++) {
		if (n <= 0 || n >= ninodes || (inode_usable(n) && !cleared[n]))
			vpmfs_set_bit(ib, n);
		else
			free_i++;
	}
	for (n = 0; n < (__u64)lay.bbitmap_blocks * VPMFS_BITS_PER_BLOCK; n++) {
		int used = n < lay.data_start || n >= nblocks ||
			   (owner[n] && !cleared[owner[n]]);

		if (used)
			vpmfs_set_bit(bb, n);
		else
			free_b++;
	}
	bad = 0;
	for (n = 0; n < (__u64)lay.ibitmap_blocks * VPMFS_BITS_PER_BLOCK; n++)
		bad += vpmfs_test_bit(ib, n) != vpmfs_test_bit(ibitmap, n);
	if (bad && problem("inode bitmap: %llu bits differ", (unsigned long long)bad))
		for (b = 0; b < lay.ibitmap_blocks; b++)
			wr(lay.ibitmap_start + b, ib + (size_t)b * VPMFS_BLOCK_SIZE);
	bad = 0;
	for (n = 0; n < (__u64)lay.bbitmap_blocks * VPMFS_BITS_PER_BLOCK; n++)
		bad += vpmfs_test_bit(bb, n) != vpmfs_test_bit(bbitmap, n);
	if (bad && problem("block bitmap: %llu bits differ", (unsigned long long)bad))
		for (b = 0; b < lay.bbitmap_blocks; b++)
			wr(lay.bbitmap_start + b, bb + (size_t)b * VPMFS_BLOCK_SIZE);
	if (le32(sb.s_free_blocks) != free_b &&
	    problem("superblock: free block count %u, should be %u",
		    le32(sb.s_free_blocks), free_b))
		sb.s_free_blocks = cle32(free_b);
	if (le32(sb.s_free_inodes) != free_i &&
	    problem("superblock: free inode count %u, should be %u",
		    le32(sb.s_free_inodes), free_i))
		sb.s_free_inodes = cle32(free_i);
	if (verbose)
		printf("%u of %u inodes, %u of %u blocks in use\n",
		       ninodes - free_i, ninodes, nblocks - free_b, nblocks);
	free(ib);
	free(bb);
}

static void write_back(void)
{
	static __u8 buf[VPMFS_BLOCK_SIZE];
	__u32 b;

	if (!repair)
		return;
	if (itab_dirty)
		for (b = 0; b < lay.itable_blocks; b++)
			wr(lay.itable_start + b,
			   (__u8 *)itab + (size_t)b * VPMFS_BLOCK_SIZE);
	if (fixed || le32(sb.s_state) != VPMFS_STATE_CLEAN) {
		if (!problems && le32(sb.s_state) != VPMFS_STATE_CLEAN)
			fixed++;	/* only the state changes */
		sb.s_state = cle32(VPMFS_STATE_CLEAN);
		sb.s_checksum = cle32(vpmfs_sb_csum(&sb));
		rd(0, buf);
		memcpy(buf, &sb, sizeof(sb));
		wr(0, buf);
	}
	if (fsync(fd))
		operr("fsync: %s", strerror(errno));
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: fsck.vpmfs [options] DEVICE\n"
		"Check a vpmfs file system (a block device or an image file).\n\n"
		"  -n          check only, change nothing (the default)\n"
		"  -y, -p, -a  repair every problem found\n"
		"  -f          check even if the file system is clean (always done)\n"
		"  -v          verbose\n"
		"  -C FD       accepted and ignored (no progress bar)\n"
		"  -h, --help  this text\n\n"
		"Exit status: 0 clean, 1 errors corrected, 4 errors left uncorrected,\n"
		"8 operational error, 16 bad options or arguments.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct stat st;
	__u32 ino;
	int c, mode = 0, flags;

	while ((c = getopt_long(argc, argv, "nypafvC:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
		case 'y':
		case 'p':
		case 'a':
			/* -p and -a are the same (preen); like e2fsck, one mode */
			if (c == 'a')
				c = 'p';
			if (mode && mode != c) {
				fprintf(stderr,
					"fsck.vpmfs: only one of -n, -y and -p/-a may be given\n");
				return EXIT_USAGE;
			}
			mode = c;
			repair = c != 'n';
			break;
		case 'f':
		case 'C':
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_CLEAN;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * Repairs open a block device exclusively: that fails (EBUSY) while
	 * it is mounted, as e2fsck refuses to repair a mounted file system.
	 */
	flags = repair ? O_RDWR : O_RDONLY;
	if (repair && !stat(argv[optind], &st) && S_ISBLK(st.st_mode))
		flags |= O_EXCL;
	fd = open(argv[optind], flags);
	if (fd < 0 && errno == EBUSY)
		operr("%s: in use (mounted?): not repaired", argv[optind]);
	if (fd < 0)
		operr("%s: %s", argv[optind], strerror(errno));

	check_super();
	load_tables();
	if (!(le32(sb.s_state) & VPMFS_STATE_CLEAN))
		printf("file system was not cleanly unmounted\n");
	if (le32(sb.s_state) & VPMFS_STATE_ERROR)
		printf("file system is marked as having errors\n");
	if (le32(itab[0].i_mode) && problem("inode 0 (reserved) is in use"))
		clear_inode(0);
	for (ino = VPMFS_ROOT_INO; ino < ninodes; ino++)
		if (le16(itab[ino].i_mode))
			check_inode(ino);
	walk_dirs();
	check_links();
	check_bitmaps();
	write_back();
	close(fd);

	if (problems && !repair) {
		printf("%s: %lu problems found, not fixed\n", argv[optind], problems);
		return EXIT_UNFIXED;
	}
	if (fixed) {
		printf("%s: %lu problems fixed\n", argv[optind], fixed);
		return EXIT_FIXED;
	}
	if (!(le32(sb.s_state) & VPMFS_STATE_CLEAN) ||
	    (le32(sb.s_state) & VPMFS_STATE_ERROR)) {
		printf("%s: state is not clean\n", argv[optind]);
		return EXIT_UNFIXED;
	}
	if (verbose)
		printf("%s: clean\n", argv[optind]);
	return EXIT_CLEAN;
}
