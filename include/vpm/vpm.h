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
 * @vs_data: opaque cookie for vpm_unmap_pages(); NULL ends the list
 * @vs_len: bytes mapped at @vs_addr (always PAGE_SIZE)
 */
struct vmap {
	void	*vs_addr;
	void	*vs_data;
	size_t	vs_len;
};

/* The illumos name of struct vmap. */
typedef struct vmap vmap_t;

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
int vpm_sync_pages(struct address_space *mapping, loff_t off, size_t len,
		   unsigned int flags);
void vpm_release_mapping(struct address_space *mapping, loff_t start,
			 loff_t end);

/* Linux addition: read one statistic by its debugfs name (for tests). */
u64 vpm_stat_get(const char *name);

#endif /* _VPM_VPM_H */
