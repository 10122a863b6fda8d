// SPDX-License-Identifier: GPL-2.0
/*
 * The vpm cache: a fixed array of slots, each caching one page-cache page,
 * kept on per-CPU-rotored freelists of two queues each.
 *
 * A page mapped through vpm_map_pages() gets a slot; the slot holds a folio
 * reference and stays associated with the page after the mapping is
 * released, so the next mapping of the same page is a hit.  Idle slots are
 * reused oldest first (release-queue tail, alloc-queue head), which is the
 * LRU behaviour illumos describes.
 *
 * illumos finds a page's slot through page_t.p_vpmref.  struct page has no
 * such field, so a resizable hash table keyed by the page pointer takes
 * its place: lookups are RCU-protected and take no global lock.  Slots are
 * never freed while the module is loaded, so a slot found in the table can
 * always be locked, and its identity is then checked under its lock.
 *
 * Lock order: a slot lock, then a queue lock, then the table's bucket lock.
 * Paths that hold a queue lock take slot locks only with spin_trylock(), as
 * illumos does with its slot mutexes.  No slot lock is taken while another
 * is held.
 *
 * Because the cache holds page references, it must give them back: the
 * shrinker drops idle slots' pages under memory pressure,
 * vpm_cache_release_range() drops a file's pages (vpm_sync_pages() with
 * SM_INVAL, SM_DESTROY, SM_FREE or SM_DONTNEED, and inode eviction through
 * vpm_release_mapping()), and vpm_cache_fini() drops them all.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/sched/signal.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include "vpm_internal.h"

struct vpm_cache vpmd;

/*
 * The key is a page pointer: hash it with hash_ptr() and compare it as a
 * pointer, instead of rhashtable's jhash2() and memcmp() over its bytes
 * (both out-of-line calls on every hit).
 */
static u32 vpm_rht_hash(const void *data, u32 len, u32 seed)
{
	return hash_ptr(*(struct page * const *)data, 32) ^ seed;
}

static int vpm_rht_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct vpmap *vpm = obj;

	/*
	 * An RCU lookup compares a slot that another CPU may be
	 * dissociating under its vpm_lock: a stale answer is rechecked under
	 * that lock (vpm_get_vpmap()); the load itself must not tear.
	 */
	return READ_ONCE(vpm->vpm_pp) != *(struct page * const *)arg->key;
}

static const struct rhashtable_params vpm_rht_params = {
	.key_len	= sizeof(struct page *),
	.key_offset	= offsetof(struct vpmap, vpm_pp),
	.head_offset	= offsetof(struct vpmap, vpm_hnode),
	.hashfn		= vpm_rht_hash,
	.obj_cmpfn	= vpm_rht_cmp,
	.automatic_shrinking = false,
};

static struct rhashtable vpm_rht;
static struct shrinker *vpm_shrinker;

/*
 * Fault injection, the illumos DEBUG MTBF scheme made a runtime knob:
 * with a knob of f (a power of two minus one), every (f + 1)-th event on
 * a CPU takes the unusual path.  0 turns it off.
 */
static bool vpm_inject(unsigned int *counter, unsigned int f)
{
	if (!f)
		return false;
	return (++(*counter) & f) == f;
}

static bool vpm_inject_steal(void)
{
	bool ret;

	if (!READ_ONCE(vpm_steals_mtbf))
		return false;
	ret = vpm_inject(get_cpu_ptr(&vpmd.cpu->vcpu_steals),
			 READ_ONCE(vpm_steals_mtbf));
	put_cpu_ptr(&vpmd.cpu->vcpu_steals);
	return ret;
}

static bool vpm_inject_contend(void)
{
	bool ret;

	/* off (the default): no per-CPU access on the hit path */
	if (!READ_ONCE(vpm_contend_mtbf))
		return false;
	ret = vpm_inject(get_cpu_ptr(&vpmd.cpu->vcpu_contend),
			 READ_ONCE(vpm_contend_mtbf));
	put_cpu_ptr(&vpmd.cpu->vcpu_contend);
	return ret;
}

static inline struct vpm_freeq *vpm_slot_queue(struct vpmap *vpm)
{
	return &vpmd.free[vpm->vpm_free_ndx].vpm_freeq[vpm->vpm_ndxflg];
}

/*
 * Unlink @vpm from @q; both locked.  Links and queue heads are written
 * with WRITE_ONCE(): a slot's vpm_next is read under the slot lock alone
 * (is it on a list?), and vpm_any_free() reads the heads locklessly.
 */
static void vpm_queue_unlink(struct vpm_freeq *q, struct vpmap *vpm)
{
	u32 id = VPMID(vpm);

	if (vpm->vpm_next == id) {
		WRITE_ONCE(q->vpmq_free, 0);
	} else {
		WRITE_ONCE(VPMP(vpm->vpm_prev)->vpm_next, vpm->vpm_next);
		VPMP(vpm->vpm_next)->vpm_prev = vpm->vpm_prev;
		if (q->vpmq_free == id)
			WRITE_ONCE(q->vpmq_free, vpm->vpm_next);
	}
	WRITE_ONCE(q->vpmq_count, q->vpmq_count - 1);
	WRITE_ONCE(vpm->vpm_next, 0);
	vpm->vpm_prev = 0;
}

/* Add @vpm at the tail of @q (just before the head); both locked. */
static void vpm_queue_add_tail(struct vpm_freeq *q, struct vpmap *vpm)
{
	u32 id = VPMID(vpm);
	struct vpmap *head;

	if (!q->vpmq_free) {
		WRITE_ONCE(vpm->vpm_next, id);
		vpm->vpm_prev = id;
		WRITE_ONCE(q->vpmq_free, id);
	} else {
		head = VPMP(q->vpmq_free);
		WRITE_ONCE(vpm->vpm_next, q->vpmq_free);
		vpm->vpm_prev = head->vpm_prev;
		WRITE_ONCE(VPMP(head->vpm_prev)->vpm_next, id);
		head->vpm_prev = id;
	}
	WRITE_ONCE(q->vpmq_count, q->vpmq_count + 1);
}

static bool vpm_any_free(void)
{
	unsigned int i;

	for (i = 0; i < vpmd.nfreelist; i++) {
		struct vpmfree *fl = &vpmd.free[i];

		if (READ_ONCE(fl->vpm_freeq[0].vpmq_free) ||
		    READ_ONCE(fl->vpm_freeq[1].vpmq_free))
			return true;
	}
	return false;
}

/*
 * Free a locked slot whose last mapping went away: add it to the tail of
 * its freelist's release queue and wake anyone waiting for a slot.
 */
static void vpm_free_vpmap(struct vpmap *vpm)
{
	struct vpmfree *fl = &vpmd.free[vpm->vpm_free_ndx];
	struct vpm_freeq *releq;

	lockdep_assert_held(&vpm->vpm_lock);
	if (WARN_ON_ONCE(vpm->vpm_refcnt || vpm->vpm_next))
		return;

	/*
	 * The queues may swap before the lock is taken; that only changes
	 * which queue the slot lands on, and vpm_ndxflg records that.
	 */
	releq = READ_ONCE(fl->vpm_releq);
	vpm->vpm_ndxflg = releq - fl->vpm_freeq;
	spin_lock(&releq->vpmq_lock);
	vpm_queue_add_tail(releq, vpm);
	spin_unlock(&releq->vpmq_lock);

	/* Pairs with the barrier in the waiter's prepare_to_wait(). */
	if (wq_has_sleeper(&vpmd.free_wq))
		wake_up(&vpmd.free_wq);
}

/*
 * Break the association of a locked slot with its page.  Returns the
 * folio whose reference the slot held, for the caller to put once it has
 * dropped its locks, or NULL.
 */
static struct folio *vpm_dissociate(struct vpmap *vpm)
{
	struct page *pp = vpm->vpm_pp;

	lockdep_assert_held(&vpm->vpm_lock);
	if (!pp)
		return NULL;
	rhashtable_remove_fast(&vpm_rht, &vpm->vpm_hnode, vpm_rht_params);
	WRITE_ONCE(vpm->vpm_pp, NULL);
	vpm->vpm_mapping = NULL;
	return page_folio(pp);
}

/**
 * vpm_cache_lookup() - find the slot a page is cached in
 * @page: the page, referenced by the caller
 *
 * Return: the slot the table names for @page, unlocked and unchecked, or
 * NULL.  The caller locks it and checks vpm_pp before trusting it.
 */
struct vpmap *vpm_cache_lookup(struct page *page)
{
	if (!vpmd.nslots)
		return NULL;
	return rhashtable_lookup_fast(&vpm_rht, &page, vpm_rht_params);
}

/**
 * vpm_cache_lookup_rcu() - vpm_cache_lookup() inside the caller's RCU
 *	read-side section
 * @page: the page, referenced by the caller
 *
 * Return: as vpm_cache_lookup().
 */
struct vpmap *vpm_cache_lookup_rcu(struct page *page)
{
	if (!vpmd.nslots)
		return NULL;
	return rhashtable_lookup(&vpm_rht, &page, vpm_rht_params);
}

/*
 * Lock @vpm and check that it still caches @page.  On success take a
 * mapping on it and return true.  The slot is unlocked either way.
 */
static bool vpm_claim(struct vpmap *vpm, struct page *page, bool allow_steal)
{
	struct folio *old;

	spin_lock(&vpm->vpm_lock);
	if (vpm->vpm_pp != page) {
		spin_unlock(&vpm->vpm_lock);
		return false;
	}
	if (allow_steal && !vpm->vpm_refcnt && vpm_inject_steal()) {
		/* Injected: behave as if the slot had been stolen. */
		old = vpm_dissociate(vpm);
		atomic_long_dec(&vpmd.ncached);
		spin_unlock(&vpm->vpm_lock);
		VPM_STAT(STEALS);
		folio_put(old);
		return false;
	}
	/*
	 * illumos takes the slot off its freelist here.  It stays where it
	 * is instead, so that a hit takes no queue lock: the allocator
	 * unlinks mapped slots it meets, and vpm_put_vpmap() marks the slot
	 * referenced for a second chance.
	 */
	if (!vpm->vpm_refcnt++)
		this_cpu_inc(vpmd.cpu->vcpu_inuse);
	spin_unlock(&vpm->vpm_lock);
	return true;
}

static unsigned int vpm_get_freelndx(void)
{
	unsigned int ndx;

	/* Only VPMCACHE_LRU exists; it advances the rotor by one. */
	ndx = this_cpu_inc_return(vpmd.cpu->vcpu_free_ndx) - 1;
	return ndx & vpmd.freemsk;
}

/*
 * Give the free slot @vpm, locked and on @allocq (locked too), to @page.
 * Both locks are released.  Returns 0 with a mapping taken on the slot,
 * -EEXIST if @page got a slot from another thread meanwhile, or another
 * negative errno if the page-to-slot table cannot take it.  On failure
 * the slot stays on its queue, empty.
 */
static int vpm_take_slot(struct vpm_freeq *allocq, struct vpmap *vpm,
			 struct page *page)
	__releases(&allocq->vpmq_lock) __releases(&vpm->vpm_lock)
{
	struct folio *old, *folio = page_folio(page);
	int err;

	old = vpm_dissociate(vpm);
	WRITE_ONCE(vpm->vpm_pp, page);
	err = rhashtable_lookup_insert_fast(&vpm_rht, &vpm->vpm_hnode,
					    vpm_rht_params);
	if (err) {
		WRITE_ONCE(vpm->vpm_pp, NULL);
	} else {
		vpm_queue_unlink(allocq, vpm);
		vpm->vpm_mapping = folio->mapping;
		vpm->vpm_index = folio->index + folio_page_idx(folio, page);
		vpm->vpm_refcnt = 1;
		vpm->vpm_referenced = 0;
		this_cpu_inc(vpmd.cpu->vcpu_inuse);
	}
	spin_unlock(&vpm->vpm_lock);
	spin_unlock(&allocq->vpmq_lock);

	if (old) {
		/*
		 * The slot's reference kept the old page from being freed,
		 * so it is safe to look at; it may have been truncated or
		 * invalidated since, which changes nothing here.
		 */
		if (folio_test_locked(old))
			VPM_STAT(PREVPAGELOCKED);
		if (err)
			atomic_long_dec(&vpmd.ncached);
		folio_put(old);
	} else if (!err) {
		atomic_long_inc(&vpmd.ncached);
	}
	return err;
}

/*
 * Move the locked, idle slot @v from @allocq (locked) to the tail of its
 * freelist's release queue.  The queue lock is only tried: on contention
 * the slot stays where it is, which is merely less fair.
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
 * Find a free slot and give it to @page, which the caller holds a
 * reference on.  The page the slot cached before is released.  If another
 * thread gave @page a slot meanwhile, that slot is used instead.
 *
 * Return: the slot with a mapping taken on it, or an ERR_PTR: -EINTR when
 * a fatal signal came while waiting for a slot; -EAGAIN when every slot is
 * mapped and @may_wait is false, or when the page-to-slot table could not
 * take the page (the caller maps the page without the cache).
 * *@ref_taken tells whether the new slot took over the caller's page
 * reference.
 */
static struct vpmap *vpm_get_free_vpmap(struct page *page, bool may_wait,
					bool *ref_taken)
{
	unsigned int free_ndx = vpm_get_freelndx(), end_ndx = free_ndx;
	struct vpmfree *fl = &vpmd.free[free_ndx];
	struct vpm_freeq *allocq, *releq;
	struct vpmap *existing;
	u32 id, next, budget;
	int err;

retry_queue:
	allocq = READ_ONCE(fl->vpm_allocq);
	spin_lock(&allocq->vpmq_lock);

	/*
	 * Oldest first; skip slots another thread is working on.  A slot
	 * that was mapped again since it was freed (a hit) is taken off the
	 * queue while mapped, or, if it was released again, gets a second
	 * chance at the tail of the release queue.
	 */
	budget = allocq->vpmq_count;
	for (id = allocq->vpmq_free; id && budget; id = next, budget--) {
		struct vpmap *v = VPMP(id);

		next = v->vpm_next;
		if (!spin_trylock(&v->vpm_lock))
			continue;
		if (v->vpm_refcnt) {
			vpm_queue_unlink(allocq, v);
			spin_unlock(&v->vpm_lock);
			continue;
		}
		if (v->vpm_referenced) {
			v->vpm_referenced = 0;
			vpm_second_chance(fl, allocq, v);
			spin_unlock(&v->vpm_lock);
			continue;
		}
		{
			err = vpm_take_slot(allocq, v, page);
			if (!err) {
				*ref_taken = true;
				return v;
			}
			if (err != -EEXIST)
				return ERR_PTR(-EAGAIN);
			/* Contention: use the slot the page already has. */
			VPM_STAT(CONTEND);
			existing = vpm_cache_lookup(page);
			if (existing && vpm_claim(existing, page, true)) {
				*ref_taken = false;
				return existing;
			}
			goto retry_queue;
		}
	}

	/* Empty, or every slot busy: has the queue toggled? */
	if (READ_ONCE(fl->vpm_allocq) != allocq) {
		spin_unlock(&allocq->vpmq_lock);
		goto retry_queue;
	}
	releq = fl->vpm_releq;
	if (!spin_trylock(&releq->vpmq_lock)) {
		/* A free is in progress there; let it finish. */
		spin_unlock(&allocq->vpmq_lock);
		spin_lock(&releq->vpmq_lock);
		spin_unlock(&releq->vpmq_lock);
		goto retry_queue;
	}
	if (releq->vpmq_free) {
		/* Something was released: swap the queues. */
		WRITE_ONCE(fl->vpm_allocq, releq);
		WRITE_ONCE(fl->vpm_releq, allocq);
		fl->vpm_swaps++;
		spin_unlock(&releq->vpmq_lock);
		spin_unlock(&allocq->vpmq_lock);
		goto retry_queue;
	}
	spin_unlock(&releq->vpmq_lock);
	spin_unlock(&allocq->vpmq_lock);
	VPM_STAT(EMPTYFREELIST);

	/* Try the other freelists before sleeping. */
	free_ndx = (free_ndx + 1) & vpmd.freemsk;
	fl = &vpmd.free[free_ndx];
	if (free_ndx != end_ndx)
		goto retry_queue;

	/*
	 * Every freelist is empty: all slots are mapped.  A caller that
	 * already holds slots of its own request must not sleep for more
	 * (with a cache smaller than its request it would wait for itself);
	 * it maps the rest without the cache.
	 */
	if (!may_wait)
		return ERR_PTR(-EAGAIN);
	/*
	 * illumos sleeps on the last list tried; a free to any list wakes us
	 * here, so a free elsewhere is not missed.
	 */
	VPM_STAT(NOFREEVPMS);
	atomic_inc(&fl->vpm_want);
	atomic_long_inc(&fl->vpm_waits);
	err = wait_event_killable(vpmd.free_wq, vpm_any_free());
	atomic_dec(&fl->vpm_want);
	if (err)
		return ERR_PTR(-EINTR);
	goto retry_queue;
}

/**
 * vpm_get_vpmap() - get the slot for a page and take a mapping on it
 * @page: the page, with a reference held by the caller
 * @hint: the slot vpm_cache_lookup() found for @page, or NULL to look
 * @may_wait: sleep if every slot is mapped (else fail with -EAGAIN)
 * @ref_taken: set when the slot took over the caller's page reference
 *	(a miss); otherwise the caller still owns its reference
 *
 * The counterpart of illumos get_vpmap(): a hit takes the slot the page
 * already has, a miss takes a free slot and releases the page it cached.
 *
 * Return: the slot with its refcount raised, or an ERR_PTR (see
 * vpm_get_free_vpmap()).
 */
struct vpmap *vpm_get_vpmap(struct page *page, struct vpmap *hint,
			    bool may_wait, bool *ref_taken)
{
	struct vpmap *vpm;

	*ref_taken = false;
	if (!vpm_inject_contend()) {
		if (!hint)
			hint = vpm_cache_lookup(page);
		if (hint && vpm_claim(hint, page, false)) {
			VPM_STAT(HITS);
			return hint;
		}
	}
	vpm = vpm_get_free_vpmap(page, may_wait, ref_taken);
	if (!IS_ERR(vpm))
		VPM_STAT(MISSES);
	return vpm;
}

/**
 * vpm_put_vpmap() - drop one mapping of a slot
 * @vpm: the slot
 *
 * The last mapping frees the slot, keeping the page: to the tail of its
 * release queue if the allocator took it off its queue while it was
 * mapped (or it was new), else it stays where it is, marked referenced.
 */
void vpm_put_vpmap(struct vpmap *vpm)
{
	spin_lock(&vpm->vpm_lock);
	if (!WARN_ON_ONCE(!vpm->vpm_refcnt) && --vpm->vpm_refcnt == 0) {
		this_cpu_dec(vpmd.cpu->vcpu_inuse);
		/* Whether it is on a list changes only under its lock. */
		if (READ_ONCE(vpm->vpm_next))
			vpm->vpm_referenced = 1;
		else
			vpm_free_vpmap(vpm);
	}
	spin_unlock(&vpm->vpm_lock);
}

/*
 * Drop the slot of @page if it is idle.  Returns the folio whose
 * reference the slot held, or NULL.
 */
static struct folio *vpm_release_page(struct page *page)
{
	struct vpmap *vpm = vpm_cache_lookup(page);
	struct folio *old = NULL;

	if (!vpm)
		return NULL;
	spin_lock(&vpm->vpm_lock);
	if (vpm->vpm_pp == page && !vpm->vpm_refcnt) {
		old = vpm_dissociate(vpm);
		atomic_long_dec(&vpmd.ncached);
	}
	spin_unlock(&vpm->vpm_lock);
	return old;
}

/**
 * vpm_cache_release_range() - drop the cache's references on file pages
 * @mapping: the file's page cache
 * @start: first page index
 * @end: last page index (inclusive)
 *
 * Slots of pages in the range that are not mapped right now give their
 * page back; the slots stay on their freelists, empty.  Pages that were
 * already removed from @mapping are found by the shrinker or reused.
 */
void vpm_cache_release_range(struct address_space *mapping, pgoff_t start,
			     pgoff_t end)
{
	struct folio_batch fbatch;
	unsigned long dropped = 0;
	pgoff_t index = start;
	unsigned int i, j;

	if (!vpmd.nslots || !atomic_long_read(&vpmd.ncached))
		return;

	folio_batch_init(&fbatch);
	while (filemap_get_folios(mapping, &index, end, &fbatch)) {
		for (i = 0; i < folio_batch_count(&fbatch); i++) {
			struct folio *folio = fbatch.folios[i];

			for (j = 0; j < folio_nr_pages(folio); j++) {
				struct folio *old;

				old = vpm_release_page(folio_page(folio, j));
				if (old) {
					folio_put(old);
					dropped++;
				}
			}
		}
		folio_batch_release(&fbatch);
		cond_resched();
	}
	if (dropped)
		VPM_STAT_ADD(DROPPED, dropped);
}

/* Give back the page of slot @v if it is idle and not busy. */
static struct folio *vpm_shrink_slot(struct vpmap *v)
{
	struct folio *old = NULL;

	if (!spin_trylock(&v->vpm_lock))
		return NULL;
	if (v->vpm_pp && !v->vpm_refcnt)
		old = vpm_dissociate(v);
	spin_unlock(&v->vpm_lock);
	return old;
}

/**
 * vpm_cache_shrink() - give back up to @nr idle slots' pages
 * @nr: how many to release
 *
 * Walks the freelists from the head of each queue (the least recently
 * freed slots first).  Slots stay on their queues, empty.
 *
 * Return: the number of pages released.
 */
unsigned long vpm_cache_shrink(unsigned long nr)
{
	unsigned long freed = 0;
	unsigned int lists, q;

	for (lists = 0; lists < vpmd.nfreelist && freed < nr; lists++) {
		unsigned int ndx = READ_ONCE(vpmd.shrink_ndx) & vpmd.freemsk;
		struct vpmfree *fl = &vpmd.free[ndx];

		WRITE_ONCE(vpmd.shrink_ndx, ndx + 1);
		for (q = 0; q < 2 && freed < nr; q++) {
			struct vpm_freeq *fq = q ? READ_ONCE(fl->vpm_releq) :
						   READ_ONCE(fl->vpm_allocq);
			unsigned long n = 0;
			u32 id, first, seen;

			spin_lock(&fq->vpmq_lock);
			first = fq->vpmq_free;
			id = first;
			for (seen = 0; id && seen < fq->vpmq_count &&
			     freed + n < nr; seen++) {
				struct vpmap *v = VPMP(id);
				struct folio *old = vpm_shrink_slot(v);

				if (old) {
					/* Safe in atomic context. */
					folio_put(old);
					n++;
				}
				id = v->vpm_next;
				if (id == first)
					break;
			}
			spin_unlock(&fq->vpmq_lock);
			atomic_long_sub(n, &vpmd.ncached);
			freed += n;
		}
	}
	if (freed)
		VPM_STAT_ADD(SHRUNK, freed);
	return freed;
}

static unsigned long vpm_shrink_count(struct shrinker *s,
				      struct shrink_control *sc)
{
	long n = atomic_long_read(&vpmd.ncached);

	return n > 0 ? n : SHRINK_EMPTY;
}

static unsigned long vpm_shrink_scan(struct shrinker *s,
				     struct shrink_control *sc)
{
	unsigned long freed = vpm_cache_shrink(sc->nr_to_scan);

	sc->nr_scanned = sc->nr_to_scan;
	return freed ? freed : SHRINK_STOP;
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
	/*
	 * Linux addition: on a machine smaller than a few times the
	 * illumos minimum, never pin more than half of memory.
	 */
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
	u64 nslots;
	int err;

	init_waitqueue_head(&vpmd.free_wq);
	atomic_long_set(&vpmd.ncached, 0);
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
	if (nslots > U32_MAX - 1) {
		pr_warn("cache of %llu slots too large, using %u\n", nslots,
			U32_MAX - 1);
		nslots = U32_MAX - 1;
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

	vpmd.vpmap = kvcalloc(nslots, sizeof(*vpmd.vpmap), GFP_KERNEL);
	if (!vpmd.vpmap)
		goto out_free;
	vpmd.nslots = nslots;

	/* Every slot starts empty on its freelist's release queue. */
	for (i = 0; i < vpmd.nslots; i++) {
		struct vpmap *vpm = &vpmd.vpmap[i];
		struct vpmfree *fl = &vpmd.free[i & vpmd.freemsk];

		vpm->vpm_magic = VPMAP_MAGIC;
		spin_lock_init(&vpm->vpm_lock);
		vpm->vpm_free_ndx = i & vpmd.freemsk;
		vpm->vpm_ndxflg = VPMRELEQ;
		vpm_queue_add_tail(fl->vpm_releq, vpm);
	}

	err = rhashtable_init(&vpm_rht, &vpm_rht_params);
	if (err)
		goto out_slots;

	vpm_shrinker = vpm_shrinker_create(vpm_shrink_count, vpm_shrink_scan,
					   "vpm-cache");
	if (IS_ERR(vpm_shrinker)) {
		err = PTR_ERR(vpm_shrinker);
		goto out_rht;
	}

	pr_info("cache of %u slots (%llu KiB of pages, %zu bytes a slot) on %u freelists\n",
		vpmd.nslots, ((u64)vpmd.nslots << PAGE_SHIFT) >> 10,
		sizeof(struct vpmap), vpmd.nfreelist);
	return 0;

out_rht:
	rhashtable_destroy(&vpm_rht);
out_slots:
	vpmd.nslots = 0;
	kvfree(vpmd.vpmap);
	vpmd.vpmap = NULL;
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
 * vpm_cache_fini() - release every cached page and free the cache
 */
void vpm_cache_fini(void)
{
	unsigned int i;

	if (vpmd.nslots) {
		vpm_shrinker_destroy(vpm_shrinker);
		for (i = 0; i < vpmd.nslots; i++) {
			struct vpmap *vpm = &vpmd.vpmap[i];
			struct folio *old;

			WARN_ON_ONCE(vpm->vpm_magic != VPMAP_MAGIC);
			if (vpm->vpm_refcnt)
				pr_err("slot %u still mapped at unload\n",
				       VPMID(vpm));
			spin_lock(&vpm->vpm_lock);
			old = vpm_dissociate(vpm);
			vpm->vpm_magic = 0;
			spin_unlock(&vpm->vpm_lock);
			if (old)
				folio_put(old);
			if (!(i & 1023))
				cond_resched();
		}
		rhashtable_destroy(&vpm_rht);
		kvfree(vpmd.vpmap);
		vpmd.vpmap = NULL;
		vpmd.nslots = 0;
		kfree(vpmd.free);
		vpmd.free = NULL;
	}
	free_percpu(vpmd.cpu);
	vpmd.cpu = NULL;
}
