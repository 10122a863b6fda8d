/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: struct pages and folios.
 *
 * As in the kernel, struct page memory is never freed: every folio is a
 * page of a fixed pool (shim_pages[], the memory map) that lives for the
 * whole run, so a stale folio pointer always points at a struct page.
 * A large folio is its head page followed by tail pages, as in the memory
 * map.  A free page has refcount 0 and no mapping, and may be allocated
 * again, for the same or another (mapping, index), or as a tail of a large
 * folio (tails keep refcount 0).  folio_try_get() fails on refcount 0 (a
 * free page, a tail or a frozen folio) and is the only way to reference a
 * folio found without a reference; folio_get() on a refcount-0 folio, a
 * put below zero and dropping the last reference of a folio still in a
 * page cache abort.  Reading a free page is legal; touching a page of
 * memory taken offline (shim_memory_offline()) aborts.
 *
 * A page is handed out as the kernel does it: the page allocator gives it
 * refcount 1 with clear flags (its ->index is whatever its last use left),
 * then __filemap_add_folio() sets ->mapping and then ->index while holding
 * that reference, publishes it, and the read marks it uptodate.
 */
#ifndef _SHIM_LINUX_MM_H
#define _SHIM_LINUX_MM_H

#include <linux/kernel.h>
#include <linux/fs.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	BIT(PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

#define PG_locked	0
#define PG_uptodate	3

/* What a page of the pool is (harness bookkeeping). */
enum shim_page_state {
	SHIM_PAGE_FREE,		/* on the pool's free list */
	SHIM_PAGE_CACHE,	/* head of a folio in a page cache */
	SHIM_PAGE_TRUNC,	/* head of a folio removed from it, referenced */
	SHIM_PAGE_TAIL,		/* tail page of a large folio */
	SHIM_PAGE_ISOLATED,	/* free, in a range being taken offline */
	SHIM_PAGE_OFFLINE,	/* its memory is gone */
};

/* Only its address is used: &folio->page, as the kernel's first page. */
struct page {
	char shim_unused;
};

struct folio {
	struct page page;		/* the head page, as in the kernel */
	int shim_refcount;		/* atomic */
	int shim_state;			/* atomic: enum shim_page_state */
	unsigned long flags;
	/*
	 * Cleared by truncation while others hold references: marked
	 * accesses (the kernel's plain store is assumed atomic by KCSAN).
	 */
	struct address_space *mapping;
	/* Stable while referenced (written only at refcount 0). */
	pgoff_t index;
	unsigned long shim_nr;		/* pages in the folio */
	/* Harness bookkeeping below; vpm_cache.c never sees it. */
	struct address_space *shim_owner;	/* mapping allocated for */
	unsigned long shim_trunc_seq;	/* atomic: when truncated, or 0 */
	unsigned long shim_add_seq;	/* atomic: when added, or 0 */
	unsigned int shim_gen;		/* times allocated */
	int shim_isolate;		/* pool lock: going offline */
	int shim_listed;		/* pool lock: on the free list */
	int shim_prev_free;		/* pool lock: free list links */
	int shim_next_free;
};

bool shim_folio_try_get(struct folio *folio, const char *file, int line);
void shim_folio_get(struct folio *folio, const char *file, int line);
void shim_folio_put(struct folio *folio, const char *file, int line);
unsigned long shim_folio_pfn(const struct folio *folio, const char *file,
			     int line);
#define folio_try_get(f)	shim_folio_try_get(f, __FILE__, __LINE__)
#define folio_get(f)		shim_folio_get(f, __FILE__, __LINE__)
#define folio_put(f)		shim_folio_put(f, __FILE__, __LINE__)
/* Arithmetic on the memory map, as with SPARSEMEM_VMEMMAP: no access. */
#define folio_pfn(f)		shim_folio_pfn(f, __FILE__, __LINE__)

/*
 * The folio a page belongs to: a tail page's head (the pool is the memory
 * map: a large folio's tails follow its head).  A page whose state
 * changes meanwhile may give itself, as in the kernel.
 */
static inline struct folio *shim_page_folio(struct page *page)
{
	struct folio *f = container_of(page, struct folio, page);

	while (__atomic_load_n(&f->shim_state, __ATOMIC_RELAXED) ==
	       SHIM_PAGE_TAIL)
		f--;
	return f;
}

#define page_folio(p)		shim_page_folio(p)

/* Callers hold a reference, so the size is stable. */
static inline long folio_nr_pages(const struct folio *folio)
{
	return folio->shim_nr;
}

/* Acquire, as the kernel's: what was written before the read is seen. */
static inline bool folio_test_uptodate(const struct folio *folio)
{
	return __atomic_load_n(&folio->flags, __ATOMIC_ACQUIRE) &
		BIT(PG_uptodate);
}

/* The harness never locks folios (its insertions are not uptodate). */
static inline bool folio_test_locked(const struct folio *folio)
{
	return __atomic_load_n(&folio->flags, __ATOMIC_RELAXED) &
		BIT(PG_locked);
}

static inline void folio_mark_uptodate(struct folio *folio)
{
	__atomic_fetch_or(&folio->flags, BIT(PG_uptodate), __ATOMIC_RELEASE);
}

static inline int folio_ref_count(const struct folio *folio)
{
	return __atomic_load_n(&folio->shim_refcount, __ATOMIC_RELAXED);
}

extern unsigned long shim_totalram_pages;
static inline unsigned long totalram_pages(void)
{
	return shim_totalram_pages;
}

#endif /* _SHIM_LINUX_MM_H */
