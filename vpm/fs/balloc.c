// SPDX-License-Identifier: GPL-2.0
/*
 * vpmfs: inode and block allocation bitmaps.
 *
 * A bit freed here is clear in the bitmap buffer at once (so the space
 * shows as free), but it is not handed out again before the next commit
 * (vpmfs_commit()): until then the metadata that dropped the block or the
 * inode number may not be on disk, and after a crash the old owner would
 * still point at the new one's data.  As ext3 did with b_committed_data,
 * the first free into a bitmap block since the last commit keeps a copy
 * of that block as of the commit; an allocation wants its bit clear in
 * both.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "vpmfs.h"

/* Free bits among the first @nbits of a bitmap block. */
static u32 vpmfs_count_zero(const void *map, u32 nbits)
{
	u32 used = memweight(map, nbits / 8);
	u32 i;

	for (i = nbits & ~7U; i < nbits; i++)
		used += test_bit_le(i, map) ? 1 : 0;
	return nbits - used;
}

static int vpmfs_count_map(struct super_block *sb, u32 start, u32 nblocks,
			   u32 nbits, u32 *free)
{
	struct buffer_head *bh;
	u32 b, n;

	*free = 0;
	for (b = 0; b < nblocks; b++) {
		bh = sb_bread(sb, start + b);
		if (!bh)
			return -EIO;
		n = min_t(u32, nbits - b * VPMFS_BITS_PER_BLOCK,
			  VPMFS_BITS_PER_BLOCK);
		*free += vpmfs_count_zero(bh->b_data, n);
		brelse(bh);
	}
	return 0;
}

/**
 * vpmfs_count_free() - count the free blocks and inodes from the bitmaps
 * @sb: the file system, being mounted
 *
 * The counters in the superblock are advisory; these are the ones used.
 *
 * Return: 0 or -EIO.
 */
int vpmfs_count_free(struct super_block *sb)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	int err;

	err = vpmfs_count_map(sb, sbi->l.bbitmap_start, sbi->l.bbitmap_blocks,
			      sbi->blocks, &sbi->free_blocks);
	if (err)
		return err;
	err = vpmfs_count_map(sb, sbi->l.ibitmap_start, sbi->l.ibitmap_blocks,
			      sbi->inodes, &sbi->free_inodes);
	sbi->block_hint = sbi->l.data_start;
	sbi->inode_hint = VPMFS_ROOT_INO + 1;
	return err;
}

/*
 * Find and set a clear bit in [lo, nbits) of a bitmap, starting at @goal
 * and wrapping.  Bits below @lo must be set; a clear one there is damage.
 * Called with alloc_lock held.  Returns 0 and the bit, -ENOSPC or -EIO.
 */
static int vpmfs_alloc_bit(struct super_block *sb, u32 start, u32 nbits,
			   u32 lo, u32 goal, u32 *out)
{
	u32 nblocks = DIV_ROUND_UP(nbits, VPMFS_BITS_PER_BLOCK);
	u32 b = goal / VPMFS_BITS_PER_BLOCK, i, n, bit, scanned;
	struct buffer_head *bh;

	if (goal < lo || goal >= nbits)
		goal = lo;
	b = goal / VPMFS_BITS_PER_BLOCK;
	bit = goal % VPMFS_BITS_PER_BLOCK;
	for (scanned = 0; scanned <= nblocks; scanned++) {
		struct vpmfs_committed *c = xa_load(&VPMFS_SB(sb)->committed,
						    start + b);

		bh = sb_bread(sb, start + b);
		if (!bh)
			return -EIO;
		n = min_t(u32, nbits - b * VPMFS_BITS_PER_BLOCK,
			  VPMFS_BITS_PER_BLOCK);
		for (;;) {
			i = find_next_zero_bit_le(bh->b_data, n, bit);
			if (i >= n)
				break;
			if (b * VPMFS_BITS_PER_BLOCK + i < lo) {
				vpmfs_error(sb, "bitmap block %u: reserved bit %u is clear",
					    start + b, i);
				bit = i + 1;
				continue;
			}
			if (c && test_bit_le(i, c->map)) {
				/* freed since the last commit */
				bit = i + 1;
				continue;
			}
			lock_buffer(bh);
			__set_bit_le(i, bh->b_data);
			unlock_buffer(bh);
			mark_buffer_dirty(bh);
			brelse(bh);
			*out = b * VPMFS_BITS_PER_BLOCK + i;
			return 0;
		}
		brelse(bh);
		bit = 0;
		if (++b >= nblocks)
			b = 0;
	}
	return -ENOSPC;
}

/*
 * Clear a bit; -EUCLEAN if it was already clear (damage).  @hold: the
 * bit may not be allocated again before the next commit.  Called with
 * alloc_lock held.
 */
static int vpmfs_clear_bit(struct super_block *sb, u32 start, u32 nr,
			   bool hold)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	u32 mapblk = start + nr / VPMFS_BITS_PER_BLOCK;
	struct vpmfs_committed *c = NULL;
	struct buffer_head *bh;
	int was;

	bh = sb_bread(sb, mapblk);
	if (!bh)
		return -EIO;
	if (hold) {
		c = xa_load(&sbi->committed, mapblk);
		if (!c) {
			/* small and rare (once per bitmap block per commit) */
			c = kmalloc(sizeof(*c), GFP_NOFS | __GFP_NOFAIL);
			memcpy(c->map, bh->b_data, VPMFS_BLOCK_SIZE);
			if (xa_is_err(xa_store(&sbi->committed, mapblk, c,
					       GFP_NOFS | __GFP_NOFAIL))) {
				kfree(c);
				brelse(bh);
				return -ENOMEM;
			}
		}
		c->seq = sbi->free_seq;
	}
	lock_buffer(bh);
	was = __test_and_clear_bit_le(nr % VPMFS_BITS_PER_BLOCK, bh->b_data);
	unlock_buffer(bh);
	mark_buffer_dirty(bh);
	brelse(bh);
	return was ? 0 : -EUCLEAN;
}

/*
 * Take a clear bit of the bitmap at @start (blocks or inode numbers) at or
 * after @goal (0: at @hint), in [@first, @nbits), and keep @nfree and
 * @hint.  Bits freed since the last commit stay taken until the next one
 * (vpmfs_clear_bit()): when they are all that is left, commit once and
 * look again.  The commit takes free_sem for writing: the caller must not
 * hold it.
 */
static int vpmfs_alloc(struct super_block *sb, u32 start, u32 nbits,
		       u32 first, u32 goal, u32 *nfree, u32 *hint, u32 *out)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	bool committed = false;
	int err;

	mutex_lock(&sbi->alloc_lock);
	for (;;) {
		err = -ENOSPC;
		if (!*nfree)
			break;
		err = vpmfs_alloc_bit(sb, start, nbits, first,
				      goal ? goal : *hint, out);
		if (!err) {
			(*nfree)--;
			*hint = *out + 1;
			break;
		}
		if (err != -ENOSPC)
			break;
		if (committed || xa_empty(&sbi->committed)) {
			/* the counter was wrong: believe the bitmap */
			*nfree = 0;
			break;
		}
		/* the free ones wait for a commit: make it now */
		mutex_unlock(&sbi->alloc_lock);
		err = vpmfs_commit(sb);
		mutex_lock(&sbi->alloc_lock);
		committed = true;
		if (err)
			break;
	}
	mutex_unlock(&sbi->alloc_lock);
	return err;
}

/**
 * vpmfs_new_block() - allocate a data block
 * @sb: the file system
 * @goal: preferred block (0: none)
 * @out: the block
 *
 * Return: 0, -ENOSPC or -EIO.
 */
int vpmfs_new_block(struct super_block *sb, u32 goal, u32 *out)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);

	return vpmfs_alloc(sb, sbi->l.bbitmap_start, sbi->blocks,
			   sbi->l.data_start, goal, &sbi->free_blocks,
			   &sbi->block_hint, out);
}

static void vpmfs_release_block(struct super_block *sb, u32 blk, bool hold)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	struct buffer_head *bh;
	int err;

	if (!vpmfs_valid_data_block(sbi, blk)) {
		vpmfs_error(sb, "freeing bad block %u", blk);
		return;
	}
	bh = sb_find_get_block(sb, blk);
	if (bh)
		bforget(bh);
	mutex_lock(&sbi->alloc_lock);
	err = vpmfs_clear_bit(sb, sbi->l.bbitmap_start, blk, hold);
	if (!err)
		sbi->free_blocks++;
	mutex_unlock(&sbi->alloc_lock);
	if (err == -EUCLEAN)
		vpmfs_error(sb, "freeing free block %u", blk);
}

/**
 * vpmfs_free_block() - release a data block that metadata pointed at
 * @sb: the file system
 * @blk: the block; must be a data block
 *
 * The caller holds free_sem for reading and has already dropped the
 * pointer in the buffer (or the inode slot) that will carry it to disk.
 * The block is reused only after the next commit.  Also drops any
 * block-device buffer of it, so that stale metadata (directory or
 * indirect block) is never written over its next owner.
 */
void vpmfs_free_block(struct super_block *sb, u32 blk)
{
	vpmfs_release_block(sb, blk, true);
}

/**
 * vpmfs_free_unlinked_block() - release a block nothing on disk points at
 * @sb: the file system
 * @blk: the block: allocated and never published (see vpmfs_publish())
 *
 * It may be allocated again at once.
 */
void vpmfs_free_unlinked_block(struct super_block *sb, u32 blk)
{
	vpmfs_release_block(sb, blk, false);
}

/**
 * vpmfs_new_ino() - allocate an inode number
 * @sb: the file system
 * @out: the number
 *
 * Return: 0, -ENOSPC or -EIO.
 */
int vpmfs_new_ino(struct super_block *sb, u32 *out)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);

	return vpmfs_alloc(sb, sbi->l.ibitmap_start, sbi->inodes,
			   VPMFS_ROOT_INO + 1, 0, &sbi->free_inodes,
			   &sbi->inode_hint, out);
}

/**
 * vpmfs_free_ino() - release an inode number
 * @sb: the file system
 * @ino: the number; its table slot is already cleared in the buffer
 *
 * The caller holds free_sem for reading.  The number is reused only
 * after the next commit, when no entry on disk can still name it.
 */
void vpmfs_free_ino(struct super_block *sb, u32 ino)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	int err;

	if (ino <= VPMFS_ROOT_INO || ino >= sbi->inodes) {
		vpmfs_error(sb, "freeing bad inode %u", ino);
		return;
	}
	mutex_lock(&sbi->alloc_lock);
	err = vpmfs_clear_bit(sb, sbi->l.ibitmap_start, ino, true);
	if (!err)
		sbi->free_inodes++;
	mutex_unlock(&sbi->alloc_lock);
	if (err == -EUCLEAN)
		vpmfs_error(sb, "freeing free inode %u", ino);
}

/**
 * vpmfs_ino_in_use() - is an inode number marked used in the bitmap
 * @sb: the file system
 * @ino: the number (already range checked)
 *
 * Return: 1, 0, or -EIO.
 */
int vpmfs_ino_in_use(struct super_block *sb, u32 ino)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	struct buffer_head *bh;
	int ret;

	bh = sb_bread(sb, sbi->l.ibitmap_start + ino / VPMFS_BITS_PER_BLOCK);
	if (!bh)
		return -EIO;
	ret = test_bit_le(ino % VPMFS_BITS_PER_BLOCK, bh->b_data) ? 1 : 0;
	brelse(bh);
	return ret;
}

/**
 * vpmfs_release_committed() - end the hold on bits a commit made durable
 * @sb: the file system
 * @seq: the commit's sequence: copies last freed into before it go
 */
void vpmfs_release_committed(struct super_block *sb, u64 seq)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	struct vpmfs_committed *c;
	unsigned long idx;

	mutex_lock(&sbi->alloc_lock);
	xa_for_each(&sbi->committed, idx, c) {
		if (c->seq >= seq)
			continue;
		xa_erase(&sbi->committed, idx);
		kfree(c);
	}
	mutex_unlock(&sbi->alloc_lock);
}

/**
 * vpmfs_drop_committed() - free every committed copy (unmount)
 * @sb: the file system
 */
void vpmfs_drop_committed(struct super_block *sb)
{
	vpmfs_release_committed(sb, U64_MAX);
	xa_destroy(&VPMFS_SB(sb)->committed);
}
