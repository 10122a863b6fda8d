/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private definitions of vpm.ko: the slot cache, its freelists and the
 * statistics.  Nothing here is part of the exported interface.
 */
#ifndef _VPM_INTERNAL_H
#define _VPM_INTERNAL_H

#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/percpu.h>
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

/* Pages per run of consecutive hash pairs (vpm_hash()). */
#define VPM_HASH_RUN_SHIFT	5
#define VPM_HASH_RUN		BIT(VPM_HASH_RUN_SHIFT)

#define VPMAP_MAGIC		0x56504d41	/* "VPMA" */
#define VPMFREE_MAGIC		0x56504d46	/* "VPMF" */

/**
 * struct vpmap - one slot of the vpm cache: a hint where a file page is
 * @vpm_magic: VPMAP_MAGIC while the cache exists
 * @vpm_next: id of the next slot on the freelist queue, 0 while a thread
 *	owns the slot (taken off to be refilled)
 * @vpm_prev: id of the previous slot on the queue
 * @vpm_free_ndx: the freelist this slot always returns to
 * @vpm_ndxflg: which queue of that freelist it sits on (VPMALLOCQ/VPMRELEQ)
 * @vpm_bucket: the hash bucket the slot was last published in, or
 *	VPM_NOBUCKET; another slot may have taken that bucket since
 * @vpm_mapping: the file the hint is for; never dereferenced, kept for
 *	debugging and the tests' invariants
 * @vpm_index: the page index in @vpm_mapping
 *
 * Slot ids are array index + 1, so that 0 means "none" as in illumos.
 * The folio the hint points at, and whether it was hit since the
 * allocator last passed it, are in the slot's bucket (struct vpm_bucket),
 * so that a hit reads the bucket and the folio and never the slot.
 *
 * LOCKING: @vpm_next, @vpm_prev and @vpm_ndxflg change under the lock of
 * the queue the slot is on.  @vpm_bucket, @vpm_mapping and @vpm_index are
 * written only by the thread that took the slot off its queue; the
 * allocator reads @vpm_bucket under the queue lock (vpm_test_clear_ref()).
 */
struct vpmap {
	u32			vpm_magic;
	u32			vpm_next;
	u32			vpm_prev;
	u16			vpm_free_ndx;
	u8			vpm_ndxflg;
	u32			vpm_bucket;
	struct address_space	*vpm_mapping;
	pgoff_t			vpm_index;
};

/*
 * A bucket's key, one word: the slot id in the high half, the page's tag
 * in the low half.  Every tag has VPM_KEY_TAG set, so an empty bucket
 * (key 0) and a bucket being written (the writer's id, tag 0) match no
 * page.  VPM_KEY_REF is the second-chance bit: hit since the allocator
 * last passed the slot.  With 32-bit words the id has 16 bits (the cache
 * is clamped to VPM_KEY_MAXID slots) and the tag 14.
 */
#define VPM_KEY_SHIFT		(BITS_PER_LONG / 2)
#define VPM_KEY_MAXID		((1UL << (BITS_PER_LONG - VPM_KEY_SHIFT)) - 1)
#define VPM_KEY_REF		BIT(0)
#define VPM_KEY_TAG		BIT(1)
#define VPM_KEY_ID(key)		((u32)((key) >> VPM_KEY_SHIFT))
#define VPM_KEY_TAGOF(key)	((u32)((key) & (BIT(VPM_KEY_SHIFT) - 1) & \
				       ~VPM_KEY_REF))
#define VPM_KEY(id, tag)	((unsigned long)(id) << VPM_KEY_SHIFT | (tag))

/**
 * struct vpm_bucket - one bucket of the hash table
 * @vb_key: slot id, tag of (mapping, index) and VPM_KEY_REF (see above)
 * @vb_folio: the folio last seen at the slot's (mapping, index); no
 *	reference is held on it (see vpm_cache.c)
 *
 * A slot takes a bucket by swapping @vb_key from what it read to its id
 * with tag 0 (cmpxchg), then writes @vb_folio, then stores the key with
 * the tag (release).  So one thread at a time writes @vb_folio, and a
 * bucket at rest holds the folio of the key it shows.  Lookups read the
 * key (acquire) and then the folio, and trust neither.
 */
struct vpm_bucket {
	unsigned long		vb_key;
	struct folio		*vb_folio;
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
 * @vpm_swaps: times the queues were swapped
 */
struct vpmfree {
	struct vpm_freeq	vpm_freeq[2];
	struct vpm_freeq	*vpm_allocq;
	struct vpm_freeq	*vpm_releq;
	u32			vpm_magic;
	unsigned long		vpm_swaps;
} ____cacheline_aligned_in_smp;

/* Statistics: per-CPU counters, summed when read. */
enum vpm_stat_item {
	VPM_STAT_HITS,
	VPM_STAT_MISSES,
	VPM_STAT_STEALS,
	VPM_STAT_CONTEND,
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
	VPM_STAT_STALE,
	VPM_STAT_COPY_RETRY,
	VPM_STAT_PAIRFULL,
	VPM_STAT_NR
};

extern const char * const vpm_stat_names[VPM_STAT_NR];

/**
 * struct vpm_cpu - per-CPU state, written only by its own CPU
 * @vcpu_free_ndx: the allocation rotor over the freelists
 * @vcpu_steals: fault-injection event counter for steals_mtbf
 * @vcpu_contend: fault-injection event counter for contend_mtbf
 * @vcpu_stat: the counters of enum vpm_stat_item
 */
struct vpm_cpu {
	unsigned int	vcpu_free_ndx;
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
 * @hash: the two-way hash table, (mapping, index) to a pair of buckets
 *	(struct vpm_bucket); written with cmpxchg() and release stores,
 *	read locklessly
 * @hashbits: log2 of the number of buckets
 */
struct vpm_cache {
	struct vpmap		*vpmap;
	u32			nslots;
	struct vpmfree		*free;
	unsigned int		nfreelist;
	unsigned int		freemsk;
	struct vpm_cpu __percpu	*cpu;
	struct vpm_bucket	*hash;
	unsigned int		hashbits;
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

/* vpm_cache.c */
int vpm_cache_init(void);
void vpm_cache_fini(void);
struct folio *vpm_cache_lookup(struct address_space *mapping, pgoff_t index);
void vpm_cache_enter(struct folio *folio, pgoff_t index);
void vpm_cache_enter_pages(struct address_space *mapping, struct folio **fl,
			   pgoff_t index, u32 miss);
unsigned long vpm_cache_hinted(void);
void vpm_freelist_counts(unsigned int ndx, u32 *allocq, u32 *releq);

/* vpm_stats.c */
int vpm_stats_init(void);
void vpm_stats_fini(void);
void vpm_stats_sum(unsigned long *sum);

#endif /* _VPM_INTERNAL_H */
