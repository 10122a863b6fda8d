/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The harness side of the shims: knobs, counters, the struct page pool,
 * the fake page cache and memory hotplug, which the test driver uses and
 * vpm_cache.c never sees.
 */
#ifndef _SHIM_HARNESS_H
#define _SHIM_HARNESS_H

#include <linux/kernel.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

/* Counters of things that must not happen; the harness fails on any. */
extern long shim_nr_warns;		/* WARN_ON_ONCE() hits */
extern long shim_nr_errors;		/* shim-detected misuse */
extern long shim_nr_printk[8];		/* messages per level */
extern bool shim_verbose;
extern bool shim_quiet;			/* errors are expected: do not print */
void shim_error(const char *fmt, ...) __printf(1, 2);
bool shim_printk_seen(const char *substr);
void shim_printk_clear(void);
const char *shim_last_printk(void);

/* Tasks and fake CPUs: every thread calls init first and exit last. */
void shim_task_init(const char *name, int cpu);
void shim_task_exit(void);
void shim_set_cpu(unsigned int cpu);

/* Allocations: fault injection, leak accounting, kvmalloc requests. */
extern int shim_fail_in;		/* > 0: the n-th fallible call fails */
extern size_t shim_kv_limit;		/* kvmalloc above this fails */
long shim_live_allocs(void);
struct shim_kv_req {
	size_t n, size;
	bool ok;
};

/* The @back-th most recent kvmalloc request (0: the last), or NULL. */
const struct shim_kv_req *shim_kv_last(unsigned int back);
void shim_kv_log_clear(void);

/* The struct page pool. */
#define SHIM_NR_PAGES	4096
#define SHIM_PFN_BASE	0x40000UL
extern struct folio shim_pages[SHIM_NR_PAGES];
void shim_pool_reset(unsigned long npages);	/* use the first npages */
unsigned long shim_pool_free(void);
/* A pool check at rest (nobody holds a reference); returns bad pages. */
long shim_pool_check(void);
bool shim_page_offline(unsigned long i);	/* no access to the page */

/* The fake page cache: a folio's identity is its mapping and index. */
struct address_space *shim_mapping_create(unsigned long npages);
void shim_mapping_destroy(struct address_space *m);
/* Lockless find with a reference (filemap_get_folio()), or NULL. */
struct folio *shim_pc_get(struct address_space *m, pgoff_t index);
/*
 * Put a new folio of 1 << @order pages (0 or 2; the index is aligned
 * down) in the page cache where there is none; @at: use this free pool
 * page as its head, else take one from the pool (most recently freed
 * first).  Returns the folio (only the page cache's reference) or NULL.
 */
struct folio *shim_pc_add(struct address_space *m, pgoff_t index,
			  unsigned int order, struct folio *at);
/* shim_pc_get(), reading the page in first if it is not cached. */
struct folio *shim_pc_read(struct address_space *m, pgoff_t index,
			   unsigned int order);
/*
 * Truncate the folio holding @index: remove it from the page cache,
 * clear its mapping and drop the page cache's reference (the folio is
 * freed unless someone else holds one).  Returns true if there was one.
 */
bool shim_pc_truncate(struct address_space *m, pgoff_t index);
/* Split the large folio holding @index if only the page cache holds it. */
bool shim_pc_split(struct address_space *m, pgoff_t index);
/*
 * The page cache clock: ticks at every truncation (shim_trunc_seq) and
 * every completed insertion (shim_add_seq) of a folio.
 */
unsigned long shim_seq_now(void);
/*
 * Insertion, as __filemap_add_folio() does it: the new folio is
 * referenced, its ->mapping is set, then its ->index.  1 in
 * shim_add_preempt insertions (0: none) yield the CPU between the two
 * stores (preemption, or a weakly ordered CPU); shim_add_hook, if set, is
 * called there (a test looks at the folio in the middle).
 */
extern unsigned int shim_add_preempt;
extern void (*shim_add_hook)(struct folio *folio, void *arg);
extern void *shim_add_hook_arg;

/*
 * Called at the start of every folio_try_get(), if set (a test acts
 * between a lookup's reads of the hash bucket and its reference).
 */
extern void (*shim_try_get_hook)(struct folio *folio, void *arg);
extern void *shim_try_get_hook_arg;

/* Memory hotplug on the pool, aligned ranges of pfns. */
int shim_memory_offline(unsigned long start_pfn, unsigned long nr_pages);
void shim_memory_online(unsigned long start_pfn, unsigned long nr_pages);
/* Just call the notifier chain. */
int shim_memory_notify(unsigned long action, unsigned long start_pfn,
		       unsigned long nr_pages);
int shim_nr_memory_notifiers(void);
int shim_rcu_readers(void);		/* tasks inside rcu_read_lock() */

#endif /* _SHIM_HARNESS_H */
