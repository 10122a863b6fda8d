/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vpm cache's hash and its lookup, inlined into the read path
 * (vpm_find_batch()) and the create path (vpm_cache_get_locked()), and
 * behind vpm_cache_lookup() for the tests: under QEMU's TCG, where make
 * bench runs, every call and return between the read path's functions
 * costs a hash lookup of the next translated block (see "Code layout" in
 * Documentation/performance.rst).  Included by vpm_cache.c and vpm_map.c
 * only.
 */
#ifndef _VPM_LOOKUP_H
#define _VPM_LOOKUP_H

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/hash.h>
#include "vpm_internal.h"

/*
 * What a hash probe runs inside: something the memory hotplug notifier's
 * synchronize_rcu() waits for, since the probe follows a folio pointer
 * read from the table.  Preemption disabled is that (Linux 4.20 and
 * later) and costs no call, where rcu_read_lock() and rcu_read_unlock()
 * are two out of line on PREEMPT_RCU kernels such as Debian's 6.1 (6.12's
 * folio_try_get() takes an RCU read lock of its own, so there only the
 * outer pair is saved).  On PREEMPT_RT a probe's folio_put() that frees
 * the page may take a sleeping lock, so there it is rcu_read_lock().
 */
static __always_inline void vpm_probe_begin(void)
{
#ifdef CONFIG_PREEMPT_RT
	rcu_read_lock();
#else
	preempt_disable();
#endif
}

static __always_inline void vpm_probe_end(void)
{
#ifdef CONFIG_PREEMPT_RT
	rcu_read_unlock();
#else
	preempt_enable();
#endif
}

/*
 * The table is two-way: (mapping, index) hashes to a pair of adjacent
 * buckets (one cache line), and a hint may be in either.  With one way,
 * two pages of a working set that hash alike evict each other's hint on
 * every pass (measured: 6-12 % of a hot 32 MiB file's pages missed on
 * every sequential read of it); with two, a hint is lost only to two
 * other pages of the same pair entered after it.
 *
 * Consecutive pages take consecutive pairs: each aligned run of
 * VPM_HASH_RUN (32) pages of a file hashes to a pair, anywhere in the
 * table, and its pages take that pair and the ones after it (wrapping at
 * the end).  A sequential copy then reads the table a cache line after
 * another instead of a random line (and often a random page of the
 * table, a TLB miss) per file page: under QEMU's TCG, where a TLB miss is
 * a software page walk, that cost a hot 1 MiB read several per cent (see
 * Documentation/performance.rst).  The load on the table is what it was:
 * each page still lands on a pair as random as its run's, and a run
 * starts on any pair, so the first pages of many small files do not crowd
 * into a few.  Returns the pair's first bucket, and in @tag the page's
 * tag: other bits of the same product, and the page's place in its run,
 * so that the pages that share a pair have different tags but by chance.
 */
static __always_inline u32 vpm_hash(const struct address_space *mapping,
				    pgoff_t index, u32 *tag)
{
	u64 x = ((u64)(unsigned long)mapping ^
		 (u64)(index >> VPM_HASH_RUN_SHIFT) * GOLDEN_RATIO_64) *
		GOLDEN_RATIO_64;
	u32 run = index & (VPM_HASH_RUN - 1), pair;

	pair = (u32)(x >> (65 - vpmd.hashbits)) + run;
	*tag = VPM_KEY_TAGOF((u32)(x >> 16) ^ (run << 2)) | VPM_KEY_TAG;
	return (pair & ((1U << (vpmd.hashbits - 1)) - 1)) << 1;
}

/*
 * Fault injection, the illumos DEBUG MTBF scheme made a runtime knob:
 * with a knob of f (a power of two minus one), every (f + 1)-th event on
 * a CPU takes the unusual path.  0 turns it off.
 */
static inline bool vpm_inject(unsigned int __percpu *counter,
			      unsigned int *knob)
{
	unsigned int f = READ_ONCE(*knob);

	/* off (the default): no per-CPU access on the hit path */
	if (!f)
		return false;
	return (this_cpu_inc_return(*counter) & f) == f;
}

/* vpm_cache_lookup(), inlined; see there. */
static __always_inline struct folio *
vpm_lookup_folio(struct address_space *mapping, pgoff_t index)
{
	struct vpm_bucket *b;
	struct folio *folio;
	unsigned long key;
	u32 tag, w;

	if (!vpmd.nslots)
		return NULL;
	/* Injected: miss as if another thread were entering the page. */
	if (unlikely(vpm_inject(&vpmd.cpu->vcpu_contend, &vpm_contend_mtbf)))
		return NULL;
	b = &vpmd.hash[vpm_hash(mapping, index, &tag)];
	for (w = 0;; w++) {
		/*
		 * Pairs with the release in vpm_publish(): the folio read
		 * below is the one published with this key, or one a later
		 * owner wrote after its fully ordered claim, and the struct
		 * page it points at is seen as initialised either way
		 * (memory hot-added since the bucket's last use is set up
		 * with plain stores; the page is reached through the
		 * pointer, an address dependency).  A tag that matches only
		 * by chance, or a folio written after the key was read,
		 * fails the identity checks below.
		 */
		key = smp_load_acquire(&b->vb_key);
		if (VPM_KEY_TAGOF(key) == tag)
			break;
		if (w)
			return NULL;
		b++;
	}
	folio = READ_ONCE(b->vb_folio);
	if (!folio)
		return NULL;
	/*
	 * The page may be a tail of a large folio by now, or, with the
	 * hugetlb vmemmap optimisation (6.1-6.x), a "fake head" whose
	 * struct page is mapped read-only over the real head's: taking a
	 * reference there would write to read-only memory.  page_folio()
	 * sees through both.
	 */
	if (page_folio(&folio->page) != folio || !folio_try_get(folio))
		return NULL;
	/*
	 * A folio being inserted into a page cache is referenced while its
	 * ->mapping and then its ->index are set, so for a moment it shows
	 * the new mapping with the index of its last use.  It is locked
	 * then, and a newly allocated one is not uptodate yet: trust the
	 * identity only of an uptodate, unlocked folio.  The uptodate test
	 * is a read barrier, which orders the reads below after it.
	 */
	if (!folio_test_uptodate(folio) || folio_test_locked(folio)) {
		folio_put(folio);
		return NULL;
	}
	/*
	 * With the reference held the folio cannot be freed, split or
	 * migrated; whether it is still the page cache's folio for @index
	 * of @mapping is now stable but for truncation, which clears
	 * ->mapping (checked again by callers that lock the folio).
	 */
	if (unlikely(READ_ONCE(folio->mapping) != mapping ||
		     index - folio->index >= folio_nr_pages(folio))) {
		folio_put(folio);
		VPM_STAT(STALE);
		return NULL;
	}
	if (unlikely(vpm_inject(&vpmd.cpu->vcpu_steals, &vpm_steals_mtbf))) {
		/* Injected: behave as if the slot had been refilled. */
		folio_put(folio);
		VPM_STAT(STEALS);
		return NULL;
	}
	/*
	 * Second chance.  Only a cmpxchg may set the bit: a plain store
	 * could put back a key a new owner of the bucket just replaced.
	 * Losing that race only loses the bit.
	 */
	if (!(key & VPM_KEY_REF))
		cmpxchg(&b->vb_key, key, key | VPM_KEY_REF);
	return folio;
}

#endif /* _VPM_LOOKUP_H */
