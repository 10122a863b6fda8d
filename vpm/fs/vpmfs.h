/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpmfs: internal declarations shared by the files of vpmfs.ko.
 */
#ifndef _VPMFS_H
#define _VPMFS_H

#include <linux/fs.h>
#include <linux/buffer_head.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/xarray.h>
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
 *
 * Ordering rules on disk (Documentation/vpmfs.rst, "Durability"):
 * - a pointer to a new data block reaches a metadata buffer (inode slot
 *   or indirect block) only after the block's data is on disk and the
 *   device cache was flushed: until then it waits in the inode's
 *   i_unpub, which every lookup consults (sync.c, vpmfs_publish());
 * - a new indirect or directory block is written (FUA) before anything
 *   points at it;
 * - a freed block or inode number is not handed out again until the
 *   metadata that dropped it is on disk (the bitmap's committed copy,
 *   balloc.c; vpmfs_commit()).  A free path holds free_sem for reading
 *   from the moment it drops a pointer until the buffer that held the
 *   pointer says so.
 *
 *   i_map_lock -> free_sem -> alloc_lock;  i_unpub and i_nunpub change
 *   under i_map_lock, unpub_inodes under unpub_lock.
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
 * @committed: bitmap block number -> struct vpmfs_committed, the bitmap
 *	as of the last commit, for bitmap blocks with bits freed since
 * @free_seq: commit sequence; a committed copy freed into at or after a
 *	commit's sequence survives that commit
 * @free_sem: held for reading by a free path, for writing by a commit
 *	while it takes its sequence
 * @unpub_lock: protects @unpub_inodes
 * @unpub_inodes: inodes with unpublished blocks (i_unpub_link)
 * @publish_mutex: one vpmfs_publish_all() at a time, so that a sync that
 *	finds the list taken by another waits until that one has published
 * @publish_sem: held for reading by vpmfs_publish() from marking to the
 *	inode's table buffer; vpmfs_publish_all() takes it for writing, to
 *	wait for publishers that took inodes off the list before it
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
	struct xarray committed;	/* under alloc_lock */
	u64 free_seq;			/* under alloc_lock */
	struct rw_semaphore free_sem;
	spinlock_t unpub_lock;		/* unpub_inodes */
	struct list_head unpub_inodes;
	struct mutex publish_mutex;	/* vpmfs_publish_all() */
	struct rw_semaphore publish_sem;
};

/**
 * struct vpmfs_committed - a bitmap block as of the last commit
 * @seq: sbi->free_seq at the latest free into this block
 * @map: the bits; a bit set here is not allocated even if clear in the
 *	buffer, since the metadata that freed it may not be on disk yet
 */
struct vpmfs_committed {
	u64 seq;
	u8 map[VPMFS_BLOCK_SIZE];
};

/**
 * struct vpmfs_inode_info - in-memory inode
 * @i_block: block map root, CPU order
 * @i_nblocks: blocks owned (data and indirect)
 * @i_map_lock: serialises changes of the block map
 * @i_unpub: file block -> disk block (xa value) allocated but not yet
 *	linked into the on-disk map (its data is not known to be on disk)
 * @i_nunpub: entries in @i_unpub (counted in @i_nblocks, not on disk)
 * @i_unpub_gen: bumped whenever an entry leaves @i_unpub other than by
 *	being published
 * @i_unpub_link: on vpmfs_sb_info.unpub_inodes while @i_nunpub
 * @i_parent: directory of the name this inode got last (create, link,
 *	rename)
 * @i_name_new: that name may not be on disk yet; fsync writes it
 * @i_dir_grown: a directory block was linked since the directory was last
 *	made durable for a rename or link into it (vpmfs_sync_dir_name())
 * @vfs_inode: the VFS inode
 */
struct vpmfs_inode_info {
	u32 i_block[VPMFS_NBLOCKS];
	u32 i_nblocks;
	struct mutex i_map_lock;	/* block map */
	struct xarray i_unpub;		/* under i_map_lock */
	u32 i_nunpub;			/* under i_map_lock */
	u32 i_unpub_gen;		/* under i_map_lock */
	struct list_head i_unpub_link;	/* under unpub_lock */
	u32 i_parent;			/* READ_ONCE/WRITE_ONCE */
	bool i_name_new;		/* READ_ONCE/WRITE_ONCE */
	bool i_dir_grown;		/* under the directory's i_rwsem */
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
void vpmfs_free_unlinked_block(struct super_block *sb, u32 blk);
int vpmfs_new_ino(struct super_block *sb, u32 *out);
void vpmfs_free_ino(struct super_block *sb, u32 ino);
int vpmfs_ino_in_use(struct super_block *sb, u32 ino);
void vpmfs_release_committed(struct super_block *sb, u64 seq);
void vpmfs_drop_committed(struct super_block *sb);

/* inode.c */
extern const struct address_space_operations vpmfs_aops;
extern const struct inode_operations vpmfs_file_iops;
extern const struct inode_operations vpmfs_symlink_iops;
extern const struct inode_operations vpmfs_special_iops;
struct inode *vpmfs_iget(struct super_block *sb, unsigned long ino);
struct inode *vpmfs_new_inode(struct inode *dir, umode_t mode);
int vpmfs_write_inode(struct inode *inode, struct writeback_control *wbc);
int vpmfs_write_raw(struct inode *inode);
int __vpmfs_write_raw(struct inode *inode);
void vpmfs_evict_inode(struct inode *inode);

/* bmap.c */
int vpmfs_write_new_block(struct buffer_head *bh);
int vpmfs_map_block(struct inode *inode, u64 iblock, bool create, u32 *pblk,
		    bool *new);
int vpmfs_link_block(struct inode *inode, u64 iblock, u32 pblk);
int vpmfs_unmap_block(struct inode *inode, u64 iblock);
void vpmfs_drop_unpub(struct inode *inode, u64 first);
void vpmfs_truncate_blocks(struct inode *inode, loff_t size, bool raw);
int vpmfs_get_block(struct inode *inode, sector_t iblock,
		    struct buffer_head *bh, int create);

void vpmfs_set_ops(struct inode *inode);
int vpmfs_setattr(vpm_idmap_t *idmap, struct dentry *dentry,
		  struct iattr *attr);
int vpmfs_getattr(vpm_idmap_t *idmap, const struct path *path,
		  struct kstat *stat, u32 request_mask, unsigned int flags);

/* sync.c */
int vpmfs_fsync(struct file *file, loff_t start, loff_t end, int datasync);
int vpmfs_commit(struct super_block *sb);
int vpmfs_publish(struct inode *inode, bool wait);
int vpmfs_publish_all(struct super_block *sb);
int vpmfs_publish_block(struct inode *dir, u64 iblock);
void vpmfs_unpub_added(struct inode *inode);
void vpmfs_unpub_emptied(struct inode *inode);
void vpmfs_set_name(struct inode *inode, struct inode *dir);
int vpmfs_sync_dir_name(struct inode *dir);

/* dir.c */
extern const struct file_operations vpmfs_dir_fops;
extern const struct inode_operations vpmfs_dir_iops;

/* file.c */
extern const struct file_operations vpmfs_file_fops;
int vpmfs_file_init(void);
void vpmfs_file_exit(void);

/* super.c */
__printf(3, 4) void __vpmfs_error(struct super_block *sb, const char *func,
				  const char *fmt, ...);
#define vpmfs_error(sb, fmt, ...) \
	__vpmfs_error(sb, __func__, fmt, ##__VA_ARGS__)

#endif /* _VPMFS_H */
