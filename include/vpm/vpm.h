/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VPM: vnode page mapping, ported from illumos to Linux.
 *
 * Temporary kernel mappings of page-cache pages for copying file data,
 * with a cache of mapping slots in front of the page cache.  This is the
 * public interface of vpm.ko; see Documentation/vpm.rst.
 */
#ifndef _VPM_VPM_H
#define _VPM_VPM_H

#include <linux/types.h>
#include <linux/fs.h>
#include <linux/uio.h>

/* Largest range one vpm_map_pages() call maps, and its page count. */
#define VPMMAXLEN	(128 * 1024)
#define VPMMAXPGS	(VPMMAXLEN >> PAGE_SHIFT)

/* Smallest and largest vmap arrays; the last entry is the terminator. */
#define MINVMAPS	3
#define MAXVMAPS	(VPMMAXPGS + 1)

/* The window illumos file systems copy within (seg_map.h MAXBSIZE). */
#define VPM_MAXBSIZE	8192

/* vpm_map_pages() fetchpage argument: read missing pages in. */
#define VPM_FETCHPAGE	0x01

/*
 * vpm_data_copy() fetchpage argument for S_READ (a Linux addition): copy
 * only from pages that are cached and uptodate, and stop, without reading
 * anything, at the first that is not or that carries a readahead mark
 * (PG_readahead).  The iterator tells how far it got; the file system
 * starts its readahead there and copies the rest with VPM_FETCHPAGE, as
 * filemap_read() stops its batch at a marked folio.
 */
#define VPM_CACHEDONLY	0x02

/* vpm_sync_pages() flags, as seg_map.h defines them. */
#define SM_WRITE	0x01	/* write the pages back */
#define SM_ASYNC	0x02	/* do not wait for the write */
#define SM_FREE		0x04	/* free the pages once written */
#define SM_INVAL	0x08	/* invalidate the pages */
#define SM_DONTNEED	0x10	/* the pages will not be needed soon */
#define SM_DESTROY	0x20	/* discard the pages without writing */

/**
 * enum seg_rw - the access a mapping is made for
 * @S_OTHER: neither (kept for illumos source compatibility)
 * @S_READ: data is copied out of the pages; they are marked accessed
 * @S_WRITE: data is copied into the pages; they are locked while mapped
 *	and marked dirty on unmap
 */
enum seg_rw {
	S_OTHER = 0,
	S_READ,
	S_WRITE,
};

/**
 * struct vmap - one entry of a vpm scatter/gather list
 * @vs_addr: kernel address of the start of the mapped page
 * @vs_data: cookie for vpm_unmap_pages(), the mapped page (vpm_vmap_page());
 *	NULL ends the list
 * @vs_len: bytes mapped at @vs_addr (always PAGE_SIZE)
 */
struct vmap {
	void	*vs_addr;
	void	*vs_data;
	size_t	vs_len;
};

/* The illumos name of struct vmap. */
typedef struct vmap vmap_t;

/**
 * vpm_vmap_page() - the page a vmap entry maps
 * @vm: an entry filled by vpm_map_pages(), before vpm_unmap_pages()
 *
 * Return: the page, referenced by the mapping (and locked for S_WRITE)
 * until the entry is unmapped.
 */
static inline struct page *vpm_vmap_page(const struct vmap *vm)
{
	return vm->vs_data;
}

/**
 * struct vpm_write_ops - a file system's steps of a vpm_data_copy() write
 *	that must run while the pages are locked
 * @begin: called once per map-copy-unmap pass with every page of
 *	[@off, @off + @len) locked, before anything is copied into them: back
 *	the range with storage (illumos UFS does this in bmap_write() before
 *	vpm_data_copy()).  @vml lists the pages, first to last
 *	(vpm_vmap_page()), so that the file system can keep per-page state
 *	in them, as ->write_begin keeps buffer heads or PG_mappedtodisk.
 *	Return 0, or a negative errno that ends the copy with nothing
 *	copied by this pass.
 * @end: called once per pass after the copy, with the pages still locked:
 *	the first @copied bytes from @off are kept, and their pages will be
 *	uptodate and dirty when unlocked: exactly the pages whose first byte
 *	in the range (the later of @off and the page's start) is below
 *	@off + @copied; the pages after them are only unlocked, a new one
 *	left not uptodate.  Grow the file size over them
 *	(illumos UFS updates i_size after vpm_data_copy()), and undo what
 *	@begin did for pages nothing was kept in: a new page that was not
 *	filled is left not uptodate, and a reader that finds it unlocked
 *	reads it from storage.
 *
 * illumos file systems do both steps under the inode's contents lock,
 * which their getpage and putpage take too.  Linux's readers, faults and
 * writeback take only the page lock, so a block allocated before its page
 * is locked can be read before it is written (a deleted file's data), and
 * a size published after the page is unlocked lets writeback cut off the
 * bytes past the old end of file.  Both hooks run in the writer's
 * context; they may sleep and take locks that nest inside the page lock.
 */
struct vpm_write_ops {
	int (*begin)(struct address_space *mapping, loff_t off, size_t len,
		     const struct vmap *vml, void *priv);
	void (*end)(struct address_space *mapping, loff_t off, size_t len,
		    size_t copied, void *priv);
};

/* Tunables, read only after load; see Documentation/vpm.rst. */
extern int vpm_enable;
extern int vpm_cache_enable;

int vpm_map_pages(struct address_space *mapping, loff_t off, size_t len,
		  int fetchpage, struct vmap *vml, int nseg, int *newpage,
		  enum seg_rw rw);
void vpm_unmap_pages(struct vmap *vml, enum seg_rw rw);
int vpm_data_copy(struct address_space *mapping, loff_t off, size_t len,
		  struct iov_iter *iter, int fetchpage, int *newpage,
		  int zerostart, enum seg_rw rw);
int vpm_data_copy_ops(struct address_space *mapping, loff_t off, size_t len,
		      struct iov_iter *iter, int fetchpage, int *newpage,
		      int zerostart, enum seg_rw rw,
		      const struct vpm_write_ops *ops, void *priv);
int vpm_sync_pages(struct address_space *mapping, loff_t off, size_t len,
		   unsigned int flags);

/* Linux addition: read one statistic by its debugfs name (for tests). */
u64 vpm_stat_get(const char *name);

#endif /* _VPM_VPM_H */
