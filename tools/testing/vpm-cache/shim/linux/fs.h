/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: just enough of <linux/fs.h> for vpm_compat.h and a
 * fake page cache.  A struct address_space is an array of folio pointers
 * indexed by page index (a large folio fills several entries), guarded by
 * a rwlock: lookups read-lock, the harness's truncation write-locks.
 */
#ifndef _SHIM_LINUX_FS_H
#define _SHIM_LINUX_FS_H

#include <pthread.h>
#include <linux/kernel.h>

struct folio;

struct address_space {
	pthread_rwlock_t shim_lock;
	unsigned long shim_npages;
	struct folio **shim_folios;
	int shim_id;
};

struct timespec64 {
	s64 tv_sec;
	long tv_nsec;
};

#define I_NEW		BIT(3)

struct inode {
	struct address_space *i_mapping;
	struct timespec64 i_atime;
	struct timespec64 i_mtime;
	unsigned long i_state;
};

struct file;
struct dentry;
struct kiocb;
struct kstat;
struct pipe_inode_info;
struct user_namespace;
struct mnt_idmap;
struct writeback_control;

/* The vpmfs half of vpm_compat.h only needs these to compile. */
static inline void generic_fillattr(struct user_namespace *ns,
				    struct inode *inode, struct kstat *stat)
{
	abort();
}

static inline struct timespec64 inode_set_ctime_current(struct inode *inode)
{
	abort();
}

static inline ssize_t filemap_splice_read(struct file *in, loff_t *ppos,
					  struct pipe_inode_info *pipe,
					  size_t len, unsigned int flags)
{
	abort();
}

#endif /* _SHIM_LINUX_FS_H */
