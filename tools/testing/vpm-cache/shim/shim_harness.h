/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The harness side of the shims: knobs, counters and the fake page cache
 * that the test driver uses and vpm_cache.c never sees.
 */
#ifndef _SHIM_HARNESS_H
#define _SHIM_HARNESS_H

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/sched/signal.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/wait.h>

/* Counters of things that must not happen; the harness fails on any. */
extern long shim_nr_warns;		/* WARN_ON_ONCE() hits */
extern long shim_nr_errors;		/* shim-detected misuse */
extern long shim_nr_printk[8];		/* messages per level */
extern bool shim_verbose;
extern bool shim_quiet;			/* errors are expected: do not print */
void shim_error(const char *fmt, ...) __printf(1, 2);
const char *shim_last_printk(void);
bool shim_printk_seen(const char *substr);
void shim_printk_clear(void);

/* Tasks and fake CPUs. */
void shim_task_init(const char *name, int cpu);
void shim_set_cpu(unsigned int cpu);
void shim_kill(struct task_struct *t);

/* Folios and the fake page cache. */
long shim_live_folios(void);
struct shim_folio_walk {
	void (*fn)(struct folio *f, void *arg);
	void *arg;
};

void shim_walk_folios(const struct shim_folio_walk *walk);
struct address_space *shim_mapping_create(unsigned long npages,
					  unsigned int large_every);
void shim_mapping_destroy(struct address_space *mapping);
struct folio *shim_find_get_folio(struct address_space *mapping,
				  pgoff_t index);
struct folio *shim_truncate_folio(struct address_space *mapping,
				  pgoff_t index, bool refill);

/* Hash tables: the live ones (vpm_rht is static in vpm_cache.c). */
struct rhashtable *shim_rht_first(void);
long shim_rht_check(struct rhashtable *ht,
		    bool (*obj_ok)(void *obj, void *arg), void *arg);

/* Fault injection. */
extern int shim_alloc_fail_in;
extern unsigned int shim_rht_insert_fail_every;

#endif /* _SHIM_HARNESS_H */
