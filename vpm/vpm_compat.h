/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel API differences are handled.
 *
 * Every HAVE_* macro comes from generated/vpm_compat_gen.h, written by
 * scripts/compat-gen from the probes in scripts/probes/ (one probe per API
 * change, named after it).  Code outside this header calls the vpm_*
 * wrappers below and never tests a kernel version.
 */
#ifndef _VPM_COMPAT_H
#define _VPM_COMPAT_H

#include <linux/fs.h>
#include "vpm_compat_gen.h"

/* struct folio_batch: <linux/folio_batch.h> (7.x) or <linux/pagevec.h>. */
#ifdef HAVE_FOLIO_BATCH_H
#include <linux/folio_batch.h>
#else
#include <linux/pagevec.h>
#endif

/* ---- vpmfs section: file system API differences (owned by vpm/fs/) ---- */

/*
 * The user-space harness of the vpm cache (tools/testing/vpm-cache)
 * compiles the core against shims and stops here.
 */
#ifndef VPM_COMPAT_CORE_ONLY

#include <linux/buffer_head.h>
#include <linux/splice.h>
#ifdef HAVE_FILELOCK_H
#include <linux/filelock.h>
#endif
#ifdef HAVE_MNT_IDMAP
#include <linux/mnt_idmapping.h>
#endif

/*
 * First argument of the inode operations: struct user_namespace * (6.1)
 * or struct mnt_idmap * (6.3+).  vpmfs does not set FS_ALLOW_IDMAP, so it
 * passes VPM_NOP_IDMAP to the helpers.
 */
#ifdef HAVE_MNT_IDMAP
#define vpm_idmap_t	struct mnt_idmap
#define VPM_NOP_IDMAP	(&nop_mnt_idmap)
#else
#define vpm_idmap_t	struct user_namespace
#define VPM_NOP_IDMAP	(&init_user_ns)
#endif

/**
 * vpm_generic_fillattr() - generic_fillattr() with the 6.6+ argument list
 * @idmap: the idmap
 * @request_mask: STATX_* wanted
 * @inode: the inode
 * @stat: filled in
 */
static inline void vpm_generic_fillattr(vpm_idmap_t *idmap, u32 request_mask,
					struct inode *inode, struct kstat *stat)
{
#ifdef HAVE_GENERIC_FILLATTR_REQMASK
	generic_fillattr(idmap, request_mask, inode, stat);
#else
	generic_fillattr(idmap, inode, stat);
#endif
}

/* Timestamps: fields in 6.1, accessors from 6.7 (ctime ones everywhere). */
static inline struct timespec64 vpm_inode_get_atime(const struct inode *inode)
{
#ifdef HAVE_INODE_GET_MTIME
	return inode_get_atime(inode);
#else
	return inode->i_atime;
#endif
}

static inline struct timespec64 vpm_inode_get_mtime(const struct inode *inode)
{
#ifdef HAVE_INODE_GET_MTIME
	return inode_get_mtime(inode);
#else
	return inode->i_mtime;
#endif
}

static inline void vpm_inode_set_atime(struct inode *inode,
				       struct timespec64 ts)
{
#ifdef HAVE_INODE_GET_MTIME
	inode_set_atime_to_ts(inode, ts);
#else
	inode->i_atime = ts;
#endif
}

static inline void vpm_inode_set_mtime(struct inode *inode,
				       struct timespec64 ts)
{
#ifdef HAVE_INODE_GET_MTIME
	inode_set_mtime_to_ts(inode, ts);
#else
	inode->i_mtime = ts;
#endif
}

/* Set atime, mtime and ctime to the current time (simple_inode_init_ts). */
static inline void vpm_inode_init_ts(struct inode *inode)
{
	struct timespec64 now = inode_set_ctime_current(inode);

	vpm_inode_set_atime(inode, now);
	vpm_inode_set_mtime(inode, now);
}

/* After iget_locked(): is this a new inode to fill in? */
static inline bool vpm_inode_is_new(struct inode *inode)
{
#ifdef HAVE_INODE_STATE_READ_ONCE
	return inode_state_read_once(inode) & I_NEW;
#else
	return inode->i_state & I_NEW;
#endif
}

/*
 * a_ops->write_begin/write_end argument types: struct file * and struct
 * page (6.1), struct folio (6.12), const struct kiocb * (7.2).
 * block_write_begin() takes the same page/folio type on each kernel.
 */
#if defined(HAVE_AOPS_WB_FOLIO_KIOCB)
#define VPM_WB_CTX	const struct kiocb *
#define VPM_WB_PAGE	struct folio
#elif defined(HAVE_AOPS_WB_FOLIO_FILE)
#define VPM_WB_CTX	struct file *
#define VPM_WB_PAGE	struct folio
#else
#define VPM_WB_CTX	struct file *
#define VPM_WB_PAGE	struct page
#endif

/*
 * ->mkdir returns int until 6.14 and struct dentry * after; vpmfs's mkdir
 * body returns an int and the op is declared with these.
 */
#ifdef HAVE_IOP_MKDIR_DENTRY
#define VPM_MKDIR_RET			struct dentry *
#define VPM_MKDIR_RETURN(err)		ERR_PTR(err)
#else
#define VPM_MKDIR_RET			int
#define VPM_MKDIR_RETURN(err)		(err)
#endif

/**
 * vpm_generic_splice_read() - the kernel's page-cache splice_read
 * @in: file
 * @ppos: position, advanced
 * @pipe: destination
 * @len: bytes wanted
 * @flags: SPLICE_F_*
 *
 * Return: bytes spliced or a negative errno.
 */
static inline ssize_t vpm_generic_splice_read(struct file *in, loff_t *ppos,
					      struct pipe_inode_info *pipe,
					      size_t len, unsigned int flags)
{
#ifdef HAVE_GENERIC_FILE_SPLICE_READ
	return generic_file_splice_read(in, ppos, pipe, len, flags);
#else
	return filemap_splice_read(in, ppos, pipe, len, flags);
#endif
}

/*
 * 6.1's mpage_writepages() falls back to ->writepage; block_write_full_page()
 * is gone in 6.6, where mpage writes folios itself and ->writepage is not
 * needed (7.2 removed it).
 */
#ifdef HAVE_BLOCK_WRITE_FULL_PAGE
#define VPM_AOPS_WRITEPAGE(fn)	.writepage = (fn),
#else
#define VPM_AOPS_WRITEPAGE(fn)
#endif

/**
 * vpm_block_write_full_page() - block_write_full_page() where it exists
 * @page: the locked page
 * @get_block: the file system's get_block
 * @wbc: writeback control
 *
 * Only called through VPM_AOPS_WRITEPAGE, i.e. where it exists.
 *
 * Return: 0 or a negative errno.
 */
static inline int vpm_block_write_full_page(struct page *page,
					    get_block_t *get_block,
					    struct writeback_control *wbc)
{
#ifdef HAVE_BLOCK_WRITE_FULL_PAGE
	return block_write_full_page(page, get_block, wbc);
#else
	return -EOPNOTSUPP;
#endif
}

/**
 * vpm_block_page_mkwrite_return() - a ->page_mkwrite errno as vm_fault_t
 * @err: 0 or the negative errno from block_page_mkwrite()
 *
 * Return: VM_FAULT_LOCKED, or the fault code for @err.
 */
static inline vm_fault_t vpm_block_page_mkwrite_return(int err)
{
	if (err >= 0)
		return VM_FAULT_LOCKED;
#ifdef HAVE_VMF_FS_ERROR
	return vmf_fs_error(err);
#else
	return block_page_mkwrite_return(err);
#endif
}

/**
 * vpm_async_readahead() - page_cache_async_readahead() on every kernel
 * @mapping: the file's page cache
 * @ra: the file's readahead state
 * @file: the file
 * @folio: the folio marked PG_readahead, referenced by the caller
 * @req_count: pages the reader still wants
 *
 * 6.1 passes the folio's index as well; 6.11 takes it from the folio.
 */
static inline void vpm_async_readahead(struct address_space *mapping,
				       struct file_ra_state *ra,
				       struct file *file, struct folio *folio,
				       unsigned long req_count)
{
#ifdef HAVE_ASYNC_RA_INDEX
	page_cache_async_readahead(mapping, ra, file, folio, folio->index,
				   req_count);
#else
	page_cache_async_readahead(mapping, ra, file, folio, req_count);
#endif
}

/*
 * The flags argument of shmem_file_setup() (test_vpm's files): VM_* bits
 * up to 6.x, a vma_flags_t made by mk_vma_flags() in 7.x.
 */
#ifdef HAVE_SHMEM_VMA_FLAGS
#define VPM_SHMEM_NORESERVE	mk_vma_flags(VMA_NORESERVE_BIT)
#else
#define VPM_SHMEM_NORESERVE	VM_NORESERVE
#endif

#endif /* VPM_COMPAT_CORE_ONLY */

#endif /* _VPM_COMPAT_H */
