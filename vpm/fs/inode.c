// SPDX-License-Identifier: GPL-2.0
/*
 * vpmfs: inodes, the block map (12 direct, single and double indirect),
 * truncation, address space operations and attributes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/buffer_head.h>
#include <linux/mpage.h>
#include <linux/random.h>
#include <linux/writeback.h>
#include <linux/pagemap.h>
#include <vpm/vpm.h>
#include "vpmfs.h"

/* ---- the block map ---- */

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

/* Allocate a zeroed indirect block; its buffer is returned uptodate. */
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
		vpmfs_free_block(sb, *blk);
		return -ENOMEM;
	}
	lock_buffer(bh);
	memset(bh->b_data, 0, bh->b_size);
	set_buffer_uptodate(bh);
	unlock_buffer(bh);
	mark_buffer_dirty(bh);
	VPMFS_I(inode)->i_nblocks++;
	*bhp = bh;
	return 0;
}

/**
 * vpmfs_map_block() - find, or allocate, the disk block of a file block
 * @inode: the file
 * @iblock: block index in the file
 * @create: allocate the block (and indirect blocks) if it is a hole
 * @pblk: the disk block, 0 for a hole
 * @new: set when the block was allocated by this call (may be NULL)
 *
 * Every pointer read from disk is checked to lie in the data area.
 *
 * Return: 0, -EFBIG past the largest file, -ENOSPC, -EIO or -EUCLEAN.
 */
int vpmfs_map_block(struct inode *inode, u64 iblock, bool create, u32 *pblk,
		    bool *new)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	struct super_block *sb = inode->i_sb;
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	struct buffer_head *bh = NULL;
	unsigned int off[3];
	int depth, level, err = 0;
	u32 blk, goal;
	__le32 *slot;
	bool dirty_root = false;

	*pblk = 0;
	if (new)
		*new = false;
	depth = vpmfs_block_path(iblock, off);
	if (!depth)
		return -EFBIG;

	mutex_lock(&vi->i_map_lock);
	blk = vi->i_block[off[0]];
	goal = vi->i_block[0];
	if (blk && !vpmfs_valid_data_block(sbi, blk))
		goto corrupt;
	if (!blk) {
		if (!create)
			goto out;
		if (depth == 1) {
			err = vpmfs_new_block(sb, goal, &blk);
			if (err)
				goto out;
			vi->i_nblocks++;
			vi->i_block[off[0]] = blk;
			dirty_root = true;
			if (new)
				*new = true;
			*pblk = blk;
			goto out;
		}
		err = vpmfs_new_indirect(inode, goal, &blk, &bh);
		if (err)
			goto out;
		vi->i_block[off[0]] = blk;
		dirty_root = true;
	} else if (depth == 1) {
		*pblk = blk;
		goto out;
	} else {
		bh = sb_bread(sb, blk);
		if (!bh) {
			err = -EIO;
			goto out;
		}
	}

	for (level = 1; level < depth; level++) {
		slot = (__le32 *)bh->b_data + off[level];
		goal = blk;
		blk = le32_to_cpu(*slot);
		if (blk && !vpmfs_valid_data_block(sbi, blk))
			goto corrupt;
		if (!blk) {
			struct buffer_head *nbh = NULL;

			if (!create)
				goto out;
			if (level == depth - 1)
				err = vpmfs_new_block(sb, goal, &blk);
			else
				err = vpmfs_new_indirect(inode, goal, &blk, &nbh);
			if (err)
				goto out;
			lock_buffer(bh);
			*slot = cpu_to_le32(blk);
			unlock_buffer(bh);
			mark_buffer_dirty(bh);
			if (level == depth - 1) {
				vi->i_nblocks++;
				if (new)
					*new = true;
				break;
			}
			brelse(bh);
			bh = nbh;
			continue;
		}
		if (level == depth - 1)
			break;
		brelse(bh);
		bh = sb_bread(sb, blk);
		if (!bh) {
			err = -EIO;
			goto out;
		}
	}
	*pblk = blk;
out:
	brelse(bh);
	mutex_unlock(&vi->i_map_lock);
	if (dirty_root || (new && *new))
		mark_inode_dirty(inode);
	return err;
corrupt:
	vpmfs_error(sb, "inode %llu: bad block pointer %u", (u64)inode->i_ino, blk);
	err = -EUCLEAN;
	goto out;
}

/**
 * vpmfs_unmap_block() - turn one allocated file block back into a hole
 * @inode: the file
 * @iblock: block index
 *
 * Used when a write allocated a block and then could not fill it.  The
 * indirect blocks stay.
 *
 * Return: 0 or a negative errno.
 */
int vpmfs_unmap_block(struct inode *inode, u64 iblock)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	struct super_block *sb = inode->i_sb;
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	struct buffer_head *bh = NULL;
	unsigned int off[3];
	int depth, level, err = 0;
	u32 blk;
	__le32 *slot;

	depth = vpmfs_block_path(iblock, off);
	if (!depth)
		return -EFBIG;
	mutex_lock(&vi->i_map_lock);
	blk = vi->i_block[off[0]];
	if (depth == 1) {
		vi->i_block[off[0]] = 0;
		goto free;
	}
	for (level = 1; level < depth; level++) {
		if (!blk || !vpmfs_valid_data_block(sbi, blk))
			goto out;
		brelse(bh);
		bh = sb_bread(sb, blk);
		if (!bh) {
			err = -EIO;
			goto out;
		}
		slot = (__le32 *)bh->b_data + off[level];
		blk = le32_to_cpu(*slot);
		if (level == depth - 1) {
			lock_buffer(bh);
			*slot = 0;
			unlock_buffer(bh);
			mark_buffer_dirty(bh);
		}
	}
free:
	if (blk && vpmfs_valid_data_block(sbi, blk)) {
		vpmfs_free_block(sb, blk);
		vi->i_nblocks--;
	}
out:
	brelse(bh);
	mutex_unlock(&vi->i_map_lock);
	mark_inode_dirty(inode);
	return err;
}

/*
 * Free the blocks of one indirect block whose entries cover file blocks
 * from @first (relative).  @depth is 1 for a block of data pointers, 2 for
 * a block of indirect pointers.  Returns true if the block is now empty.
 */
static bool vpmfs_free_branch(struct inode *inode, u32 blk, u64 first,
			      int depth)
{
	struct super_block *sb = inode->i_sb;
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	u64 span = depth == 2 ? VPMFS_PTRS_PER_BLOCK : 1;
	struct buffer_head *bh;
	bool empty = true;
	__le32 *p;
	u32 i, b;

	bh = sb_bread(sb, blk);
	if (!bh) {
		vpmfs_error(sb, "inode %llu: cannot read indirect block %u",
			    (u64)inode->i_ino, blk);
		return false;
	}
	p = (__le32 *)bh->b_data;
	for (i = 0; i < VPMFS_PTRS_PER_BLOCK; i++) {
		b = le32_to_cpu(p[i]);
		if (!b)
			continue;
		if ((u64)(i + 1) * span <= first) {
			empty = false;
			continue;
		}
		if (!vpmfs_valid_data_block(sbi, b)) {
			vpmfs_error(sb, "inode %llu: bad block pointer %u",
				    (u64)inode->i_ino, b);
			empty = false;
			continue;
		}
		if (depth == 2) {
			u64 sub = first > (u64)i * span ? first - i * span : 0;

			if (!vpmfs_free_branch(inode, b, sub, 1)) {
				empty = false;
				continue;
			}
		}
		vpmfs_free_block(sb, b);
		vi->i_nblocks--;
		lock_buffer(bh);
		p[i] = 0;
		unlock_buffer(bh);
		mark_buffer_dirty(bh);
	}
	brelse(bh);
	return empty;
}

/**
 * vpmfs_truncate_blocks() - free every block past @size
 * @inode: the file; the caller has removed the page cache past @size
 * @size: new size in bytes
 */
void vpmfs_truncate_blocks(struct inode *inode, loff_t size)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	struct super_block *sb = inode->i_sb;
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	u64 first = DIV_ROUND_UP((u64)size, VPMFS_BLOCK_SIZE);
	u32 i, b;

	mutex_lock(&vi->i_map_lock);
	for (i = 0; i < VPMFS_NDIR; i++) {
		b = vi->i_block[i];
		if (i < first || !b)
			continue;
		if (vpmfs_valid_data_block(sbi, b)) {
			vpmfs_free_block(sb, b);
			vi->i_nblocks--;
		} else {
			vpmfs_error(sb, "inode %llu: bad block pointer %u",
				    (u64)inode->i_ino, b);
		}
		vi->i_block[i] = 0;
	}
	b = vi->i_block[VPMFS_IND];
	if (b) {
		u64 rel = first > VPMFS_NDIR ? first - VPMFS_NDIR : 0;

		if (!vpmfs_valid_data_block(sbi, b)) {
			vpmfs_error(sb, "inode %llu: bad indirect pointer %u",
				    (u64)inode->i_ino, b);
			vi->i_block[VPMFS_IND] = 0;
		} else if (rel < VPMFS_PTRS_PER_BLOCK &&
			   vpmfs_free_branch(inode, b, rel, 1) && !rel) {
			vpmfs_free_block(sb, b);
			vi->i_nblocks--;
			vi->i_block[VPMFS_IND] = 0;
		}
	}
	b = vi->i_block[VPMFS_DIND];
	if (b) {
		u64 base = VPMFS_NDIR + VPMFS_PTRS_PER_BLOCK;
		u64 rel = first > base ? first - base : 0;

		if (!vpmfs_valid_data_block(sbi, b)) {
			vpmfs_error(sb, "inode %llu: bad indirect pointer %u",
				    (u64)inode->i_ino, b);
			vi->i_block[VPMFS_DIND] = 0;
		} else if (vpmfs_free_branch(inode, b, rel, 2) && !rel) {
			vpmfs_free_block(sb, b);
			vi->i_nblocks--;
			vi->i_block[VPMFS_DIND] = 0;
		}
	}
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

/* ---- address space operations ---- */

static int vpmfs_read_folio(struct file *file, struct folio *folio)
{
	return mpage_read_folio(folio, vpmfs_get_block);
}

static void vpmfs_readahead(struct readahead_control *rac)
{
	mpage_readahead(rac, vpmfs_get_block);
}

static int vpmfs_writepages(struct address_space *mapping,
			    struct writeback_control *wbc)
{
	return mpage_writepages(mapping, wbc, vpmfs_get_block);
}

static int __maybe_unused
vpmfs_writepage(struct page *page, struct writeback_control *wbc)
{
	return vpm_block_write_full_page(page, vpmfs_get_block, wbc);
}

static void vpmfs_write_failed(struct address_space *mapping, loff_t to)
{
	struct inode *inode = mapping->host;

	if (to > inode->i_size) {
		truncate_pagecache(inode, inode->i_size);
		vpmfs_truncate_blocks(inode, inode->i_size);
	}
}

static int vpmfs_write_begin(VPM_WB_CTX ctx, struct address_space *mapping,
			     loff_t pos, unsigned int len, VPM_WB_PAGE **pagep,
			     void **fsdata)
{
	int err;

	err = block_write_begin(mapping, pos, len, pagep, vpmfs_get_block);
	if (err < 0)
		vpmfs_write_failed(mapping, pos + len);
	return err;
}

static sector_t vpmfs_bmap(struct address_space *mapping, sector_t block)
{
	return generic_block_bmap(mapping, block, vpmfs_get_block);
}

const struct address_space_operations vpmfs_aops = {
	.read_folio		= vpmfs_read_folio,
	.readahead		= vpmfs_readahead,
	.writepages		= vpmfs_writepages,
	VPM_AOPS_WRITEPAGE(vpmfs_writepage)
	.write_begin		= vpmfs_write_begin,
	.write_end		= generic_write_end,
	.dirty_folio		= block_dirty_folio,
	.invalidate_folio	= block_invalidate_folio,
	.bmap			= vpmfs_bmap,
	.migrate_folio		= buffer_migrate_folio,
	.is_partially_uptodate	= block_is_partially_uptodate,
};

/* ---- attributes ---- */

static int vpmfs_setsize(struct inode *inode, loff_t size)
{
	struct address_space *mapping = inode->i_mapping;
	loff_t old = inode->i_size;
	int err;

	if (!(S_ISREG(inode->i_mode) || S_ISLNK(inode->i_mode)))
		return -EINVAL;
	inode_dio_wait(inode);
	if (size < old) {
		err = block_truncate_page(mapping, size, vpmfs_get_block);
		if (err)
			return err;
		truncate_setsize(inode, size);
		vpmfs_truncate_blocks(inode, size);
	} else {
		/* bytes between the old EOF and the block end read as zero */
		if (old & (VPMFS_BLOCK_SIZE - 1)) {
			err = block_truncate_page(mapping, old, vpmfs_get_block);
			if (err)
				return err;
		}
		truncate_setsize(inode, size);
	}
	vpm_inode_set_mtime(inode, inode_set_ctime_current(inode));
	mark_inode_dirty(inode);
	return 0;
}

/**
 * vpmfs_setattr() - ->setattr: mode, owner, times and size
 * @idmap: ignored (no FS_ALLOW_IDMAP)
 * @dentry: the file
 * @attr: what to change
 *
 * Return: 0 or a negative errno.
 */
int vpmfs_setattr(vpm_idmap_t *idmap, struct dentry *dentry,
		  struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	int err;

	err = setattr_prepare(VPM_NOP_IDMAP, dentry, attr);
	if (err)
		return err;
	if ((attr->ia_valid & ATTR_SIZE) && attr->ia_size != inode->i_size) {
		err = vpmfs_setsize(inode, attr->ia_size);
		if (err)
			return err;
	}
	setattr_copy(VPM_NOP_IDMAP, inode, attr);
	mark_inode_dirty(inode);
	return 0;
}

/**
 * vpmfs_getattr() - ->getattr
 * @idmap: ignored
 * @path: the file
 * @stat: filled in
 * @request_mask: STATX_* wanted
 * @flags: AT_* flags
 *
 * Return: 0.
 */
int vpmfs_getattr(vpm_idmap_t *idmap, const struct path *path,
		  struct kstat *stat, u32 request_mask, unsigned int flags)
{
	struct inode *inode = d_inode(path->dentry);

	vpm_generic_fillattr(VPM_NOP_IDMAP, request_mask, inode, stat);
	stat->blksize = VPMFS_BLOCK_SIZE;
	return 0;
}

const struct inode_operations vpmfs_file_iops = {
	.setattr	= vpmfs_setattr,
	.getattr	= vpmfs_getattr,
};

const struct inode_operations vpmfs_symlink_iops = {
	.get_link	= page_get_link,
	.setattr	= vpmfs_setattr,
	.getattr	= vpmfs_getattr,
};

const struct inode_operations vpmfs_special_iops = {
	.setattr	= vpmfs_setattr,
	.getattr	= vpmfs_getattr,
};

/**
 * vpmfs_set_ops() - set the operations of an inode from its mode
 * @inode: the inode
 */
void vpmfs_set_ops(struct inode *inode)
{
	if (S_ISREG(inode->i_mode)) {
		inode->i_op = &vpmfs_file_iops;
		inode->i_fop = &vpmfs_file_fops;
		inode->i_mapping->a_ops = &vpmfs_aops;
	} else if (S_ISDIR(inode->i_mode)) {
		inode->i_op = &vpmfs_dir_iops;
		inode->i_fop = &vpmfs_dir_fops;
		inode->i_mapping->a_ops = &vpmfs_aops;
	} else if (S_ISLNK(inode->i_mode)) {
		inode->i_op = &vpmfs_symlink_iops;
		inode_nohighmem(inode);
		inode->i_mapping->a_ops = &vpmfs_aops;
	} else {
		inode->i_op = &vpmfs_special_iops;
		init_special_inode(inode, inode->i_mode, inode->i_rdev);
	}
}

/* ---- reading and writing inodes ---- */

static struct buffer_head *vpmfs_inode_bh(struct super_block *sb,
					  unsigned long ino,
					  struct vpmfs_inode **raw)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	struct buffer_head *bh;

	bh = sb_bread(sb, sbi->l.itable_start + ino / VPMFS_INODES_PER_BLOCK);
	if (!bh)
		return NULL;
	*raw = (struct vpmfs_inode *)bh->b_data + ino % VPMFS_INODES_PER_BLOCK;
	return bh;
}

/* Validate an on-disk inode; returns a reason or NULL. */
static const char *vpmfs_check_raw(struct vpmfs_sb_info *sbi,
				   const struct vpmfs_inode *raw)
{
	umode_t mode = le16_to_cpu(raw->i_mode);
	u64 size = le64_to_cpu(raw->i_size);
	int i;

	if (!mode)
		return "free inode is referenced";
	if (!le16_to_cpu(raw->i_links))
		return "deleted inode is referenced";
	if (le16_to_cpu(raw->i_links) > VPMFS_MAX_LINKS)
		return "bad link count";
	switch (mode & S_IFMT) {
	case S_IFREG:
		if (size > VPMFS_MAX_FILE_SIZE)
			return "bad size";
		break;
	case S_IFDIR:
		if (!size || size % VPMFS_BLOCK_SIZE ||
		    size > (u64)VPMFS_MAX_FILE_BLOCKS * VPMFS_BLOCK_SIZE ||
		    le16_to_cpu(raw->i_links) < 2)
			return "bad directory size or link count";
		break;
	case S_IFLNK:
		if (!size || size > VPMFS_SYMLINK_MAX)
			return "bad symlink size";
		break;
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return NULL;	/* i_block[0] holds the device number */
	default:
		return "bad file type";
	}
	for (i = 0; i < VPMFS_NBLOCKS; i++) {
		u32 b = le32_to_cpu(raw->i_block[i]);

		if (b && (i == VPMFS_NBLOCKS - 1 ||
			  !vpmfs_valid_data_block(sbi, b)))
			return "bad block pointer";
	}
	if (le32_to_cpu(raw->i_blocks) > sbi->blocks)
		return "bad block count";
	return NULL;
}

/**
 * vpmfs_iget() - get an inode by number, reading it if needed
 * @sb: the file system
 * @ino: inode number
 *
 * Return: the inode, or ERR_PTR(-EUCLEAN) for a damaged or unused one,
 * -EIO, -ENOMEM.
 */
struct inode *vpmfs_iget(struct super_block *sb, unsigned long ino)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	struct vpmfs_inode_info *vi;
	struct vpmfs_inode *raw;
	struct buffer_head *bh;
	struct inode *inode;
	const char *why;
	struct timespec64 ts;
	int i, used;

	if (ino < VPMFS_ROOT_INO || ino >= sbi->inodes) {
		vpmfs_error(sb, "bad inode number %lu", ino);
		return ERR_PTR(-EUCLEAN);
	}
	inode = iget_locked(sb, ino);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	if (!vpm_inode_is_new(inode))
		return inode;

	used = vpmfs_ino_in_use(sb, ino);
	if (used <= 0) {
		if (!used)
			vpmfs_error(sb, "inode %lu is referenced but free in the bitmap",
				    ino);
		iget_failed(inode);
		return ERR_PTR(used ? used : -EUCLEAN);
	}
	bh = vpmfs_inode_bh(sb, ino, &raw);
	if (!bh) {
		iget_failed(inode);
		return ERR_PTR(-EIO);
	}
	why = vpmfs_check_raw(sbi, raw);
	if (why) {
		vpmfs_error(sb, "inode %lu: %s", ino, why);
		brelse(bh);
		iget_failed(inode);
		return ERR_PTR(-EUCLEAN);
	}
	vi = VPMFS_I(inode);
	inode->i_mode = le16_to_cpu(raw->i_mode);
	i_uid_write(inode, le32_to_cpu(raw->i_uid));
	i_gid_write(inode, le32_to_cpu(raw->i_gid));
	set_nlink(inode, le16_to_cpu(raw->i_links));
	inode->i_size = le64_to_cpu(raw->i_size);
	ts.tv_sec = le64_to_cpu(raw->i_atime);
	ts.tv_nsec = le32_to_cpu(raw->i_atime_ns) % NSEC_PER_SEC;
	vpm_inode_set_atime(inode, ts);
	ts.tv_sec = le64_to_cpu(raw->i_mtime);
	ts.tv_nsec = le32_to_cpu(raw->i_mtime_ns) % NSEC_PER_SEC;
	vpm_inode_set_mtime(inode, ts);
	ts.tv_sec = le64_to_cpu(raw->i_ctime);
	ts.tv_nsec = le32_to_cpu(raw->i_ctime_ns) % NSEC_PER_SEC;
	inode_set_ctime_to_ts(inode, ts);
	inode->i_generation = le32_to_cpu(raw->i_generation);
	for (i = 0; i < VPMFS_NBLOCKS; i++)
		vi->i_block[i] = le32_to_cpu(raw->i_block[i]);
	vi->i_nblocks = le32_to_cpu(raw->i_blocks);
	inode->i_blocks = (blkcnt_t)vi->i_nblocks << (VPMFS_BLOCK_SHIFT - 9);
	if (S_ISCHR(inode->i_mode) || S_ISBLK(inode->i_mode))
		inode->i_rdev = new_decode_dev(vi->i_block[0]);
	brelse(bh);
	vpmfs_set_ops(inode);
	unlock_new_inode(inode);
	return inode;
}

/**
 * vpmfs_write_inode() - ->write_inode: copy the inode to its table slot
 * @inode: the inode
 * @wbc: WB_SYNC_ALL waits for the write
 *
 * Return: 0 or -EIO.
 */
int vpmfs_write_inode(struct inode *inode, struct writeback_control *wbc)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	u32 map[VPMFS_NBLOCKS], nblocks;
	struct vpmfs_inode *raw;
	struct buffer_head *bh;
	struct timespec64 ts;
	int i, err = 0;

	/* snapshot the block map; never take i_map_lock under a buffer lock */
	mutex_lock(&vi->i_map_lock);
	memcpy(map, vi->i_block, sizeof(map));
	nblocks = vi->i_nblocks;
	mutex_unlock(&vi->i_map_lock);
	inode->i_blocks = (blkcnt_t)nblocks << (VPMFS_BLOCK_SHIFT - 9);

	bh = vpmfs_inode_bh(inode->i_sb, inode->i_ino, &raw);
	if (!bh)
		return -EIO;
	lock_buffer(bh);
	raw->i_mode = cpu_to_le16(inode->i_mode);
	raw->i_links = cpu_to_le16(inode->i_nlink);
	raw->i_uid = cpu_to_le32(i_uid_read(inode));
	raw->i_gid = cpu_to_le32(i_gid_read(inode));
	raw->i_flags = 0;
	raw->i_size = cpu_to_le64(inode->i_size);
	ts = vpm_inode_get_atime(inode);
	raw->i_atime = cpu_to_le64(ts.tv_sec);
	raw->i_atime_ns = cpu_to_le32(ts.tv_nsec);
	ts = vpm_inode_get_mtime(inode);
	raw->i_mtime = cpu_to_le64(ts.tv_sec);
	raw->i_mtime_ns = cpu_to_le32(ts.tv_nsec);
	ts = inode_get_ctime(inode);
	raw->i_ctime = cpu_to_le64(ts.tv_sec);
	raw->i_ctime_ns = cpu_to_le32(ts.tv_nsec);
	raw->i_generation = cpu_to_le32(inode->i_generation);
	raw->i_blocks = cpu_to_le32(nblocks);
	if (S_ISCHR(inode->i_mode) || S_ISBLK(inode->i_mode)) {
		memset(raw->i_block, 0, sizeof(raw->i_block));
		raw->i_block[0] = cpu_to_le32(new_encode_dev(inode->i_rdev));
	} else {
		for (i = 0; i < VPMFS_NBLOCKS; i++)
			raw->i_block[i] = cpu_to_le32(map[i]);
	}
	unlock_buffer(bh);
	mark_buffer_dirty(bh);
	if (wbc->sync_mode == WB_SYNC_ALL) {
		sync_dirty_buffer(bh);
		if (buffer_req(bh) && !buffer_uptodate(bh))
			err = -EIO;
	}
	brelse(bh);
	return err;
}

/* Clear a deleted inode's table slot. */
static void vpmfs_clear_raw(struct inode *inode)
{
	struct vpmfs_inode *raw;
	struct buffer_head *bh;

	bh = vpmfs_inode_bh(inode->i_sb, inode->i_ino, &raw);
	if (!bh)
		return;
	lock_buffer(bh);
	memset(raw, 0, sizeof(*raw));
	unlock_buffer(bh);
	mark_buffer_dirty(bh);
	brelse(bh);
}

/**
 * vpmfs_evict_inode() - ->evict_inode: drop the pages, free a deleted inode
 * @inode: the inode
 */
void vpmfs_evict_inode(struct inode *inode)
{
	bool del = !inode->i_nlink && !is_bad_inode(inode);

	truncate_inode_pages_final(&inode->i_data);
	if (del) {
		inode->i_size = 0;
		/* only these own blocks; the others' i_block is not a map */
		if (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode) ||
		    S_ISLNK(inode->i_mode))
			vpmfs_truncate_blocks(inode, 0);
	}
	clear_inode(inode);
	if (del) {
		vpmfs_clear_raw(inode);
		vpmfs_free_ino(inode->i_sb, inode->i_ino);
	}
}

/**
 * vpmfs_new_inode() - allocate and set up a new inode
 * @dir: the parent directory
 * @mode: type and permissions
 *
 * Return: the new inode (locked, I_NEW; the caller finishes it with
 * d_instantiate_new()), or an ERR_PTR.
 */
struct inode *vpmfs_new_inode(struct inode *dir, umode_t mode)
{
	struct super_block *sb = dir->i_sb;
	struct inode *inode;
	u32 ino;
	int err;

	inode = new_inode(sb);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	err = vpmfs_new_ino(sb, &ino);
	if (err) {
		make_bad_inode(inode);
		iput(inode);
		return ERR_PTR(err);
	}
	inode_init_owner(VPM_NOP_IDMAP, inode, dir, mode);
	inode->i_ino = ino;
	inode->i_blocks = 0;
	vpm_inode_init_ts(inode);
	inode->i_generation = get_random_u32();
	if (insert_inode_locked(inode) < 0) {
		vpmfs_error(sb, "inode %u is free in the bitmap but in use", ino);
		make_bad_inode(inode);
		iput(inode);
		return ERR_PTR(-EUCLEAN);
	}
	mark_inode_dirty(inode);
	return inode;
}
