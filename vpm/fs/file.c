// SPDX-License-Identifier: GPL-2.0
/*
 * vpmfs: regular files.  Data is copied through VPM (copy=vpm, the
 * default) the way illumos UFS does it in rdip/wrip, or through the
 * kernel's generic page-cache paths (copy=generic) for comparison.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/pipe_fs_i.h>
#include <linux/slab.h>
#include <linux/splice.h>
#include <linux/stringify.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>
#include <linux/writeback.h>
#include <vpm/vpm.h>
#include "vpmfs.h"

/*
 * The read(2) and write(2) entry points and the write steps vpm calls
 * back share a section that starts a page, so that a hot read's or
 * write's code in vpmfs is one page, as vpm's read path is (see
 * vpm_map.c and "Code layout" in Documentation/performance.rst).
 */
#define VPMFS_HOT	__section(".text.vpmfs_hot")
asm(".pushsection .text.vpmfs_hot, \"ax\"\n\t"
	".p2align " __stringify(PAGE_SHIFT) "\n\t.popsection");

static bool vpmfs_use_vpm(struct inode *inode)
{
	/* copy= can change under a remount while files are in use */
	return READ_ONCE(vpm_enable) &&
	       READ_ONCE(VPMFS_SB(inode->i_sb)->copy_mode) == VPMFS_COPY_VPM;
}

/* ---- read: the rdip loop ---- */

/*
 * The window rdip copies within: UFS uses MAXBSIZE (8 KiB), the most a
 * segmap slot maps.  vpm_data_copy() maps up to 16 pages per read pass,
 * so a 64 KiB window pays the loop's work (and the read-ahead probe)
 * once for 16 pages.
 */
#define VPMFS_READ_WINDOW	(64 * 1024)

/*
 * Read-ahead, as UFS rdip drives its own, and as filemap_read() does:
 * when the page a chunk starts in is absent, start a synchronous
 * read-ahead of the rest of the request through the file's readahead
 * state before vpm_data_copy() needs it; when a page of the chunk carries
 * the PG_readahead marker, start the next window asynchronously.  vpm's
 * own getpage knows no file and asks only for the pages of one copy;
 * without this a cold sequential read is a chain of two-page reads.
 *
 * rdip first copies what is cached (VPM_CACHEDONLY), which stops at the
 * first page that is absent or not uptodate or that carries the marker,
 * so a cached chunk costs no probe at all.  From where that copy stopped,
 * the probes are RCU lookups, with a reference taken only on a marked
 * page: that page, unless the previous read ended in it
 * (ra->prev_pos, kept as filemap_read() keeps it; there is nothing to
 * start there, so a loop of small reads of one page costs no lookup), and
 * a later page of the chunk only where the current window put its marker.
 * All of it is a hint: a page evicted meanwhile is read by vpm's getpage.
 */
static bool vpmfs_ra_probe(struct file *file, pgoff_t index, pgoff_t last,
			   bool sync)
{
	struct address_space *mapping = file->f_mapping;
	struct folio *folio;

	rcu_read_lock();
	folio = xa_load(&mapping->i_pages, index);
	if (!folio || xa_is_value(folio)) {
		rcu_read_unlock();
		if (sync)
			page_cache_sync_readahead(mapping, &file->f_ra, file,
						  index, last - index + 1);
		return sync;
	}
	if (!folio_test_readahead(folio) || !folio_try_get(folio)) {
		rcu_read_unlock();
		return false;
	}
	rcu_read_unlock();
	if (folio->mapping == mapping && folio_test_readahead(folio))
		vpm_async_readahead(mapping, &file->f_ra, file, folio,
				    last - index + 1);
	folio_put(folio);
	return true;
}

static void vpmfs_rdip_readahead(struct file *file, pgoff_t index,
				 pgoff_t chunk_last, pgoff_t last)
{
	struct file_ra_state *ra = &file->f_ra;
	pgoff_t mark;

	if (ra->prev_pos <= 0 || index != (ra->prev_pos - 1) >> PAGE_SHIFT) {
		if (vpmfs_ra_probe(file, index, last, true))
			return;
	}
	mark = ra->start + ra->size - ra->async_size;
	if (ra->size && ra->async_size && mark > index && mark <= chunk_last)
		vpmfs_ra_probe(file, mark, last, false);
}

/*
 * rdip.  The copies are vpm_data_copy()'s, called as vpm_data_copy_ops()
 * with no write steps, which is what vpm_data_copy() does: one call
 * less per chunk.
 */
static ssize_t vpmfs_vpm_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct address_space *mapping = file->f_mapping;
	struct inode *inode = mapping->host;
	loff_t pos = iocb->ki_pos, isize;
	size_t n, mapon, before, copied;
	pgoff_t last;
	ssize_t done = 0;
	int err = 0;

	if (!iov_iter_count(to))
		return 0;
	if (pos < 0)
		return -EINVAL;
	while (iov_iter_count(to)) {
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		isize = i_size_read(inode);
		/* the size before the data: pairs with vpmfs_wrip_end() */
		smp_rmb();
		if (pos >= isize)
			break;
		/* one chunk inside a VPMFS_READ_WINDOW, capped at EOF */
		mapon = pos & (VPMFS_READ_WINDOW - 1);
		n = min_t(u64, VPMFS_READ_WINDOW - mapon, iov_iter_count(to));
		n = min_t(u64, n, isize - pos);
		before = iov_iter_count(to);
		/*
		 * First what is cached: no read-ahead to think about until a
		 * page is missing or marked.
		 */
		err = vpm_data_copy_ops(mapping, pos, n, to, VPM_CACHEDONLY,
					NULL, 0, S_READ, NULL, NULL);
		copied = before - iov_iter_count(to);
		if (!err && copied < n) {
			/* the last page this read(2) wants */
			last = (min_t(u64, isize, pos + before) - 1) >>
			       PAGE_SHIFT;
			vpmfs_rdip_readahead(file, (pos + copied) >> PAGE_SHIFT,
					     (pos + n - 1) >> PAGE_SHIFT, last);
			err = vpm_data_copy_ops(mapping, pos + copied,
						n - copied, to, VPM_FETCHPAGE,
						NULL, 0, S_READ, NULL, NULL);
			copied = before - iov_iter_count(to);
		}
		pos += copied;
		done += copied;
		if (err)
			break;
		if (copied < n) {
			err = -EFAULT;
			break;
		}
		cond_resched();
	}
	iocb->ki_pos = pos;
	if (done)
		file->f_ra.prev_pos = pos;
	file_accessed(file);
	return done ? done : err;
}

static ssize_t VPMFS_HOT vpmfs_read_iter(struct kiocb *iocb,
					 struct iov_iter *to)
{
	struct inode *inode = file_inode(iocb->ki_filp);

	if (!vpmfs_use_vpm(inode) || (iocb->ki_flags & IOCB_NOWAIT))
		return generic_file_read_iter(iocb, to);
	return vpmfs_vpm_read(iocb, to);
}

/* ---- write: the wrip loop ---- */

/*
 * The steps of a wrip copy that run with the pages locked (struct
 * vpm_write_ops).  Allocating the block under the page lock is what keeps
 * a reader from mapping it before it holds the write's data: a reader
 * that wants the page from disk must lock it first (read_folio), and
 * finds it either uptodate with the data or, after a failed copy, with
 * the block given back.  Growing i_size under the page lock is what keeps
 * writeback, which locks the page too, from cutting the page at the old
 * end of file.  See "Locking and ordering" in Documentation/vpmfs.rst.
 */
struct vpmfs_wrip_ctx {
	const struct vmap *vml;	/* the pass's pages, locked */
	u32 allocated;		/* a bit per page whose block begin allocated */
};

/*
 * The most a wrip chunk copies: vpm_data_copy_ops() maps up to 16 pages
 * per pass, so a chunk of whole pages is one pass (one begin, one end,
 * one balance of dirty pages), as generic_perform_write() does one
 * ->write_begin per folio.
 */
#define VPMFS_WRITE_CHUNK	(64 * 1024)

/* Give back the blocks begin allocated for the pages in @mask. */
static void vpmfs_wrip_giveback(struct inode *inode, loff_t off,
				struct vpmfs_wrip_ctx *ctx, u32 mask)
{
	u64 first = (off & PAGE_MASK) >> VPMFS_BLOCK_SHIFT;
	unsigned int i;

	for (; mask; mask &= mask - 1) {
		i = __ffs(mask);
		vpmfs_unmap_block(inode, first + i);
		folio_clear_mappedtodisk(page_folio(vpm_vmap_page(&ctx->vml[i])));
		ctx->allocated &= ~BIT(i);
	}
}

/*
 * PG_mappedtodisk on a vpmfs page without buffers: its block is
 * allocated (published or not).  block_write_begin() keeps the same fact
 * in a mapped buffer head, so that an overwrite of a cached page never
 * asks get_block again; wrip keeps it in the page flag, which
 * mpage_read_folio() sets for a page read from its block.  Blocks are
 * only freed with their pages (truncation removes the pages first and
 * keeps the block of the page that holds the new end of file), or by
 * wrip_end below for the pages it allocated for, whose flag it clears.  A
 * stale flag could only skip this early allocation: writeback maps every
 * page again through vpmfs_get_block().
 */
static int VPMFS_HOT vpmfs_wrip_begin(struct address_space *mapping,
				      loff_t off, size_t len,
				      const struct vmap *vml, void *priv)
{
	struct vpmfs_wrip_ctx *ctx = priv;
	struct inode *inode = mapping->host;
	u64 first = (off & PAGE_MASK) >> VPMFS_BLOCK_SHIFT;
	struct folio *folio;
	bool allocated;
	unsigned int i;
	u32 pblk;
	int err;

	/*
	 * One block per page (VPMFS_BLOCK_SIZE == PAGE_SIZE).  A retry after
	 * a fault finds the blocks an earlier pass allocated and kept data
	 * in: those are not this pass's to give back.
	 */
	ctx->vml = vml;
	ctx->allocated = 0;
	for (i = 0; vml[i].vs_data; i++) {
		folio = page_folio(vpm_vmap_page(&vml[i]));
		if (folio_test_mappedtodisk(folio))
			continue;
		err = vpmfs_map_block(inode, first + i, true, &pblk,
				      &allocated);
		if (err) {
			/* the pages stay unfilled: nothing of this pass */
			vpmfs_wrip_giveback(inode, off, ctx, ctx->allocated);
			return err;
		}
		if (allocated) {
			/* a metadata write of the block's last owner may be in flight */
			clean_bdev_aliases(inode->i_sb->s_bdev, pblk, 1);
			ctx->allocated |= BIT(i);
		}
		if (!folio_buffers(folio))
			folio_set_mappedtodisk(folio);
	}
	return 0;
}

static void VPMFS_HOT vpmfs_wrip_end(struct address_space *mapping,
				     loff_t off, size_t len, size_t copied,
				     void *priv)
{
	struct vpmfs_wrip_ctx *ctx = priv;
	struct inode *inode = mapping->host;
	loff_t kept = off + copied;
	unsigned int i;
	u32 unkept = 0;

	/*
	 * The pages past what was kept (vpm_data_copy_ops() keeps whole
	 * pages of a new page, or part of one that was uptodate, and
	 * nothing after the page a fault stopped in): a new page among them
	 * stays not uptodate, so its block must not hold anything a reader
	 * could see.
	 */
	for (i = 0; ctx->vml[i].vs_data; i++) {
		loff_t from = (off & PAGE_MASK) + ((loff_t)i << PAGE_SHIFT);

		if (max(from, off) >= kept)
			unkept |= BIT(i);
	}
	if (ctx->allocated & unkept)
		vpmfs_wrip_giveback(inode, off, ctx, ctx->allocated & unkept);
	if (copied && kept > i_size_read(inode)) {
		/* the data before the size: pairs with vpmfs_vpm_read() */
		smp_wmb();
		i_size_write(inode, kept);
	}
}

static const struct vpm_write_ops vpmfs_wrip_ops = {
	.begin	= vpmfs_wrip_begin,
	.end	= vpmfs_wrip_end,
};

/*
 * Copy one chunk at @pos: the part of one page up to its end, or whole
 * pages from a page boundary (the last one may end at or past EOF).
 * Returns the bytes copied or a negative errno when nothing of the chunk
 * is kept.
 */
static ssize_t vpmfs_wrip_chunk(struct kiocb *iocb, struct iov_iter *from,
				loff_t pos, size_t n)
{
	struct address_space *mapping = iocb->ki_filp->f_mapping;
	struct inode *inode = mapping->host;
	loff_t isize = i_size_read(inode);
	loff_t pstart = pos & PAGE_MASK, end;
	struct vpmfs_wrip_ctx ctx = { };
	size_t mapon = pos - pstart, before, copied;
	bool pagecreate;
	int err;

	/*
	 * Fault the user buffer in first (UFS: uio_prefaultpages) and copy
	 * only what could be faulted in, so that a buffer that is partly
	 * unmapped gives a short write instead of a retry.
	 */
	before = fault_in_iov_iter_readable(from, n);
	if (before == n)
		return -EFAULT;
	n -= before;
	end = pos + n;

	/*
	 * The create path (no read) only when every byte of every page is
	 * either written now or lies past EOF (UFS: pagecreate).  A hole
	 * otherwise goes through the fetch path, which reads it as zeroes
	 * (no block yet: the block is allocated under the page lock).  The
	 * caller cuts chunks so that only the first page of a chunk can
	 * start, and only its last can end, inside a page.
	 */
	pagecreate = (mapon == 0 || pstart >= isize) &&
		     (!(end & ~PAGE_MASK) || end >= isize);

	before = iov_iter_count(from);
	err = vpm_data_copy_ops(mapping, pos, n, from, !pagecreate, NULL,
				pagecreate && mapon, S_WRITE, &vpmfs_wrip_ops,
				&ctx);
	copied = before - iov_iter_count(from);
	/* once unlocked, as generic_write_end() does; i_rwsem is held */
	if (i_size_read(inode) != isize)
		mark_inode_dirty(inode);
	/* O_SYNC and O_DSYNC: generic_write_sync() once the write is done */
	return copied ? copied : err;
}

/*
 * The wrip loop, a chunk at a time: a write that starts inside a page
 * copies that page's part on its own, then whole pages up to the next
 * VPMFS_WRITE_CHUNK boundary; a last page that the write ends inside,
 * before EOF, is copied on its own too, since it must be read first
 * (the fetch path) where the whole pages before it need not be.  After
 * a chunk of several pages failed, one page per chunk.
 */
static ssize_t vpmfs_wrip(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	loff_t pos = iocb->ki_pos;
	ssize_t done = 0, ret = 0;
	bool narrow = false;
	size_t n, want;

	while (iov_iter_count(from)) {
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if ((pos & ~PAGE_MASK) || narrow)
			want = PAGE_SIZE - (pos & ~PAGE_MASK);
		else
			want = VPMFS_WRITE_CHUNK -
			       (pos & (VPMFS_WRITE_CHUNK - 1));
		n = min_t(size_t, want, iov_iter_count(from));
		if (n > PAGE_SIZE && ((pos + n) & ~PAGE_MASK) &&
		    pos + n < i_size_read(inode))
			n = round_down(n, PAGE_SIZE);
		ret = vpmfs_wrip_chunk(iocb, from, pos, n);
		/*
		 * A chunk of whole pages keeps nothing when one of its
		 * blocks cannot be allocated (ENOSPC, say): go on a page at
		 * a time, so that the write stops where space runs out, as
		 * generic_perform_write() does.
		 */
		if (ret < 0 && n > PAGE_SIZE) {
			narrow = true;
			continue;
		}
		if (ret <= 0)
			break;
		pos += ret;
		done += ret;
		if (ret < n)
			break;
		/* (vpm_data_copy_ops() balanced the dirty pages) */
		cond_resched();
	}
	iocb->ki_pos = pos;
	return done ? done : ret;
}

static ssize_t VPMFS_HOT vpmfs_write_iter(struct kiocb *iocb,
					  struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct address_space *mapping = file->f_mapping;
	struct inode *inode = mapping->host;
	loff_t end;
	ssize_t ret;

	if (iocb->ki_flags & IOCB_DIRECT)
		return -EINVAL;
	if (iocb->ki_flags & IOCB_NOWAIT)
		return -EAGAIN;
	inode_lock(inode);
	ret = generic_write_checks(iocb, from);
	if (ret <= 0)
		goto out;
	ret = file_modified(file);
	if (ret)
		goto out;
	end = iocb->ki_pos + iov_iter_count(from);
	if (vpmfs_use_vpm(inode))
		ret = vpmfs_wrip(iocb, from);
	else
		ret = generic_perform_write(iocb, from);
	/* a short write may have left blocks past EOF: free them */
	if (iov_iter_count(from) && end > i_size_read(inode)) {
		truncate_pagecache(inode, i_size_read(inode));
		vpmfs_truncate_blocks(inode, i_size_read(inode), true);
	}
out:
	inode_unlock(inode);
	if (ret > 0)
		ret = generic_write_sync(iocb, ret);
	return ret;
}

/* ---- splice_read: pages mapped with vpm_map_pages() ---- */

#define VPMFS_SPLICE_VMAPS	(VPMMAXPGS / 2 + 1)

/* One mapped page in a pipe; shared by the buffers that tee(2) makes. */
struct vpmfs_pipe_ref {
	refcount_t ref;
	struct vmap vml[2];
};

static struct kmem_cache *vpmfs_pipe_ref_cachep;

static void vpmfs_pipe_ref_put(struct vpmfs_pipe_ref *r)
{
	if (refcount_dec_and_test(&r->ref)) {
		vpm_unmap_pages(r->vml, S_READ);
		kmem_cache_free(vpmfs_pipe_ref_cachep, r);
		/* the buffer may outlive the mount: it pinned the module */
		module_put(THIS_MODULE);
	}
}

static void vpmfs_pipe_buf_release(struct pipe_inode_info *pipe,
				   struct pipe_buffer *buf)
{
	vpmfs_pipe_ref_put((struct vpmfs_pipe_ref *)buf->private);
}

static bool vpmfs_pipe_buf_get(struct pipe_inode_info *pipe,
			       struct pipe_buffer *buf)
{
	struct vpmfs_pipe_ref *r = (struct vpmfs_pipe_ref *)buf->private;

	return refcount_inc_not_zero(&r->ref);
}

static const struct pipe_buf_operations vpmfs_pipe_buf_ops = {
	.release	= vpmfs_pipe_buf_release,
	.get		= vpmfs_pipe_buf_get,
};

/* The page behind a vpm_map_pages() entry (direct map, or vmap). */
static struct page *vpmfs_vmap_page(const struct vmap *v)
{
	if (is_vmalloc_addr(v->vs_addr))
		return vmalloc_to_page(v->vs_addr);
	return virt_to_page(v->vs_addr);
}

/* Unmap entries [i, end) of a vpm_map_pages() list one by one. */
static void vpmfs_unmap_rest(struct vmap *vml, int i)
{
	struct vmap one[2] = {};

	for (; vml[i].vs_data; i++) {
		one[0] = vml[i];
		vpm_unmap_pages(one, S_READ);
	}
}

static ssize_t vpmfs_vpm_splice_read(struct file *in, loff_t *ppos,
				     struct pipe_inode_info *pipe, size_t len)
{
	struct address_space *mapping = in->f_mapping;
	struct inode *inode = mapping->host;
	struct vmap vml[VPMFS_SPLICE_VMAPS];
	loff_t pos = *ppos, isize, mapoff;
	size_t maplen, slots, pgoff, n;
	ssize_t done = 0, ret = 0;
	int i, err;

	while (len) {
		isize = i_size_read(inode);
		/* the size before the data: pairs with vpmfs_wrip_end() */
		smp_rmb();
		if (pos >= isize)
			break;
		len = min_t(u64, len, isize - pos);
		slots = pipe->max_usage - pipe_occupancy(pipe->head, pipe->tail);
		if (!slots) {
			if (!done)
				ret = -EAGAIN;
			break;
		}
		slots = min_t(size_t, slots, VPMFS_SPLICE_VMAPS - 1);
		mapoff = pos & PAGE_MASK;
		pgoff = pos - mapoff;
		maplen = min_t(u64, round_up(pos + len, PAGE_SIZE) - mapoff,
			       slots << PAGE_SHIFT);
		err = vpm_map_pages(mapping, mapoff, maplen, VPM_FETCHPAGE,
				    vml, VPMFS_SPLICE_VMAPS, NULL, S_READ);
		if (err) {
			if (!done)
				ret = err;
			break;
		}
		for (i = 0; vml[i].vs_data && len; i++) {
			struct vpmfs_pipe_ref *r;
			struct pipe_buffer buf;

			r = kmem_cache_alloc(vpmfs_pipe_ref_cachep, GFP_KERNEL);
			if (!r) {
				if (!done)
					ret = -ENOMEM;
				vpmfs_unmap_rest(vml, i);
				goto out;
			}
			__module_get(THIS_MODULE);
			refcount_set(&r->ref, 1);
			r->vml[0] = vml[i];
			memset(&r->vml[1], 0, sizeof(r->vml[1]));
			n = min_t(size_t, PAGE_SIZE - pgoff, len);
			buf = (struct pipe_buffer) {
				.page = vpmfs_vmap_page(&vml[i]),
				.offset = pgoff,
				.len = n,
				.ops = &vpmfs_pipe_buf_ops,
				.private = (unsigned long)r,
			};
			/* on failure add_to_pipe() releases the buffer */
			err = add_to_pipe(pipe, &buf);
			if (err < 0) {
				if (!done)
					ret = err;
				vpmfs_unmap_rest(vml, i + 1);
				goto out;
			}
			pgoff = 0;
			pos += n;
			len -= n;
			done += n;
		}
		vpmfs_unmap_rest(vml, i);
	}
out:
	*ppos = pos;
	if (done)
		file_accessed(in);
	return done ? done : ret;
}

static ssize_t vpmfs_splice_read(struct file *in, loff_t *ppos,
				 struct pipe_inode_info *pipe, size_t len,
				 unsigned int flags)
{
	if (!vpmfs_use_vpm(file_inode(in)))
		return vpm_generic_splice_read(in, ppos, pipe, len, flags);
	if (*ppos < 0)
		return -EINVAL;
	return vpmfs_vpm_splice_read(in, ppos, pipe, len);
}

/* ---- mmap: the generic fault path, blocks allocated at write fault ---- */

static vm_fault_t vpmfs_page_mkwrite(struct vm_fault *vmf)
{
	struct inode *inode = file_inode(vmf->vma->vm_file);
	int err;

	sb_start_pagefault(inode->i_sb);
	file_update_time(vmf->vma->vm_file);
	/* allocates the page's block now, so a full disk fails the fault */
	err = block_page_mkwrite(vmf->vma, vmf, vpmfs_get_block);
	sb_end_pagefault(inode->i_sb);
	return vpm_block_page_mkwrite_return(err);
}

static const struct vm_operations_struct vpmfs_vm_ops = {
	.fault		= filemap_fault,
	.map_pages	= filemap_map_pages,
	.page_mkwrite	= vpmfs_page_mkwrite,
};

static int vpmfs_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	file_accessed(file);
	vma->vm_ops = &vpmfs_vm_ops;
	return 0;
}

const struct file_operations vpmfs_file_fops = {
	.llseek		= generic_file_llseek,
	.read_iter	= vpmfs_read_iter,
	.write_iter	= vpmfs_write_iter,
	.mmap		= vpmfs_file_mmap,
	.open		= generic_file_open,
	.fsync		= vpmfs_fsync,
	.splice_read	= vpmfs_splice_read,
	.splice_write	= iter_file_splice_write,
	.setlease	= generic_setlease,
};

/**
 * vpmfs_file_init() - create the cache of pipe-buffer references
 *
 * Return: 0 or -ENOMEM.
 */
int vpmfs_file_init(void)
{
	vpmfs_pipe_ref_cachep = KMEM_CACHE(vpmfs_pipe_ref, 0);
	return vpmfs_pipe_ref_cachep ? 0 : -ENOMEM;
}

/**
 * vpmfs_file_exit() - destroy the cache of pipe-buffer references
 */
void vpmfs_file_exit(void)
{
	kmem_cache_destroy(vpmfs_pipe_ref_cachep);
}
