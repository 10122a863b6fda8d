// SPDX-License-Identifier: GPL-2.0
/*
 * The vpm interface: vpm_map_pages(), vpm_unmap_pages(), vpm_data_copy()
 * and vpm_sync_pages(), the Linux port of illumos vm/vpm.c.
 *
 * The illumos kpm segment maps every physical page at a fixed kernel
 * address.  Linux's direct map is the same thing for all memory but
 * HIGHMEM: vpm_kpm_mapin() returns the direct-map address, and with
 * HIGHMEM a vmap() of the page, which is valid in any thread until
 * vunmap() (kmap_local() is not), so a mapping may be released from
 * another thread as illumos sendfile does.
 *
 * illumos holds a page's shared lock while it is mapped for reading.
 * Linux has no shared page lock: the mapping's folio reference keeps the
 * page alive, and a read races with truncation exactly as filemap_read()
 * does.  Mappings for S_WRITE hold the folio lock, as write_begin does.
 * The vpm cache (vpm_cache.c) only says where a page was last seen; the
 * reference a mapping holds is its own, and is dropped on unmap.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/buffer_head.h>
#include <linux/highmem.h>
#include <linux/pagemap.h>
#include <linux/swap.h>
#include <linux/uio.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/writeback.h>
#include <linux/stringify.h>
#include "vpm_internal.h"
#include "vpm_lookup.h"

/*
 * The read path of vpm_data_copy_ops() -- the copy from cached pages, the
 * batch lookup and the hash probe, all inlined into one function -- is
 * kept in a section of its own that starts a page.  Under QEMU's TCG, a
 * jump to code on another page cannot be chained to the next translated
 * block, and neither can a return: each costs a hash lookup (measured:
 * a quarter of the host's time in a 64-byte pread() loop, on both sides).
 * With the read path in one page and one function, a read that hits
 * leaves it only for the kernel's helpers.  Real CPUs gain an instruction
 * TLB entry.  See "Code layout" in Documentation/performance.rst.
 */
#define VPM_HOT		__section(".text.vpm_hot")
asm(".pushsection .text.vpm_hot, \"ax\"\n\t"
	".p2align " __stringify(PAGE_SHIFT) "\n\t.popsection");

/*
 * The same for the passes that writes go through, a function of just
 * under 4 KiB: where it happened to straddle two pages of the module, a
 * 4 KiB overwrite made 12 more lookups a call (scripts/insncount).
 */
#define VPM_HOT_PASSES	__section(".text.vpm_hot_passes")
asm(".pushsection .text.vpm_hot_passes, \"ax\"\n\t"
	".p2align " __stringify(PAGE_SHIFT) "\n\t.popsection");

/*
 * And for the overwrite of one cached page (vpm_data_write()), which
 * leaves it for the passes only when the cache does not know the page or
 * the copy faulted: the dispatcher, this and the file system's write
 * steps are all that such an overwrite runs of vpm and vpmfs.
 */
#define VPM_HOT_WRITE	__section(".text.vpm_hot_write")
asm(".pushsection .text.vpm_hot_write, \"ax\"\n\t"
	".p2align " __stringify(PAGE_SHIFT) "\n\t.popsection");

/*
 * copy_faults: the next that many S_WRITE copies into a page copy nothing
 * and report a fault, as when the buffer's page is reclaimed between
 * fault-in and copy.  Tests use it to check the retry rules.
 */
static bool vpm_inject_copy_fault(void)
{
	unsigned int n = READ_ONCE(vpm_copy_faults), old;

	while (unlikely(n)) {
		old = cmpxchg(&vpm_copy_faults, n, n - 1);
		if (old == n)
			return true;
		n = old;
	}
	return false;
}

/* The folio this CPU last marked accessed (vpm_unmap_entry()). */
static DEFINE_PER_CPU(struct folio *, vpm_last_accessed);

static void *vpm_kpm_mapin(struct page *page)
{
	if (!PageHighMem(page))
		return page_address(page);
	/* HIGHMEM: a mapping that outlives this thread, unlike kmap_local. */
	return vmap(&page, 1, VM_MAP, PAGE_KERNEL);
}

static void vpm_kpm_mapout(struct page *page, void *addr)
{
	if (PageHighMem(page))
		vunmap(addr);
}

static void vpm_vml_clear(struct vmap *vm)
{
	vm->vs_addr = NULL;
	vm->vs_data = NULL;
	vm->vs_len = 0;
}

/* Release folios found but not yet put into a vmap list. */
static void vpm_put_folios(struct folio **fl, int n, bool locked)
{
	while (n-- > 0) {
		if (locked)
			folio_unlock(fl[n]);
		folio_put(fl[n]);
		fl[n] = NULL;
	}
}

static struct page *vpm_folio_page(struct folio *folio, pgoff_t index)
{
	return folio_page(folio, index - folio->index);
}

/*
 * Page @index of @mapping through the cache for the create path:
 * referenced, uptodate, locked and stable; or NULL, and the caller asks
 * the page cache.  (vpm_lookup_folio() only returns uptodate folios.)
 */
static __always_inline struct folio *
vpm_cache_get_locked(struct address_space *mapping, pgoff_t index)
{
	struct folio *folio;

	vpm_probe_begin();
	folio = vpm_lookup_folio(mapping, index);
	vpm_probe_end();
	if (!folio)
		return NULL;
	folio_lock(folio);
	/* truncated or invalidated meanwhile? */
	if (folio->mapping != mapping || folio->index != index ||
	    !folio_test_uptodate(folio)) {
		folio_unlock(folio);
		folio_put(folio);
		return NULL;
	}
	folio_wait_stable(folio);
	return folio;
}

/*
 * The create path (illumos vpm_pagecreate()): find or create each page of
 * the range without reading it.  All pages come back locked; a page that
 * is not uptodate is new to the caller, who will fill it.  *@hits gets a
 * bit for each page found through the cache, *@fresh one for each page
 * that is not uptodate.
 */
static int vpm_pagecreate(struct address_space *mapping, pgoff_t index,
			  int npages, struct folio **fl, int *newpage,
			  u32 *hits, u32 *fresh)
{
	int i;

	for (i = 0; i < npages; i++) {
		struct folio *folio;

		folio = vpm_cache_get_locked(mapping, index + i);
		if (folio) {
			*hits |= BIT(i);
			fl[i] = folio;
			continue;
		}
		folio = __filemap_get_folio(mapping, index + i,
					    FGP_LOCK | FGP_WRITE | FGP_CREAT |
					    FGP_STABLE,
					    mapping_gfp_mask(mapping));
		if (IS_ERR_OR_NULL(folio)) {
			vpm_put_folios(fl, i, true);
			return folio ? PTR_ERR(folio) : -ENOMEM;
		}
		if (!folio_test_uptodate(folio)) {
			if (newpage)
				*newpage = 1;
			*fresh |= BIT(i);
			VPM_STAT(PAGECREATE);
		}
		fl[i] = folio;
	}
	return 0;
}

/*
 * The create path for S_READ, which illumos allows and no caller needs:
 * S_READ mappings hold no page lock (illumos unlocks every page in
 * vpm_unmap_pages(), for S_READ too), so unlock the pages now.  A page
 * the create path made holds whatever the allocator left in it: zero it
 * first, so that the caller reads zeroes and not another user's memory.
 * It stays not uptodate, so a reader of the file still reads it in.
 */
static void vpm_pagecreate_read(struct folio **fl, int npages)
{
	int i;

	for (i = 0; i < npages; i++) {
		if (!folio_test_uptodate(fl[i]))
			folio_zero_range(fl[i], 0, folio_size(fl[i]));
		folio_unlock(fl[i]);
	}
}

/*
 * The fetch path's VOP_GETPAGE: read the whole range in, with readahead,
 * and return every folio referenced (and locked for S_WRITE).
 */
static int vpm_getpage(struct address_space *mapping, pgoff_t index,
		       int npages, struct folio **fl, enum seg_rw rw)
{
	struct file_ra_state ra;
	int i;

	VPM_STAT(GETPAGE);
	if (!mapping->a_ops->read_folio)
		return -EINVAL;
	file_ra_state_init(&ra, mapping);
	page_cache_sync_readahead(mapping, &ra, NULL, index, npages);

	for (i = 0; i < npages; i++) {
		struct folio *folio;

retry:
		folio = ERR_PTR(-EINTR);
		if (!fatal_signal_pending(current))
			folio = read_mapping_folio(mapping, index + i, NULL);
		if (IS_ERR(folio)) {
			vpm_put_folios(fl, i, rw == S_WRITE);
			return PTR_ERR(folio);
		}
		if (rw == S_WRITE) {
			folio_lock(folio);
			if (folio->mapping != mapping ||
			    !folio_test_uptodate(folio)) {
				/* Truncated or invalidated meanwhile. */
				folio_unlock(folio);
				folio_put(folio);
				goto retry;
			}
			folio_wait_stable(folio);
		}
		fl[i] = folio;
	}
	return 0;
}

/* Pages vpm_read_cached() looks up in one vpm_find_batch(). */
#define VPM_READ_BATCH	16

/*
 * The most pages of a read request that are asked of the vpm cache; a
 * larger one walks the xarray (vpm_find_batch() with walk).  A hit
 * saves the walk from the top of the xarray, but every page it finds
 * costs a hash probe, a slot and the folio's identity check, where the
 * step from one page to the next in a walk reads the neighbouring slot
 * of the same xarray node.  Measured in one boot (QEMU TCG, 6.1 guest,
 * Documentation/performance.rst): asking for every page of a 16-page
 * batch, or for the first page only, was slower for 64 KiB and 1 MiB
 * reads than one walk; 4 KiB and smaller reads gain from the cache.
 */
#define VPM_READ_ASK	2

/*
 * vpm_find_batch() from page @i on, with the xarray: page @i, which the
 * cache missed (or was not asked, with @walk), in the page cache; each
 * page after it through the vpm cache first unless @walk, else a step
 * through the xarray.  Called under rcu_read_lock().
 */
static __always_inline int vpm_find_walk(struct address_space *mapping,
					 pgoff_t index, int i, int n, bool walk,
					 struct folio **fl, u32 *hits)
{
	XA_STATE(xas, &mapping->i_pages, index + i);
	bool next = false;	/* xas is on page i - 1, an order-0 folio */
	bool ask = false;	/* page @i was asked already */
	struct folio *folio;

	for (; i < n; i++, ask = !walk) {
		folio = ask ? vpm_lookup_folio(mapping, index + i) : NULL;
		if (folio) {
			*hits |= BIT(i);
			fl[i] = folio;
			next = false;
			continue;
		}
		for (;;) {
			if (next) {
				folio = xas_next(&xas);
				next = false;
			} else {
				xas_set(&xas, index + i);
				folio = xas_load(&xas);
			}
			if (xas_retry(&xas, folio))
				continue;
			if (!folio || xa_is_value(folio))
				return i;
			/*
			 * xas_next() does not resolve sibling entries: a
			 * large folio replaced the order-0 one before it
			 * (filemap_get_read_batch() checks the same).  Load
			 * the index afresh.
			 */
			if (xa_is_sibling(folio))
				continue;
			if (!folio_try_get(folio))
				continue;
			/* (as filemap_get_entry(): still the page's folio?) */
			if (likely(folio == xas_reload(&xas)))
				break;
			folio_put(folio);
		}
		fl[i] = folio;
		next = !folio_test_large(folio);
	}
	return i;
}

/*
 * Find pages @index to @index + @n - 1 of @mapping inside one
 * vpm_probe_begin(), as filemap_get_read_batch() finds a batch of folios
 * under one rcu_read_lock(): unless
 * @walk, each through the vpm cache first (*@hits gets a bit for each
 * found that way), else in the page cache, where a run of misses steps
 * through the xarray from one page to the next instead of walking it from
 * the top for each.  With @walk the cache is not asked: the whole batch
 * is one walk and a run of steps.  Stops at the first page that is not in
 * the page cache.  Returns how many were found, each referenced, in @fl;
 * a page of a large folio gets its own reference.  The page-cache folios
 * may be locked or not uptodate: the caller checks.
 */
static __always_inline int vpm_find_batch(struct address_space *mapping,
					  pgoff_t index, int n, bool walk,
					  struct folio **fl, u32 *hits)
{
	struct folio *folio;
	int i;

	/*
	 * The hash probes only need to hold off the memory hotplug
	 * notifier's synchronize_rcu(): see vpm_probe_begin().  From the
	 * first page the cache misses on, the xarray is read under
	 * rcu_read_lock() proper, for rcu_dereference()'s checks.
	 */
	vpm_probe_begin();
	for (i = 0; !walk && i < n; i++) {
		folio = vpm_lookup_folio(mapping, index + i);
		if (!folio)
			break;
		*hits |= BIT(i);
		fl[i] = folio;
	}
	if (i < n) {
		rcu_read_lock();
		i = vpm_find_walk(mapping, index, i, n, walk, fl, hits);
		rcu_read_unlock();
	}
	vpm_probe_end();
	return i;
}

/*
 * The fetch path's fast case: every page present and uptodate.  Returns
 * the number of pages found that way; the caller falls back to
 * vpm_getpage() for the whole range if it is short.  Found folios are
 * referenced, and locked for S_WRITE.  Each page is asked of the cache
 * first and of the page cache when the cache does not know it
 * (vpm_find_batch()); *@hits gets a bit for each page the cache found.
 *
 * illumos also sends a page that is not in the vpm cache, or (for a
 * write) not yet modified, to VOP_GETPAGE, for the file system's
 * sequential-access tracking and block allocation.  Linux does both
 * elsewhere (readahead state, ->write_begin or the caller), so an
 * uptodate page only needs a slot: going through readahead and
 * ->read_folio again for it would only cost time.
 */
static int vpm_lookup_pages(struct address_space *mapping, pgoff_t index,
			    int npages, struct folio **fl, u32 *hits,
			    enum seg_rw rw)
{
	struct folio *folio;
	int i, n;

	n = vpm_find_batch(mapping, index, npages, false, fl, hits);

	for (i = 0; i < n; i++) {
		folio = fl[i];
		if (!folio_test_uptodate(folio))
			goto miss;
		if (rw == S_WRITE) {
			folio_lock(folio);
			if (folio->mapping != mapping ||
			    folio->index != index + i ||
			    !folio_test_uptodate(folio)) {
				folio_unlock(folio);
				goto miss;
			}
			folio_wait_stable(folio);
		}
		fl[i] = folio;
	}
	return i;
miss:
	folio_put(folio);
	if (i + 1 < n)
		vpm_put_folios(&fl[i + 1], n - i - 1, false);
	return i;
}

/*
 * A folio was read through vpm.  vpm pages take no faults that would mark
 * them referenced (hat_setref).  As filemap_read() skips it for a folio it
 * read last, skip it for the folio this CPU marked last: a loop of small
 * reads would otherwise bounce the folio between referenced and
 * activation on every call.  The pointer is only compared, never followed.
 */
static void vpm_mark_read(struct folio *folio)
{
	if (this_cpu_read(vpm_last_accessed) != folio) {
		this_cpu_write(vpm_last_accessed, folio);
		folio_mark_accessed(folio);
	}
}

/*
 * Dirty a locked folio that was just written into.  An overwrite of a
 * folio that is dirty already, and every buffer of it too, changes
 * nothing: mark_buffer_dirty() skips a dirty buffer on the same grounds,
 * so block_write_end() costs nothing there, while folio_mark_dirty() would
 * take the memcg and private locks only to find it out (about 110
 * instructions of a 4 KiB overwrite, Documentation/performance.rst).
 * Only for the buffer-head page caches (->dirty_folio is
 * block_dirty_folio()), whose folio private data is known to be buffers.
 * PG_dirty, and the dirty bits of a file page's buffers, are cleared under
 * the folio lock, which is held.  A block device's buffers are also
 * cleaned under their buffer lock alone (write_dirty_buffer()): there, as
 * in mark_buffer_dirty(), a barrier orders the copy before the test, so
 * that a cleaner the test does not see writes the new data.  A folio
 * PG_reclaim is set on is passed on, as folio_mark_dirty() clears that.
 */
static void vpm_folio_dirty(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	struct buffer_head *head, *bh;

	if (!folio_test_dirty(folio) || folio_test_reclaim(folio) ||
	    !mapping || mapping->a_ops->dirty_folio != block_dirty_folio)
		goto mark;
	head = folio_buffers(folio);
	if (head) {
		/* the copy before the tests (pairs with the cleaner's RMW) */
		smp_mb();
		bh = head;
		do {
			if (!buffer_dirty(bh))
				goto mark;
			bh = bh->b_this_page;
		} while (bh != head);
	}
	return;
mark:
	folio_mark_dirty(folio);
}

/*
 * Release one entry.  For S_WRITE, @commit marks the page uptodate and
 * dirty (hat_setrefmod); without it the page is only unlocked, as when a
 * new page was never filled.
 */
static void vpm_unmap_entry(struct vmap *vm, enum seg_rw rw, bool commit)
{
	struct page *page = vpm_vmap_page(vm);
	struct folio *folio = page_folio(page);

	if (rw == S_WRITE) {
		if (commit) {
			if (!folio_test_uptodate(folio))
				folio_mark_uptodate(folio);
			vpm_folio_dirty(folio);
		}
		folio_unlock(folio);
	} else {
		vpm_mark_read(folio);
	}
	if (!IS_ERR(vm->vs_addr))
		vpm_kpm_mapout(page, vm->vs_addr);
	folio_put(folio);
	VPM_STAT(UNMAP);
	vpm_vml_clear(vm);
}

/*
 * vpm_map_pages() with the caller's scratch array, of at least @nseg - 1
 * entries: vpm_data_copy() maps two pages (longer copies up to 16) per
 * pass, and an automatic variable is zeroed on every call in kernels
 * built with INIT_STACK_ALL_ZERO (Debian's are), so it passes arrays of
 * that size.
 */
static __always_inline int
__vpm_map_pages(struct address_space *mapping, loff_t off, size_t len,
		int fetchpage, struct vmap *vml, int nseg, int *newpage,
		enum seg_rw rw, struct folio **fl)
{
	loff_t baseoff, end;
	pgoff_t index;
	int i, npages, found, err;
	u32 hits = 0, fresh = 0, miss;	/* a bit per page: VPMMAXPGS <= 32 */
	unsigned int nofs = 0;
	bool locks;
	size_t tlen;

	BUILD_BUG_ON(VPMMAXPGS > 32);

	if (nseg < MINVMAPS || nseg > MAXVMAPS || !vml || !mapping ||
	    (rw != S_READ && rw != S_WRITE)) {
		pr_err_ratelimited("%s: bad argument (nseg %d, rw %d)\n",
				   __func__, nseg, rw);
		if (vml && nseg > 0)
			vpm_vml_clear(&vml[0]);
		return -EINVAL;
	}
	vpm_vml_clear(&vml[0]);
	if (off < 0 || len > MAX_LFS_FILESIZE ||
	    off > MAX_LFS_FILESIZE - (loff_t)len)
		return -EINVAL;
	/* (a large folio would be locked once per page: a deadlock) */
	if ((rw == S_WRITE || !fetchpage) &&
	    mapping_large_folio_support(mapping)) {
		pr_err_ratelimited("%s: S_WRITE and the create path need order-0 folios\n",
				   __func__);
		return -EOPNOTSUPP;
	}

	VPM_STAT(GETMAP);
	baseoff = off & PAGE_MASK;
	end = round_up(off + (loff_t)len, PAGE_SIZE);
	tlen = end - baseoff;
	tlen = min_t(size_t, tlen, (size_t)VPMMAXPGS * PAGE_SIZE);
	tlen = min_t(size_t, tlen, (size_t)(nseg - 1) * PAGE_SIZE);
	npages = tlen >> PAGE_SHIFT;
	index = baseoff >> PAGE_SHIFT;

	/*
	 * Pages are locked one after another and kept locked: a page
	 * allocated while earlier ones are held must not enter the file
	 * system through reclaim, which could wait for writeback that waits
	 * for one of them (as readahead and btrfs's prepare_pages avoid).
	 */
	locks = (rw == S_WRITE || !fetchpage) && npages > 1;
	if (locks)
		nofs = memalloc_nofs_save();
	if (!fetchpage) {
		err = vpm_pagecreate(mapping, index, npages, fl, newpage,
				     &hits, &fresh);
		if (!err && rw == S_READ)
			vpm_pagecreate_read(fl, npages);
	} else {
		err = 0;
		found = vpm_lookup_pages(mapping, index, npages, fl, &hits, rw);
		if (found < npages) {
			/* Not all there: let getpage do the whole range. */
			vpm_put_folios(fl, found, rw == S_WRITE);
			hits = 0;
			err = vpm_getpage(mapping, index, npages, fl, rw);
			if (err)
				VPM_STAT(GETPAGEFAILED);
		}
	}
	if (locks)
		memalloc_nofs_restore(nofs);
	if (err)
		return err;

	/* (a zero length maps nothing: npages is 0 to VPMMAXPGS) */
	miss = npages ? ~hits & GENMASK(npages - 1, 0) : 0;
	VPM_STAT_ADD(HITS, npages - hweight32(miss));
	if (miss && vpmd.nslots) {
		VPM_STAT_ADD(MISSES, hweight32(miss));
		/*
		 * Not the pages the create path just made: they hold
		 * nothing yet, and an append, which makes them a page
		 * after another, is read back (if at all) by reads that
		 * walk the page cache.  Entering them cost an append of
		 * 1 MiB writes 1-2 % (Documentation/performance.rst).
		 */
		miss &= ~fresh;
		if (miss)
			vpm_cache_enter_pages(mapping, fl, index, miss);
	}
	for (i = 0; i < npages; i++) {
		struct page *page = vpm_folio_page(fl[i], index + i);

		fl[i] = NULL;
		vml[i].vs_data = page;
		vml[i].vs_addr = vpm_kpm_mapin(page);
		vml[i].vs_len = PAGE_SIZE;
		vpm_vml_clear(&vml[i + 1]);
		if (unlikely(!vml[i].vs_addr)) {
			/* Only a HIGHMEM vmap() can fail. */
			vml[i].vs_addr = ERR_PTR(-ENOMEM);
			vpm_put_folios(&fl[i + 1], npages - i - 1,
				       rw == S_WRITE);
			for (i = 0; vml[i].vs_data; i++)
				vpm_unmap_entry(&vml[i], rw, false);
			return -ENOMEM;
		}
	}
	return 0;
}

/**
 * vpm_map_pages() - map the pages of a file range into the kernel
 * @mapping: the file's page cache (the illumos vnode)
 * @off: byte offset of the range
 * @len: byte length; the range is rounded out to whole pages
 * @fetchpage: non-zero to read missing pages in (VPM_FETCHPAGE); zero to
 *	create them without reading (the caller overwrites them entirely)
 * @vml: array of @nseg entries to fill; the entry after the last page has
 *	vs_data == NULL
 * @nseg: size of @vml, from MINVMAPS to MAXVMAPS
 * @newpage: if not NULL, set to 1 when the create path made a new page
 *	(never cleared: the caller zeroes it first)
 * @rw: S_READ to copy out of the pages, S_WRITE to copy into them
 *
 * The range is silently clamped to VPMMAXPGS pages and to @nseg - 1 pages;
 * the caller sees how many pages it got from the list.  vs_addr of each
 * entry is the start of its page, so the caller adds (@off & ~PAGE_MASK)
 * for the first.  Mappings stay valid until vpm_unmap_pages(), which any
 * thread may call.  S_WRITE mappings hold each page locked until then,
 * and need a mapping without large folios.  May sleep.
 *
 * The vpm cache is only consulted: nothing waits for a slot, and the
 * mappings hold no slot, so any number of them may be outstanding (in
 * pipes, for instance) without slowing anyone else down.
 *
 * Return: 0, or a negative errno with @vml empty: -EINVAL for a bad
 * argument, -EINTR when a fatal signal arrived while waiting for a page
 * to read, or the error reading a page.
 */
int vpm_map_pages(struct address_space *mapping, loff_t off, size_t len,
		  int fetchpage, struct vmap *vml, int nseg, int *newpage,
		  enum seg_rw rw)
{
	struct folio *fl[VPMMAXPGS];

	return __vpm_map_pages(mapping, off, len, fetchpage, vml, nseg,
			       newpage, rw, fl);
}
EXPORT_SYMBOL_GPL(vpm_map_pages);

/**
 * vpm_unmap_pages() - release the mappings made by vpm_map_pages()
 * @vml: the list, ended by an entry with vs_data == NULL
 * @rw: what the pages were mapped for; S_WRITE marks them uptodate and
 *	dirty and unlocks them, S_READ marks them accessed
 *
 * Every entry is cleared, so a second call is a no-op.  A single entry may
 * be released on its own by copying it into a two-entry list.  Call from
 * process context.
 */
void vpm_unmap_pages(struct vmap *vml, enum seg_rw rw)
{
	int i;

	for (i = 0; vml[i].vs_data; i++)
		vpm_unmap_entry(&vml[i], rw, true);
}
EXPORT_SYMBOL_GPL(vpm_unmap_pages);

/* Zero [from, to) of the page mapped at @vm. */
static void vpm_zero(struct vmap *vm, size_t from, size_t to)
{
	if (to > from)
		memset(vm->vs_addr + from, 0, to - from);
}

/* Scratch arrays of one pass, of @nseg vmap entries. */
struct vpm_pass {
	struct vmap	*vml;
	struct folio	**fl;
	bool		*isnew;
	int		nseg;
};

/*
 * One map-copy-unmap pass of vpm_data_copy_ops() over at most
 * @pass->nseg - 1 pages.  Returns 0 or a negative errno; *@copied is what
 * was copied and *@faulted tells whether the buffer faulted before the
 * pages were done.
 */
static __always_inline int
vpm_copy_once(struct address_space *mapping, loff_t off, size_t len,
	      struct iov_iter *iter, int fetchpage, int *newpage,
	      int zerostart, enum seg_rw rw, const struct vpm_write_ops *ops,
	      void *priv, size_t *copied, bool *faulted,
	      const struct vpm_pass *pass)
{
	struct vmap *vml = pass->vml;
	bool *isnew = pass->isnew;
	size_t pon = off & ~PAGE_MASK, plen, slen, done = 0;
	int i, npages, stop, newp = 0, err;
	bool wops = rw == S_WRITE && ops;

	err = __vpm_map_pages(mapping, off, len, fetchpage, vml, pass->nseg,
			      &newp, rw, pass->fl);
	*newpage |= newp;
	*copied = 0;
	if (err)
		return err;

	for (npages = 0; vml[npages].vs_data; npages++) {
		struct page *page = vpm_vmap_page(&vml[npages]);

		isnew[npages] = rw == S_WRITE && !fetchpage &&
				!folio_test_uptodate(page_folio(page));
	}
	/* this pass: what the mapped pages hold of the range */
	plen = min_t(size_t, len, ((size_t)npages << PAGE_SHIFT) - pon);
	slen = plen;

	/* The file system backs the range while its pages are locked. */
	if (wops && ops->begin) {
		err = ops->begin(mapping, off, plen, vml, priv);
		if (err) {
			for (i = 0; vml[i].vs_data; i++)
				vpm_unmap_entry(&vml[i], rw, false);
			return err;
		}
	}

	/*
	 * Zero the first page up to @off when asked (tmpfs wrtmp), and --
	 * a Linux addition -- always on a new page, whose memory would
	 * otherwise reach the file uninitialised.
	 */
	if (rw == S_WRITE && !fetchpage && (zerostart || isnew[0])) {
		vpm_zero(&vml[0], 0, pon);
		if (zerostart)
			VPM_STAT(ZEROSTART);
	}

	for (i = 0; slen > 0 && vml[i].vs_data; i++) {
		size_t pn = min_t(size_t, slen, PAGE_SIZE - pon);
		size_t c;

		/*
		 * _copy_{from,to}_iter(): the copy stays inside one page-cache
		 * page, so the hardened-usercopy object check that
		 * copy_{from,to}_iter() add has nothing to find; they are what
		 * copy_page_to_iter() and filemap_read() use too.
		 */
		if (rw == S_WRITE) {
			/* Pages are locked: never fault on the user buffer. */
			if (vpm_inject_copy_fault()) {
				c = 0;
			} else {
				pagefault_disable();
				c = _copy_from_iter(vml[i].vs_addr + pon, pn,
						    iter);
				pagefault_enable();
			}
		} else {
			c = _copy_to_iter(vml[i].vs_addr + pon, pn, iter);
		}
		done += c;
		slen -= c;
		if (c < pn) {
			*faulted = true;
			break;
		}
		pon = 0;
	}

	/*
	 * A short write into a new page leaves it half filled: give those
	 * bytes back to the iterator and drop the page unfilled, so that the
	 * retry (or the caller) starts that page again; later pages were not
	 * touched.  A page that was uptodate keeps what was copied, and is
	 * committed only if that is something: so the pages committed are
	 * exactly those with a byte kept, what @ops->end is told.
	 */
	stop = npages;
	if (rw == S_WRITE && *faulted) {
		loff_t cur = off + done, from;

		/* the page the copy stopped in, from where it started there */
		stop = (cur - (off & PAGE_MASK)) >> PAGE_SHIFT;
		from = max_t(loff_t, off,
			     (off & PAGE_MASK) + ((loff_t)stop << PAGE_SHIFT));
		if (stop < npages && isnew[stop]) {
			iov_iter_revert(iter, cur - from);
			done -= cur - from;
		} else if (cur > from) {
			/* an uptodate page keeps what was copied into it */
			stop++;
		}
	}

	/*
	 * Zero what was not copied of each new page that is kept: the
	 * partial page at EOF.  illumos zeroes only the page the copy stopped
	 * in, whether new or not; here an existing page keeps its data and a
	 * new one never reaches the file with garbage in it.
	 */
	for (i = 0; i < stop; i++) {
		loff_t pstart = (off & PAGE_MASK) + ((loff_t)i << PAGE_SHIFT);
		loff_t cur = off + done;

		if (isnew[i] && cur < pstart + (loff_t)PAGE_SIZE)
			vpm_zero(&vml[i], cur > pstart ? cur - pstart : 0,
				 PAGE_SIZE);
	}

	/* The size grows over what was kept before anyone can see it. */
	if (wops && ops->end)
		ops->end(mapping, off, plen, done, priv);

	for (i = 0; vml[i].vs_data; i++)
		vpm_unmap_entry(&vml[i], rw, i < stop);
	*copied = done;
	return 0;
}

/*
 * A pass over at most two pages: copies of one or two pages.  Small
 * arrays, since Debian's kernels (INIT_STACK_ALL_ZERO) zero them where
 * they are declared.  Inlined into vpm_copy_passes(): the call, with
 * its twelve arguments, cost a 4 KiB overwrite 49 of its 2,128
 * instructions (scripts/insncount).
 */
static __always_inline int vpm_copy_pass(struct address_space *mapping,
					 loff_t off, size_t len,
					 struct iov_iter *iter, int fetchpage,
					 int *newpage, int zerostart,
					 enum seg_rw rw,
					 const struct vpm_write_ops *ops,
					 void *priv, size_t *copied,
					 bool *faulted)
{
	struct vmap vml[MINVMAPS];
	struct folio *fl[MINVMAPS - 1];
	bool isnew[MINVMAPS - 1];
	const struct vpm_pass pass = {
		.vml = vml, .fl = fl, .isnew = isnew, .nseg = MINVMAPS,
	};

	return vpm_copy_once(mapping, off, len, iter, fetchpage, newpage,
			     zerostart, rw, ops, priv, copied, faulted, &pass);
}

/*
 * Pages a copy of more than two pages maps per pass (a Linux extension):
 * 16, or VPMMAXPGS with pages larger than 8 KiB.
 */
#define VPM_WIDE_PASS_PAGES	(VPMMAXPGS < 16 ? VPMMAXPGS : 16)

/*
 * A copy of more than two pages, read or write: up to VPM_WIDE_PASS_PAGES
 * per pass, so that a large copy pays the per-pass work (the calls, the
 * mapping list, the write steps) once per 64 KiB rather than once per
 * 8 KiB, as filemap_read() batches its folios.  A write holds the
 * pass's pages locked, in ascending order, while it copies into them.
 */
static noinline int vpm_copy_wide_pass(struct address_space *mapping,
				       loff_t off, size_t len,
				       struct iov_iter *iter, int fetchpage,
				       int *newpage, int zerostart,
				       enum seg_rw rw,
				       const struct vpm_write_ops *ops,
				       void *priv, size_t *copied,
				       bool *faulted)
{
	struct vmap vml[VPM_WIDE_PASS_PAGES + 1];
	struct folio *fl[VPM_WIDE_PASS_PAGES];
	bool isnew[VPM_WIDE_PASS_PAGES];
	const struct vpm_pass pass = {
		.vml = vml, .fl = fl, .isnew = isnew,
		.nseg = VPM_WIDE_PASS_PAGES + 1,
	};

	return vpm_copy_once(mapping, off, len, iter, fetchpage, newpage,
			     zerostart, rw, ops, priv, copied, faulted, &pass);
}

/*
 * @folio is in the page cache but not uptodate: being read, by readahead
 * most often.  Wait for the read as filemap_read() does (the folio is
 * locked until its read completes), rather than send the rest of the
 * window through getpage.  False when it is still not uptodate (a read
 * error, or nobody is reading it: getpage reads it and reports the
 * error), was truncated meanwhile, or a fatal signal came.
 */
static noinline bool vpm_wait_read(struct address_space *mapping,
				   struct folio *folio)
{
	bool ok;

	if (folio_lock_killable(folio))
		return false;
	ok = folio->mapping == mapping && folio_test_uptodate(folio);
	folio_unlock(folio);
	return ok;
}

/*
 * Enter the pages of a batch at @index that the cache missed (a bit each
 * in @miss, not 0) and drop their references, which were kept for it.
 * Out of line: the hot read path's page holds only the test of @miss.
 */
static noinline void vpm_enter_misses(struct address_space *mapping,
				      struct folio **fl, pgoff_t index,
				      u32 miss)
{
	if (vpmd.nslots) {
		VPM_STAT_ADD(MISSES, hweight32(miss));
		vpm_cache_enter_pages(mapping, fl, index, miss);
	}
	for (; miss; miss &= miss - 1)
		folio_put(fl[__ffs(miss)]);
}

/*
 * Whether the copy from @prev (page @i - 1 of a batch, in @pf) may run on
 * into @page (page @i, in @folio) in one _copy_to_iter(): the next page
 * frame, both in the direct map, and either one folio or two order-0
 * ones.  Usercopy hardening checks a copy against the folio it starts
 * in, and allows a copy from an order-0 page to run on into the next
 * page ("They might be part of a large allocation"), not one out of a
 * large folio.
 */
static __always_inline bool vpm_copy_runs_on(struct folio *pf,
					     struct page *prev,
					     struct folio *folio,
					     struct page *page)
{
	return page_to_pfn(page) == page_to_pfn(prev) + 1 &&
	       !PageHighMem(page) &&
	       (folio == pf || (!folio_test_large(pf) &&
				!folio_test_large(folio)));
}

/*
 * The read fast path: copy from the pages that are cached and uptodate,
 * without building a mapping list.  Pages are found a batch at a time
 * (vpm_find_batch(): for a page the vpm cache knows, a hash probe and a
 * speculative folio reference, no page-cache walk) and copied from the
 * direct map, a run of pages that are physically consecutive in one
 * copy: a file written in one go usually is (a vpmfs file written with
 * 1 MiB writes, 99.9 % of its pages; read back after drop_caches, 83 %;
 * Documentation/performance.rst), and filemap_read() copies one folio at
 * a time.  The references are dropped once the batch is copied.  A page
 * the cache does not know is found in the page cache, copied and
 * remembered (a miss), so one lost hint costs one page-cache lookup, and
 * a run of them a walk of the xarray, not a mapped pass.  A request whose
 * buffer (@iter, which may be longer than @len) spans more than
 * VPM_READ_ASK pages walks the xarray, as filemap_read() does, without
 * the cache.  With @wait, a
 * page being read is waited for.  Stops at the first page that would need
 * reading (the caller maps the rest the long way, with getpage), or that
 * carries a readahead mark, or when the buffer faults (*@faulted).
 * Returns the bytes copied.
 */
static __always_inline size_t vpm_read_cached(struct address_space *mapping,
					      loff_t off, size_t len,
					      struct iov_iter *iter, bool wait,
					      bool *faulted)
{
	struct folio *fl[VPM_READ_BATCH];
	size_t done = 0;
	bool walk;

	/*
	 * Walk or ask, once for the whole request: a file system copies a
	 * window at a time (vpmfs: 64 KiB), and the last pages of a long
	 * read are no reason to ask the cache.
	 */
	walk = DIV_ROUND_UP((off & ~PAGE_MASK) + iov_iter_count(iter),
			    PAGE_SIZE) > VPM_READ_ASK;
	while (len) {
		pgoff_t index = off >> PAGE_SHIFT;
		size_t pon = off & ~PAGE_MASK;
		size_t bytes, copied = 0, rl, c;
		u32 hits = 0, miss = 0;
		int i, j, k, n, want;
		struct folio *folio;
		struct page *page;

		want = min_t(size_t, DIV_ROUND_UP(pon + len, PAGE_SIZE),
			     VPM_READ_BATCH);
		n = vpm_find_batch(mapping, index, want, walk, fl, &hits);
		/* the first k pages can be copied */
		for (k = 0; k < n; k++) {
			folio = fl[k];
			if (unlikely(!folio_test_uptodate(folio)) &&
			    (!wait || !vpm_wait_read(mapping, folio)))
				break;
			/* the caller's readahead starts here (VPM_CACHEDONLY) */
			if (unlikely(folio_test_readahead(folio)))
				break;
		}
		bytes = k ? min_t(size_t, len, (size_t)k * PAGE_SIZE - pon) : 0;
		for (j = 0; j < k; j += i) {
			page = vpm_folio_page(fl[j], index + j);
			rl = min_t(size_t, bytes - copied,
				   PAGE_SIZE - (j ? 0 : pon));
			if (unlikely(PageHighMem(page))) {
				c = copy_page_to_iter(page, j ? 0 : pon, rl,
						      iter);
				i = 1;
			} else {
				struct page *last = page;

				for (i = 1; j + i < k && copied + rl < bytes;
				     i++) {
					struct page *next;

					next = vpm_folio_page(fl[j + i],
							      index + j + i);
					if (!vpm_copy_runs_on(fl[j + i - 1],
							      last, fl[j + i],
							      next))
						break;
					rl += min_t(size_t, bytes - copied - rl,
						    PAGE_SIZE);
					last = next;
				}
				c = _copy_to_iter(page_address(page) +
						  (j ? 0 : pon), rl, iter);
			}
			copied += c;
			if (c < rl) {
				*faulted = true;
				break;
			}
		}
		/* the pages copied from, the one that faulted too */
		if (*faulted)
			k = (pon + copied) >> PAGE_SHIFT;
		if (*faulted && k < n)
			k++;
		if (k && !done)
			VPM_STAT(GETMAP);
		for (j = 0; j < k; j++) {
			folio = fl[j];
			vpm_mark_read(folio);
			if (hits & BIT(j))
				VPM_STAT(HITS);
			else if (!walk)
				miss |= BIT(j);
			/* (a miss is entered below, with its reference) */
			if (!(miss & BIT(j)))
				folio_put(folio);
			VPM_STAT(UNMAP);
		}
		if (miss)
			vpm_enter_misses(mapping, fl, index, miss);
		if (k < n)
			vpm_put_folios(&fl[k], n - k, false);
		done += copied;
		off += copied;
		len -= copied;
		/*
		 * A fault, a page to read or with a readahead mark, or one
		 * that is not in the page cache: the caller's.
		 */
		if (*faulted || k < want)
			break;
	}
	return done;
}

/*
 * vpm_data_copy_ops() past the read fast path: map, copy and unmap up to
 * 16 pages per pass, for writes and for reads of pages that are not
 * cached and uptodate.
 */
static noinline int VPM_HOT_PASSES
vpm_copy_passes(struct address_space *mapping, loff_t off, size_t len,
		struct iov_iter *iter, int fetchpage, int *newpage,
		int zerostart, enum seg_rw rw, const struct vpm_write_ops *ops,
		void *priv)
{
	int anynew = 0, err = 0, fp;
	bool faulted, stalled = false, faultin = false, kept = false;
	size_t copied, left, plen;

	if (len > iov_iter_count(iter))
		len = iov_iter_count(iter);
	if ((fetchpage & VPM_CACHEDONLY) && rw != S_READ)
		return -EINVAL;

	while (len) {
		/*
		 * The first pass of a write copies optimistically: the
		 * caller has usually just faulted the buffer in (wrip does,
		 * as generic_perform_write() does), and a buffer that is
		 * not resident only makes the pass short, since the copy
		 * runs with page faults disabled.
		 */
		if (rw == S_WRITE && faultin) {
			left = fault_in_iov_iter_readable(iter, len);
			/*
			 * Nothing readable, or a pass that kept nothing
			 * because the buffer ends in an unreadable part:
			 * only a shorter copy can make progress.
			 */
			if (left == len || (stalled && left)) {
				err = -EFAULT;
				break;
			}
		}
		faulted = false;
		fp = fetchpage;
		plen = len;
		/*
		 * A retry of the create path that starts inside a page an
		 * earlier pass kept data in: that page may have been written
		 * back and evicted in between, and made anew it would be
		 * zeroed up to @off, over what the earlier pass wrote.  Read
		 * that page in instead, in a pass of its own.
		 */
		if (rw == S_WRITE && !fetchpage && kept && (off & ~PAGE_MASK)) {
			fp = VPM_FETCHPAGE;
			plen = min_t(size_t, len, PAGE_SIZE - (off & ~PAGE_MASK));
		}
		if ((off & ~PAGE_MASK) + plen > 2 * PAGE_SIZE)
			err = vpm_copy_wide_pass(mapping, off, plen, iter, fp,
						 &anynew, zerostart, rw, ops,
						 priv, &copied, &faulted);
		else
			err = vpm_copy_pass(mapping, off, plen, iter, fp,
					    &anynew, zerostart, rw, ops, priv,
					    &copied, &faulted);
		if (err)
			break;
		off += copied;
		len -= copied;
		/* A retry must not zero what this pass wrote. */
		if (copied) {
			zerostart = 0;
			kept = true;
		}
		if (!faulted)
			continue;
		/*
		 * The buffer faulted.  Reads fault with no page lock held,
		 * so the fault was real.  Writes ran with faults disabled:
		 * fault the rest in and go again.
		 */
		if (rw == S_READ) {
			err = -EFAULT;
			break;
		}
		/* (a pass without a fault-in before it proves nothing) */
		stalled = !copied && faultin;
		faultin = true;
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		VPM_STAT(COPY_RETRY);
		cond_resched();
	}
	if (rw == S_WRITE)
		balance_dirty_pages_ratelimited(mapping);
	if (newpage)
		*newpage = anynew;
	return err;
}

/*
 * vpm_data_copy_ops() for S_READ with @fetchpage: the copy from cached,
 * uptodate pages (vpm_read_cached()), then the passes for the rest.
 */
static noinline int VPM_HOT vpm_data_read(struct address_space *mapping,
					  loff_t off, size_t len,
					  struct iov_iter *iter, int fetchpage,
					  int *newpage)
{
	bool faulted = false;
	size_t copied;

	if (len > iov_iter_count(iter))
		len = iov_iter_count(iter);
	if (len) {
		copied = vpm_read_cached(mapping, off, len, iter,
					 !(fetchpage & VPM_CACHEDONLY),
					 &faulted);
		if (faulted || copied == len || (fetchpage & VPM_CACHEDONLY)) {
			if (newpage)
				*newpage = 0;
			return faulted ? -EFAULT : 0;
		}
		off += copied;
		len -= copied;
	}
	return vpm_copy_passes(mapping, off, len, iter, fetchpage, newpage, 0,
			       S_READ, NULL, NULL);
}

/*
 * vpm_data_copy_ops() for a create-path write (no @fetchpage, no
 * @zerostart) inside one page that the vpm cache knows: the overwrite of
 * a cached page, the most common write there is.  What a pass of
 * vpm_copy_passes() does for it, without the mapping list's bookkeeping:
 * the page is uptodate (vpm_cache_get_locked() returns no other), so it
 * is not new, nothing of it is zeroed, and it keeps whatever was copied
 * into it, as in vpm_copy_once().  Anything else -- a page the cache does
 * not know, a HIGHMEM page, a copy that crosses a page -- goes to the
 * passes, and so does the rest of a copy that faulted: from inside the
 * page, with the fetch path, as vpm_copy_passes() retries a page an
 * earlier pass kept data in.
 */
static noinline int VPM_HOT_WRITE
vpm_data_write(struct address_space *mapping, loff_t off, size_t len,
	       struct iov_iter *iter, int *newpage,
	       const struct vpm_write_ops *ops, void *priv)
{
	pgoff_t index = off >> PAGE_SHIFT;
	struct vmap vml[2];
	struct folio *folio;
	struct page *page;
	size_t c;
	int err;

	if (len > iov_iter_count(iter))
		len = iov_iter_count(iter);
	if (!len || off < 0 || (off & ~PAGE_MASK) + len > PAGE_SIZE ||
	    off > MAX_LFS_FILESIZE - (loff_t)len ||
	    mapping_large_folio_support(mapping))
		goto passes;
	folio = vpm_cache_get_locked(mapping, index);
	if (!folio)
		goto passes;
	page = vpm_folio_page(folio, index);
	if (unlikely(PageHighMem(page))) {
		folio_unlock(folio);
		folio_put(folio);
		goto passes;
	}
	VPM_STAT(GETMAP);
	VPM_STAT(HITS);
	vml[0].vs_data = page;
	vml[0].vs_addr = page_address(page);
	vml[0].vs_len = PAGE_SIZE;
	vpm_vml_clear(&vml[1]);
	if (ops && ops->begin) {
		err = ops->begin(mapping, off, len, vml, priv);
		if (err) {
			c = 0;
			goto unlock;
		}
	}
	/* the page is locked: never fault on the user buffer */
	if (vpm_inject_copy_fault()) {
		c = 0;
	} else {
		pagefault_disable();
		c = _copy_from_iter(vml[0].vs_addr + (off & ~PAGE_MASK), len,
				    iter);
		pagefault_enable();
	}
	if (ops && ops->end)
		ops->end(mapping, off, len, c, priv);
	if (c)
		vpm_folio_dirty(folio);
	err = 0;
unlock:
	folio_unlock(folio);
	folio_put(folio);
	VPM_STAT(UNMAP);
	/*
	 * The buffer faulted: fault the rest in and go on, as
	 * vpm_copy_passes() does after a pass that faulted; from inside the
	 * page through the fetch path if this kept something.
	 */
	if (!err && c < len) {
		VPM_STAT(COPY_RETRY);
		if (fatal_signal_pending(current)) {
			err = -EINTR;
		} else if (fault_in_iov_iter_readable(iter, len - c) ==
			   len - c) {
			err = -EFAULT;
		} else {
			cond_resched();
			return vpm_copy_passes(mapping, off + c, len - c, iter,
					       c ? VPM_FETCHPAGE : 0, newpage,
					       0, S_WRITE, ops, priv);
		}
	}
	/* (as vpm_copy_passes() ends every write, an error too) */
	balance_dirty_pages_ratelimited(mapping);
	if (newpage)
		*newpage = 0;
	return err;
passes:
	return vpm_copy_passes(mapping, off, len, iter, 0, newpage, 0,
			       S_WRITE, ops, priv);
}

/**
 * vpm_data_copy_ops() - vpm_data_copy() with a file system's write steps
 * @mapping: the file's page cache
 * @off: file offset of the copy
 * @len: bytes to copy; any length (a copy of more than two pages is
 *	made up to 16 pages at a time; illumos callers copy within
 *	one VPM_MAXBSIZE window, Linux callers may pass more)
 * @iter: the user or kernel buffer; advanced by what was copied, as
 *	uiomove() advances a uio
 * @fetchpage: non-zero to read the pages in first; zero for the create
 *	path, where pages absent from the cache are created and the parts of
 *	new pages not copied to are zeroed; VPM_CACHEDONLY (S_READ only) to
 *	copy only from cached, uptodate pages, up to the first page that is
 *	not or that carries a readahead mark
 * @newpage: if not NULL, set to 1 if a page was created, else 0
 * @zerostart: create path only: zero the first page from its start to @off
 * @rw: S_READ copies from the file into @iter, S_WRITE the other way
 * @ops: for S_WRITE, the steps run under the page locks (see struct
 *	vpm_write_ops); NULL for none.  Ignored for S_READ.
 * @priv: passed to @ops
 *
 * A read copies from each cached, uptodate page straight away (no mapping
 * list: for a page the vpm cache knows, a hash probe, a speculative folio
 * reference and the copy; a request whose buffer spans more than two
 * pages walks the page cache instead, as filemap_read() does), and maps
 * the rest as vpm_map_pages() does, up to 16 pages per pass.
 *
 * A write maps, locks and copies up to 16 pages per pass, @ops->begin and
 * @ops->end run once per pass, over all of its pages; a create-path write
 * inside one page the vpm cache knows is one such pass without the
 * mapping list.
 *
 * For S_WRITE the copy runs with page faults disabled, so a buffer that is
 * an mmap of the same file cannot deadlock; the caller faults the buffer
 * in first, as generic_perform_write() does (if it does not, the first
 * pass is short and the buffer is faulted in then).  A pass cut short by a
 * fault is retried after faulting the rest in, for as long as that
 * succeeds (the page may have been reclaimed in between, as often as
 * memory pressure makes it):
 * the copy ends with -EFAULT only when the buffer cannot be faulted in, or
 * when a pass kept nothing and part of the buffer cannot be.  Without
 * @ops, the file size and times are the caller's business, and so is
 * writeback, with or without them (vpm_sync_pages()).
 *
 * Return: 0, or a negative errno: -EFAULT when the buffer faulted before
 * the copy finished (for a new page in the create path, that can mean
 * nothing of it was kept although part of the buffer was readable: the
 * caller retries with a shorter length), -EINTR on a fatal signal,
 * -EINVAL for VPM_CACHEDONLY with S_WRITE, or the error of @ops->begin.
 * The iterator tells how much was copied.
 */
int VPM_HOT vpm_data_copy_ops(struct address_space *mapping, loff_t off,
			      size_t len, struct iov_iter *iter, int fetchpage,
			      int *newpage, int zerostart, enum seg_rw rw,
			      const struct vpm_write_ops *ops, void *priv)
{
	/* (tail calls: each path pays a test or two and a jump) */
	if (rw == S_READ && fetchpage)
		return vpm_data_read(mapping, off, len, iter, fetchpage,
				     newpage);
	if (rw == S_WRITE && !fetchpage && !zerostart)
		return vpm_data_write(mapping, off, len, iter, newpage, ops,
				      priv);
	return vpm_copy_passes(mapping, off, len, iter, fetchpage, newpage,
			       zerostart, rw, ops, priv);
}
EXPORT_SYMBOL_GPL(vpm_data_copy_ops);

/**
 * vpm_data_copy() - copy file data between the page cache and an iterator
 * @mapping: the file's page cache
 * @off: file offset of the copy
 * @len: bytes to copy
 * @iter: the user or kernel buffer, advanced by what was copied
 * @fetchpage: non-zero to read the pages in first, zero for the create
 *	path; VPM_CACHEDONLY as for vpm_data_copy_ops()
 * @newpage: if not NULL, set to 1 if a page was created, else 0
 * @zerostart: create path only: zero the first page from its start to @off
 * @rw: S_READ or S_WRITE
 *
 * The illumos interface: vpm_data_copy_ops() without write steps.  A file
 * system whose readers or writeback can run concurrently with the write
 * (every Linux one) allocates blocks and grows the size through
 * vpm_data_copy_ops() instead.
 *
 * Return: as vpm_data_copy_ops().
 */
int VPM_HOT vpm_data_copy(struct address_space *mapping, loff_t off,
			  size_t len, struct iov_iter *iter, int fetchpage,
			  int *newpage, int zerostart, enum seg_rw rw)
{
	return vpm_data_copy_ops(mapping, off, len, iter, fetchpage, newpage,
				 zerostart, rw, NULL, NULL);
}
EXPORT_SYMBOL_GPL(vpm_data_copy);

/**
 * vpm_sync_pages() - write back or drop the pages of a file range
 * @mapping: the file's page cache
 * @off: first byte; the range is rounded out to whole pages
 * @len: bytes; 0 means to the end of the file
 * @flags: SM_* flags
 *
 * 0 and SM_DONTNEED alone do nothing, as on illumos.  Otherwise:
 * SM_WRITE writes the range and waits; SM_ASYNC starts the writes without
 * waiting; SM_INVAL writes, waits and invalidates the pages (Linux cannot
 * invalidate asynchronously); SM_DESTROY discards the pages without
 * writing; SM_FREE writes (asynchronously with SM_ASYNC) and frees the
 * clean pages.  The vpm cache holds no pages, so none of it waits for or
 * tells the cache.
 *
 * Return: 0 or a negative errno from writeback or invalidation.
 */
int vpm_sync_pages(struct address_space *mapping, loff_t off, size_t len,
		   unsigned int flags)
{
	loff_t start, end;
	int err = 0, err2;

	if (!(flags & ~SM_DONTNEED))
		return 0;
	if (off < 0)
		return -EINVAL;

	start = off & PAGE_MASK;
	if (!len || off > LLONG_MAX - (loff_t)len - (loff_t)PAGE_SIZE)
		end = LLONG_MAX;
	else
		end = round_up(off + (loff_t)len, PAGE_SIZE) - 1;

	VPM_STAT(RELEASE);
	if (flags & SM_DESTROY) {
		VPM_STAT(REL_ABORT);
		truncate_inode_pages_range(mapping, start, end);
		return 0;
	}

	if (flags & SM_ASYNC)
		VPM_STAT(REL_ASYNC);
	if (flags & SM_WRITE)
		VPM_STAT(REL_WRITE);
	if (flags & SM_DONTNEED)
		VPM_STAT(REL_DONTNEED);

	if ((flags & SM_ASYNC) && !(flags & SM_INVAL))
		err = filemap_fdatawrite_range(mapping, start, end);
	else
		err = filemap_write_and_wait_range(mapping, start, end);

	if (flags & SM_INVAL) {
		VPM_STAT(REL_ABORT);
		err2 = invalidate_inode_pages2_range(mapping,
						     start >> PAGE_SHIFT,
						     end >> PAGE_SHIFT);
		if (!err)
			err = err2;
	} else if (flags & SM_FREE) {
		VPM_STAT(REL_FREE);
		invalidate_mapping_pages(mapping, start >> PAGE_SHIFT,
					 end >> PAGE_SHIFT);
	}
	return err;
}
EXPORT_SYMBOL_GPL(vpm_sync_pages);
