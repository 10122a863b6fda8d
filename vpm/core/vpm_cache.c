// SPDX-License-Identifier: GPL-2.0
/*
 * The vpm cache: a fixed array of slots, each remembering where one file
 * page was last seen, kept on per-CPU-rotored freelists of two queues
 * each, and a two-way hash table from (file, page index) to the hint.
 *
 * A slot pins nothing.  illumos's vpmap slot holds no page either:
 * p_vpmref is a hint, which a steal re-checks (the page may be free, or
 * belong to another vnode and offset by now).  Here a slot remembers a
 * mapping and an index, and the bucket it is published in holds the
 * folio pointer, with no reference on the folio, and a tag of (mapping,
 * index).  vpm_cache_lookup() finds the bucket by (mapping, index) -- as
 * segmap's smap hash does, without walking the page cache, and without
 * reading the slot -- and then trusts nothing it read from the bucket:
 * it takes a speculative reference on the folio
 * (folio_try_get(), which fails on a freed folio), as the page cache's
 * RCU lookup does, and then, where filemap_get_entry() re-reads the
 * xarray slot, checks the folio itself: uptodate and unlocked (not being
 * inserted), then its own mapping and index.  A folio that was freed and
 * reused, truncated, migrated away or split fails, and the caller falls
 * back to the page cache.  So the page cache stays the only owner of its
 * pages: reclaim, memcg limits, migration, compaction and truncation never
 * wait for vpm, and a file system owes the cache nothing before
 * truncating or evicting a file.
 *
 * struct page memory is never freed while its memory is online, so a
 * stale folio pointer always points at a struct page (perhaps a tail
 * page, or with the hugetlb vmemmap optimisation a read-only alias of a
 * head: the lookup checks page_folio() before taking a reference); the
 * memory hotplug notifier below forgets the folios of memory going away,
 * and an RCU grace period separates that from the struct pages being
 * freed.
 *
 * One case the checks cannot see: a folio inserted into a page cache
 * already uptodate (shmem swap-in, replace_page_cache_folio()) shows its
 * new ->mapping with its old ->index for a moment while locked; a lookup
 * that read "unlocked" just before could take it for its old index.
 * Page caches filled by ->read_folio (vpmfs, every block file system)
 * insert folios before they are uptodate, so for them it cannot happen.
 *
 * The freelists keep the slots in the order they were filled: a miss
 * (vpm_cache_enter_pages(), a batch of them at a time) takes the oldest
 * slot from the head of its CPU's freelist's alloc queue, refills it and
 * frees it to the tail of the release queue; the queues swap when the
 * alloc queue runs dry.  A slot that was hit since the allocator last
 * passed it gets a second chance.  A thread owns a slot only between
 * taking it off its queue and freeing it, a few stores per slot of its
 * batch, and never sleeps meanwhile: nobody waits for a slot.
 * A miss only tries the queue locks: if every freelist is empty or busy,
 * the page simply is not remembered.
 *
 * Locking: a queue lock protects its links and its slots' @vpm_next,
 * @vpm_prev and @vpm_ndxflg.  The allocator holds its alloc queue's lock
 * and only tries the release queue's (the two swap roles, so a fixed
 * order would deadlock).  The hash table and the hints are lock-free.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/memory.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/rcupdate.h>
#include "vpm_internal.h"
#include "vpm_lookup.h"

struct vpm_cache vpmd;

/* vpm_bucket of a slot that was never published. */
#define VPM_NOBUCKET	U32_MAX

/* Most pages vpm_cache_enter_pages() enters per queue lock hold. */
#define VPM_ENTER_BATCH	16

/*
 * At most this many referenced slots passed over per slot taken, to bound
 * lock time: a batch of VPM_ENTER_BATCH slots looks at no more than
 * VPM_ENTER_BATCH * (VPM_ALLOC_SCAN + 1) in one hold.
 */
#define VPM_ALLOC_SCAN	16

/**
 * vpm_cache_lookup() - find a file page through the cache
 * @mapping: the file's page cache
 * @index: the page index
 *
 * Call inside an RCU read-side section or with preemption disabled (the
 * memory hotplug notifier's synchronize_rcu() waits for either).  Nothing
 * read from the hash bucket is trusted: the folio gets a
 * speculative reference and its own mapping and index are checked.
 *
 * Return: the folio that holds page @index of @mapping, with a reference
 * taken, or NULL.  It may be not uptodate, locked, or being truncated
 * right now, exactly like a folio the page cache's own lookup returns;
 * the caller checks what it needs.
 */
struct folio *vpm_cache_lookup(struct address_space *mapping, pgoff_t index)
{
	return vpm_lookup_folio(mapping, index);
}

static inline struct vpmap *vpm_head(const struct vpm_freeq *q)
{
	return q->vpmq_free ? VPMP(q->vpmq_free) : NULL;
}

/* Unlink @vpm from @q, which is locked. */
static void vpm_queue_unlink(struct vpm_freeq *q, struct vpmap *vpm)
{
	u32 id = VPMID(vpm);

	if (vpm->vpm_next == id) {
		WRITE_ONCE(q->vpmq_free, 0);
	} else {
		VPMP(vpm->vpm_prev)->vpm_next = vpm->vpm_next;
		VPMP(vpm->vpm_next)->vpm_prev = vpm->vpm_prev;
		if (q->vpmq_free == id)
			WRITE_ONCE(q->vpmq_free, vpm->vpm_next);
	}
	WRITE_ONCE(q->vpmq_count, q->vpmq_count - 1);
	vpm->vpm_next = 0;
	vpm->vpm_prev = 0;
}

/* Add @vpm at the tail of @q (just before the head); @q is locked. */
static void vpm_queue_add_tail(struct vpm_freeq *q, struct vpmap *vpm)
{
	u32 id = VPMID(vpm);
	struct vpmap *head = vpm_head(q);

	if (!head) {
		vpm->vpm_next = id;
		vpm->vpm_prev = id;
		WRITE_ONCE(q->vpmq_free, id);
	} else {
		vpm->vpm_next = q->vpmq_free;
		vpm->vpm_prev = head->vpm_prev;
		VPMP(head->vpm_prev)->vpm_next = id;
		head->vpm_prev = id;
	}
	WRITE_ONCE(q->vpmq_count, q->vpmq_count + 1);
}

/*
 * Free the slots this thread owns, @vp[0..@n), to the tails of their
 * freelists' release queues (illumos free_vpmap()), one lock hold per run
 * of slots of one freelist.  The queues may swap before a lock is taken;
 * that only changes which queue a slot lands on, and vpm_ndxflg records
 * it.
 */
static void vpm_free_vpmaps(struct vpmap **vp, int n)
{
	struct vpm_freeq *releq;
	struct vpmfree *fl;
	int i = 0;

	while (i < n) {
		fl = &vpmd.free[vp[i]->vpm_free_ndx];
		releq = READ_ONCE(fl->vpm_releq);
		spin_lock(&releq->vpmq_lock);
		do {
			vp[i]->vpm_ndxflg = releq - fl->vpm_freeq;
			vpm_queue_add_tail(releq, vp[i]);
		} while (++i < n && &vpmd.free[vp[i]->vpm_free_ndx] == fl);
		spin_unlock(&releq->vpmq_lock);
	}
}

/* Whether an empty or published bucket with key @key may be taken. */
static bool vpm_takeable(unsigned long key)
{
	return !key || (VPM_KEY_TAGOF(key) && !(key & VPM_KEY_REF));
}

/*
 * Whether slot @v, on a locked queue, was hit since the allocator last
 * passed it; clears that.  The bucket's key is only ever changed with
 * cmpxchg(), apart from its owner's release store.
 */
static bool vpm_test_clear_ref(struct vpmap *v)
{
	struct vpm_bucket *b;
	unsigned long key;

	if (v->vpm_bucket == VPM_NOBUCKET)
		return false;
	b = &vpmd.hash[v->vpm_bucket];
	key = READ_ONCE(b->vb_key);
	if (VPM_KEY_ID(key) != VPMID(v) || !(key & VPM_KEY_REF))
		return false;
	cmpxchg(&b->vb_key, key, key & ~VPM_KEY_REF);
	return true;
}

/*
 * Move @v, on the locked @allocq, to the tail of the release queue.  That
 * lock is only tried: on contention the slot stays where it is, which is
 * merely less fair.
 */
static void vpm_second_chance(struct vpmfree *fl, struct vpm_freeq *allocq,
			      struct vpmap *v)
{
	struct vpm_freeq *releq = fl->vpm_releq;

	if (releq == allocq || !spin_trylock(&releq->vpmq_lock))
		return;
	vpm_queue_unlink(allocq, v);
	v->vpm_ndxflg = releq - fl->vpm_freeq;
	vpm_queue_add_tail(releq, v);
	spin_unlock(&releq->vpmq_lock);
}

/*
 * Take up to @want of the oldest slots of freelist @fl off its queue
 * (illumos get_free_vpmap()) into @vp, in one hold of the alloc queue's
 * lock.  Returns how many: fewer when both queues run empty, none when
 * another CPU holds the alloc queue (a hint is optional, so a miss never
 * spins for one: a preempted lock holder would stall every miss behind
 * it).  A slot hit since the allocator last passed it gets a second
 * chance, at most VPM_ALLOC_SCAN of them per slot taken.
 */
static int vpm_alloc_from(struct vpmfree *fl, struct vpmap **vp, int want)
{
	struct vpm_freeq *allocq, *releq;
	unsigned int scan = 0, swaps = 0;
	struct vpmap *v;
	int got = 0;

retry:
	allocq = READ_ONCE(fl->vpm_allocq);
	if (!spin_trylock(&allocq->vpmq_lock))
		return got;
	if (READ_ONCE(fl->vpm_allocq) != allocq) {
		/* swapped meanwhile */
		spin_unlock(&allocq->vpmq_lock);
		return got;
	}
	while (got < want && (v = vpm_head(allocq)) != NULL) {
		if (scan < VPM_ALLOC_SCAN && vpm_test_clear_ref(v)) {
			scan++;
			vpm_second_chance(fl, allocq, v);
			if (vpm_head(allocq) == v) {
				/* could not move it: it is next in turn */
				WRITE_ONCE(allocq->vpmq_free, v->vpm_next);
			}
			continue;
		}
		vpm_queue_unlink(allocq, v);
		vp[got++] = v;
		scan = 0;
	}
	if (got == want) {
		spin_unlock(&allocq->vpmq_lock);
		return got;
	}

	/* The alloc queue is empty: swap in the release queue. */
	releq = fl->vpm_releq;
	if (!spin_trylock(&releq->vpmq_lock)) {
		/* a free is in progress there */
		spin_unlock(&allocq->vpmq_lock);
		return got;
	}
	if (releq->vpmq_free && !swaps++) {
		WRITE_ONCE(fl->vpm_allocq, releq);
		WRITE_ONCE(fl->vpm_releq, allocq);
		fl->vpm_swaps++;
		spin_unlock(&releq->vpmq_lock);
		spin_unlock(&allocq->vpmq_lock);
		goto retry;
	}
	spin_unlock(&releq->vpmq_lock);
	spin_unlock(&allocq->vpmq_lock);
	return got;
}

/*
 * Take @want slots from this CPU's freelist, or the next ones, into @vp.
 * Returns how many it got.
 */
static int vpm_alloc_slots(struct vpmap **vp, int want)
{
	unsigned int ndx, i;
	int got = 0, n;

	/* Only VPMCACHE_LRU exists; it advances the rotor by one a call. */
	ndx = this_cpu_inc_return(vpmd.cpu->vcpu_free_ndx) - 1;
	for (i = 0; i < vpmd.nfreelist && got < want; i++) {
		n = vpm_alloc_from(&vpmd.free[(ndx + i) & vpmd.freemsk],
				   vp + got, want - got);
		if (!n)
			VPM_STAT(EMPTYFREELIST);
		got += n;
	}
	return got;
}

/*
 * The bucket a miss of page @index of @mapping, in @folio, is published
 * in (and in @tag the page's tag): the one whose key has that tag (an
 * older hint for this page, or, by a rare chance, for another page of
 * the pair, which lookups of this one would stop at anyway), else an
 * empty one, else the one whose slot was not hit since the allocator
 * last passed it.  When both were hit, the page is not remembered and
 * both are aged instead (CLOCK within the pair): with three pages of a
 * working set on one pair, evicting a hit hint would have all three miss
 * on every pass, each evicting the next; this way the two keep their
 * hints and one page misses, and a hint that is no longer hit loses its
 * place to the next miss after it was aged.  U32_MAX: do not enter the
 * page.
 */
static u32 vpm_pick_bucket(struct folio *folio, struct address_space *mapping,
			   pgoff_t index, u32 *tag)
{
	u32 h = vpm_hash(mapping, index, tag), w;
	unsigned long key[2];

	for (w = 0; w < 2; w++) {
		key[w] = READ_ONCE(vpmd.hash[h + w].vb_key);
		if (VPM_KEY_TAGOF(key[w]) != *tag)
			continue;
		if (READ_ONCE(vpmd.hash[h + w].vb_folio) == folio) {
			/* Another thread entered it meanwhile. */
			VPM_STAT(CONTEND);
			return U32_MAX;
		}
		return h + w;
	}
	if (!key[0])
		return h;
	if (vpm_takeable(key[1]))
		return h + 1;
	if (vpm_takeable(key[0]))
		return h;
	/* Both hit (or being written): age them, remember nothing. */
	for (w = 0; w < 2; w++)
		if (key[w] & VPM_KEY_REF)
			cmpxchg(&vpmd.hash[h + w].vb_key, key[w],
				key[w] & ~VPM_KEY_REF);
	VPM_STAT(PAIRFULL);
	return U32_MAX;
}

/* Take bucket @b off the slot that holds it; false if it is being written. */
static bool vpm_claim(struct vpmap *vpm, struct vpm_bucket *b)
{
	unsigned long key = READ_ONCE(b->vb_key), old;

	for (;;) {
		if (key && !VPM_KEY_TAGOF(key))
			return false;
		old = cmpxchg(&b->vb_key, key, VPM_KEY(VPMID(vpm), 0));
		if (old == key)
			return true;
		/* a hit set the bit, or another thread took it */
		key = old;
	}
}

/*
 * Point slot @vpm, owned by this thread, at page @index of @mapping, in
 * @folio, and publish it in bucket @b with tag @tag, unless another
 * thread is writing that bucket right now.
 */
static void vpm_publish(struct vpmap *vpm, struct folio *folio,
			struct address_space *mapping, pgoff_t index, u32 b,
			u32 tag)
{
	struct vpm_bucket *nb = &vpmd.hash[b];

	if (vpm->vpm_bucket != VPM_NOBUCKET) {
		/* Unpublish the old hint if the table still names this slot. */
		struct vpm_bucket *ob = &vpmd.hash[vpm->vpm_bucket];
		unsigned long key = READ_ONCE(ob->vb_key), old;

		while (VPM_KEY_ID(key) == VPMID(vpm)) {
			old = cmpxchg(&ob->vb_key, key, 0);
			if (old == key) {
				VPM_STAT(STEALS);
				break;
			}
			key = old;
		}
		vpm->vpm_bucket = VPM_NOBUCKET;
	}
	WRITE_ONCE(vpm->vpm_mapping, mapping);
	WRITE_ONCE(vpm->vpm_index, index);
	/* not preempted while the bucket matches no page: a few stores */
	preempt_disable();
	if (!vpm_claim(vpm, nb)) {
		preempt_enable();
		VPM_STAT(CONTEND);
		return;
	}
	WRITE_ONCE(nb->vb_folio, folio);
	/* Pairs with the acquire in vpm_lookup_folio(). */
	smp_store_release(&nb->vb_key, VPM_KEY(VPMID(vpm), tag));
	preempt_enable();
	vpm->vpm_bucket = b;
}

/* Whether one of the @n buckets in @b is @bucket. */
static bool vpm_batch_has(const u32 *b, int n, u32 bucket)
{
	while (n--)
		if (b[n] == bucket)
			return true;
	return false;
}

/**
 * vpm_cache_enter_pages() - remember where file pages are (misses)
 * @mapping: the file's page cache
 * @fl: page-cache folios the caller holds references on; @fl[i] holds
 *	page @index + i of @mapping (one that was truncated meanwhile is
 *	skipped)
 * @index: the page index of the first
 * @miss: a bit for each @fl[i] to enter (bit i for @fl[i], at most 32)
 *
 * For each page: takes the oldest slot, points it at the folio and
 * publishes it in one of the two buckets of the page's pair, where it
 * replaces whatever slot was there (vpm_pick_bucket() says which, or that
 * the page is not remembered).  The slots of up to VPM_ENTER_BATCH pages
 * are taken in one hold of an alloc queue's lock (per freelist visited)
 * and freed in one hold of a release queue's, so a run of misses costs
 * two lock round trips per batch, not per page.  Slots take no reference.
 *
 * Context: process context (the queue locks do not disable bottom
 * halves), also under rcu_read_lock() or a spinlock; never sleeps.
 */
void vpm_cache_enter_pages(struct address_space *mapping, struct folio **fl,
			   pgoff_t index, u32 miss)
{
	struct vpmap *vp[VPM_ENTER_BATCH];
	u8 pgi[VPM_ENTER_BATCH];
	u32 b[VPM_ENTER_BATCH], tag[VPM_ENTER_BATCH];
	int i, n, got;

	if (!vpmd.nslots)
		return;
	while (miss) {
		for (n = 0; miss && n < VPM_ENTER_BATCH; miss &= miss - 1) {
			i = __ffs(miss);
			if (READ_ONCE(fl[i]->mapping) != mapping)
				continue;
			b[n] = vpm_pick_bucket(fl[i], mapping, index + i,
					       &tag[n]);
			if (b[n] == U32_MAX)
				continue;
			/*
			 * The buckets are chosen before any is published: a
			 * page whose bucket an earlier page of the batch took
			 * (pages a table's size apart, or two runs meeting on
			 * a pair) takes the pair's other bucket unless that
			 * one was taken too or holds a hit hint, else it is
			 * not remembered.
			 */
			if (vpm_batch_has(b, n, b[n])) {
				u32 o = b[n] ^ 1;

				if (vpm_batch_has(b, n, o) ||
				    !vpm_takeable(READ_ONCE(vpmd.hash[o].vb_key)))
					continue;
				b[n] = o;
			}
			pgi[n++] = i;
		}
		if (!n)
			continue;
		got = vpm_alloc_slots(vp, n);
		if (got < n)
			VPM_STAT_ADD(NOFREEVPMS, n - got);
		for (i = 0; i < got; i++)
			vpm_publish(vp[i], fl[pgi[i]], mapping, index + pgi[i],
				    b[i], tag[i]);
		vpm_free_vpmaps(vp, got);
	}
}

/**
 * vpm_cache_enter() - remember where a file page is (a miss)
 * @folio: a page-cache folio the caller holds a reference on
 * @index: the page index in the folio's file, inside @folio
 *
 * vpm_cache_enter_pages() for one page.
 */
void vpm_cache_enter(struct folio *folio, pgoff_t index)
{
	struct address_space *mapping = READ_ONCE(folio->mapping);

	if (mapping)
		vpm_cache_enter_pages(mapping, &folio, index, 1);
}

/**
 * vpm_cache_hinted() - slots published in the hash table, for debugfs
 *
 * Return: the number of buckets that hold a hint (a walk of the table).
 */
unsigned long vpm_cache_hinted(void)
{
	unsigned long i, n = 0;

	if (!vpmd.nslots)
		return 0;
	for (i = 0; i < (1UL << vpmd.hashbits); i++) {
		n += !!VPM_KEY_TAGOF(READ_ONCE(vpmd.hash[i].vb_key));
		if (!(i & 65535))
			cond_resched();
	}
	return n;
}

/**
 * vpm_freelist_counts() - queue lengths of one freelist, for debugfs
 * @ndx: freelist index
 * @allocq: set to the alloc queue's length
 * @releq: set to the release queue's length
 */
void vpm_freelist_counts(unsigned int ndx, u32 *allocq, u32 *releq)
{
	struct vpmfree *fl = &vpmd.free[ndx];

	*allocq = READ_ONCE(READ_ONCE(fl->vpm_allocq)->vpmq_count);
	*releq = READ_ONCE(READ_ONCE(fl->vpm_releq)->vpmq_count);
}

/*
 * Memory going away: forget the folios in it, then wait for lookups that
 * may have read one before its struct page can be freed.
 */
static int vpm_memory_callback(struct notifier_block *nb,
			       unsigned long action, void *arg)
{
	const struct memory_notify *mn = arg;
	unsigned long start = mn->start_pfn, end = start + mn->nr_pages;
	unsigned long i;

	if (action != MEM_OFFLINE)
		return NOTIFY_OK;
	/* empty buckets too: they may still hold a folio, unused */
	for (i = 0; i < (1UL << vpmd.hashbits); i++) {
		struct vpm_bucket *b = &vpmd.hash[i];
		struct folio *folio = READ_ONCE(b->vb_folio);

		if (folio && folio_pfn(folio) >= start &&
		    folio_pfn(folio) < end)
			cmpxchg(&b->vb_folio, folio, NULL);
		if (!(i & 4095))
			cond_resched();
	}
	synchronize_rcu();
	return NOTIFY_OK;
}

static struct notifier_block vpm_memory_nb = {
	.notifier_call = vpm_memory_callback,
};

/* The cache size in slots, from the tunables, with the illumos clamps. */
static u64 vpm_cache_nslots(void)
{
	u64 ram = (u64)totalram_pages() << PAGE_SHIFT;
	u64 size;

	if (vpm_cache_slots)
		return vpm_cache_slots;

	if (vpm_cache_percent <= 0 || vpm_cache_percent > 100) {
		pr_warn("vpm_cache_percent %ld out of range, using 12\n",
			vpm_cache_percent);
		vpm_cache_percent = 12;
	}
	size = div_u64(ram * vpm_cache_percent, 100);
	size = clamp_t(u64, size, VPMAP_MINCACHE, VPMAP_MAXCACHE);
	/* Linux addition: never more than half of memory's pages. */
	size = min_t(u64, size, ram / 2);
	return max_t(u64, size >> PAGE_SHIFT, 1);
}

static unsigned int vpm_cache_nfreelist(void)
{
	int ncpus = num_possible_cpus();

	if (vpm_nfreelist == 0) {
		vpm_nfreelist = ncpus;
	} else if (vpm_nfreelist < 0 || vpm_nfreelist > 2 * ncpus) {
		pr_warn("vpm_nfreelist %d out of range, using %d\n",
			vpm_nfreelist, 2 * ncpus);
		vpm_nfreelist = 2 * ncpus;
	}
	vpm_nfreelist = roundup_pow_of_two(vpm_nfreelist);
	return vpm_nfreelist;
}

/**
 * vpm_cache_init() - size and build the cache (illumos vpm_init())
 *
 * Return: 0 or a negative errno.
 */
int vpm_cache_init(void)
{
	unsigned int i, ndx, cpu;
	u64 nslots, max;
	int err;

	vpmd.cpu = alloc_percpu(struct vpm_cpu);
	if (!vpmd.cpu)
		return -ENOMEM;

	if (vpm_cachemode != VPMCACHE_LRU) {
		pr_warn("vpm_cachemode %d not supported, using LRU\n",
			vpm_cachemode);
		vpm_cachemode = VPMCACHE_LRU;
	}

	if (!vpm_enable || !vpm_cache_enable)
		return 0;

	nslots = vpm_cache_nslots();
	/*
	 * kvmalloc() refuses more than INT_MAX bytes: the table, two
	 * 16-byte buckets a slot rounded up to a power of two, reaches that
	 * at 2^25 slots (a 1 GiB table; 40-byte slots would reach it at
	 * 53 million).  A key holds an id of at most VPM_KEY_MAXID.
	 */
	max = min_t(u64, INT_MAX / sizeof(struct vpmap), VPM_KEY_MAXID);
	max = min_t(u64, max, rounddown_pow_of_two(INT_MAX /
					(2 * sizeof(struct vpm_bucket))));
	if (nslots > max) {
		pr_warn("cache of %llu slots too large, using %llu\n", nslots,
			max);
		nslots = max;
	}

	vpmd.nfreelist = vpm_cache_nfreelist();
	vpmd.freemsk = vpmd.nfreelist - 1;

	/* Spread the CPUs' rotors over the freelists. */
	ndx = 0;
	for_each_possible_cpu(cpu) {
		per_cpu_ptr(vpmd.cpu, cpu)->vcpu_free_ndx = ndx;
		ndx = (ndx + 1) & vpmd.freemsk;
	}

	err = -ENOMEM;
	vpmd.free = kcalloc(vpmd.nfreelist, sizeof(*vpmd.free), GFP_KERNEL);
	if (!vpmd.free)
		goto out_percpu;
	for (i = 0; i < vpmd.nfreelist; i++) {
		struct vpmfree *fl = &vpmd.free[i];

		fl->vpm_magic = VPMFREE_MAGIC;
		spin_lock_init(&fl->vpm_freeq[0].vpmq_lock);
		spin_lock_init(&fl->vpm_freeq[1].vpmq_lock);
		fl->vpm_allocq = &fl->vpm_freeq[VPMALLOCQ];
		fl->vpm_releq = &fl->vpm_freeq[VPMRELEQ];
	}

	/*
	 * A pair of buckets per slot keeps collisions (lost hints) rare; at
	 * least two pairs, since vpm_hash() takes the top hashbits - 1 bits
	 * of a 64-bit product (a shift by 64 for none).
	 */
	vpmd.hashbits = max_t(unsigned int,
			      ilog2(roundup_pow_of_two(nslots)) + 1, 2);
	vpmd.hash = kvcalloc(1UL << vpmd.hashbits, sizeof(*vpmd.hash),
			     GFP_KERNEL);
	if (!vpmd.hash)
		goto out_free;

	vpmd.vpmap = kvcalloc(nslots, sizeof(*vpmd.vpmap), GFP_KERNEL);
	if (!vpmd.vpmap)
		goto out_hash;

	/* Every slot starts empty on its freelist's release queue. */
	vpmd.nslots = nslots;
	for (i = 0; i < nslots; i++) {
		struct vpmap *vpm = &vpmd.vpmap[i];
		struct vpmfree *fl = &vpmd.free[i & vpmd.freemsk];

		vpm->vpm_magic = VPMAP_MAGIC;
		vpm->vpm_bucket = VPM_NOBUCKET;
		vpm->vpm_free_ndx = i & vpmd.freemsk;
		vpm->vpm_ndxflg = VPMRELEQ;
		vpm_queue_add_tail(fl->vpm_releq, vpm);
	}

	err = register_memory_notifier(&vpm_memory_nb);
	if (err)
		goto out_slots;

	pr_info("cache of %u slots (%zu bytes a slot, %lu hash buckets) on %u freelists\n",
		vpmd.nslots, sizeof(struct vpmap), 1UL << vpmd.hashbits,
		vpmd.nfreelist);
	return 0;

out_slots:
	vpmd.nslots = 0;
	kvfree(vpmd.vpmap);
	vpmd.vpmap = NULL;
out_hash:
	kvfree(vpmd.hash);
	vpmd.hash = NULL;
out_free:
	kfree(vpmd.free);
	vpmd.free = NULL;
out_percpu:
	free_percpu(vpmd.cpu);
	vpmd.cpu = NULL;
	pr_err("cannot set up the cache: %d\n", err);
	return err;
}

/**
 * vpm_cache_fini() - free the cache; it holds no pages to give back
 */
void vpm_cache_fini(void)
{
	unsigned int i, n = 0;

	if (vpmd.nslots) {
		unregister_memory_notifier(&vpm_memory_nb);
		for (i = 0; i < vpmd.nfreelist; i++) {
			struct vpmfree *fl = &vpmd.free[i];

			WARN_ON_ONCE(fl->vpm_magic != VPMFREE_MAGIC);
			n += fl->vpm_freeq[0].vpmq_count +
			     fl->vpm_freeq[1].vpmq_count;
		}
		/* every slot is back on a queue once no thread is inside */
		WARN_ON_ONCE(n != vpmd.nslots);
		for (i = 0; i < vpmd.nslots; i++) {
			WARN_ON_ONCE(vpmd.vpmap[i].vpm_magic != VPMAP_MAGIC);
			vpmd.vpmap[i].vpm_magic = 0;
		}
		vpmd.nslots = 0;
		kvfree(vpmd.vpmap);
		vpmd.vpmap = NULL;
		kvfree(vpmd.hash);
		vpmd.hash = NULL;
		kfree(vpmd.free);
		vpmd.free = NULL;
	}
	free_percpu(vpmd.cpu);
	vpmd.cpu = NULL;
}
