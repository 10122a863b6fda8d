/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: pages and folios.
 *
 * A folio is a heap object with an atomic reference count followed by its
 * pages.  folio_get() on a freed folio and folio_put() below zero abort;
 * the last folio_put() frees the memory, so AddressSanitizer catches any
 * later use.  The harness keeps a registry of live folios to check every
 * reference count at the end of a test.
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
#define PG_dirty	4

struct page {
	struct folio *shim_folio;
	unsigned long shim_pad;
};

struct folio {
	int shim_refcount;		/* atomic */
	unsigned long flags;		/* atomic bit ops */
	struct address_space *mapping;
	pgoff_t index;
	unsigned int shim_nr;
	bool shim_in_mapping;		/* under mapping->shim_lock */
	struct folio *shim_next, *shim_prev;	/* live-folio registry */
	struct page shim_page[];
};

void shim_folio_get(struct folio *folio, const char *file, int line);
void shim_folio_put(struct folio *folio, const char *file, int line);
#define folio_get(f)	shim_folio_get(f, __FILE__, __LINE__)
#define folio_put(f)	shim_folio_put(f, __FILE__, __LINE__)

static inline struct folio *page_folio(struct page *page)
{
	return page->shim_folio;
}

static inline struct page *folio_page(struct folio *folio, unsigned long n)
{
	return &folio->shim_page[n];
}

static inline unsigned long folio_page_idx(struct folio *folio,
					   struct page *page)
{
	return page - folio->shim_page;
}

static inline long folio_nr_pages(struct folio *folio)
{
	return folio->shim_nr;
}

static inline int folio_ref_count(struct folio *folio)
{
	return __atomic_load_n(&folio->shim_refcount, __ATOMIC_RELAXED);
}

static inline bool folio_test_locked(struct folio *folio)
{
	return __atomic_load_n(&folio->flags, __ATOMIC_RELAXED) &
		BIT(PG_locked);
}

static inline void get_page(struct page *page)
{
	folio_get(page_folio(page));
}

static inline void put_page(struct page *page)
{
	folio_put(page_folio(page));
}

extern unsigned long shim_totalram_pages;
static inline unsigned long totalram_pages(void)
{
	return shim_totalram_pages;
}

#endif /* _SHIM_LINUX_MM_H */
