// SPDX-License-Identifier: GPL-2.0
/*
 * vpmfs: what reaches the disk when, and fsync.
 *
 * vpmfs has no journal.  It keeps three ordering rules instead, so that a
 * crash at any point leaves a file system that fsck.vpmfs repairs to a
 * consistent state in which no file holds another file's blocks, deleted
 * data or bytes it never had (Documentation/vpmfs.rst, "Durability"):
 *
 * 1. Data before the pointer to it.  A block allocated for file data
 *    waits in the inode's i_unpub until its data has been written and
 *    the device cache flushed; only then does vpmfs_publish() write the
 *    pointer into the inode or an indirect block.  Until then a crash
 *    leaves a hole (zeroes), never the block's previous contents.
 * 2. New metadata blocks (indirect, directory) are written through
 *    (FUA) before anything points at them.
 * 3. A freed block or inode number is not reused before the metadata
 *    that dropped it is on disk: balloc.c holds it until vpmfs_commit().
 *
 * On top of these, fsync gives the promises of the durability table:
 * the file's data and inode, the name it was last given (and its
 * parent's, up the tree, while those are new), and for a directory the
 * inodes its entries name.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/pagemap.h>
#include <linux/writeback.h>
#include "vpmfs.h"

/* Publishing passes over entries whose data is late, in fsync */
#define VPMFS_PUBLISH_TRIES	4
/* Entries linked per hold of i_map_lock */
#define VPMFS_PUBLISH_BATCH	256
/* Pages looked at per pass of vpmfs_mark_written() (on the stack) */
#define VPMFS_MARK_BATCH	32
/* Mark of i_unpub: this entry's data was seen written */
#define VPMFS_UNPUB_WRITTEN	XA_MARK_0

/**
 * vpmfs_commit() - make every metadata buffer durable, end held frees
 * @sb: the file system
 *
 * Writes the block device's dirty buffers (bitmaps, inode table,
 * indirect and directory blocks), flushes the device cache, then lets
 * the blocks and inode numbers freed before it started be allocated
 * again.  Every buffer is safe to write at any time: pointers to data
 * are only in them once the data is durable.
 *
 * Return: 0 or a negative errno.
 */
int vpmfs_commit(struct super_block *sb)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	u64 seq;
	int err;

	/* no free path is between dropping a pointer and buffering that */
	down_write(&sbi->free_sem);
	mutex_lock(&sbi->alloc_lock);
	seq = ++sbi->free_seq;
	mutex_unlock(&sbi->alloc_lock);
	up_write(&sbi->free_sem);

	err = sync_blockdev(sb->s_bdev);
	if (!err)
		err = blkdev_issue_flush(sb->s_bdev);
	if (!err)
		vpmfs_release_committed(sb, seq);
	return err;
}

/**
 * vpmfs_unpub_added() - an inode got its first unpublished block
 * @inode: the inode, i_map_lock held
 */
void vpmfs_unpub_added(struct inode *inode)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(inode->i_sb);
	struct vpmfs_inode_info *vi = VPMFS_I(inode);

	/* a directory publishes its new blocks itself, at once */
	if (S_ISDIR(inode->i_mode))
		return;
	spin_lock(&sbi->unpub_lock);
	if (list_empty(&vi->i_unpub_link))
		list_add_tail(&vi->i_unpub_link, &sbi->unpub_inodes);
	spin_unlock(&sbi->unpub_lock);
}

/**
 * vpmfs_unpub_emptied() - an inode's last unpublished block went
 * @inode: the inode, i_map_lock held
 */
void vpmfs_unpub_emptied(struct inode *inode)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(inode->i_sb);
	struct vpmfs_inode_info *vi = VPMFS_I(inode);

	spin_lock(&sbi->unpub_lock);
	list_del_init(&vi->i_unpub_link);
	spin_unlock(&sbi->unpub_lock);
}

/*
 * Has the data of file block @idx been written since its block was
 * allocated?  The block was allocated with the page locked, and the page
 * was marked dirty before it was unlocked (vpmfs.h): so a page that is
 * neither dirty nor under writeback while its lock is held (or seen
 * free) was written, and a page that is gone was clean.
 *
 * @wait: take the page lock, waiting for whoever holds it (writeback of
 * another sync locks clean pages too, briefly).  Else only look: the
 * lock is read first, and smp_rmb() pairs with the release in
 * folio_unlock(); a locked page counts as not written.
 */
static bool vpmfs_data_written(struct address_space *mapping, pgoff_t idx,
			       bool wait)
{
	struct folio *folio;
	bool locked, done;

	if (wait) {
		folio = filemap_lock_folio(mapping, idx);
		/* NULL on 6.1, ERR_PTR(-ENOENT) later: absent */
		if (IS_ERR_OR_NULL(folio))
			return true;
		done = !folio_test_dirty(folio) && !folio_test_writeback(folio);
		folio_unlock(folio);
		folio_put(folio);
		return done;
	}
	rcu_read_lock();
	folio = xa_load(&mapping->i_pages, idx);
	/* a folio freed meanwhile is still a struct page: its flags read */
	locked = folio && !xa_is_value(folio) && folio_test_locked(folio);
	rcu_read_unlock();
	if (locked)
		return false;
	smp_rmb();	/* the lock before the tags; pairs with folio_unlock() */
	return !xa_get_mark(&mapping->i_pages, idx, PAGECACHE_TAG_DIRTY) &&
	       !xa_get_mark(&mapping->i_pages, idx, PAGECACHE_TAG_WRITEBACK);
}

/*
 * Mark the entries whose data is written; returns how many are marked
 * (earlier marks included).  The pages are looked at without i_map_lock
 * (the page lock comes first in the lock order); a batch whose entries
 * changed meanwhile (i_unpub_gen) is left for the next pass.
 */
static unsigned long vpmfs_mark_written(struct inode *inode, bool wait)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	unsigned long idx, next = 0, marked = 0, batch[VPMFS_MARK_BATCH];
	bool ok[VPMFS_MARK_BATCH];
	unsigned int n, i;
	void *entry;
	u32 gen;

	for (;;) {
		n = 0;
		mutex_lock(&vi->i_map_lock);
		gen = vi->i_unpub_gen;
		xa_for_each_start(&vi->i_unpub, idx, entry, next) {
			if (xa_get_mark(&vi->i_unpub, idx, VPMFS_UNPUB_WRITTEN)) {
				marked++;
				continue;
			}
			batch[n++] = idx;
			if (n == VPMFS_MARK_BATCH)
				break;
		}
		mutex_unlock(&vi->i_map_lock);
		if (!n)
			return marked;
		for (i = 0; i < n; i++)
			ok[i] = vpmfs_data_written(inode->i_mapping, batch[i],
						   wait);
		mutex_lock(&vi->i_map_lock);
		for (i = 0; i < n && vi->i_unpub_gen == gen; i++) {
			if (!ok[i] || !xa_load(&vi->i_unpub, batch[i]))
				continue;
			xa_set_mark(&vi->i_unpub, batch[i], VPMFS_UNPUB_WRITTEN);
			marked++;
		}
		mutex_unlock(&vi->i_map_lock);
		if (n < VPMFS_MARK_BATCH || batch[n - 1] == ULONG_MAX)
			return marked;
		next = batch[n - 1] + 1;
		cond_resched();
	}
}

/* Link the marked entries into the map; returns how many, or -errno. */
static int vpmfs_link_written(struct inode *inode)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	unsigned long idx = 0;
	unsigned int n;
	int linked = 0, err = 0;
	void *entry;

	for (;;) {
		n = 0;
		mutex_lock(&vi->i_map_lock);
		xa_for_each_marked(&vi->i_unpub, idx, entry,
				   VPMFS_UNPUB_WRITTEN) {
			err = vpmfs_link_block(inode, idx, xa_to_value(entry));
			if (err)
				break;
			linked++;
			if (++n == VPMFS_PUBLISH_BATCH)
				break;
		}
		mutex_unlock(&vi->i_map_lock);
		if (err)
			return err;
		if (n < VPMFS_PUBLISH_BATCH)
			return linked;
		cond_resched();
	}
}

/**
 * vpmfs_publish() - link the unpublished blocks whose data is on disk
 * @inode: a regular file or symlink (others are a no-op)
 * @wait: write the file's dirty pages and wait for them first (fsync,
 *	sync_fs); else take only what writeback has already written
 *
 * Marks the entries whose data was written, flushes the device cache
 * once, then links the marked entries: a pointer never reaches a buffer
 * before the data it points at is durable.  With @wait each page is
 * looked at under its lock, waiting for a transient holder; a block whose
 * page is dirtied again (mmap) at every try stays unpublished for
 * writeback.
 *
 * The inode is written to its table buffer before this returns when a
 * block was linked.
 *
 * Return: the number of blocks linked, or a negative errno.
 */
int vpmfs_publish(struct inode *inode, bool wait)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(inode->i_sb);
	struct vpmfs_inode_info *vi = VPMFS_I(inode);
	int tries, linked = 0, err = 0;

	if (!S_ISREG(inode->i_mode) && !S_ISLNK(inode->i_mode))
		return 0;
	/* until the table buffer has the pointers (vpmfs_publish_all()) */
	down_read(&sbi->publish_sem);
	for (tries = 0; tries < (wait ? VPMFS_PUBLISH_TRIES : 1); tries++) {
		if (!READ_ONCE(vi->i_nunpub))
			break;
		if (wait) {
			err = filemap_write_and_wait(inode->i_mapping);
			if (err)
				break;
		}
		if (!vpmfs_mark_written(inode, wait))
			continue;
		err = blkdev_issue_flush(inode->i_sb->s_bdev);
		if (err)
			break;
		err = vpmfs_link_written(inode);
		if (err < 0)
			break;
		linked += err;
		err = 0;
	}
	if (linked) {
		int err2 = vpmfs_write_raw(inode);

		if (!err)
			err = err2;
	}
	up_read(&sbi->publish_sem);
	return err ? err : linked;
}

/**
 * vpmfs_publish_block() - link one new directory block written by its caller
 * @dir: the directory, i_rwsem held
 * @iblock: the block, allocated by vpmfs_map_block() and written (FUA)
 *
 * Return: 0 or a negative errno.
 */
int vpmfs_publish_block(struct inode *dir, u64 iblock)
{
	struct vpmfs_inode_info *vi = VPMFS_I(dir);
	void *entry;
	int err = -EUCLEAN;

	mutex_lock(&vi->i_map_lock);
	entry = xa_load(&vi->i_unpub, iblock);
	if (entry)
		err = vpmfs_link_block(dir, iblock, xa_to_value(entry));
	mutex_unlock(&vi->i_map_lock);
	if (!err) {
		vi->i_dir_grown = true;
		mark_inode_dirty(dir);
	}
	return err;
}

/**
 * vpmfs_publish_all() - publish every inode's blocks, waiting for the data
 * @sb: the file system (sync_fs with wait, after sync wrote the pages)
 *
 * Two syncs may run at once (sync(2) calls every file system's sync_fs):
 * the second waits on publish_mutex until the first has published the
 * inodes it took off the list, or it would return before they are.
 *
 * Return: 0 or the first negative errno.
 */
int vpmfs_publish_all(struct super_block *sb)
{
	struct vpmfs_sb_info *sbi = VPMFS_SB(sb);
	struct vpmfs_inode_info *vi;
	struct inode *inode;
	LIST_HEAD(todo);
	int err = 0, err2;

	mutex_lock(&sbi->publish_mutex);
	spin_lock(&sbi->unpub_lock);
	list_splice_init(&sbi->unpub_inodes, &todo);
	while (!list_empty(&todo)) {
		vi = list_first_entry(&todo, struct vpmfs_inode_info,
				      i_unpub_link);
		list_del_init(&vi->i_unpub_link);
		/* an inode being evicted publishes in vpmfs_evict_inode() */
		inode = igrab(&vi->vfs_inode);
		spin_unlock(&sbi->unpub_lock);
		if (inode) {
			/* writes the inode to its buffer when it linked */
			err2 = vpmfs_publish(inode, true);
			if (err2 < 0 && !err)
				err = err2;
			mutex_lock(&vi->i_map_lock);
			if (vi->i_nunpub)
				vpmfs_unpub_added(inode);
			mutex_unlock(&vi->i_map_lock);
			iput(inode);
		}
		cond_resched();
		spin_lock(&sbi->unpub_lock);
	}
	spin_unlock(&sbi->unpub_lock);
	/*
	 * A publisher (writeback's ->write_inode) may have taken an inode off
	 * the list, by linking its last block, before the splice above, and
	 * not yet written its table slot: wait for it to be done.
	 */
	down_write(&sbi->publish_sem);
	up_write(&sbi->publish_sem);
	mutex_unlock(&sbi->publish_mutex);
	return err;
}

/**
 * vpmfs_set_name() - note the directory an inode was just given a name in
 * @inode: the inode (created, linked or renamed)
 * @dir: the directory holding the new entry
 *
 * fsync of @inode then makes that entry durable too.
 */
void vpmfs_set_name(struct inode *inode, struct inode *dir)
{
	struct vpmfs_inode_info *vi = VPMFS_I(inode);

	WRITE_ONCE(vi->i_parent, dir->i_ino);
	WRITE_ONCE(vi->i_name_new, true);
}

/*
 * Write the inode of the directory holding @inode's newest name, and so
 * on up while those directories are new themselves.  The entries are in
 * directory blocks, which the commit writes.
 */
static int vpmfs_sync_names(struct inode *inode)
{
	struct inode *cur = igrab(inode), *parent;
	struct vpmfs_inode_info *vi;
	int depth, err = 0;

	for (depth = 0; cur && depth < 256; depth++) {
		vi = VPMFS_I(cur);
		if (!READ_ONCE(vi->i_name_new) || cur->i_ino == VPMFS_ROOT_INO)
			break;
		WRITE_ONCE(vi->i_name_new, false);
		parent = ilookup(cur->i_sb, READ_ONCE(vi->i_parent));
		if (parent) {
			err = sync_inode_metadata(parent, 1);
			if (err) {
				WRITE_ONCE(vi->i_name_new, true);
				iput(parent);
				break;
			}
		}
		iput(cur);
		cur = parent;
	}
	iput(cur);
	return err;
}

/**
 * vpmfs_sync_dir_name() - make a directory and its path durable for a new name
 * @dir: the directory a rename or link is about to add a name to, or has
 *	just grown by a block for one; its i_rwsem held
 *
 * rename and link write the new entry through (FUA) before the inode's
 * other name can go; that is enough only if the directory on disk reaches
 * the entry's block.  If @dir was linked a block since it was last made
 * durable here, or if it is new itself, its inode, the inodes of its new
 * parents and their entries are made durable first: written, then a
 * commit.  Otherwise nothing is done.
 *
 * Return: 0 or a negative errno.
 */
int vpmfs_sync_dir_name(struct inode *dir)
{
	struct vpmfs_inode_info *vi = VPMFS_I(dir);
	int err;

	if (!vi->i_dir_grown && !READ_ONCE(vi->i_name_new))
		return 0;
	err = sync_inode_metadata(dir, 1);
	if (!err)
		err = vpmfs_sync_names(dir);
	if (!err)
		err = vpmfs_commit(dir->i_sb);
	if (!err)
		vi->i_dir_grown = false;
	return err;
}

/*
 * fsync of a directory: the inodes its entries name are written with it
 * (a symlink's target too), so that no entry is durable without its
 * inode.  Files' data is not part of it.
 */
static int vpmfs_sync_children(struct inode *dir)
{
	u32 n, nblocks = dir->i_size >> VPMFS_BLOCK_SHIFT, ino, pblk;
	struct super_block *sb = dir->i_sb;
	struct vpmfs_dirent *de;
	struct buffer_head *bh;
	struct inode *child;
	int i, err = 0, err2;

	for (n = 0; n < nblocks && !err; n++) {
		err = vpmfs_map_block(dir, n, false, &pblk, NULL);
		if (err || !pblk)
			break;
		bh = sb_bread(sb, pblk);
		if (!bh)
			return -EIO;
		de = (struct vpmfs_dirent *)bh->b_data;
		for (i = n ? 0 : 2; i < VPMFS_DIRENTS_PER_BLOCK; i++) {
			ino = le32_to_cpu(de[i].d_ino);
			if (!ino)
				continue;
			child = ilookup(sb, ino);
			if (!child)
				continue;	/* not in memory: not dirty */
			err2 = 0;
			if (S_ISLNK(child->i_mode))
				err2 = vpmfs_publish(child, true);
			if (err2 >= 0)
				err2 = sync_inode_metadata(child, 1);
			iput(child);
			if (err2 && !err)
				err = err2;
		}
		brelse(bh);
		cond_resched();
	}
	return err;
}

/**
 * vpmfs_fsync() - ->fsync of files and directories
 * @file: the file or directory
 * @start: first byte
 * @end: last byte
 * @datasync: fdatasync; vpmfs writes the same either way
 *
 * A file: its data in the range, the pointers to it (every block of the
 * file whose data is written is published), its inode, and its newest
 * name.  A directory: its blocks, its inode and the inodes its entries
 * name.  Then a commit makes all metadata buffers durable and flushes
 * the device cache.
 *
 * Return: 0 or a negative errno.
 */
int vpmfs_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct inode *inode = file->f_mapping->host;
	int err, err2, published;

	err = file_write_and_wait_range(file, start, end);
	if (err)
		return err;
	if (S_ISDIR(inode->i_mode)) {
		err = vpmfs_sync_children(inode);
	} else {
		/* it writes the inode to its buffer when it linked blocks */
		published = vpmfs_publish(inode, true);
		if (published < 0)
			err = published;
	}
	err2 = sync_inode_metadata(inode, 1);
	if (!err)
		err = err2;
	err2 = vpmfs_sync_names(inode);
	if (!err)
		err = err2;
	err2 = vpmfs_commit(inode->i_sb);
	if (!err)
		err = err2;
	err2 = file_check_and_advance_wb_err(file);
	if (!err)
		err = err2;
	return err;
}
