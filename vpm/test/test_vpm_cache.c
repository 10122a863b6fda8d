// SPDX-License-Identifier: GPL-2.0
/*
 * test_vpm.ko's run of the cache cases shared with the user-space harness
 * (vpm_cache_cases.c), on a real page cache.
 *
 * As tools/testing/vpm-cache does, this file compiles vpm_cache.c again:
 * test_vpm.ko has a private copy of the cache, with its own struct
 * vpm_cache and tunables, so that every case can build the small caches
 * it needs (8 slots on one freelist, 2 slots on four, ...) while vpm.ko's
 * cache keeps serving the file systems.  The code under test is the same
 * source, on the kernel's folios, page cache, RCU, spinlocks and per-CPU
 * data.  vpm_enable and vpm_cache_enable, which vpm.ko exports, are
 * renamed here so that the copy does not take them over.
 *
 * The backend: each file is a shmem file (shmem_file_setup(); no swap in
 * the test VM, so its pages stay until truncated), pages are read in with
 * shmem_read_mapping_page_gfp() and truncated with
 * shmem_truncate_range().  The cases run in a kthread bound to one CPU:
 * the per-CPU rotor they set is the one the cache uses, and the LRU
 * batches holding references to new folios are that CPU's, which
 * tvc_folio_refs() drains to read exact reference counts.
 */
#define vpm_enable		tvc_vpm_enable
#define vpm_cache_enable	tvc_vpm_cache_enable
#include "../core/vpm_cache.c"

#include <linux/completion.h>
#include <linux/file.h>
#include <linux/kthread.h>
#include <linux/shmem_fs.h>
#include "vpm_cache_cases.h"
#include "test_vpm.h"

#define TVC_MAX_FILES	4
#define TVC_MAX_PRINTED	20

static struct {
	struct file *file;
	unsigned long npages;
} tvc_files[TVC_MAX_FILES];

static const char *tvc_case_name;
static unsigned int tvc_nfailed;
static unsigned long tvc_nchecks;

static int tvc_file_of(struct address_space *m)
{
	int i;

	for (i = 0; i < TVC_MAX_FILES; i++)
		if (tvc_files[i].file && tvc_files[i].file->f_mapping == m)
			return i;
	return -1;
}

static struct address_space *tvc_mapping_create(unsigned long npages)
{
	struct file *file;
	int i;

	for (i = 0; i < TVC_MAX_FILES && tvc_files[i].file; i++)
		;
	if (i == TVC_MAX_FILES)
		return NULL;
	file = shmem_file_setup("test_vpm_cache", (loff_t)npages << PAGE_SHIFT,
				VPM_SHMEM_NORESERVE);
	if (IS_ERR(file))
		return NULL;
	tvc_files[i].file = file;
	tvc_files[i].npages = npages;
	return file->f_mapping;
}

static void tvc_mapping_destroy(struct address_space *m)
{
	int i = m ? tvc_file_of(m) : -1;

	if (i < 0)
		return;
	shmem_truncate_range(m->host, 0, (loff_t)-1);
	fput(tvc_files[i].file);
	tvc_files[i].file = NULL;
}

static unsigned long tvc_mapping_pages(struct address_space *m)
{
	int i = tvc_file_of(m);

	return i < 0 ? 0 : tvc_files[i].npages;
}

static struct folio *tvc_folio_read(struct address_space *m, pgoff_t index,
				    unsigned int order)
{
	struct page *page;

	/* shmem_file_setup() files get order-0 folios (huge=never) */
	if (order || index >= tvc_mapping_pages(m))
		return NULL;
	page = shmem_read_mapping_page_gfp(m, index, mapping_gfp_mask(m));
	if (IS_ERR(page))
		return NULL;
	return page_folio(page);
}

static struct folio *tvc_folio_get(struct address_space *m, pgoff_t index)
{
	struct folio *folio = filemap_get_folio(m, index);

	/* NULL (6.1) or ERR_PTR(-ENOENT) (6.3+) when there is none */
	return IS_ERR_OR_NULL(folio) ? NULL : folio;
}

static bool tvc_truncate(struct address_space *m, pgoff_t index)
{
	struct folio *folio = tvc_folio_get(m, index);

	if (!folio)
		return false;
	folio_put(folio);
	shmem_truncate_range(m->host, (loff_t)index << PAGE_SHIFT,
			     ((loff_t)(index + 1) << PAGE_SHIFT) - 1);
	return true;
}

/*
 * A new folio sits in this CPU's LRU batch, which holds a reference until
 * it is drained.  Releasing a folio batch drains this CPU's batches
 * (lru_add_drain() itself is not exported), so add the folio to one with
 * a reference of its own and release it.
 */
static int tvc_folio_refs(struct folio *folio)
{
	struct folio_batch fbatch;

	folio_batch_init(&fbatch);
	folio_get(folio);
	folio_batch_add(&fbatch, folio);
	folio_batch_release(&fbatch);
	return folio_ref_count(folio);
}

/*
 * Not known here: a queue lock left held is reported by lockdep on the
 * debug kernel (held lock freed by vpm_cache_fini(), or held when the
 * thread exits), and makes later cases miss on a stock one.
 */
static bool tvc_lock_held(spinlock_t *lock)
{
	return false;
}

/* (the private cache's tunables are in vpm_cache_cases.c) */
static void tvc_backend_knobs_reset(void)
{
}

/*
 * Nothing held, no RCU read-side section left open (a warning on kernels
 * with CONFIG_DEBUG_ATOMIC_SLEEP); lockdep, KASAN and kmemleak check the
 * rest on the debug kernel.
 */
static void tvc_at_rest(const char *when)
{
	might_sleep();
}

static void tvc_cache_event(enum tvc_event ev)
{
}

static void tvc_case_end(void)
{
	cond_resched();
}

static bool tvc_check(bool ok, const char *fn, int line, const char *cond,
		      const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	tvc_nchecks++;
	if (ok)
		return true;
	if (tvc_nfailed++ < TVC_MAX_PRINTED) {
		va_start(args, fmt);
		vaf.fmt = fmt;
		vaf.va = &args;
		pr_err("cache/%s: %s:%d: %s: %pV\n", tvc_case_name, fn, line,
		       cond, &vaf);
		va_end(args);
	}
	return false;
}

#include "vpm_cache_cases.c"

struct tvc_run {
	const char *only;
	unsigned int run;
	unsigned int passed;
	struct completion done;
};

static int tvc_thread(void *arg)
{
	struct tvc_run *r = arg;
	char name[32];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tvc_cases); i++) {
		snprintf(name, sizeof(name), "cache/%s", tvc_cases[i].name);
		if (r->only && strcmp(r->only, name) && strcmp(r->only, "cache"))
			continue;
		tvc_case_name = tvc_cases[i].name;
		tvc_nfailed = 0;
		tvc_nchecks = 0;
		tvc_cases[i].fn(tvc_cases[i].arg);
		r->run++;
		if (tvc_nfailed) {
			pr_err("FAIL %s: %u of %lu checks failed\n", name,
			       tvc_nfailed, tvc_nchecks);
			continue;
		}
		pr_info("ok %s (%lu checks)\n", name, tvc_nchecks);
		r->passed++;
	}
	complete(&r->done);
	return 0;
}

/**
 * test_vpm_cache_cases() - run the shared cache cases
 * @only: run only the case of this name ("cache/lru"), or all of them
 *	("cache"); NULL runs all
 * @run: incremented for each case run
 * @passed: incremented for each case passed
 *
 * The cases run one after the other in a kthread bound to the first
 * online CPU; the caller sleeps until they are done.
 */
void test_vpm_cache_cases(const char *only, unsigned int *run,
			  unsigned int *passed)
{
	struct tvc_run r = { .only = only };
	struct task_struct *t;

	init_completion(&r.done);
	t = kthread_create(tvc_thread, &r, "test_vpm_cache");
	if (IS_ERR(t)) {
		pr_err("FAIL cache: no thread: %ld\n", PTR_ERR(t));
		(*run)++;
		return;
	}
	get_task_struct(t);
	kthread_bind(t, cpumask_first(cpu_online_mask));
	wake_up_process(t);
	wait_for_completion(&r.done);
	/* its last instructions are in this module: wait for its exit */
	kthread_stop(t);
	put_task_struct(t);
	*run += r.run;
	*passed += r.passed;
}
