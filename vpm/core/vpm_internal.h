/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private definitions of vpm.ko: the slot cache, its freelists and the
 * statistics.  Nothing here is part of the exported interface.
 */
#ifndef _VPM_INTERNAL_H
#define _VPM_INTERNAL_H

#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/rhashtable-types.h>
#include <linux/percpu.h>
#include <linux/wait.h>
#include <vpm/vpm.h>
#include "vpm_compat.h"

/* Cache size clamps, as illumos sets them (vpm.h). */
#define VPMAP_MINCACHE		(64ULL << 20)
#define VPMAP_MAXCACHE		(256ULL << 30)

/* vpm_cachemode values; illumos never implemented RANDOM, nor do we. */
#define VPMCACHE_LRU		0
#define VPMCACHE_RANDOM		1

/* Index of the two queues of a freelist, also stored in vpm_ndxflg. */
#define VPMALLOCQ		0
#define VPMRELEQ		1

#define VPMAP_MAGIC		0x56504d41	/* "VPMA" */
#define VPMFREE_MAGIC		0x56504d46	/* "VPMF" */

/**
 * struct vpmap - one slot of the vpm cache
 * @vpm_magic: VPMAP_MAGIC while the cache exists
 * @vpm_lock: protects every field below and the slot's freelist membership
 * @vpm_refcnt: number of live mappings of @vpm_pp through this slot
 * @vpm_next: id of the next slot on the freelist, 0 when not on one; a
 *	mapped slot may still be on one (see vpm_claim())
 * @vpm_prev: id of the previous slot on the freelist
 * @vpm_free_ndx: the freelist this slot always returns to
 * @vpm_ndxflg: which queue of that freelist it sits on (VPMALLOCQ/VPMRELEQ)
 * @vpm_referenced: mapped again while on a freelist (a hit) since the
 *	allocator last passed it: it gets a second chance
 * @vpm_pp: the page cached, or NULL; the slot holds a folio reference on it
 * @vpm_mapping: identity of @vpm_pp when it was cached (never dereferenced)
 * @vpm_index: page index of @vpm_pp in @vpm_mapping when it was cached
 * @vpm_hnode: link in the page-to-slot table (replaces illumos p_vpmref)
 *
 * Slot ids are array index + 1, so that 0 means "none" as in illumos.
 * Slots live as long as the module and are never freed individually,
 * so a pointer found in the page-to-slot table can always be locked;
 * its identity is checked under @vpm_lock.
 */
struct vpmap {
	u32			vpm_magic;
	spinlock_t		vpm_lock;	/* see above */
	u32			vpm_refcnt;
	u32			vpm_next;
	u32			vpm_prev;
	u16			vpm_free_ndx;
	u8			vpm_ndxflg;
	u8			vpm_referenced;
	struct page		*vpm_pp;
	struct address_space	*vpm_mapping;
	pgoff_t			vpm_index;
	struct rhash_head	vpm_hnode;
};

/**
 * struct vpm_freeq - one queue of a freelist
 * @vpmq_lock: protects the queue's links
 * @vpmq_free: id of the head slot (the oldest), 0 when empty
 * @vpmq_count: number of slots on the queue
 */
struct vpm_freeq {
	spinlock_t	vpmq_lock;	/* protects the links */
	u32		vpmq_free;
	u32		vpmq_count;
} ____cacheline_aligned_in_smp;

/**
 * struct vpmfree - a freelist: an alloc queue and a release queue
 * @vpm_freeq: the two queues
 * @vpm_allocq: the queue slots are taken from (swapped with @vpm_releq
 *	when empty)
 * @vpm_releq: the queue slots are freed to, at the tail
 * @vpm_magic: VPMFREE_MAGIC
 * @vpm_want: threads waiting because every freelist was empty
 * @vpm_swaps: times the queues were swapped
 * @vpm_waits: times a thread slept after trying this list last
 */
struct vpmfree {
	struct vpm_freeq	vpm_freeq[2];
	struct vpm_freeq	*vpm_allocq;
	struct vpm_freeq	*vpm_releq;
	u32			vpm_magic;
	atomic_t		vpm_want;
	unsigned long		vpm_swaps;
	atomic_long_t		vpm_waits;
} ____cacheline_aligned_in_smp;

/* Statistics: per-CPU counters, summed when read. */
enum vpm_stat_item {
	VPM_STAT_HITS,
	VPM_STAT_MISSES,
	VPM_STAT_STEALS,
	VPM_STAT_CONTEND,
	VPM_STAT_PREVPAGELOCKED,
	VPM_STAT_GETPAGEFAILED,
	VPM_STAT_ZEROSTART,
	VPM_STAT_EMPTYFREELIST,
	VPM_STAT_NOFREEVPMS,
	VPM_STAT_GETMAP,
	VPM_STAT_GETPAGE,
	VPM_STAT_PAGECREATE,
	VPM_STAT_UNMAP,
	VPM_STAT_RELEASE,
	VPM_STAT_REL_WRITE,
	VPM_STAT_REL_ASYNC,
	VPM_STAT_REL_FREE,
	VPM_STAT_REL_ABORT,
	VPM_STAT_REL_DONTNEED,
	VPM_STAT_DROPPED,
	VPM_STAT_SHRUNK,
	VPM_STAT_UNCACHED,
	VPM_STAT_COPY_RETRY,
	VPM_STAT_NR
};

extern const char * const vpm_stat_names[VPM_STAT_NR];

/**
 * struct vpm_cpu - per-CPU state, written only by its own CPU
 * @vcpu_free_ndx: the allocation rotor over the freelists
 * @vcpu_inuse: slots this CPU took from idle to mapped, less those it
 *	released (the sum over CPUs is the number of mapped slots)
 * @vcpu_steals: fault-injection event counter for steals_mtbf
 * @vcpu_contend: fault-injection event counter for contend_mtbf
 * @vcpu_stat: the counters of enum vpm_stat_item
 */
struct vpm_cpu {
	unsigned int	vcpu_free_ndx;
	long		vcpu_inuse;
	unsigned int	vcpu_steals;
	unsigned int	vcpu_contend;
	unsigned long	vcpu_stat[VPM_STAT_NR];
};

/**
 * struct vpm_cache - the whole cache
 * @vpmap: the slot array
 * @nslots: slots in @vpmap (0 when the cache is off)
 * @free: the freelists
 * @nfreelist: number of freelists, a power of two
 * @freemsk: @nfreelist - 1
 * @cpu: per-CPU state (always allocated, the counters are used even
 *	without the cache)
 * @ncached: slots holding a page (for the shrinker's count)
 * @free_wq: threads that found every freelist empty sleep here
 * @shrink_ndx: freelist the shrinker scans next
 */
struct vpm_cache {
	struct vpmap		*vpmap;
	u32			nslots;
	struct vpmfree		*free;
	unsigned int		nfreelist;
	unsigned int		freemsk;
	struct vpm_cpu __percpu	*cpu;
	atomic_long_t		ncached;
	wait_queue_head_t	free_wq;
	unsigned int		shrink_ndx;
};

extern struct vpm_cache vpmd;

/* Fault injection knobs (debugfs), 0 = off; see Documentation/vpm.rst. */
extern unsigned int vpm_steals_mtbf;
extern unsigned int vpm_contend_mtbf;
extern unsigned int vpm_copy_faults;

/* Tunables. */
extern long vpm_cache_percent;
extern int vpm_nfreelist;
extern int vpm_cachemode;
extern unsigned long vpm_cache_slots;

#define VPM_STAT(item)	this_cpu_inc(vpmd.cpu->vcpu_stat[VPM_STAT_##item])
#define VPM_STAT_ADD(item, n) \
	this_cpu_add(vpmd.cpu->vcpu_stat[VPM_STAT_##item], (n))

#define VPMP(id)	(&vpmd.vpmap[(id) - 1])
#define VPMID(vpm)	((u32)((vpm) - vpmd.vpmap) + 1)

static inline bool vpm_is_slot(const void *p)
{
	const struct vpmap *v = p;

	return vpmd.nslots && v >= vpmd.vpmap && v < vpmd.vpmap + vpmd.nslots;
}

/* vpm_cache.c */
int vpm_cache_init(void);
void vpm_cache_fini(void);
struct vpmap *vpm_cache_lookup(struct page *page);
struct vpmap *vpm_cache_lookup_rcu(struct page *page);
struct vpmap *vpm_get_vpmap(struct page *page, struct vpmap *hint,
			    bool may_wait, bool *ref_taken);
void vpm_put_vpmap(struct vpmap *vpm);
void vpm_cache_release_range(struct address_space *mapping, pgoff_t start,
			     pgoff_t end);
unsigned long vpm_cache_shrink(unsigned long nr);
void vpm_freelist_counts(unsigned int ndx, u32 *allocq, u32 *releq);

/* vpm_stats.c */
int vpm_stats_init(void);
void vpm_stats_fini(void);
void vpm_stats_sum(unsigned long *sum);

#endif /* _VPM_INTERNAL_H */
