// SPDX-License-Identifier: GPL-2.0
/*
 * vpmfs: inodes (reading, writing and freeing them), address space
 * operations and attributes.  The block map is in bmap.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/buffer_head.h>
#include <linux/mpage.h>
#include <linux/random.h>
#include <linux/writeback.h>
#include <linux/pagemap.h>
#include <vpm/vpm.h>
#include "vpmfs.h"

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
		vpmfs_truncate_blocks(inode, inode->i_size, true);
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
		vpmfs_truncate_blocks(inode, size, true);
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

/*
 * Copy the inode to its table slot in the buffer cache; i_map_lock held
 * (the order is i_map_lock -> buffer lock).  Unpublished blocks are
 * neither in the map nor in the block count on disk.
 */
int __vpmfs_write_raw(struct inode *inode)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	u32 nblocks = vi->i_nblocks - vi->i_nunpub;
	struct vpmfs_inode *raw;
	struct buffer_head *bh;
	struct timespec64 ts;
	int i;

	lockdep_assert_held(&vi->i_map_lock);
	inode->i_blocks = (blkcnt_t)vi->i_nblocks << (VPMFS_BLOCK_SHIFT - 9);
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
			raw->i_block[i] = cpu_to_le32(vi->i_block[i]);
	}
	unlock_buffer(bh);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

/**
 * vpmfs_write_raw() - copy an inode to its table slot in the buffer cache
 * @inode: the inode
 *
 * The buffer reaches the disk with the next commit or block-device
 * writeback; this does no I/O but reading the table block.
 *
 * Return: 0 or -EIO.
 */
int vpmfs_write_raw(struct inode *inode)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	int err;

	mutex_lock(&vi->i_map_lock);
	err = __vpmfs_write_raw(inode);
	mutex_unlock(&vi->i_map_lock);
	return err;
}

/**
 * vpmfs_write_inode() - ->write_inode: copy the inode to its table slot
 * @inode: the inode
 * @wbc: writeback control (no I/O is done here either way)
 *
 * Blocks whose data writeback has completed are published first.  An
 * inode that still has unpublished blocks is dirtied again, so that
 * writeback comes back for them.  Durability is the business of fsync
 * and sync_fs, which commit (vpmfs_commit()).
 *
 * Return: 0 or a negative errno.
 */
int vpmfs_write_inode(struct inode *inode, struct writeback_control *wbc)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	int err, err2;

	err = vpmfs_publish(inode, false);
	err2 = vpmfs_write_raw(inode);
	if (READ_ONCE(vi->i_nunpub))
		mark_inode_dirty_sync(inode);
	if (err2)
		return err2;
	return err < 0 ? err : 0;
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
 *
 * A live inode publishes what it still has unpublished (its data is
 * written and waited for first).  A deleted one clears its table slot
 * before its blocks and its number are freed, so that nothing on disk
 * points at them once they are reused.
 */
void vpmfs_evict_inode(struct inode *inode)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	struct vpmfs_sb_info *sbi = VPMFS_SB(inode->i_sb);
	bool del = !inode->i_nlink && !is_bad_inode(inode);

	if (!del && READ_ONCE(vi->i_nunpub) && !is_bad_inode(inode)) {
		filemap_write_and_wait(inode->i_mapping);
		if (vpmfs_publish(inode, true) >= 0)
			vpmfs_write_raw(inode);
	}
	truncate_inode_pages_final(&inode->i_data);
	if (del) {
		vpmfs_clear_raw(inode);
		inode->i_size = 0;
	}
	/* only these own blocks; the others' i_block is not a map */
	if (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode) ||
	    S_ISLNK(inode->i_mode)) {
		if (del) {
			vpmfs_truncate_blocks(inode, 0, false);
		} else {
			/* what could not be published is lost with the pages */
			mutex_lock(&vi->i_map_lock);
			vpmfs_drop_unpub(inode, 0);
			mutex_unlock(&vi->i_map_lock);
		}
	}
	spin_lock(&sbi->unpub_lock);
	list_del_init(&vi->i_unpub_link);
	spin_unlock(&sbi->unpub_lock);
	clear_inode(inode);
	if (del)
		vpmfs_free_ino(inode->i_sb, inode->i_ino);
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
