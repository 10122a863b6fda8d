/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cache test cases shared by test_vpm.ko and the user-space harness
 * (vpm_cache_cases.c), in the manner of lib/test_xarray.c: the same cases
 * run in tools/testing/vpm-cache against the shims, and in the kernel
 * against a real page cache.  Each side compiles vpm_cache.c (its own
 * copy of the cache: struct vpm_cache vpmd and the tunables of
 * vpm_internal.h are the test's), includes vpm_cache_cases.c in one
 * translation unit with its backend, and defines the functions below.
 *
 * Backends: tools/testing/vpm-cache/vpm_cache_test.c (the shims' page
 * pool and page cache) and vpm/test/test_vpm_cache.c (shmem files).
 */
#ifndef _VPM_CACHE_CASES_H
#define _VPM_CACHE_CASES_H

#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/rcupdate.h>
#include <linux/percpu.h>
#include "../core/vpm_internal.h"

/* ---- the backend: each side defines these ---- */

/* A new file of @npages pages, none cached; NULL if none can be made. */
static struct address_space *tvc_mapping_create(unsigned long npages);
/* Truncate every page and free the file. */
static void tvc_mapping_destroy(struct address_space *m);
/* Its size in pages. */
static unsigned long tvc_mapping_pages(struct address_space *m);
/*
 * Page @index read into the page cache if it is not there (a folio of
 * 1 << @order pages, as the page cache gives it), returned uptodate,
 * unlocked and referenced; NULL if it cannot be (the kernel backend
 * makes no large folios: @order > 0 gives NULL).
 */
static struct folio *tvc_folio_read(struct address_space *m, pgoff_t index,
				    unsigned int order);
/* The page cache's folio for @index, referenced, or NULL. */
static struct folio *tvc_folio_get(struct address_space *m, pgoff_t index);
/*
 * Truncate the folio holding @index: out of the page cache, ->mapping
 * cleared, the page cache's reference dropped.  True if there was one.
 */
static bool tvc_truncate(struct address_space *m, pgoff_t index);
/*
 * The folio's reference count, with nothing else than the page cache and
 * the test holding it (the kernel backend drains this CPU's LRU batches).
 */
static int tvc_folio_refs(struct folio *folio);
/* Events around vpm_cache_init() and vpm_cache_fini(), for the backend. */
enum tvc_event {
	TVC_BEFORE_INIT,
	TVC_BEFORE_FINI,
	TVC_AFTER_FINI,
};

static void tvc_cache_event(enum tvc_event ev);
/*
 * Whether anyone holds @lock, for the checks at rest (false if the
 * backend cannot tell: the kernel's lockdep reports a lock left held).
 */
static bool tvc_lock_held(spinlock_t *lock);
/*
 * The backend's own knobs at their defaults (tvc_knobs_reset() in
 * vpm_cache_cases.c resets the cache's and then calls it).
 */
static void tvc_backend_knobs_reset(void);
/* The backend's own checks while nobody is inside the cache. */
static void tvc_at_rest(const char *when);
/* A case ends: the backend's checks of what it left behind. */
static void tvc_case_end(void);
/* Count a check; report a failure.  Returns @ok. */
static bool tvc_check(bool ok, const char *fn, int line, const char *cond,
		      const char *fmt, ...) __printf(5, 6);

/*
 * A check: counted, and on failure reported with the function, line and
 * condition.  Evaluates to the condition, so "if (!TVC_CHECK(...))" can
 * stop a case whose next steps would make no sense.
 */
#define TVC_CHECK(cond, fmt, ...)					\
	tvc_check(!!(cond), __func__, __LINE__, #cond, fmt, ##__VA_ARGS__)

/* ---- the cases (vpm_cache_cases.c) ---- */

/**
 * struct tvc_case - one shared test case
 * @name: its name ("lru", "miss-hit/2", ...)
 * @fn: the case
 * @arg: passed to @fn (the number of freelists for miss-hit)
 *
 * A case is run by a single thread on one CPU, with no other user of
 * the cache: it calls vpm_cache_init() and vpm_cache_fini() itself.
 */
struct tvc_case {
	const char *name;
	void (*fn)(int arg);
	int arg;
};

#endif /* _VPM_CACHE_CASES_H */
