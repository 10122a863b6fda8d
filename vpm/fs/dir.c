// SPDX-License-Identifier: GPL-2.0
/*
 * vpmfs: directories.  A directory is a whole number of blocks of 64-byte
 * entries, kept in the block-device buffer cache.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/string.h>
#include "vpmfs.h"

/* Read directory block @n (a hole in a directory is damage). */
static struct buffer_head *vpmfs_dir_bread(struct inode *dir, u32 n)
{
	struct buffer_head *bh;
	u32 pblk;
	int err;

	err = vpmfs_map_block(dir, n, false, &pblk, NULL);
	if (err)
		return ERR_PTR(err);
	if (!pblk) {
		vpmfs_error(dir->i_sb, "directory %llu has a hole at block %u",
			    (u64)dir->i_ino, n);
		return ERR_PTR(-EUCLEAN);
	}
	bh = sb_bread(dir->i_sb, pblk);
	if (!bh)
		return ERR_PTR(-EIO);
	return bh;
}

static u32 vpmfs_dir_blocks(struct inode *dir)
{
	return dir->i_size >> VPMFS_BLOCK_SHIFT;
}

/* 0: free slot, 1: valid entry, -EUCLEAN: damaged entry (reported). */
static int vpmfs_check_dirent(struct inode *dir, const struct vpmfs_dirent *de)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(dir->i_sb);
	u32 ino = le32_to_cpu(de->d_ino);
	unsigned int len = de->d_name_len;

	if (!ino)
		return 0;
	if (!len || len > VPMFS_NAME_LEN || ino >= sbi->inodes ||
	    memchr(de->d_name, '/', len) || memchr(de->d_name, 0, len)) {
		vpmfs_error(dir->i_sb, "directory %llu: bad entry (inode %u, name length %u)",
			    (u64)dir->i_ino, ino, len);
		return -EUCLEAN;
	}
	return 1;
}

/*
 * Find @name in @dir.  Returns the entry, with its buffer in *bhp, NULL
 * if absent, or an ERR_PTR.
 */
static struct vpmfs_dirent *vpmfs_find_entry(struct inode *dir,
					     const struct qstr *name,
					     struct buffer_head **bhp)
{
	u32 n, nblocks = vpmfs_dir_blocks(dir);
	struct vpmfs_dirent *de;
	struct buffer_head *bh;
	int i, ok;

	if (name->len > VPMFS_NAME_LEN)
		return NULL;
	for (n = 0; n < nblocks; n++) {
		cond_resched();	/* a directory may have many blocks */
		bh = vpmfs_dir_bread(dir, n);
		if (IS_ERR(bh))
			return ERR_CAST(bh);
		de = (struct vpmfs_dirent *)bh->b_data;
		for (i = 0; i < VPMFS_DIRENTS_PER_BLOCK; i++, de++) {
			ok = vpmfs_check_dirent(dir, de);
			if (ok <= 0)
				continue;
			if (de->d_name_len == name->len &&
			    !memcmp(de->d_name, name->name, name->len)) {
				*bhp = bh;
				return de;
			}
		}
		brelse(bh);
	}
	return NULL;
}

static void vpmfs_fill_dirent(struct vpmfs_dirent *de, const char *name,
			      unsigned int len, u32 ino, umode_t mode)
{
	memset(de, 0, sizeof(*de));
	de->d_ino = cpu_to_le32(ino);
	de->d_name_len = len;
	de->d_type = vpmfs_mode_to_ft(mode);
	memcpy(de->d_name, name, len);
}

static void vpmfs_touch_dir(struct inode *dir)
{
	vpm_inode_set_mtime(dir, inode_set_ctime_current(dir));
	mark_inode_dirty(dir);
}

/*
 * Add an entry for @inode to @dir, growing @dir by a block if needed.  A
 * new block is written, with the entry, before the directory points at
 * it.  @durable: write the entry's block through to the disk (rename and
 * link: the new name is on disk before the inode's other name can go,
 * by this rename or by a later unlink, so no crash loses the inode).
 */
static int vpmfs_add_entry(struct inode *dir, const struct qstr *name,
			   struct inode *inode, bool durable)
{
	u32 n, nblocks = vpmfs_dir_blocks(dir), pblk;
	struct vpmfs_dirent *de;
	struct buffer_head *bh;
	bool grow = false;
	int i, err = 0;

	if (name->len > VPMFS_NAME_LEN)
		return -ENAMETOOLONG;
	for (n = 0; n < nblocks; n++) {
		cond_resched();
		bh = vpmfs_dir_bread(dir, n);
		if (IS_ERR(bh))
			return PTR_ERR(bh);
		de = (struct vpmfs_dirent *)bh->b_data;
		for (i = 0; i < VPMFS_DIRENTS_PER_BLOCK; i++, de++) {
			if (de->d_ino)
				continue;
			goto found;
		}
		brelse(bh);
	}
	if ((u64)nblocks + 1 > VPMFS_MAX_FILE_BLOCKS)
		return -ENOSPC;
	err = vpmfs_map_block(dir, nblocks, true, &pblk, NULL);
	if (err)
		return err;
	bh = sb_getblk(dir->i_sb, pblk);
	if (!bh) {
		vpmfs_truncate_blocks(dir, dir->i_size, true);
		return -ENOMEM;
	}
	lock_buffer(bh);
	memset(bh->b_data, 0, bh->b_size);
	set_buffer_uptodate(bh);
	unlock_buffer(bh);
	de = (struct vpmfs_dirent *)bh->b_data;
	grow = true;
found:
	lock_buffer(bh);
	vpmfs_fill_dirent(de, name->name, name->len, inode->i_ino,
			  inode->i_mode);
	unlock_buffer(bh);
	if (grow || durable)
		err = vpmfs_write_new_block(bh);
	else
		mark_buffer_dirty(bh);
	brelse(bh);
	if (grow) {
		if (!err)
			err = vpmfs_publish_block(dir, nblocks);
		if (err) {
			vpmfs_truncate_blocks(dir, dir->i_size, true);
			return err;
		}
		i_size_write(dir, (loff_t)(nblocks + 1) << VPMFS_BLOCK_SHIFT);
		/* the inode on disk must reach the new block too */
		if (durable) {
			err = vpmfs_sync_dir_name(dir);
			if (err) {
				i_size_write(dir, (loff_t)nblocks << VPMFS_BLOCK_SHIFT);
				vpmfs_truncate_blocks(dir, dir->i_size, true);
				return err;
			}
		}
	}
	if (err)
		return err;
	vpmfs_set_name(inode, dir);
	vpmfs_touch_dir(dir);
	return 0;
}

static void vpmfs_clear_entry(struct buffer_head *bh, struct vpmfs_dirent *de)
{
	lock_buffer(bh);
	memset(de, 0, sizeof(*de));
	unlock_buffer(bh);
	mark_buffer_dirty(bh);
}

static void vpmfs_set_entry(struct buffer_head *bh, struct vpmfs_dirent *de,
			    struct inode *inode)
{
	lock_buffer(bh);
	de->d_ino = cpu_to_le32(inode->i_ino);
	de->d_type = vpmfs_mode_to_ft(inode->i_mode);
	unlock_buffer(bh);
	mark_buffer_dirty(bh);
}

/* Decrement a link count that damage may have left at zero already. */
static int vpmfs_dec_link(struct inode *inode)
{
	if (!inode->i_nlink) {
		vpmfs_error(inode->i_sb, "inode %llu: link count underflow",
			    (u64)inode->i_ino);
		return -EUCLEAN;
	}
	inode_dec_link_count(inode);
	return 0;
}

/* Write "." and ".." into the first block of a new directory. */
static int vpmfs_make_empty(struct inode *inode, struct inode *parent)
{
	struct vpmfs_dirent *de;
	struct buffer_head *bh;
	u32 pblk;
	int err;

	err = vpmfs_map_block(inode, 0, true, &pblk, NULL);
	if (err)
		return err;
	bh = sb_getblk(inode->i_sb, pblk);
	if (!bh) {
		vpmfs_truncate_blocks(inode, 0, true);
		return -ENOMEM;
	}
	lock_buffer(bh);
	memset(bh->b_data, 0, bh->b_size);
	de = (struct vpmfs_dirent *)bh->b_data;
	vpmfs_fill_dirent(&de[0], ".", 1, inode->i_ino, S_IFDIR);
	vpmfs_fill_dirent(&de[1], "..", 2, parent->i_ino, S_IFDIR);
	set_buffer_uptodate(bh);
	unlock_buffer(bh);
	/* on disk before the inode points at it */
	err = vpmfs_write_new_block(bh);
	brelse(bh);
	if (!err)
		err = vpmfs_publish_block(inode, 0);
	if (err) {
		vpmfs_truncate_blocks(inode, 0, true);
		return err;
	}
	i_size_write(inode, VPMFS_BLOCK_SIZE);
	mark_inode_dirty(inode);
	return 0;
}

/* Is the directory empty but for "." and ".."?  1, 0 or -errno. */
static int vpmfs_empty_dir(struct inode *dir)
{
	u32 n, nblocks = vpmfs_dir_blocks(dir);
	struct vpmfs_dirent *de;
	struct buffer_head *bh;
	int i;

	for (n = 0; n < nblocks; n++) {
		cond_resched();
		bh = vpmfs_dir_bread(dir, n);
		if (IS_ERR(bh))
			return PTR_ERR(bh);
		de = (struct vpmfs_dirent *)bh->b_data;
		for (i = n ? 0 : 2; i < VPMFS_DIRENTS_PER_BLOCK; i++) {
			if (de[i].d_ino) {
				brelse(bh);
				return 0;
			}
		}
		brelse(bh);
	}
	return 1;
}

/* The ".." entry of directory @inode, with its buffer. */
static struct vpmfs_dirent *vpmfs_dotdot(struct inode *inode,
					 struct buffer_head **bhp)
{
	struct vpmfs_dirent *de;
	struct buffer_head *bh;

	bh = vpmfs_dir_bread(inode, 0);
	if (IS_ERR(bh))
		return ERR_CAST(bh);
	de = (struct vpmfs_dirent *)bh->b_data + 1;
	if (de->d_name_len != 2 || memcmp(de->d_name, "..", 2)) {
		vpmfs_error(inode->i_sb, "directory %llu: no \"..\" entry",
			    (u64)inode->i_ino);
		brelse(bh);
		return ERR_PTR(-EUCLEAN);
	}
	*bhp = bh;
	return de;
}

/* ---- directory file operations ---- */

static int vpmfs_readdir(struct file *file, struct dir_context *ctx)
{
	struct inode *dir = file_inode(file);
	u32 nblocks = vpmfs_dir_blocks(dir), n, i;
	struct vpmfs_dirent *de;
	struct buffer_head *bh;
	int ok;

	if (ctx->pos < 0)
		return -EINVAL;
	for (n = ctx->pos >> VPMFS_BLOCK_SHIFT; n < nblocks; n++) {
		cond_resched();
		bh = vpmfs_dir_bread(dir, n);
		if (IS_ERR(bh))
			return PTR_ERR(bh);
		i = (ctx->pos & (VPMFS_BLOCK_SIZE - 1)) / VPMFS_DIRENT_SIZE;
		de = (struct vpmfs_dirent *)bh->b_data + i;
		for (; i < VPMFS_DIRENTS_PER_BLOCK; i++, de++) {
			ok = vpmfs_check_dirent(dir, de);
			if (ok < 0) {
				brelse(bh);
				return ok;
			}
			if (ok && !dir_emit(ctx, de->d_name, de->d_name_len,
					    le32_to_cpu(de->d_ino),
					    de->d_type < 16 ? de->d_type :
					    DT_UNKNOWN)) {
				brelse(bh);
				return 0;
			}
			ctx->pos = ((loff_t)n << VPMFS_BLOCK_SHIFT) +
				   (i + 1) * VPMFS_DIRENT_SIZE;
		}
		brelse(bh);
	}
	return 0;
}

const struct file_operations vpmfs_dir_fops = {
	.llseek		= generic_file_llseek,
	.read		= generic_read_dir,
	.iterate_shared	= vpmfs_readdir,
	.fsync		= vpmfs_fsync,
};

/* ---- directory inode operations ---- */

static struct dentry *vpmfs_lookup(struct inode *dir, struct dentry *dentry,
				   unsigned int flags)
{
	struct inode *inode = NULL;
	struct vpmfs_dirent *de;
	struct buffer_head *bh;
	u32 ino;

	if (dentry->d_name.len > VPMFS_NAME_LEN)
		return ERR_PTR(-ENAMETOOLONG);
	de = vpmfs_find_entry(dir, &dentry->d_name, &bh);
	if (IS_ERR(de))
		return ERR_CAST(de);
	if (de) {
		ino = le32_to_cpu(de->d_ino);
		brelse(bh);
		if (ino == dir->i_ino) {
			vpmfs_error(dir->i_sb, "directory %llu contains itself",
				    (u64)dir->i_ino);
			return ERR_PTR(-EUCLEAN);
		}
		inode = vpmfs_iget(dir->i_sb, ino);
		if (IS_ERR(inode))
			return ERR_CAST(inode);
	}
	return d_splice_alias(inode, dentry);
}

static int vpmfs_mknod(vpm_idmap_t *idmap, struct inode *dir,
		       struct dentry *dentry, umode_t mode, dev_t rdev)
{
	struct inode *inode;
	int err;

	inode = vpmfs_new_inode(dir, mode);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	inode->i_rdev = rdev;
	vpmfs_set_ops(inode);
	err = vpmfs_add_entry(dir, &dentry->d_name, inode, false);
	if (err) {
		inode_dec_link_count(inode);
		discard_new_inode(inode);
		return err;
	}
	d_instantiate_new(dentry, inode);
	return 0;
}

static int vpmfs_create(vpm_idmap_t *idmap, struct inode *dir,
			struct dentry *dentry, umode_t mode, bool excl)
{
	return vpmfs_mknod(idmap, dir, dentry, mode, 0);
}

static int vpmfs_symlink(vpm_idmap_t *idmap, struct inode *dir,
			 struct dentry *dentry, const char *symname)
{
	size_t len = strlen(symname) + 1;
	struct inode *inode;
	int err;

	if (len > VPMFS_SYMLINK_MAX)
		return -ENAMETOOLONG;
	inode = vpmfs_new_inode(dir, S_IFLNK | 0777);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	vpmfs_set_ops(inode);
	err = page_symlink(inode, symname, len);
	if (err)
		goto fail;
	err = vpmfs_add_entry(dir, &dentry->d_name, inode, false);
	if (err)
		goto fail;
	d_instantiate_new(dentry, inode);
	return 0;
fail:
	inode_dec_link_count(inode);
	discard_new_inode(inode);
	return err;
}

static int vpmfs_link(struct dentry *old_dentry, struct inode *dir,
		      struct dentry *dentry)
{
	struct inode *inode = d_inode(old_dentry);
	int err;

	/* where the new name goes must be on disk before the other can go */
	err = vpmfs_sync_dir_name(dir);
	if (err)
		return err;
	inode_set_ctime_current(inode);
	inode_inc_link_count(inode);
	ihold(inode);
	err = vpmfs_add_entry(dir, &dentry->d_name, inode, true);
	if (err) {
		inode_dec_link_count(inode);
		iput(inode);
		return err;
	}
	d_instantiate(dentry, inode);
	return 0;
}

static int vpmfs_unlink(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);
	struct vpmfs_dirent *de;
	struct buffer_head *bh;

	de = vpmfs_find_entry(dir, &dentry->d_name, &bh);
	if (IS_ERR(de))
		return PTR_ERR(de);
	if (!de)
		return -ENOENT;
	if (le32_to_cpu(de->d_ino) != inode->i_ino || !inode->i_nlink) {
		brelse(bh);
		vpmfs_error(dir->i_sb, "directory %llu: entry does not match inode %llu",
			    (u64)dir->i_ino, (u64)inode->i_ino);
		return -EUCLEAN;
	}
	vpmfs_clear_entry(bh, de);
	brelse(bh);
	vpmfs_touch_dir(dir);
	inode_set_ctime_to_ts(inode, inode_get_ctime(dir));
	return vpmfs_dec_link(inode);
}

static VPM_MKDIR_RET vpmfs_mkdir(vpm_idmap_t *idmap, struct inode *dir,
				 struct dentry *dentry, umode_t mode)
{
	struct inode *inode;
	int err;

	inode = vpmfs_new_inode(dir, S_IFDIR | mode);
	if (IS_ERR(inode))
		return VPM_MKDIR_RETURN(PTR_ERR(inode));
	vpmfs_set_ops(inode);
	inode_inc_link_count(inode);
	err = vpmfs_make_empty(inode, dir);
	if (err)
		goto fail;
	inode_inc_link_count(dir);
	err = vpmfs_add_entry(dir, &dentry->d_name, inode, false);
	if (err) {
		inode_dec_link_count(dir);
		goto fail;
	}
	d_instantiate_new(dentry, inode);
	return VPM_MKDIR_RETURN(0);
fail:
	clear_nlink(inode);
	mark_inode_dirty(inode);
	discard_new_inode(inode);
	return VPM_MKDIR_RETURN(err);
}

static int vpmfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);
	int err;

	err = vpmfs_empty_dir(inode);
	if (err < 0)
		return err;
	if (!err)
		return -ENOTEMPTY;
	err = vpmfs_unlink(dir, dentry);
	if (err)
		return err;
	clear_nlink(inode);
	mark_inode_dirty(inode);
	return vpmfs_dec_link(dir);
}

static int vpmfs_exchange(struct inode *old_dir, struct dentry *old_dentry,
			  struct inode *new_dir, struct dentry *new_dentry)
{
	struct inode *old_inode = d_inode(old_dentry);
	struct inode *new_inode = d_inode(new_dentry);
	struct buffer_head *obh = NULL, *nbh = NULL, *odbh = NULL, *ndbh = NULL;
	struct vpmfs_dirent *ode, *nde, *odd = NULL, *ndd = NULL;
	bool odir = S_ISDIR(old_inode->i_mode), ndir = S_ISDIR(new_inode->i_mode);
	int err = 0;

	ode = vpmfs_find_entry(old_dir, &old_dentry->d_name, &obh);
	if (IS_ERR_OR_NULL(ode))
		return ode ? PTR_ERR(ode) : -ENOENT;
	nde = vpmfs_find_entry(new_dir, &new_dentry->d_name, &nbh);
	if (IS_ERR_OR_NULL(nde)) {
		err = nde ? PTR_ERR(nde) : -ENOENT;
		goto out;
	}
	if (old_dir != new_dir) {
		if (odir) {
			odd = vpmfs_dotdot(old_inode, &odbh);
			if (IS_ERR(odd)) {
				err = PTR_ERR(odd);
				goto out;
			}
		}
		if (ndir) {
			ndd = vpmfs_dotdot(new_inode, &ndbh);
			if (IS_ERR(ndd)) {
				err = PTR_ERR(ndd);
				goto out;
			}
		}
	}
	vpmfs_set_entry(obh, ode, new_inode);
	vpmfs_set_entry(nbh, nde, old_inode);
	vpmfs_set_name(new_inode, old_dir);
	vpmfs_set_name(old_inode, new_dir);
	if (odd)
		vpmfs_set_entry(odbh, odd, new_dir);
	if (ndd)
		vpmfs_set_entry(ndbh, ndd, old_dir);
	if (old_dir != new_dir && odir != ndir) {
		if (odir) {
			inode_inc_link_count(new_dir);
			vpmfs_dec_link(old_dir);
		} else {
			inode_inc_link_count(old_dir);
			vpmfs_dec_link(new_dir);
		}
	}
	vpmfs_touch_dir(old_dir);
	vpmfs_touch_dir(new_dir);
	inode_set_ctime_current(old_inode);
	inode_set_ctime_current(new_inode);
	mark_inode_dirty(old_inode);
	mark_inode_dirty(new_inode);
out:
	brelse(ndbh);
	brelse(odbh);
	brelse(nbh);
	brelse(obh);
	return err;
}

static int vpmfs_rename(vpm_idmap_t *idmap, struct inode *old_dir,
			struct dentry *old_dentry, struct inode *new_dir,
			struct dentry *new_dentry, unsigned int flags)
{
	struct inode *old_inode = d_inode(old_dentry);
	struct inode *new_inode = d_inode(new_dentry);
	struct buffer_head *obh = NULL, *nbh = NULL, *dbh = NULL;
	struct vpmfs_dirent *ode, *nde, *dd = NULL;
	int err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if (flags & RENAME_EXCHANGE)
		return vpmfs_exchange(old_dir, old_dentry, new_dir, new_dentry);
	/* where the new name goes must be on disk before the old one goes */
	err = vpmfs_sync_dir_name(new_dir);
	if (err)
		return err;

	ode = vpmfs_find_entry(old_dir, &old_dentry->d_name, &obh);
	if (IS_ERR_OR_NULL(ode))
		return ode ? PTR_ERR(ode) : -ENOENT;
	if (S_ISDIR(old_inode->i_mode)) {
		dd = vpmfs_dotdot(old_inode, &dbh);
		if (IS_ERR(dd)) {
			err = PTR_ERR(dd);
			dd = NULL;
			goto out;
		}
	}
	if (new_inode) {
		if (S_ISDIR(new_inode->i_mode)) {
			err = vpmfs_empty_dir(new_inode);
			if (err <= 0) {
				err = err ? err : -ENOTEMPTY;
				goto out;
			}
		}
		nde = vpmfs_find_entry(new_dir, &new_dentry->d_name, &nbh);
		if (IS_ERR_OR_NULL(nde)) {
			err = nde ? PTR_ERR(nde) : -EUCLEAN;
			goto out;
		}
		vpmfs_set_entry(nbh, nde, old_inode);
		/* the new name on disk before the old one goes */
		if (nbh != obh) {
			err = __sync_dirty_buffer(nbh, REQ_SYNC | REQ_FUA);
			if (err)
				goto out;
		}
		vpmfs_set_name(old_inode, new_dir);
		vpmfs_touch_dir(new_dir);
		inode_set_ctime_current(new_inode);
		if (dd && new_inode->i_nlink)
			drop_nlink(new_inode);
		vpmfs_dec_link(new_inode);
	} else {
		/* the new name on disk before the old one goes */
		err = vpmfs_add_entry(new_dir, &new_dentry->d_name, old_inode,
				      true);
		if (err)
			goto out;
		if (dd)
			inode_inc_link_count(new_dir);
	}
	vpmfs_clear_entry(obh, ode);
	vpmfs_touch_dir(old_dir);
	inode_set_ctime_current(old_inode);
	mark_inode_dirty(old_inode);
	if (dd) {
		if (old_dir != new_dir)
			vpmfs_set_entry(dbh, dd, new_dir);
		vpmfs_dec_link(old_dir);
	}
	err = 0;
out:
	brelse(dbh);
	brelse(nbh);
	brelse(obh);
	return err;
}

const struct inode_operations vpmfs_dir_iops = {
	.create		= vpmfs_create,
	.lookup		= vpmfs_lookup,
	.link		= vpmfs_link,
	.unlink		= vpmfs_unlink,
	.symlink	= vpmfs_symlink,
	.mkdir		= vpmfs_mkdir,
	.rmdir		= vpmfs_rmdir,
	.mknod		= vpmfs_mknod,
	.rename		= vpmfs_rename,
	.setattr	= vpmfs_setattr,
	.getattr	= vpmfs_getattr,
};
