// SPDX-License-Identifier: GPL-2.0
/*
 * vpmfs: superblock, mount (fs_context), statfs and module glue.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/blkdev.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <vpm/vpm.h>
#include "vpmfs.h"

static struct kmem_cache *vpmfs_inode_cachep;

/**
 * __vpmfs_error() - report an on-disk inconsistency
 * @sb: the file system
 * @func: where it was found
 * @fmt: printf format of the message
 *
 * Logs one rate-limited line and marks the file system as having errors
 * (written to s_state on the next superblock write).
 */
void __vpmfs_error(struct super_block *sb, const char *func,
		   const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err_ratelimited("%s: error in %s: %pV\n", sb->s_id, func, &vaf);
	va_end(args);
	/* read without a lock by the superblock commit */
	WRITE_ONCE(VPMFS_SB(sb)->errors, true);
}

static struct inode *vpmfs_alloc_inode(struct super_block *sb)
{
	struct vpmfs_inode_info *vi;

	vi = alloc_inode_sb(sb, vpmfs_inode_cachep, GFP_KERNEL);
	if (!vi)
		return NULL;
	memset(vi->i_block, 0, sizeof(vi->i_block));
	vi->i_nblocks = 0;
	xa_init(&vi->i_unpub);
	vi->i_nunpub = 0;
	vi->i_unpub_gen = 0;
	INIT_LIST_HEAD(&vi->i_unpub_link);
	vi->i_parent = 0;
	vi->i_name_new = false;
	vi->i_dir_grown = false;
	return &vi->vfs_inode;
}

static void vpmfs_free_inode(struct inode *inode)
{
	/* evict published or dropped every entry */
	WARN_ON_ONCE(!xa_empty(&VPMFS_I(inode)->i_unpub));
	kmem_cache_free(vpmfs_inode_cachep, VPMFS_I(inode));
}

static void vpmfs_inode_init_once(void *p)
{
	struct vpmfs_inode_info *vi = p;

	mutex_init(&vi->i_map_lock);
	inode_init_once(&vi->vfs_inode);
}

/* Write the in-memory counters and state to block 0. */
static int vpmfs_commit_super(struct super_block *sb, bool clean, bool wait)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	struct vpmfs_super_block *ds = (void *)sbi->sbh->b_data;
	bool errors = READ_ONCE(sbi->errors);
	u32 state, free_blocks, free_inodes;

	/* alloc_lock before (never inside) a buffer lock, as in balloc.c */
	mutex_lock(&sbi->alloc_lock);
	free_blocks = sbi->free_blocks;
	free_inodes = sbi->free_inodes;
	mutex_unlock(&sbi->alloc_lock);
	lock_buffer(sbi->sbh);
	ds->s_free_blocks = cpu_to_le32(free_blocks);
	ds->s_free_inodes = cpu_to_le32(free_inodes);
	state = le32_to_cpu(ds->s_state);
	if (clean && !errors)
		state |= VPMFS_STATE_CLEAN;
	else
		state &= ~VPMFS_STATE_CLEAN;
	if (errors)
		state |= VPMFS_STATE_ERROR;
	ds->s_state = cpu_to_le32(state);
	ds->s_write_time = cpu_to_le64(ktime_get_real_seconds());
	ds->s_checksum = cpu_to_le32(vpmfs_sb_csum(ds));
	unlock_buffer(sbi->sbh);
	mark_buffer_dirty(sbi->sbh);
	if (wait)
		return sync_dirty_buffer(sbi->sbh);
	return 0;
}

/*
 * sync(2), syncfs(2), unmount.  With @wait the pages were written and
 * waited for: publish every block still unpublished, then commit.
 */
static int vpmfs_sync_fs(struct super_block *sb, int wait)
{
	int err, err2;

	if (sb_rdonly(sb))
		return 0;
	if (!wait)
		return vpmfs_commit_super(sb, false, false);
	err = vpmfs_publish_all(sb);
	err2 = vpmfs_commit_super(sb, false, false);
	if (!err)
		err = err2;
	err2 = vpmfs_commit(sb);
	return err ? err : err2;
}

static void vpmfs_put_super(struct super_block *sb)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);

	if (!sb_rdonly(sb)) {
		/* everything durable before the superblock says clean */
		vpmfs_commit(sb);
		vpmfs_commit_super(sb, true, true);
		blkdev_issue_flush(sb->s_bdev);
	}
	vpmfs_drop_committed(sb);
	brelse(sbi->sbh);
	sb->s_fs_info = NULL;
	kfree(sbi);
}

static int vpmfs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct super_block *sb = dentry->d_sb;
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	struct vpmfs_super_block *ds = (void *)sbi->sbh->b_data;
	u64 id = le64_to_cpup((__le64 *)ds->s_uuid) ^
		 le64_to_cpup((__le64 *)(ds->s_uuid + 8));

	buf->f_type = VPMFS_MAGIC;
	buf->f_bsize = VPMFS_BLOCK_SIZE;
	buf->f_frsize = VPMFS_BLOCK_SIZE;
	buf->f_blocks = sbi->blocks - sbi->l.data_start;
	mutex_lock(&sbi->alloc_lock);
	buf->f_bfree = sbi->free_blocks;
	buf->f_ffree = sbi->free_inodes;
	mutex_unlock(&sbi->alloc_lock);
	buf->f_bavail = buf->f_bfree;
	buf->f_files = sbi->inodes - 1;
	buf->f_namelen = VPMFS_NAME_LEN;
	buf->f_fsid = u64_to_fsid(id);
	return 0;
}

static int vpmfs_show_options(struct seq_file *m, struct dentry *root)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(root->d_sb);

	seq_printf(m, ",copy=%s",
		   sbi->copy_mode == VPMFS_COPY_VPM ? "vpm" : "generic");
	return 0;
}

static const struct super_operations vpmfs_sops = {
	.alloc_inode	= vpmfs_alloc_inode,
	.free_inode	= vpmfs_free_inode,
	.write_inode	= vpmfs_write_inode,
	.evict_inode	= vpmfs_evict_inode,
	.put_super	= vpmfs_put_super,
	.sync_fs	= vpmfs_sync_fs,
	.statfs		= vpmfs_statfs,
	.show_options	= vpmfs_show_options,
};

/* ---- mount ---- */

struct vpmfs_fs_context {
	enum vpmfs_copy_mode copy_mode;
};

enum { VPMFS_OPT_COPY };

static const struct constant_table vpmfs_param_copy[] = {
	{ "vpm",	VPMFS_COPY_VPM },
	{ "generic",	VPMFS_COPY_GENERIC },
	{}
};

static const struct fs_parameter_spec vpmfs_fs_parameters[] = {
	fsparam_enum("copy", VPMFS_OPT_COPY, vpmfs_param_copy),
	{}
};

static int vpmfs_parse_param(struct fs_context *fc, struct fs_parameter *param)
{
	struct vpmfs_fs_context *ctx = fc->fs_private;
	struct fs_parse_result result;
	int opt;

	opt = fs_parse(fc, vpmfs_fs_parameters, param, &result);
	if (opt < 0)
		return opt;
	switch (opt) {
	case VPMFS_OPT_COPY:
		ctx->copy_mode = result.uint_32;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

/*
 * A mount error: one "vpmfs: ..." line in the kernel log, and the message
 * in the fs_context log too when the caller (fsopen) has one.
 */
static __printf(2, 3) int vpmfs_inval(struct fs_context *fc,
				      const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("%pV\n", &vaf);
	if (fc->log.log)
		errorf(fc, "%pV", &vaf);
	va_end(args);
	return -EINVAL;
}

/* Check every superblock field against the device and the layout rule. */
static int vpmfs_check_super(struct fs_context *fc, struct super_block *sb,
			     const struct vpmfs_super_block *ds,
			     struct vpmfs_sb_info *sbi)
{
	u64 dev_blocks = bdev_nr_bytes(sb->s_bdev) >> VPMFS_BLOCK_SHIFT;
	struct vpmfs_layout l;
	u32 v;

	if (le32_to_cpu(ds->s_magic) != VPMFS_MAGIC) {
		/* even with SB_SILENT: busybox mount always sets it */
		vpmfs_inval(fc, "%s: bad magic number", sb->s_id);
		return -EINVAL;
	}
	if (le32_to_cpu(ds->s_checksum) != vpmfs_sb_csum(ds))
		return vpmfs_inval(fc, "%s: superblock checksum mismatch", sb->s_id);
	v = le32_to_cpu(ds->s_version);
	if (v != VPMFS_VERSION)
		return vpmfs_inval(fc, "%s: unsupported version %u", sb->s_id, v);
	if (le32_to_cpu(ds->s_feature_incompat) & ~VPMFS_FEATURE_INCOMPAT_SUPP)
		return vpmfs_inval(fc, "%s: unsupported incompatible features 0x%x",
			      sb->s_id, le32_to_cpu(ds->s_feature_incompat));
	if ((le32_to_cpu(ds->s_feature_ro_compat) &
	     ~VPMFS_FEATURE_RO_COMPAT_SUPP) && !(fc->sb_flags & SB_RDONLY))
		return vpmfs_inval(fc, "%s: unsupported features, mount read-only",
			      sb->s_id);
	if (le32_to_cpu(ds->s_block_size) != VPMFS_BLOCK_SIZE)
		return vpmfs_inval(fc, "%s: unsupported block size %u", sb->s_id,
			      le32_to_cpu(ds->s_block_size));
	sbi->blocks = le32_to_cpu(ds->s_blocks_count);
	sbi->inodes = le32_to_cpu(ds->s_inodes_count);
	if (vpmfs_compute_layout(sbi->blocks, sbi->inodes, &l))
		return vpmfs_inval(fc, "%s: bad block or inode count (%u, %u)",
			      sb->s_id, sbi->blocks, sbi->inodes);
	if (sbi->blocks > dev_blocks)
		return vpmfs_inval(fc, "%s: file system (%u blocks) larger than device (%llu)",
			      sb->s_id, sbi->blocks, dev_blocks);
	if (le32_to_cpu(ds->s_ibitmap_start) != l.ibitmap_start ||
	    le32_to_cpu(ds->s_ibitmap_blocks) != l.ibitmap_blocks ||
	    le32_to_cpu(ds->s_bbitmap_start) != l.bbitmap_start ||
	    le32_to_cpu(ds->s_bbitmap_blocks) != l.bbitmap_blocks ||
	    le32_to_cpu(ds->s_itable_start) != l.itable_start ||
	    le32_to_cpu(ds->s_itable_blocks) != l.itable_blocks ||
	    le32_to_cpu(ds->s_data_start) != l.data_start)
		return vpmfs_inval(fc, "%s: inconsistent metadata layout", sb->s_id);
	if (le32_to_cpu(ds->s_root_ino) != VPMFS_ROOT_INO)
		return vpmfs_inval(fc, "%s: bad root inode number", sb->s_id);
	if (le32_to_cpu(ds->s_state) & ~(VPMFS_STATE_CLEAN | VPMFS_STATE_ERROR))
		return vpmfs_inval(fc, "%s: bad state 0x%x", sb->s_id,
			      le32_to_cpu(ds->s_state));
	sbi->l = l;
	return 0;
}

static int vpmfs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct vpmfs_fs_context *ctx = fc->fs_private;
	struct vpmfs_super_block *ds;
	struct vpmfs_sb_info *sbi;
	struct inode *root;
	int err;

	sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	if (!sbi)
		return -ENOMEM;
	mutex_init(&sbi->alloc_lock);
	xa_init(&sbi->committed);
	init_rwsem(&sbi->free_sem);
	spin_lock_init(&sbi->unpub_lock);
	INIT_LIST_HEAD(&sbi->unpub_inodes);
	mutex_init(&sbi->publish_mutex);
	init_rwsem(&sbi->publish_sem);
	sbi->copy_mode = ctx->copy_mode;
	sb->s_fs_info = sbi;

	if (!sb_set_blocksize(sb, VPMFS_BLOCK_SIZE)) {
		err = vpmfs_inval(fc, "%s: device block size above 4096", sb->s_id);
		goto out_free;
	}
	sbi->sbh = sb_bread(sb, 0);
	if (!sbi->sbh) {
		vpmfs_inval(fc, "%s: cannot read the superblock", sb->s_id);
		err = -EIO;
		goto out_free;
	}
	ds = (void *)sbi->sbh->b_data;
	err = vpmfs_check_super(fc, sb, ds, sbi);
	if (err)
		goto out_brelse;

	sb->s_magic = VPMFS_MAGIC;
	sb->s_op = &vpmfs_sops;
	sb->s_maxbytes = VPMFS_MAX_FILE_SIZE;
	sb->s_max_links = VPMFS_MAX_LINKS;
	sb->s_time_gran = 1;
	sb->s_time_min = 0;
	sb->s_time_max = S64_MAX;
	memcpy(&sb->s_uuid, ds->s_uuid, sizeof(ds->s_uuid));
	if (le32_to_cpu(ds->s_state) & VPMFS_STATE_ERROR)
		pr_warn("%s: file system has errors, run fsck.vpmfs\n", sb->s_id);
	else if (!(le32_to_cpu(ds->s_state) & VPMFS_STATE_CLEAN))
		pr_warn("%s: file system was not cleanly unmounted, run fsck.vpmfs\n",
			sb->s_id);

	err = vpmfs_count_free(sb);
	if (err) {
		vpmfs_inval(fc, "%s: cannot read the allocation bitmaps", sb->s_id);
		goto out_brelse;
	}

	root = vpmfs_iget(sb, VPMFS_ROOT_INO);
	if (IS_ERR(root)) {
		err = PTR_ERR(root);
		vpmfs_inval(fc, "%s: cannot read the root inode (%d)", sb->s_id, err);
		goto out_brelse;
	}
	if (!S_ISDIR(root->i_mode)) {
		iput(root);
		err = vpmfs_inval(fc, "%s: root inode is not a directory", sb->s_id);
		goto out_brelse;
	}
	sb->s_root = d_make_root(root);
	if (!sb->s_root) {
		err = -ENOMEM;
		goto out_brelse;
	}
	if (!sb_rdonly(sb)) {
		le32_add_cpu(&ds->s_mount_count, 1);
		ds->s_mount_time = cpu_to_le64(ktime_get_real_seconds());
		vpmfs_commit_super(sb, false, true);
	}
	return 0;

out_brelse:
	brelse(sbi->sbh);
out_free:
	sb->s_fs_info = NULL;
	kfree(sbi);
	return err;
}

static int vpmfs_get_tree(struct fs_context *fc)
{
	return get_tree_bdev(fc, vpmfs_fill_super);
}

static int vpmfs_reconfigure(struct fs_context *fc)
{
	struct vpmfs_fs_context *ctx = fc->fs_private;
	struct super_block *sb = fc->root->d_sb;
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	struct vpmfs_super_block *ds = (void *)sbi->sbh->b_data;
	bool was_ro = sb_rdonly(sb);
	u32 ro_compat = le32_to_cpu(ds->s_feature_ro_compat);

	/* the mount-time rule: unknown ro_compat features stay read-only */
	if (was_ro && !(fc->sb_flags & SB_RDONLY) &&
	    (ro_compat & ~VPMFS_FEATURE_RO_COMPAT_SUPP))
		return vpmfs_inval(fc, "%s: unsupported features 0x%x, cannot remount read-write",
				   sb->s_id, ro_compat & ~VPMFS_FEATURE_RO_COMPAT_SUPP);
	sync_filesystem(sb);
	/* read without a lock by every read and write (vpmfs_use_vpm()) */
	WRITE_ONCE(sbi->copy_mode, ctx->copy_mode);
	if (!was_ro && (fc->sb_flags & SB_RDONLY))
		vpmfs_commit_super(sb, true, true);
	else if (was_ro && !(fc->sb_flags & SB_RDONLY))
		vpmfs_commit_super(sb, false, true);
	return 0;
}

static void vpmfs_free_fc(struct fs_context *fc)
{
	kfree(fc->fs_private);
}

static const struct fs_context_operations vpmfs_context_ops = {
	.parse_param	= vpmfs_parse_param,
	.get_tree	= vpmfs_get_tree,
	.reconfigure	= vpmfs_reconfigure,
	.free		= vpmfs_free_fc,
};

static int vpmfs_init_fs_context(struct fs_context *fc)
{
	struct vpmfs_fs_context *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->copy_mode = VPMFS_COPY_VPM;
	if (fc->purpose == FS_CONTEXT_FOR_RECONFIGURE)
		ctx->copy_mode = VPMFS_SB(fc->root->d_sb)->copy_mode;
	fc->fs_private = ctx;
	fc->ops = &vpmfs_context_ops;
	return 0;
}

static struct file_system_type vpmfs_type = {
	.owner			= THIS_MODULE,
	.name			= "vpmfs",
	.init_fs_context	= vpmfs_init_fs_context,
	.parameters		= vpmfs_fs_parameters,
	.kill_sb		= kill_block_super,
	.fs_flags		= FS_REQUIRES_DEV,
};

static int __init vpmfs_init(void)
{
	int err;

	vpmfs_inode_cachep = kmem_cache_create("vpmfs_inode_cache",
					       sizeof(struct vpmfs_inode_info),
					       0, SLAB_RECLAIM_ACCOUNT |
					       SLAB_ACCOUNT,
					       vpmfs_inode_init_once);
	if (!vpmfs_inode_cachep)
		return -ENOMEM;
	err = vpmfs_file_init();
	if (err)
		goto out_cache;
	err = register_filesystem(&vpmfs_type);
	if (err)
		goto out_file;
	return 0;

out_file:
	vpmfs_file_exit();
out_cache:
	kmem_cache_destroy(vpmfs_inode_cachep);
	return err;
}

static void __exit vpmfs_exit(void)
{
	unregister_filesystem(&vpmfs_type);
	rcu_barrier();
	vpmfs_file_exit();
	kmem_cache_destroy(vpmfs_inode_cachep);
}

module_init(vpmfs_init);
module_exit(vpmfs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vpmfs: a block file system that copies file data through VPM");
MODULE_ALIAS_FS("vpmfs");
MODULE_VERSION(VPM_VERSION);
