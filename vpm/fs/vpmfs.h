/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpmfs: internal declarations shared by the files of vpmfs.ko.
 */
#ifndef _VPMFS_H
#define _VPMFS_H

#include <linux/fs.h>
#include <linux/buffer_head.h>
#include <linux/mutex.h>
#include "vpm/vpmfs_format.h"
#include "vpm_compat.h"

enum vpmfs_copy_mode {
	VPMFS_COPY_VPM,
	VPMFS_COPY_GENERIC,
};

/*
 * LOCKING (outer first; Documentation/vpmfs.rst, "Locking and ordering"):
 *
 *   i_rwsem -> folio lock -> vpmfs_inode_info.i_map_lock
 *           -> vpmfs_sb_info.alloc_lock -> buffer lock
 *
 * Ordering rules of the data paths:
 * - a data block is allocated only with the page that covers it locked
 *   in the page cache (read_folio maps blocks under that lock), and a
 *   page left not uptodate keeps no block allocated for it;
 * - i_size grows after the data is in the page, before the page is
 *   unlocked (writeback locks the page and cuts it at i_size);
 * - copy_mode and errors are read without a lock (READ_ONCE/WRITE_ONCE).
 */

/**
 * struct vpmfs_sb_info - in-memory superblock
 * @sbh: buffer of block 0
 * @blocks: s_blocks_count
 * @inodes: s_inodes_count
 * @l: metadata layout
 * @free_blocks: free blocks, counted from the bitmap at mount
 * @free_inodes: free inodes, counted from the bitmap at mount
 * @block_hint: where the next block search starts
 * @inode_hint: where the next inode search starts
 * @alloc_lock: serialises the bitmaps and the counters
 * @copy_mode: copy= mount option
 * @errors: set once an inconsistency was found
 */
struct vpmfs_sb_info {
	struct buffer_head *sbh;
	u32 blocks;
	u32 inodes;
	struct vpmfs_layout l;
	u32 free_blocks;
	u32 free_inodes;
	u32 block_hint;
	u32 inode_hint;
	struct mutex alloc_lock;	/* bitmaps and counters */
	enum vpmfs_copy_mode copy_mode;
	bool errors;
};

/**
 * struct vpmfs_inode_info - in-memory inode
 * @i_block: block map root, CPU order
 * @i_nblocks: blocks owned (data and indirect)
 * @i_map_lock: serialises changes of the block map
 * @vfs_inode: the VFS inode
 */
struct vpmfs_inode_info {
	u32 i_block[VPMFS_NBLOCKS];
	u32 i_nblocks;
	struct mutex i_map_lock;	/* block map */
	struct inode vfs_inode;
};

static inline struct vpmfs_sb_info *VPMFS_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

static inline struct vpmfs_inode_info *VPMFS_I(struct inode *inode)
{
	return container_of(inode, struct vpmfs_inode_info, vfs_inode);
}

/* A data block number that may be used: inside the data area. */
static inline bool vpmfs_valid_data_block(struct vpmfs_sb_info *sbi, u32 b)
{
	return b >= sbi->l.data_start && b < sbi->blocks;
}

/* balloc.c */
int vpmfs_count_free(struct super_block *sb);
int vpmfs_new_block(struct super_block *sb, u32 goal, u32 *out);
void vpmfs_free_block(struct super_block *sb, u32 blk);
int vpmfs_new_ino(struct super_block *sb, u32 *out);
void vpmfs_free_ino(struct super_block *sb, u32 ino);
int vpmfs_ino_in_use(struct super_block *sb, u32 ino);

/* inode.c */
extern const struct address_space_operations vpmfs_aops;
extern const struct inode_operations vpmfs_file_iops;
extern const struct inode_operations vpmfs_symlink_iops;
extern const struct inode_operations vpmfs_special_iops;
struct inode *vpmfs_iget(struct super_block *sb, unsigned long ino);
struct inode *vpmfs_new_inode(struct inode *dir, umode_t mode);
int vpmfs_write_inode(struct inode *inode, struct writeback_control *wbc);
void vpmfs_evict_inode(struct inode *inode);
int vpmfs_map_block(struct inode *inode, u64 iblock, bool create, u32 *pblk,
		    bool *new);
int vpmfs_unmap_block(struct inode *inode, u64 iblock);
void vpmfs_truncate_blocks(struct inode *inode, loff_t size);
int vpmfs_get_block(struct inode *inode, sector_t iblock,
		    struct buffer_head *bh, int create);
void vpmfs_set_ops(struct inode *inode);
int vpmfs_setattr(vpm_idmap_t *idmap, struct dentry *dentry,
		  struct iattr *attr);
int vpmfs_getattr(vpm_idmap_t *idmap, const struct path *path,
		  struct kstat *stat, u32 request_mask, unsigned int flags);

/* dir.c */
extern const struct file_operations vpmfs_dir_fops;
extern const struct inode_operations vpmfs_dir_iops;

/* file.c */
extern const struct file_operations vpmfs_file_fops;
int vpmfs_fsync(struct file *file, loff_t start, loff_t end, int datasync);
int vpmfs_file_init(void);
void vpmfs_file_exit(void);

/* super.c */
__printf(3, 4) void __vpmfs_error(struct super_block *sb, const char *func,
				  const char *fmt, ...);
#define vpmfs_error(sb, fmt, ...) \
	__vpmfs_error(sb, __func__, fmt, ##__VA_ARGS__)

#endif /* _VPMFS_H */
