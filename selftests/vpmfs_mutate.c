// SPDX-License-Identifier: GPL-2.0
/*
 * vpmfs_mutate: write damaged copies of a valid vpmfs image, for the
 * corrupted-image suite (selftests/tests/45-vpmfs-corrupt.sh).
 *
 *   vpmfs_mutate IMAGE OUTDIR [SEED [NRANDOM]]
 *
 * Writes OUTDIR/NNN-what.img, one damage each: superblock fields (with
 * the checksum recomputed, so that the field checks are reached), inode
 * fields of every used inode among the first ones, directory entries,
 * block pointers aimed at metadata, at other files' blocks and out of
 * range, indirect blocks, bitmaps, and NRANDOM images with random bytes
 * changed in the metadata and the first data blocks.
 */
#include "vpm/vpmfs_user.h"

static __u8 *base, *img;
static size_t len;
static const char *outdir;
static int nout;
static struct vpmfs_super_block *bsb;
static struct vpmfs_layout lay;

static void emit(const char *what)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%03d-%s.img", outdir, nout++, what);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0 || ftruncate(fd, len)) {
		perror(path);
		exit(1);
	}
	/* sparse: most blocks are zero and the images pile up in tmpfs */
	for (size_t off = 0; off < len; off += VPMFS_BLOCK_SIZE) {
		size_t n = len - off < VPMFS_BLOCK_SIZE ? len - off : VPMFS_BLOCK_SIZE;
		size_t i;

		for (i = 0; i < n && !img[off + i]; i++)
			;
		if (i < n && pwrite(fd, img + off, n, off) != (ssize_t)n) {
			perror(path);
			exit(1);
		}
	}
	close(fd);
	memcpy(img, base, len);
}

static struct vpmfs_super_block *sbp(void)
{
	return (struct vpmfs_super_block *)img;
}

static void resum(void)
{
	sbp()->s_checksum = cle32(vpmfs_sb_csum(sbp()));
}

static struct vpmfs_inode *ino_p(__u32 ino)
{
	return (struct vpmfs_inode *)(img + (size_t)lay.itable_start *
				      VPMFS_BLOCK_SIZE) + ino;
}

static __u8 *blk(__u32 b)
{
	return img + (size_t)b * VPMFS_BLOCK_SIZE;
}

static int used(__u32 ino)
{
	return le16(((struct vpmfs_inode *)(base + (size_t)lay.itable_start *
			VPMFS_BLOCK_SIZE) + ino)->i_mode) != 0;
}

static unsigned long long rng = 88172645463325252ULL;

static __u32 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (__u32)(rng >> 16);
}

int main(int argc, char **argv)
{
	__u32 v[4] = { 0, 0xffffffffU, 1, 0x80000000U };
	__u32 ninodes, nblocks, ino, other = 0, i, f, k;
	char what[128];
	long nrandom;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: vpmfs_mutate IMAGE OUTDIR [SEED [NRANDOM]]\n");
		return 2;
	}
	outdir = argv[2];
	if (argc > 3)
		rng ^= strtoull(argv[3], NULL, 0) * 0x9e3779b97f4a7c15ULL;
	nrandom = argc > 4 ? strtol(argv[4], NULL, 0) : 40;
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	len = (size_t)lseek(fd, 0, SEEK_END);
	base = malloc(len);
	img = malloc(len);
	if (!base || !img || pread(fd, base, len, 0) != (ssize_t)len) {
		perror("read");
		return 1;
	}
	close(fd);
	memcpy(img, base, len);
	bsb = (struct vpmfs_super_block *)base;
	nblocks = le32(bsb->s_blocks_count);
	ninodes = le32(bsb->s_inodes_count);
	if (le32(bsb->s_magic) != VPMFS_MAGIC ||
	    vpmfs_compute_layout(nblocks, ninodes, &lay) ||
	    (size_t)nblocks * VPMFS_BLOCK_SIZE > len) {
		fprintf(stderr, "vpmfs_mutate: %s is not a valid vpmfs image\n",
			argv[1]);
		return 1;
	}

	/* superblock: every 32-bit field, checksum kept valid */
	for (f = 0; f < 20; f++) {
		for (k = 0; k < 4; k++) {
			__le32 *p = (__le32 *)img + f;

			*p = cle32(k == 2 ? le32(*p) + 1 : v[k]);
			resum();
			snprintf(what, sizeof(what), "sb-field%u-%u", f, k);
			emit(what);
		}
	}
	sbp()->s_blocks_count = cle32(nblocks * 4);
	resum();
	emit("sb-bigger-than-device");
	sbp()->s_label[3] ^= 1;
	emit("sb-bad-checksum");
	memset(img, 0, VPMFS_BLOCK_SIZE);
	emit("sb-zero");

	/* inodes: each used one among the first 16 */
	for (ino = 0; ino < 10 && ino < ninodes; ino++) {
		struct vpmfs_inode *in;

		if (!used(ino))
			continue;
		for (i = VPMFS_ROOT_INO + 1; i < ninodes; i++)
			if (used(i) && i != ino && le32(ino_p(i)->i_block[0]))
				other = i;
#define MUT(name, stmt) do {						\
		in = ino_p(ino);						\
		stmt;								\
		snprintf(what, sizeof(what), "ino%u-%s", ino, name);		\
		emit(what);							\
	} while (0)
		MUT("mode0", in->i_mode = 0);
		MUT("modeffff", in->i_mode = cle16(0xffff));
		MUT("mode-dir", in->i_mode = cle16(040755));
		MUT("mode-reg", in->i_mode = cle16(0100644));
		MUT("mode-lnk", in->i_mode = cle16(0120777));
		MUT("mode-chr", in->i_mode = cle16(020644));
		MUT("links0", in->i_links = 0);
		MUT("links1", in->i_links = cle16(1));
		MUT("links-max", in->i_links = cle16(0xffff));
		MUT("size0", in->i_size = 0);
		MUT("size1", in->i_size = cle64(1));
		MUT("size4095", in->i_size = cle64(4095));
		MUT("size-huge", in->i_size = cle64(~0ULL));
		MUT("size-4g", in->i_size = cle64(4ULL << 30));
		MUT("size-plus1", in->i_size = cle64(le64(in->i_size) + 1));
		MUT("blk0-zero", in->i_block[0] = 0);
		MUT("blk0-super", in->i_block[0] = cle32(0));
		MUT("blk0-bitmap", in->i_block[0] = cle32(lay.bbitmap_start));
		MUT("blk0-itable", in->i_block[0] = cle32(lay.itable_start));
		MUT("blk0-end", in->i_block[0] = cle32(nblocks));
		MUT("blk0-ffff", in->i_block[0] = cle32(0xffffffffU));
		MUT("blk0-last", in->i_block[0] = cle32(nblocks - 1));
		if (other)
			MUT("blk0-dup", in->i_block[0] = ino_p(other)->i_block[0]);
		MUT("ind-itable", in->i_block[VPMFS_IND] = cle32(lay.itable_start));
		MUT("ind-root", in->i_block[VPMFS_IND] = ino_p(VPMFS_ROOT_INO)->i_block[0]);
		MUT("dind-self", in->i_block[VPMFS_DIND] = in->i_block[0]);
		MUT("dind-ffff", in->i_block[VPMFS_DIND] = cle32(0xfffffff0U));
		MUT("reserved-blk", in->i_block[14] = cle32(lay.data_start));
		MUT("iblocks-huge", in->i_blocks = cle32(0xffffffffU));
		MUT("times", in->i_mtime = cle64(~0ULL); in->i_atime_ns = cle32(~0U));
		MUT("flags", in->i_flags = cle32(~0U));
#undef MUT
		/* fill the file's indirect blocks with bad pointers */
		in = ino_p(ino);
		for (k = VPMFS_IND; k <= VPMFS_DIND; k++) {
			__u32 b = le32(in->i_block[k]);
			__le32 *p;

			if (b < lay.data_start || b >= nblocks)
				continue;
			p = (__le32 *)blk(b);
			for (i = 0; i < VPMFS_PTRS_PER_BLOCK; i++)
				if (le32(p[i]))
					p[i] = cle32(i % 3 == 0 ? 2 : i % 3 == 1 ?
						     0xfffffff0U : b);
			snprintf(what, sizeof(what), "ino%u-indirect%u-garbage", ino, k);
			emit(what);
			in = ino_p(ino);
		}
		/* the inode bitmap says free */
		vpmfs_clear_bit(blk(lay.ibitmap_start), ino);
		snprintf(what, sizeof(what), "ino%u-bitmap-free", ino);
		emit(what);
	}

	/* directory entries of the root and of each directory among 16 inodes */
	for (ino = VPMFS_ROOT_INO; ino < 10 && ino < ninodes; ino++) {
		__u32 b;
		struct vpmfs_dirent *de;

		if (!used(ino) || !S_ISDIR(le16(ino_p(ino)->i_mode)))
			continue;
		b = le32(ino_p(ino)->i_block[0]);
		if (b < lay.data_start || b >= nblocks)
			continue;
#define DMUT(slot, name, stmt) do {					\
		__u32 s_ = (slot);						\
		de = (struct vpmfs_dirent *)blk(b) + s_;			\
		stmt;								\
		snprintf(what, sizeof(what), "dir%u-slot%u-%s", ino, s_, name); \
		emit(what);							\
	} while (0)
		for (k = 0; k < 4; k++) {
			DMUT(k, "ino0", de->d_ino = 0);
			DMUT(k, "ino-self", de->d_ino = cle32(ino));
			DMUT(k, "ino-root", de->d_ino = cle32(VPMFS_ROOT_INO));
			DMUT(k, "ino-range", de->d_ino = cle32(ninodes));
			DMUT(k, "ino-ffff", de->d_ino = cle32(0xffffffffU));
			DMUT(k, "ino-free", de->d_ino = cle32(ninodes - 1));
			DMUT(k, "ino-zero-slot", de->d_ino = cle32(0));
			DMUT(k, "len0", de->d_name_len = 0);
			DMUT(k, "len57", de->d_name_len = 57);
			DMUT(k, "len255", de->d_name_len = 255);
			DMUT(k, "slash", de->d_name[0] = '/');
			DMUT(k, "nul", de->d_name[0] = 0);
			DMUT(k, "type", de->d_type = 0xff);
			DMUT(k, "dotdot", de->d_name_len = 2; memcpy(de->d_name, "..", 2));
		}
		DMUT(5, "in-empty-slot", de->d_ino = cle32(2); de->d_name_len = 3;
		     memcpy(de->d_name, "abc", 3));
		DMUT(6, "garbage", memset(de, 0xa5, sizeof(*de)));
#undef DMUT
	}

	/* bitmaps */
	memset(blk(lay.bbitmap_start), 0, VPMFS_BLOCK_SIZE);
	emit("bbitmap-zero");
	memset(blk(lay.bbitmap_start), 0xff, VPMFS_BLOCK_SIZE);
	emit("bbitmap-full");
	memset(blk(lay.ibitmap_start), 0, VPMFS_BLOCK_SIZE);
	emit("ibitmap-zero");
	memset(blk(lay.ibitmap_start), 0xff, VPMFS_BLOCK_SIZE);
	emit("ibitmap-full");
	memset(blk(lay.itable_start), 0xff, VPMFS_BLOCK_SIZE);
	emit("itable-ff");

	/* random bytes in the metadata and the first data blocks */
	for (k = 0; k < nrandom; k++) {
		__u32 span = lay.data_start + 16 < nblocks ? lay.data_start + 16 :
			     nblocks;
		int n = 1 + rnd() % 24;

		while (n--) {
			size_t off = (size_t)(rnd() % span) * VPMFS_BLOCK_SIZE;

			/* mostly the used parts: block 0, inodes, directories */
			if (rnd() % 2)
				off = (size_t)lay.itable_start * VPMFS_BLOCK_SIZE;
			off += rnd() % (rnd() % 2 ? 512 : VPMFS_BLOCK_SIZE);
			img[off] = (__u8)rnd();
		}
		if (k % 2)
			resum();
		snprintf(what, sizeof(what), "random%u", k);
		emit(what);
	}
	printf("vpmfs_mutate: %d images\n", nout);
	return 0;
}
