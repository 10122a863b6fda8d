// SPDX-License-Identifier: GPL-2.0
/*
 * vpmfs: the block map.  An inode holds 12 direct pointers, one to a
 * single and one to a double indirect block (vpmfs_format.h).  One walker,
 * vpmfs_walk(), goes from the inode to the slot holding a file block's
 * pointer, reading (and, for a write, allocating) indirect blocks on the
 * way; mapping, linking a published block and reading a pointer all use
 * it.  Truncation walks the same tree by ranges (vpmfs_free_tree()).
 *
 * New data blocks are not linked at once: they wait in the inode's
 * i_unpub until their contents are on disk (sync.c).  Everything here
 * runs under the inode's i_map_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/buffer_head.h>
#include <linux/pagemap.h>
#include "vpmfs.h"

/*
 * Split a file block number into a path of offsets.
 * Returns the depth (1..3), or 0 if the block is past the largest file.
 */
static int vpmfs_block_path(u64 iblock, unsigned int off[3])
{
	if (iblock < VPMFS_NDIR) {
		off[0] = iblock;
		return 1;
	}
	iblock -= VPMFS_NDIR;
	if (iblock < VPMFS_PTRS_PER_BLOCK) {
		off[0] = VPMFS_IND;
		off[1] = iblock;
		return 2;
	}
	iblock -= VPMFS_PTRS_PER_BLOCK;
	if (iblock < (u64)VPMFS_PTRS_PER_BLOCK * VPMFS_PTRS_PER_BLOCK) {
		off[0] = VPMFS_DIND;
		off[1] = iblock / VPMFS_PTRS_PER_BLOCK;
		off[2] = iblock % VPMFS_PTRS_PER_BLOCK;
		return 3;
	}
	return 0;
}

/**
 * vpmfs_write_new_block() - write a new metadata block before it is linked
 * @bh: the filled buffer of a block just allocated (indirect, directory)
 *
 * FUA: the block is on stable storage when this returns, so a pointer
 * written to it later can never lead to what the block held before.
 *
 * Return: 0 or -EIO.
 */
int vpmfs_write_new_block(struct buffer_head *bh)
{
	mark_buffer_dirty(bh);
	return __sync_dirty_buffer(bh, REQ_SYNC | REQ_FUA);
}

/* Allocate a zeroed indirect block, written to disk; its buffer is returned. */
static int vpmfs_new_indirect(struct inode *inode, u32 goal, u32 *blk,
			      struct buffer_head **bhp)
{
	struct super_block *sb = inode->i_sb;
	struct buffer_head *bh;
	int err;

	err = vpmfs_new_block(sb, goal, blk);
	if (err)
		return err;
	bh = sb_getblk(sb, *blk);
	if (!bh) {
		vpmfs_free_unlinked_block(sb, *blk);
		return -ENOMEM;
	}
	lock_buffer(bh);
	memset(bh->b_data, 0, bh->b_size);
	set_buffer_uptodate(bh);
	unlock_buffer(bh);
	err = vpmfs_write_new_block(bh);
	if (err) {
		brelse(bh);
		vpmfs_free_unlinked_block(sb, *blk);
		return err;
	}
	VPMFS_I(inode)->i_nblocks++;
	*bhp = bh;
	return 0;
}

/*
 * Where one block pointer lives: in the inode's i_block[] (@bh NULL) or
 * in an indirect block (@bh, referenced, whose number is @home).
 */
struct vpmfs_slot {
	struct buffer_head *bh;
	unsigned int i;
	u32 home;
};

static u32 vpmfs_slot_get(struct vpmfs_inode_info *vi,
			  const struct vpmfs_slot *s)
{
	if (!s->bh)
		return vi->i_block[s->i];
	return le32_to_cpu(((__le32 *)s->bh->b_data)[s->i]);
}

/* The inode's copy is written by the next vpmfs_write_raw(). */
static void vpmfs_slot_set(struct vpmfs_inode_info *vi,
			   const struct vpmfs_slot *s, u32 blk)
{
	if (!s->bh) {
		vi->i_block[s->i] = blk;
		return;
	}
	lock_buffer(s->bh);
	((__le32 *)s->bh->b_data)[s->i] = cpu_to_le32(blk);
	unlock_buffer(s->bh);
	mark_buffer_dirty(s->bh);
}

/* Where a new block near what @s points from should go (0: anywhere). */
static u32 vpmfs_slot_goal(struct vpmfs_inode_info *vi,
			   const struct vpmfs_slot *s)
{
	return s->home ? s->home : vi->i_block[0];
}

static int vpmfs_bad_pointer(struct inode *inode, u32 blk)
{
	vpmfs_error(inode->i_sb, "inode %llu: bad block pointer %u",
		    (u64)inode->i_ino, blk);
	return -EUCLEAN;
}

/*
 * vpmfs_walk() - find the slot of the pointer to file block @iblock
 * @inode: the file, i_map_lock held
 * @iblock: block index in the file
 * @create: allocate missing indirect blocks (zeroed on disk, then linked)
 * @s: the slot, on success; the caller drops s->bh with brelse()
 * @grown: set when an indirect block was allocated
 *
 * Every pointer followed is checked to lie in the data area; the one in
 * the returned slot is the caller's to check.
 *
 * Return: 0; -ENOENT if an indirect block on the way is missing and
 * @create is false; -EFBIG past the largest file; -ENOSPC, -ENOMEM,
 * -EIO or -EUCLEAN.
 */
static int vpmfs_walk(struct inode *inode, u64 iblock, bool create,
		      struct vpmfs_slot *s, bool *grown)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	struct super_block *sb = inode->i_sb;
	struct buffer_head *bh;
	unsigned int off[3];
	int depth, level, err;
	u32 blk;

	lockdep_assert_held(&vi->i_map_lock);
	s->bh = NULL;
	s->home = 0;
	depth = vpmfs_block_path(iblock, off);
	if (!depth)
		return -EFBIG;
	s->i = off[0];
	for (level = 1; level < depth; level++) {
		blk = vpmfs_slot_get(vi, s);
		if (blk && !vpmfs_valid_data_block(VPMFS_SB(sb), blk)) {
			err = vpmfs_bad_pointer(inode, blk);
			goto fail;
		}
		if (!blk) {
			err = -ENOENT;
			if (!create)
				goto fail;
			err = vpmfs_new_indirect(inode, vpmfs_slot_goal(vi, s),
						 &blk, &bh);
			if (err)
				goto fail;
			vpmfs_slot_set(vi, s, blk);
			*grown = true;
		} else {
			bh = sb_bread(sb, blk);
			if (!bh) {
				err = -EIO;
				goto fail;
			}
		}
		brelse(s->bh);
		s->bh = bh;
		s->i = off[level];
		s->home = blk;
	}
	return 0;
fail:
	brelse(s->bh);
	s->bh = NULL;
	return err;
}

/**
 * vpmfs_map_block() - find, or allocate, the disk block of a file block
 * @inode: the file
 * @iblock: block index in the file
 * @create: allocate the block (and indirect blocks) if it is a hole
 * @pblk: the disk block, 0 for a hole
 * @new: set when the block was allocated by this call (may be NULL)
 *
 * A new data block is not linked into the map on disk: it waits in
 * i_unpub until vpmfs_publish() (or, for a directory block, the caller)
 * knows its contents are on disk.  Missing indirect blocks are allocated
 * and linked at once, written as zeroes first.  Every pointer read from
 * disk is checked to lie in the data area.
 *
 * Return: 0, -EFBIG past the largest file, -ENOSPC, -ENOMEM, -EIO or
 * -EUCLEAN.
 */
int vpmfs_map_block(struct inode *inode, u64 iblock, bool create, u32 *pblk,
		    bool *new)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	struct super_block *sb = inode->i_sb;
	struct vpmfs_slot s = { };
	bool dirty = false;
	void *entry;
	int err;
	u32 blk;

	*pblk = 0;
	if (new)
		*new = false;
	mutex_lock(&vi->i_map_lock);
	if (vi->i_nunpub) {
		entry = xa_load(&vi->i_unpub, iblock);
		if (entry) {
			*pblk = xa_to_value(entry);
			err = 0;
			goto out;
		}
	}
	err = vpmfs_walk(inode, iblock, create, &s, &dirty);
	if (err) {
		if (err == -ENOENT)
			err = 0;	/* a hole */
		goto out;
	}
	blk = vpmfs_slot_get(vi, &s);
	if (blk && !vpmfs_valid_data_block(VPMFS_SB(sb), blk)) {
		err = vpmfs_bad_pointer(inode, blk);
		goto out;
	}
	if (blk || !create) {
		*pblk = blk;
		goto out;
	}
	err = vpmfs_new_block(sb, vpmfs_slot_goal(vi, &s), &blk);
	if (err)
		goto out;
	err = xa_err(xa_store(&vi->i_unpub, iblock, xa_mk_value(blk),
			      GFP_NOFS));
	if (err) {
		vpmfs_free_unlinked_block(sb, blk);
		goto out;
	}
	if (!vi->i_nunpub++)
		vpmfs_unpub_added(inode);
	vi->i_nblocks++;
	dirty = true;
	if (new)
		*new = true;
	*pblk = blk;
out:
	brelse(s.bh);
	mutex_unlock(&vi->i_map_lock);
	if (dirty)
		mark_inode_dirty(inode);
	return err;
}

/**
 * vpmfs_link_block() - write the pointer of an unpublished block into the map
 * @inode: the file, i_map_lock held
 * @iblock: block index
 * @pblk: its disk block, from i_unpub
 *
 * The indirect blocks on the way were made when the block was allocated.
 * The pointer goes to the inode (written by the next vpmfs_write_raw()) or
 * into an indirect block's buffer.
 *
 * Return: 0, -EFBIG, -EIO or -EUCLEAN.
 */
int vpmfs_link_block(struct inode *inode, u64 iblock, u32 pblk)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	struct vpmfs_slot s;
	bool grown = false;
	int err;

	err = vpmfs_walk(inode, iblock, false, &s, &grown);
	if (err == -ENOENT) {
		vpmfs_error(inode->i_sb, "inode %llu: no indirect block for block %llu",
			    (u64)inode->i_ino, iblock);
		return -EUCLEAN;
	}
	if (err)
		return err;
	vpmfs_slot_set(vi, &s, pblk);
	brelse(s.bh);
	xa_erase(&vi->i_unpub, iblock);
	if (!--vi->i_nunpub)
		vpmfs_unpub_emptied(inode);
	return 0;
}

/**
 * vpmfs_drop_unpub() - give back the unpublished blocks from @first on
 * @inode: the file, i_map_lock held
 * @first: the first file block to drop
 *
 * No pointer on disk names them, so they may be reused at once.
 */
void vpmfs_drop_unpub(struct inode *inode, u64 first)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	unsigned long idx;
	void *entry;

	lockdep_assert_held(&vi->i_map_lock);
	if (!vi->i_nunpub)
		return;
	xa_for_each_start(&vi->i_unpub, idx, entry, first) {
		xa_erase(&vi->i_unpub, idx);
		vpmfs_free_unlinked_block(inode->i_sb, xa_to_value(entry));
		vi->i_nblocks--;
		vi->i_unpub_gen++;
		if (!--vi->i_nunpub) {
			vpmfs_unpub_emptied(inode);
			break;
		}
	}
}

/**
 * vpmfs_unmap_block() - turn one allocated file block back into a hole
 * @inode: the file
 * @iblock: block index
 *
 * Used when a write allocated a block and then could not fill it: the
 * block is still unpublished and is simply given back.  The indirect
 * blocks stay.
 *
 * Return: 0 or a negative errno.
 */
int vpmfs_unmap_block(struct inode *inode, u64 iblock)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	void *entry;

	mutex_lock(&vi->i_map_lock);
	entry = vi->i_nunpub ? xa_load(&vi->i_unpub, iblock) : NULL;
	if (entry) {
		xa_erase(&vi->i_unpub, iblock);
		vpmfs_free_unlinked_block(inode->i_sb, xa_to_value(entry));
		vi->i_nblocks--;
		vi->i_unpub_gen++;
		if (!--vi->i_nunpub)
			vpmfs_unpub_emptied(inode);
	}
	mutex_unlock(&vi->i_map_lock);
	if (!entry)
		return 0;	/* published meanwhile: its data is on disk */
	mark_inode_dirty(inode);
	return 0;
}

/*
 * Free what the pointer in @s covers from block @first on (counted from
 * the first block it covers); it covers VPMFS_PTRS_PER_BLOCK^@depth file
 * blocks (@depth 0: one data block).  An indirect block goes only when
 * nothing below @first hangs from it: blocks there, unpublished ones too,
 * still need it.  Each pointer is cleared before its block is freed (see
 * vpmfs_free_block()).  A bad pointer in the inode is dropped; one in an
 * indirect block is left for fsck.vpmfs.  Returns true if the pointer
 * in @s is now 0.
 */
static bool vpmfs_free_tree(struct inode *inode, const struct vpmfs_slot *s,
			    u64 first, int depth)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	struct super_block *sb = inode->i_sb;
	u32 blk = vpmfs_slot_get(vi, s);
	struct vpmfs_slot c;
	bool empty = true;
	u64 span, lo;

	if (!blk)
		return true;
	if (!vpmfs_valid_data_block(VPMFS_SB(sb), blk)) {
		vpmfs_bad_pointer(inode, blk);
		if (s->bh)
			return false;
		vpmfs_slot_set(vi, s, 0);
		return true;
	}
	if (depth) {
		span = depth == 2 ? VPMFS_PTRS_PER_BLOCK : 1;
		c.home = blk;
		c.bh = sb_bread(sb, blk);
		if (!c.bh) {
			vpmfs_error(sb, "inode %llu: cannot read indirect block %u",
				    (u64)inode->i_ino, blk);
			return false;
		}
		for (c.i = 0; c.i < VPMFS_PTRS_PER_BLOCK; c.i++) {
			lo = (u64)c.i * span;
			if (lo + span <= first) {
				if (vpmfs_slot_get(vi, &c))
					empty = false;
				continue;
			}
			if (!vpmfs_free_tree(inode, &c, first > lo ? first - lo : 0,
					     depth - 1))
				empty = false;
		}
		brelse(c.bh);
		if (!empty || first)
			return false;
	}
	vpmfs_slot_set(vi, s, 0);
	vpmfs_free_block(sb, blk);
	vi->i_nblocks--;
	return true;
}

/**
 * vpmfs_truncate_blocks() - free every block past @size
 * @inode: the file; the caller has removed the page cache past @size
 * @size: new size in bytes
 * @raw: write the inode to its table buffer before the blocks are freed
 *	(false only for a deleted inode whose slot is already cleared)
 *
 * Unpublished blocks are given back at once; blocks the map on disk
 * points at are held until the next commit (vpmfs_free_block()).
 */
void vpmfs_truncate_blocks(struct inode *inode, loff_t size, bool raw)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	struct vpmfs_sb_info *sbi = VPMFS_SB(inode->i_sb);
	u64 first = DIV_ROUND_UP((u64)size, VPMFS_BLOCK_SIZE);
	/* the inode's pointers: the file blocks each covers from, its depth */
	static const struct {
		u64 base;
		int depth;
	} top[] = {
		[VPMFS_IND] = { VPMFS_NDIR, 1 },
		[VPMFS_DIND] = { VPMFS_NDIR + VPMFS_PTRS_PER_BLOCK, 2 },
	};
	struct vpmfs_slot s = { };
	u64 base, span;
	int depth;

	mutex_lock(&vi->i_map_lock);
	/* from the first dropped pointer until the inode buffer has it */
	down_read(&sbi->free_sem);
	vpmfs_drop_unpub(inode, first);
	for (s.i = 0; s.i <= VPMFS_DIND; s.i++) {
		base = s.i < VPMFS_NDIR ? s.i : top[s.i].base;
		depth = s.i < VPMFS_NDIR ? 0 : top[s.i].depth;
		span = depth == 2 ? (u64)VPMFS_PTRS_PER_BLOCK * VPMFS_PTRS_PER_BLOCK :
		       depth == 1 ? VPMFS_PTRS_PER_BLOCK : 1;
		/* (a bad pointer is dropped wherever the cut is) */
		if (base + span <= first &&
		    (!vi->i_block[s.i] ||
		     vpmfs_valid_data_block(sbi, vi->i_block[s.i])))
			continue;
		vpmfs_free_tree(inode, &s, first > base ? first - base : 0,
				depth);
	}
	if (raw)
		__vpmfs_write_raw(inode);
	up_read(&sbi->free_sem);
	mutex_unlock(&vi->i_map_lock);
	mark_inode_dirty(inode);
}

/**
 * vpmfs_get_block() - get_block_t for the buffer and mpage helpers
 * @inode: the file
 * @iblock: block index
 * @bh: buffer to map
 * @create: allocate a hole
 *
 * Return: 0 or a negative errno.
 */
int vpmfs_get_block(struct inode *inode, sector_t iblock,
		    struct buffer_head *bh, int create)
{
	bool new;
	u32 pblk;
	int err;

	err = vpmfs_map_block(inode, iblock, create, &pblk, &new);
	if (err)
		return err;
	if (pblk) {
		map_bh(bh, inode->i_sb, pblk);
		if (new)
			set_buffer_new(bh);
	}
	return 0;
}
