// SPDX-License-Identifier: GPL-2.0
/*
 * Test cases of the vpm slot cache (vpm/core/vpm_cache.c) shared by
 * test_vpm.ko and the user-space harness, as lib/test_xarray.c is by the
 * kernel and tools/testing/radix-tree.  Not compiled on its own: each
 * side includes it after defining the backend of vpm_cache_cases.h.
 *
 * The cases are deterministic and single-threaded, and need of a page
 * cache only what every page cache gives: read a page in, find it,
 * truncate it.  Each builds its own cache (vpm_cache_init() with the
 * tunables it wants), checks the cache at rest when it takes it down
 * (every slot on exactly one queue, the hash table naming each
 * published slot in its bucket, every live hint found), and reads
 * reference counts exactly: one reference per hit, none taken by enter.
 *
 * The cases that need to choose which page the page cache reuses, to
 * stop an insertion half-way, to see a thread blocked on a lock, to fake
 * the size of memory, to fail allocations or to take memory offline
 * stay in the harness (tools/testing/vpm-cache/README says which).
 */
#include "vpm_cache_cases.h"

/*
 * The tunables vpm_cache.c reads but does not own (vpm_main.c defines
 * vpm.ko's; test_vpm_cache.c renames the two that vpm.ko exports).
 */
int vpm_enable = 1;
int vpm_cache_enable = 1;
long vpm_cache_percent = 12;
int vpm_nfreelist;
int vpm_cachemode;
unsigned long vpm_cache_slots;
unsigned int vpm_steals_mtbf;
unsigned int vpm_contend_mtbf;

/* The tunables at their defaults (module parameters, debugfs knobs). */
static void tvc_knobs_reset(void)
{
	vpm_enable = 1;
	vpm_cache_enable = 1;
	vpm_cache_percent = 12;
	vpm_nfreelist = 0;
	vpm_cachemode = VPMCACHE_LRU;
	vpm_cache_slots = 0;
	vpm_steals_mtbf = 0;
	vpm_contend_mtbf = 0;
	tvc_backend_knobs_reset();
}

static unsigned long tvc_stat(enum vpm_stat_item item)
{
	unsigned long sum = 0;
	unsigned int cpu;

	if (!vpmd.cpu)
		return 0;
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(vpmd.cpu, cpu)->vcpu_stat[item]);
	return sum;
}

#define TVC_STAT(x)	tvc_stat(VPM_STAT_##x)

/* A lookup as the cache's callers make it, inside an RCU section. */
static struct folio *tvc_lookup(struct address_space *m, pgoff_t index)
{
	struct folio *f;

	rcu_read_lock();
	f = vpm_cache_lookup(m, index);
	rcu_read_unlock();
	return f;
}

/* Read page @index of @m in if needed and enter it: a miss.  No ref kept. */
static struct folio *tvc_enter(struct address_space *m, pgoff_t index)
{
	struct folio *f = tvc_folio_read(m, index, 0);

	if (!TVC_CHECK(f, "no folio for index %lu", index))
		return NULL;
	vpm_cache_enter(f, index);
	folio_put(f);
	return f;
}

/* Lookup that must hit @want (or miss when NULL); puts the reference. */
static bool tvc_hit(struct address_space *m, pgoff_t index, struct folio *want)
{
	struct folio *f = tvc_lookup(m, index);

	if (f)
		folio_put(f);
	return f == want;
}

/* The bucket slot @v is published in, or NULL. */
static struct vpm_bucket *tvc_bucket_of(const struct vpmap *v)
{
	struct vpm_bucket *b;

	if (v->vpm_bucket == U32_MAX)
		return NULL;
	b = &vpmd.hash[v->vpm_bucket];
	return VPM_KEY_ID(READ_ONCE(b->vb_key)) == VPMID(v) ? b : NULL;
}

/* The folio of slot @v's published hint, or NULL. */
static struct folio *tvc_slot_folio(const struct vpmap *v)
{
	struct vpm_bucket *b = tvc_bucket_of(v);

	return b ? READ_ONCE(b->vb_folio) : NULL;
}

/* Whether slot @v is published and was hit since the allocator passed. */
static bool tvc_referenced(const struct vpmap *v)
{
	struct vpm_bucket *b = tvc_bucket_of(v);

	return b && (READ_ONCE(b->vb_key) & VPM_KEY_REF);
}

/* tvc_hit() without marking anything referenced: the LRU state is kept. */
static bool tvc_peek(struct address_space *m, pgoff_t index,
		     struct folio *want)
{
	unsigned long nb = 1UL << vpmd.hashbits, i;
	unsigned long *saved = kmalloc_array(nb, sizeof(*saved), GFP_KERNEL);
	bool ok;

	if (!TVC_CHECK(saved, "no memory"))
		return false;
	for (i = 0; i < nb; i++)
		saved[i] = vpmd.hash[i].vb_key;
	ok = tvc_hit(m, index, want);
	for (i = 0; i < nb; i++)
		vpmd.hash[i].vb_key = saved[i];
	kfree(saved);
	return ok;
}

/* The slot whose published hint is @f at @index, or NULL. */
static struct vpmap *tvc_slot_of(struct folio *f, pgoff_t index)
{
	unsigned long i;
	struct vpmap *v;
	unsigned long key;

	for (i = 0; i < (1UL << vpmd.hashbits); i++) {
		key = READ_ONCE(vpmd.hash[i].vb_key);
		if (!VPM_KEY_TAGOF(key) || READ_ONCE(vpmd.hash[i].vb_folio) != f)
			continue;
		v = VPMP(VPM_KEY_ID(key));
		if (READ_ONCE(v->vpm_index) == index)
			return v;
	}
	return NULL;
}

/* The ids on a queue, head (oldest) first; returns how many. */
static int tvc_queue_ids(struct vpm_freeq *q, u32 *ids, int max)
{
	u32 id = q->vpmq_free;
	int n = 0;

	if (!id)
		return 0;
	do {
		if (n < max)
			ids[n] = id;
		n++;
		id = VPMP(id)->vpm_next;
	} while (id != q->vpmq_free && n <= (int)vpmd.nslots);
	return n;
}

static bool tvc_queue_is(struct vpm_freeq *q, const u32 *want, int n)
{
	u32 ids[64];
	int i, got = tvc_queue_ids(q, ids, 64);

	if (got != n)
		return false;
	for (i = 0; i < n; i++)
		if (ids[i] != want[i])
			return false;
	return true;
}

/* Is @f the page cache's folio for (@m, @index) now? */
static bool tvc_folio_is(struct folio *f, struct address_space *m,
			 pgoff_t index)
{
	struct folio *g;

	if (!f || !m)
		return false;
	g = tvc_folio_get(m, index);
	if (g)
		folio_put(g);
	return g == f;
}

/* ---- the cache at rest ---- */

/* Every slot on exactly one queue of its freelist, the links closed. */
static void tvc_check_queues(const char *when, u8 *seen)
{
	u32 n = vpmd.nslots, id, cnt, a, r;
	unsigned int f, q;

	for (f = 0; f < vpmd.nfreelist; f++) {
		struct vpmfree *fl = &vpmd.free[f];

		TVC_CHECK(fl->vpm_magic == VPMFREE_MAGIC, "%s: freelist %u magic",
			  when, f);
		TVC_CHECK((fl->vpm_allocq == &fl->vpm_freeq[0] &&
			   fl->vpm_releq == &fl->vpm_freeq[1]) ||
			  (fl->vpm_allocq == &fl->vpm_freeq[1] &&
			   fl->vpm_releq == &fl->vpm_freeq[0]),
			  "%s: freelist %u queue pointers", when, f);
		vpm_freelist_counts(f, &a, &r);
		TVC_CHECK(a == fl->vpm_allocq->vpmq_count &&
			  r == fl->vpm_releq->vpmq_count,
			  "%s: freelist %u counts %u/%u", when, f, a, r);
		for (q = 0; q < 2; q++) {
			struct vpm_freeq *fq = &fl->vpm_freeq[q];

			TVC_CHECK(!tvc_lock_held(&fq->vpmq_lock),
				  "%s: queue lock held", when);
			cnt = 0;
			id = fq->vpmq_free;
			if (!id) {
				TVC_CHECK(fq->vpmq_count == 0,
					  "%s: queue %u/%u empty, count %u",
					  when, f, q, fq->vpmq_count);
				continue;
			}
			do {
				struct vpmap *v;

				if (!TVC_CHECK(id >= 1 && id <= n,
					       "%s: queue %u/%u id %u", when, f,
					       q, id))
					break;
				v = VPMP(id);
				if (!TVC_CHECK(cnt <= n,
					       "%s: queue %u/%u does not close",
					       when, f, q))
					break;
				TVC_CHECK(!seen[id],
					  "%s: slot %u on two queues or twice",
					  when, id);
				seen[id]++;
				TVC_CHECK(v->vpm_free_ndx == f && v->vpm_ndxflg == q,
					  "%s: slot %u on queue %u/%u says %u/%u",
					  when, id, f, q, v->vpm_free_ndx,
					  v->vpm_ndxflg);
				TVC_CHECK(v->vpm_next >= 1 && v->vpm_next <= n &&
					  VPMP(v->vpm_next)->vpm_prev == id,
					  "%s: slot %u next %u back link", when,
					  id, v->vpm_next);
				cnt++;
				id = v->vpm_next;
			} while (id != fq->vpmq_free && id >= 1 && id <= n);
			TVC_CHECK(cnt == fq->vpmq_count,
				  "%s: queue %u/%u walks %u, count %u", when, f,
				  q, cnt, fq->vpmq_count);
		}
	}
}

/*
 * The cache at rest: nobody is inside it, so every slot is on exactly one
 * queue; the hash table names each published slot in its own bucket; a
 * hint whose folio is still that page is found by a lookup.
 */
static void tvc_check_cache(const char *when)
{
	unsigned int saved_c = vpm_contend_mtbf, saved_s = vpm_steals_mtbf;
	unsigned long nb, b, published = 0;
	u32 n = vpmd.nslots, i, id;
	u8 *seen;

	tvc_at_rest(when);
	if (!n)
		return;
	seen = kcalloc(n + 1, 1, GFP_KERNEL);
	if (!TVC_CHECK(seen, "%s: no memory", when))
		return;
	tvc_check_queues(when, seen);
	nb = 1UL << vpmd.hashbits;
	for (i = 1; i <= n; i++) {
		struct vpmap *v = VPMP(i);

		TVC_CHECK(v->vpm_magic == VPMAP_MAGIC, "%s: slot %u magic",
			  when, i);
		TVC_CHECK(v->vpm_free_ndx == ((i - 1) & vpmd.freemsk),
			  "%s: slot %u freelist %u", when, i, v->vpm_free_ndx);
		/* at rest nobody owns a slot: each is on a queue */
		TVC_CHECK(seen[i] == 1, "%s: slot %u on %u queues", when, i,
			  seen[i]);
		TVC_CHECK(v->vpm_bucket == U32_MAX || v->vpm_bucket < nb,
			  "%s: slot %u bucket %u", when, i, v->vpm_bucket);
		TVC_CHECK(!tvc_bucket_of(v) || v->vpm_mapping,
			  "%s: slot %u published without a mapping", when, i);
	}
	vpm_contend_mtbf = 0;
	vpm_steals_mtbf = 0;
	for (b = 0; b < nb; b++) {
		struct folio *folio;
		struct vpmap *v;
		unsigned long key;

		key = vpmd.hash[b].vb_key;
		if (!key)
			continue;
		id = VPM_KEY_ID(key);
		/* a bucket is written only between claim and release */
		if (!TVC_CHECK(VPM_KEY_TAGOF(key) & VPM_KEY_TAG,
			       "%s: bucket %lu claimed by %u at rest", when, b,
			       id))
			continue;
		published++;
		if (!TVC_CHECK(id >= 1 && id <= n, "%s: bucket %lu names %u",
			       when, b, id))
			continue;
		v = VPMP(id);
		/* a slot is published in one bucket: the one it records */
		TVC_CHECK(v->vpm_bucket == b,
			  "%s: bucket %lu names slot %u of bucket %u", when, b,
			  id, v->vpm_bucket);
		folio = vpmd.hash[b].vb_folio;
		if (!tvc_folio_is(folio, v->vpm_mapping, v->vpm_index))
			continue;
		TVC_CHECK(tvc_hit(v->vpm_mapping, v->vpm_index, folio),
			  "%s: slot %u's live hint (index %lu) not found", when,
			  id, v->vpm_index);
		/* the hit set the bit: put the LRU state back */
		vpmd.hash[b].vb_key = key;
	}
	vpm_contend_mtbf = saved_c;
	vpm_steals_mtbf = saved_s;
	TVC_CHECK(vpm_cache_hinted() == published,
		  "%s: hinted %lu, %lu buckets used", when, vpm_cache_hinted(),
		  published);
	tvc_at_rest(when);
	kfree(seen);
}

/* ---- set-up ---- */

static bool tvc_cache_up(u32 nslots, int nfreelist)
{
	int err;

	tvc_knobs_reset();
	tvc_cache_event(TVC_BEFORE_INIT);
	vpm_cache_slots = nslots;
	vpm_nfreelist = nfreelist;
	err = vpm_cache_init();
	if (!TVC_CHECK(err == 0, "vpm_cache_init: %d", err))
		return false;
	TVC_CHECK(vpmd.nslots == nslots, "nslots %u", vpmd.nslots);
	TVC_CHECK(vpm_cache_hinted() == 0, "hints in a new cache");
	tvc_check_cache("after init");
	return true;
}

static void tvc_cache_down(void)
{
	tvc_check_cache("before fini");
	tvc_cache_event(TVC_BEFORE_FINI);
	vpm_cache_fini();
	TVC_CHECK(!vpmd.cpu && !vpmd.vpmap && !vpmd.free && !vpmd.hash &&
		  !vpmd.nslots, "fini left state");
	tvc_cache_event(TVC_AFTER_FINI);
}

/*
 * Two pages whose hints fall in the same hash bucket evict each other's
 * hint (by design).  Cases that count hints use pages of distinct
 * buckets, found with a scratch cache of the same size: its slots record
 * the bucket they were published in (the tests have no copy of the hash
 * function, and in the kernel the bucket depends on where the mapping
 * was allocated).  Returns the bucket of every page of @m, or NULL.
 */
static u32 *tvc_bucket_table(struct address_space *m, u32 nslots)
{
	unsigned long i, npages = tvc_mapping_pages(m);
	u32 *tab = kcalloc(npages, sizeof(*tab), GFP_KERNEL);
	int err;

	tvc_knobs_reset();
	vpm_cache_slots = nslots;
	vpm_nfreelist = 1;
	err = vpm_cache_init();
	if (!TVC_CHECK(!err && tab, "scratch cache: %d", err)) {
		if (!err)
			vpm_cache_fini();
		kfree(tab);
		return NULL;
	}
	for (i = 0; i < npages; i++) {
		struct folio *f = tvc_folio_get(m, i);
		bool made = !f;
		struct vpmap *v;

		if (made)
			f = tvc_folio_read(m, i, 0);
		if (!TVC_CHECK(f, "scratch cache: no page %lu", i)) {
			tab[i] = U32_MAX;
			continue;
		}
		vpm_cache_enter(f, i);
		v = tvc_slot_of(f, i);
		tab[i] = v ? v->vpm_bucket : U32_MAX;
		TVC_CHECK(v, "scratch cache: page %lu not entered", i);
		folio_put(f);
		if (made)
			tvc_truncate(m, i);
	}
	vpm_cache_fini();
	return tab;
}

struct tvc_picker {
	struct address_space *m;
	unsigned long npages;
	u32 *tab;
	u8 used[128];		/* buckets taken (caches of <= 64 slots) */
};

static void tvc_picker_init(struct tvc_picker *pk, struct address_space *m,
			    u32 nslots)
{
	memset(pk, 0, sizeof(*pk));
	pk->m = m;
	pk->npages = tvc_mapping_pages(m);
	pk->tab = tvc_bucket_table(m, nslots);
}

static bool tvc_picker_free(struct tvc_picker *pk, pgoff_t i)
{
	return pk->tab && i < pk->npages && pk->tab[i] < sizeof(pk->used) &&
	       !pk->used[pk->tab[i]];
}

static void tvc_picker_take(struct tvc_picker *pk, pgoff_t i)
{
	if (pk->tab && i < pk->npages && pk->tab[i] < sizeof(pk->used))
		pk->used[pk->tab[i]] = 1;
}

/* The first page from @from on, @step apart, of a bucket not yet taken. */
static pgoff_t tvc_pick(struct tvc_picker *pk, pgoff_t from, pgoff_t step)
{
	pgoff_t i;

	for (i = from; pk->tab && i < pk->npages; i += step)
		if (tvc_picker_free(pk, i)) {
			tvc_picker_take(pk, i);
			return i;
		}
	TVC_CHECK(0, "no page of a free bucket from %lu", from);
	return 0;
}

static void tvc_picker_done(struct tvc_picker *pk)
{
	kfree(pk->tab);
	pk->tab = NULL;
}

/* ---- the cases ---- */

/*
 * Miss then hit, with @nfl freelists: a lookup takes one reference and
 * marks the slot referenced, enter takes none; other mappings and
 * indices miss; each page of a large folio has a hint of its own; a
 * truncated folio (no mapping) is not entered.
 */
static void tvc_test_miss_hit(int nfl)
{
	struct address_space *m = tvc_mapping_create(256);
	struct address_space *m2 = tvc_mapping_create(32);
	struct folio *f, *g, *big = NULL, *t;
	unsigned long nhints = 1;
	struct tvc_picker pk;
	pgoff_t p0, b, o;
	struct vpmap *v;
	u32 a0, r0, a1, r1;

	if (!TVC_CHECK(m && m2, "mappings"))
		goto out;
	/* vpm_nfreelist is clamped to twice the CPUs */
	if (nfl > 2 * num_possible_cpus())
		goto out;
	tvc_picker_init(&pk, m, 8);
	p0 = tvc_pick(&pk, 0, 1);
	/* a 4-page block whose pages 1 and 3 have buckets of their own */
	for (b = 4; b + 4 <= pk.npages; b += 4)
		if (pk.tab && pk.tab[b + 1] != pk.tab[b + 3] &&
		    tvc_picker_free(&pk, b + 1) && tvc_picker_free(&pk, b + 3))
			break;
	if (!TVC_CHECK(b + 4 <= pk.npages, "no block of free buckets"))
		b = 4;
	tvc_picker_take(&pk, b + 1);
	tvc_picker_take(&pk, b + 3);
	o = b == 4 ? 8 : 4;		/* a page outside the block */
	tvc_picker_done(&pk);
	if (!tvc_cache_up(8, nfl))
		goto out;
	TVC_CHECK(!tvc_lookup(m, p0), "lookup in an empty cache");
	f = tvc_folio_read(m, p0, 0);
	if (!TVC_CHECK(f, "read page %lu", p0))
		goto down;
	TVC_CHECK(tvc_folio_refs(f) == 2, "refcount %d", tvc_folio_refs(f));
	TVC_CHECK(!tvc_lookup(m, p0), "lookup before enter");
	TVC_CHECK(tvc_folio_refs(f) == 2, "a missing lookup took a reference: %d",
		  tvc_folio_refs(f));
	vpm_cache_enter(f, p0);
	TVC_CHECK(tvc_folio_refs(f) == 2, "enter took a reference: %d",
		  tvc_folio_refs(f));
	v = tvc_slot_of(f, p0);
	TVC_CHECK(v && v->vpm_mapping == m && !tvc_referenced(v),
		  "slot of the hint");
	TVC_CHECK(vpm_cache_hinted() == 1, "hinted %lu", vpm_cache_hinted());
	folio_put(f);

	g = tvc_lookup(m, p0);
	TVC_CHECK(g == f, "hit returns %p, want %p", g, f);
	TVC_CHECK(tvc_folio_refs(f) == 2,
		  "a hit holds one reference: refcount %d", tvc_folio_refs(f));
	TVC_CHECK(v && tvc_referenced(v), "a hit marks the slot referenced");
	if (g)
		folio_put(g);
	TVC_CHECK(tvc_folio_refs(f) == 1, "refcount after put %d",
		  tvc_folio_refs(f));
	TVC_CHECK(!tvc_lookup(m2, p0) && !tvc_lookup(m, p0 + 1),
		  "other mapping or index");

	/* A large folio: each page has its own hint, the lookup the head. */
	big = tvc_folio_read(m, b + 1, 2);
	if (big) {
		TVC_CHECK(big->index == b && folio_nr_pages(big) == 4,
			  "large folio");
		vpm_cache_enter(big, b + 1);
		vpm_cache_enter(big, b + 3);
		folio_put(big);
		nhints += 2;
		TVC_CHECK(tvc_hit(m, b + 1, big) && tvc_hit(m, b + 3, big),
			  "pages of a large folio");
		TVC_CHECK(tvc_hit(m, b + 2, NULL) && tvc_hit(m, b, NULL),
			  "pages never entered");
		TVC_CHECK(tvc_folio_refs(big) == 1, "large folio refcount %d",
			  tvc_folio_refs(big));
	}

	/* A truncated folio, still referenced, has no mapping: not entered. */
	t = tvc_folio_read(m, o, 0);
	if (!TVC_CHECK(t, "read page %lu", o))
		goto down;
	tvc_truncate(m, o);
	TVC_CHECK(tvc_folio_refs(t) == 1 && !READ_ONCE(t->mapping),
		  "truncated folio");
	vpm_freelist_counts(0, &a0, &r0);
	vpm_cache_enter(t, o);
	vpm_freelist_counts(0, &a1, &r1);
	TVC_CHECK(!tvc_slot_of(t, o) && a0 == a1 && r0 == r1 &&
		  vpm_cache_hinted() == nhints,
		  "a folio without a mapping was entered");
	folio_put(t);
	TVC_CHECK(TVC_STAT(STALE) == 0 && TVC_STAT(STEALS) == 0 &&
		  TVC_STAT(CONTEND) == 0 && TVC_STAT(NOFREEVPMS) == 0,
		  "stats %lu %lu %lu %lu", TVC_STAT(STALE), TVC_STAT(STEALS),
		  TVC_STAT(CONTEND), TVC_STAT(NOFREEVPMS));
down:
	tvc_cache_down();
out:
	tvc_mapping_destroy(m);
	tvc_mapping_destroy(m2);
	tvc_case_end();
}

/*
 * A hint outlives its folio.  Truncated while the test holds it: the
 * speculative reference succeeds, ->mapping is NULL: rejected and counted
 * as stale, the reference given back.  Truncated and let go: missed
 * (the page may be free or anything else by then).  Read again: a new
 * hint finds the new folio.
 */
static void tvc_test_stale(int arg)
{
	struct address_space *m = tvc_mapping_create(64);
	struct folio *f, *g;
	unsigned long stale;
	struct tvc_picker pk;
	pgoff_t a, t;

	if (!TVC_CHECK(m, "mapping"))
		goto out;
	tvc_picker_init(&pk, m, 8);
	a = tvc_pick(&pk, 0, 1);
	t = tvc_pick(&pk, 0, 1);
	tvc_picker_done(&pk);
	if (!tvc_cache_up(8, 1))
		goto out;

	/* truncated while someone holds it */
	f = tvc_folio_read(m, t, 0);
	if (!TVC_CHECK(f, "read"))
		goto down;
	vpm_cache_enter(f, t);
	TVC_CHECK(tvc_hit(m, t, f), "hint for the folio");
	stale = TVC_STAT(STALE);
	tvc_truncate(m, t);
	TVC_CHECK(tvc_folio_refs(f) == 1, "refcount %d", tvc_folio_refs(f));
	TVC_CHECK(tvc_hit(m, t, NULL), "truncated folio returned");
	TVC_CHECK(TVC_STAT(STALE) == stale + 1 && tvc_folio_refs(f) == 1,
		  "stale %lu refcount %d", TVC_STAT(STALE) - stale,
		  tvc_folio_refs(f));
	TVC_CHECK(tvc_slot_of(f, t), "the stale hint stays until refilled");
	folio_put(f);
	TVC_CHECK(tvc_hit(m, t, NULL), "freed folio returned");

	/* truncated and let go, then read again: the new folio is found */
	f = tvc_enter(m, a);
	TVC_CHECK(tvc_hit(m, a, f), "hint for page a");
	TVC_CHECK(tvc_truncate(m, a), "truncate page a");
	TVC_CHECK(tvc_hit(m, a, NULL), "lookup returned a truncated folio");
	g = tvc_enter(m, a);
	TVC_CHECK(g && tvc_hit(m, a, g), "page a read again not found");
	g = tvc_folio_get(m, a);
	if (TVC_CHECK(g, "page a")) {
		TVC_CHECK(tvc_folio_refs(g) == 2, "refcount %d",
			  tvc_folio_refs(g));
		folio_put(g);
	}
down:
	tvc_cache_down();
out:
	tvc_mapping_destroy(m);
	tvc_case_end();
}

/*
 * One freelist of 8 slots: slots start on the release queue in id order,
 * the first allocation swaps the queues; the oldest slot is refilled
 * first; a referenced one gets a second chance at the release tail.
 */
static void tvc_test_lru(int arg)
{
	static const u32 all[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const u32 rel[] = { 1, 2, 3, 4, 5 };
	static const u32 alloc[] = { 6, 7, 8 };
	struct address_space *m = tvc_mapping_create(512);
	struct folio *pg[16];
	struct tvc_picker pk;
	struct vpmfree *fl;
	pgoff_t p[16];
	u32 a, r;
	int i;

	if (!TVC_CHECK(m, "mapping"))
		goto out;
	tvc_picker_init(&pk, m, 8);
	for (i = 0; i < 16; i++)	/* all 16 buckets */
		p[i] = tvc_pick(&pk, 0, 1);
	tvc_picker_done(&pk);
	if (!tvc_cache_up(8, 1))
		goto out;
	fl = &vpmd.free[0];
	TVC_CHECK(fl->vpm_swaps == 0, "swaps %lu", fl->vpm_swaps);
	TVC_CHECK(tvc_queue_is(fl->vpm_releq, all, 8) && !fl->vpm_allocq->vpmq_free,
		  "initial queues");
	for (i = 0; i < 8; i++) {
		pg[i] = tvc_enter(m, p[i]);
		TVC_CHECK(tvc_slot_of(pg[i], p[i]) == VPMP(i + 1),
			  "page %d not in slot %d", i, i + 1);
	}
	TVC_CHECK(fl->vpm_swaps == 1, "swaps %lu", fl->vpm_swaps);
	vpm_freelist_counts(0, &a, &r);
	TVC_CHECK(a == 0 && r == 8, "counts %u/%u", a, r);
	TVC_CHECK(vpm_cache_hinted() == 8, "hinted %lu", vpm_cache_hinted());

	/* The oldest goes first; its hint is unpublished (a steal). */
	pg[8] = tvc_enter(m, p[8]);
	TVC_CHECK(fl->vpm_swaps == 2, "swaps %lu", fl->vpm_swaps);
	TVC_CHECK(tvc_hit(m, p[0], NULL) && tvc_peek(m, p[8], pg[8]) &&
		  tvc_slot_of(pg[8], p[8]) == VPMP(1),
		  "page 0 evicted by page 8 in slot 1");
	TVC_CHECK(TVC_STAT(STEALS) == 1, "steals %lu", TVC_STAT(STEALS));
	TVC_CHECK(vpm_cache_hinted() == 8, "hinted %lu", vpm_cache_hinted());
	pg[9] = tvc_enter(m, p[9]);
	TVC_CHECK(tvc_hit(m, p[1], NULL) && tvc_slot_of(pg[9], p[9]) == VPMP(2),
		  "page 1 evicted");

	/* Hits on pages 2 and 3 (slots 3, 4): second chance. */
	TVC_CHECK(tvc_hit(m, p[2], pg[2]) && tvc_hit(m, p[3], pg[3]), "hits");
	TVC_CHECK(tvc_referenced(VPMP(3)) && tvc_referenced(VPMP(4)),
		  "referenced");
	pg[10] = tvc_enter(m, p[10]);
	TVC_CHECK(tvc_slot_of(pg[10], p[10]) == VPMP(5),
		  "page 10 not in slot 5");
	TVC_CHECK(tvc_hit(m, p[4], NULL), "page 4 (slot 5) not evicted");
	TVC_CHECK(!tvc_referenced(VPMP(3)) && !tvc_referenced(VPMP(4)),
		  "second chance leaves the slots referenced");
	TVC_CHECK(tvc_queue_is(fl->vpm_releq, rel, 5) &&
		  tvc_queue_is(fl->vpm_allocq, alloc, 3),
		  "second chance moves slots to the release tail");
	TVC_CHECK(tvc_peek(m, p[2], pg[2]) && tvc_peek(m, p[3], pg[3]),
		  "pages 2 and 3 survive");
	for (i = 11; i <= 13; i++)
		pg[i] = tvc_enter(m, p[i]);	/* slots 6, 7, 8 */
	TVC_CHECK(fl->vpm_swaps == 2 && !fl->vpm_allocq->vpmq_free,
		  "alloc queue used up");
	pg[14] = tvc_enter(m, p[14]);
	TVC_CHECK(fl->vpm_swaps == 3 && tvc_slot_of(pg[14], p[14]) == VPMP(1),
		  "swap: slot 1 (page 8) next, swaps %lu", fl->vpm_swaps);
	TVC_CHECK(tvc_hit(m, p[8], NULL), "page 8 evicted");

	/* Everything referenced: all get their chance, the oldest goes. */
	for (i = 2; i <= 8; i++) {
		struct vpmap *v = VPMP(i);

		TVC_CHECK(tvc_slot_folio(v) && !tvc_referenced(v),
			  "slot %d state", i);
		TVC_CHECK(tvc_hit(v->vpm_mapping, v->vpm_index,
				  tvc_slot_folio(v)),
			  "hit on slot %d", i);
	}
	pg[15] = tvc_enter(m, p[15]);
	TVC_CHECK(fl->vpm_swaps == 4 && tvc_slot_of(pg[15], p[15]) == VPMP(1),
		  "all referenced: slot 1 (page 14, unreferenced) refilled");
	for (i = 2; i <= 8; i++)
		TVC_CHECK(!tvc_referenced(VPMP(i)) && tvc_slot_folio(VPMP(i)),
			  "slot %d after its second chance", i);
	TVC_CHECK(tvc_hit(m, p[14], NULL), "page 14 evicted");
	TVC_CHECK(vpm_cache_hinted() == 8, "hinted %lu", vpm_cache_hinted());
	tvc_cache_down();
out:
	tvc_mapping_destroy(m);
	tvc_case_end();
}

/*
 * Several freelists: the CPU rotor, slots returning to their own list.
 * The case runs on one CPU and sets that CPU's rotor to play the others
 * (the rotors start at the CPU's rank among the possible CPUs).
 */
static void tvc_test_rotor(int arg)
{
	struct address_space *m = tvc_mapping_create(64);
	unsigned int c, k, cpu, rank, *rotor;
	struct folio *f;
	struct vpmap *v;
	unsigned long e;
	u32 a, r;
	int n = 0;

	if (!TVC_CHECK(m, "mapping"))
		goto out;
	/* four freelists need two CPUs (vpm_nfreelist <= 2 * CPUs) */
	if (num_possible_cpus() < 2)
		goto out;
	if (!tvc_cache_up(16, 4))
		goto out;
	rank = 0;
	for_each_possible_cpu(cpu) {
		TVC_CHECK(per_cpu_ptr(vpmd.cpu, cpu)->vcpu_free_ndx == (rank & 3),
			  "cpu %u rotor %u", cpu,
			  per_cpu_ptr(vpmd.cpu, cpu)->vcpu_free_ndx);
		rank++;
	}
	rotor = &per_cpu_ptr(vpmd.cpu, raw_smp_processor_id())->vcpu_free_ndx;
	for (c = 0; c < 4; c++) {
		*rotor = c;
		for (k = 0; k < 4; k++, n++) {
			f = tvc_enter(m, n);
			v = tvc_slot_of(f, n);
			if (!TVC_CHECK(v, "no slot for page %d", n))
				continue;
			TVC_CHECK(v->vpm_free_ndx == ((c + k) & 3),
				  "rotor %u enter %u: freelist %u, want %u", c,
				  k, v->vpm_free_ndx, (c + k) & 3);
		}
		TVC_CHECK(*rotor == c + 4, "rotor %u after 4 enters: %u", c,
			  *rotor);
	}
	for (k = 0; k < 4; k++) {
		vpm_freelist_counts(k, &a, &r);
		TVC_CHECK(a + r == 4, "freelist %u has %u + %u slots", k, a, r);
	}
	TVC_CHECK(TVC_STAT(EMPTYFREELIST) == 0, "empty freelists %lu",
		  TVC_STAT(EMPTYFREELIST));
	tvc_cache_down();

	/* Two slots, four freelists: the empty ones are skipped and counted. */
	if (!tvc_cache_up(2, 4))
		goto out;
	rotor = &per_cpu_ptr(vpmd.cpu, raw_smp_processor_id())->vcpu_free_ndx;
	*rotor = 2;
	e = TVC_STAT(EMPTYFREELIST);
	f = tvc_enter(m, 40);
	v = tvc_slot_of(f, 40);
	TVC_CHECK(v == VPMP(1) && TVC_STAT(EMPTYFREELIST) == e + 2,
		  "rotor at 2: lists 2, 3 empty, slot 1 of list 0 (empty %lu)",
		  TVC_STAT(EMPTYFREELIST) - e);
	f = tvc_enter(m, 41);
	TVC_CHECK(tvc_slot_of(f, 41) == VPMP(1) &&
		  TVC_STAT(EMPTYFREELIST) == e + 3,
		  "rotor at 3: list 3 empty, slot 1 again (empty %lu)",
		  TVC_STAT(EMPTYFREELIST) - e);
	TVC_CHECK(tvc_hit(m, 40, NULL), "page 40 still hinted");
	*rotor = 1;
	f = tvc_enter(m, 42);
	TVC_CHECK(tvc_slot_of(f, 42) == VPMP(2) &&
		  TVC_STAT(EMPTYFREELIST) == e + 3,
		  "rotor at 1: slot 2 of list 1");
	TVC_CHECK(TVC_STAT(NOFREEVPMS) == 0, "nofree %lu", TVC_STAT(NOFREEVPMS));
	tvc_cache_down();

	/* Two freelists: the rotors start spread out. */
	if (!tvc_cache_up(8, 2))
		goto out;
	rank = 0;
	for_each_possible_cpu(cpu) {
		TVC_CHECK(per_cpu_ptr(vpmd.cpu, cpu)->vcpu_free_ndx == (rank & 1),
			  "cpu %u rotor %u", cpu,
			  per_cpu_ptr(vpmd.cpu, cpu)->vcpu_free_ndx);
		rank++;
	}
	tvc_cache_down();
out:
	tvc_mapping_destroy(m);
	tvc_case_end();
}

/*
 * CONTEND: the same folio at the same index entered twice.  The same page
 * in a new folio replaces the old hint in its bucket; the old slot's
 * refill later must not unpublish the new one.
 */
static void tvc_test_contend(int arg)
{
	struct address_space *m = tvc_mapping_create(256);
	struct vpmap *s1, *s2;
	struct tvc_picker pk;
	unsigned long steals;
	struct folio *f, *g;
	u32 a0, r0, a1, r1;
	pgoff_t p[8];
	int i;

	if (!TVC_CHECK(m, "mapping"))
		goto out;
	tvc_picker_init(&pk, m, 8);
	for (i = 0; i < 8; i++)
		p[i] = tvc_pick(&pk, 0, 1);
	tvc_picker_done(&pk);
	if (!tvc_cache_up(8, 1))
		goto out;
	f = tvc_enter(m, p[0]);
	s1 = tvc_slot_of(f, p[0]);
	vpm_freelist_counts(0, &a0, &r0);
	f = tvc_folio_get(m, p[0]);
	if (!TVC_CHECK(f, "page 0"))
		goto down;
	vpm_cache_enter(f, p[0]);
	vpm_freelist_counts(0, &a1, &r1);
	TVC_CHECK(TVC_STAT(CONTEND) == 1, "contend %lu", TVC_STAT(CONTEND));
	TVC_CHECK(a0 == a1 && r0 == r1 && vpmd.free[0].vpm_swaps == 1,
		  "a contended enter used a slot");
	TVC_CHECK(s1 == VPMP(1) && VPMP(2)->vpm_bucket == U32_MAX,
		  "slot 2 untouched");

	/*
	 * Page 0 truncated and read again into another folio (the old one
	 * is held meanwhile, so the page cache cannot reuse it).
	 */
	tvc_truncate(m, p[0]);
	g = tvc_folio_read(m, p[0], 0);
	folio_put(f);
	if (!TVC_CHECK(g && g != f, "new folio"))
		goto down;
	vpm_cache_enter(g, p[0]);
	folio_put(g);
	s2 = tvc_slot_of(g, p[0]);
	TVC_CHECK(TVC_STAT(CONTEND) == 1 && s2 == VPMP(2),
		  "the new folio in slot 2");
	TVC_CHECK(s1 && s2 && s1->vpm_bucket == s2->vpm_bucket, "same bucket");
	TVC_CHECK(tvc_peek(m, p[0], g), "new hint");
	/* slots 3-8, then slot 1 again */
	for (i = 1; i <= 6; i++)
		tvc_enter(m, p[i]);
	steals = TVC_STAT(STEALS);
	f = tvc_enter(m, p[7]);
	TVC_CHECK(tvc_slot_of(f, p[7]) == s1, "slot 1 refilled");
	TVC_CHECK(TVC_STAT(STEALS) == steals,
		  "refilling slot 1 unpublished slot 2");
	TVC_CHECK(tvc_hit(m, p[0], g), "slot 1's refill lost page 0's new hint");
	TVC_CHECK(vpm_cache_hinted() == 8, "hinted %lu", vpm_cache_hinted());
down:
	tvc_cache_down();
out:
	tvc_mapping_destroy(m);
	tvc_case_end();
}

/*
 * The hint table is two-way: two pages whose hashes name the same pair
 * of buckets both keep their hints (one way would let the second evict
 * the first on every pass), and a third evicts the one not hit since it
 * was entered.  Pages of one pair are found with a scratch cache: the
 * pair is the bucket a page was published in, halved.
 */
static void tvc_test_two_way(int arg)
{
	struct address_space *m = tvc_mapping_create(256);
	struct folio *fp, *fq, *fr;
	unsigned long full;
	pgoff_t p[3], i;
	u32 *tab = NULL;
	int n = 0;

	if (!TVC_CHECK(m, "mapping"))
		goto out;
	tab = tvc_bucket_table(m, 8);
	for (i = 1; tab && i < 256 && n < 2; i++)
		if (tab[i] != U32_MAX && tab[i] >> 1 == tab[0] >> 1)
			p[1 + n++] = i;
	if (!TVC_CHECK(tab && n == 2, "no two pages sharing page 0's pair"))
		goto out;
	p[0] = 0;
	if (!tvc_cache_up(8, 1))
		goto out;
	fp = tvc_enter(m, p[0]);
	fq = tvc_enter(m, p[1]);
	TVC_CHECK(tvc_peek(m, p[0], fp), "page %lu lost its hint to page %lu",
		  p[0], p[1]);
	TVC_CHECK(tvc_peek(m, p[1], fq), "page %lu has no hint", p[1]);
	/* page p[0] hit, p[1] not: the third page replaces p[1] */
	TVC_CHECK(tvc_hit(m, p[0], fp), "hit page %lu", p[0]);
	fr = tvc_enter(m, p[2]);
	TVC_CHECK(tvc_peek(m, p[2], fr), "page %lu has no hint", p[2]);
	TVC_CHECK(tvc_peek(m, p[0], fp),
		  "page %lu, which was hit, lost its hint", p[0]);
	TVC_CHECK(tvc_peek(m, p[1], NULL), "page %lu, not hit, kept its hint",
		  p[1]);
	/*
	 * Both hints hit: a third page is not remembered (pairfull) and
	 * ages both; a hint hit again marks itself again, so the next miss
	 * takes the place of the one that was not.
	 */
	TVC_CHECK(tvc_hit(m, p[2], fr), "hit page %lu", p[2]);
	full = TVC_STAT(PAIRFULL);
	tvc_enter(m, p[1]);
	TVC_CHECK(TVC_STAT(PAIRFULL) == full + 1 && tvc_peek(m, p[1], NULL) &&
		  tvc_peek(m, p[0], fp) && tvc_peek(m, p[2], fr),
		  "page %lu entered into a pair of two hit hints", p[1]);
	TVC_CHECK(tvc_hit(m, p[2], fr), "hit page %lu", p[2]);
	fq = tvc_enter(m, p[1]);
	TVC_CHECK(tvc_peek(m, p[1], fq), "page %lu not entered after aging",
		  p[1]);
	TVC_CHECK(tvc_peek(m, p[2], fr), "page %lu, hit again, lost its hint",
		  p[2]);
	TVC_CHECK(tvc_peek(m, p[0], NULL),
		  "page %lu, not hit again, kept its hint", p[0]);
	tvc_check_cache("two-way");
	tvc_cache_down();
out:
	kfree(tab);
	tvc_mapping_destroy(m);
	tvc_case_end();
}

/*
 * Consecutive pages take consecutive pairs of the table: in an aligned
 * run of VPM_HASH_RUN pages each page's pair follows the one before
 * (modulo the table), so a sequential copy reads the table a line after
 * another.  The runs are spread over the table, and start anywhere in
 * it: a table that put the first page of every run (page 0 of every
 * file) at a multiple of VPM_HASH_RUN would crowd small files into a
 * 32nd of the pairs.
 */
static void tvc_test_hash_runs(int arg)
{
	const u32 nslots = 2048, npairs = 2048;	/* 4096 buckets */
	const unsigned long nruns = 16, npages = nruns * VPM_HASH_RUN;
	struct address_space *m = tvc_mapping_create(npages);
	unsigned long i;
	int adjacent = 0;
	u32 *tab = NULL, starts = 0;

	if (!TVC_CHECK(m, "mapping"))
		goto out;
	tab = tvc_bucket_table(m, nslots);
	if (!TVC_CHECK(tab, "bucket table"))
		goto out;
	for (i = 0; i < npages; i++) {
		u32 pair = tab[i] >> 1, next = i ? tab[i - 1] >> 1 : 0;

		next = (next + 1) & (npairs - 1);
		if (i % VPM_HASH_RUN) {
			TVC_CHECK(pair == next, "page %lu: pair %u, not %u", i,
				  pair, next);
			continue;
		}
		starts |= BIT(pair & (VPM_HASH_RUN - 1));
		if (i && pair == next)
			adjacent++;
	}
	TVC_CHECK(adjacent < 3, "%d of %lu runs follow the one before",
		  adjacent, nruns - 1);
	/* more than one bit: not every run starts at the same offset */
	TVC_CHECK(starts & (starts - 1),
		  "%lu runs all start at one offset of a run of pairs (%#x)",
		  nruns, starts);
out:
	kfree(tab);
	tvc_mapping_destroy(m);
	tvc_case_end();
}

/* enter-pages: one u32 mask covers one run of pages */
static_assert(VPM_HASH_RUN == 32);

/* Read pages 0 to VPM_HASH_RUN - 1 of @m into @fl, referenced. */
static bool tvc_run_read(struct address_space *m, struct folio **fl)
{
	int i;

	for (i = 0; i < VPM_HASH_RUN; i++) {
		fl[i] = tvc_folio_read(m, i, 0);
		if (!TVC_CHECK(fl[i], "no folio for page %d", i))
			return false;
	}
	return true;
}

/* Drop the references tvc_run_read() took. */
static void tvc_run_put(struct folio **fl)
{
	int i;

	for (i = 0; i < VPM_HASH_RUN; i++)
		if (fl[i])
			folio_put(fl[i]);
}

/*
 * vpm_cache_enter_pages(): one call enters the pages of its mask, over
 * more batches than one and with holes, skips a page truncated before it,
 * takes the oldest slots and frees them in page order, and swaps in the
 * release queue within a batch when the alloc queue runs dry.  24 slots
 * (32 pairs) and one aligned run of 32 pages: every page has a pair of
 * its own (vpm_hash()), so no hint evicts another through the table.
 */
static void tvc_test_enter_pages(int arg)
{
	const u32 nslots = 24;
	struct address_space *m = tvc_mapping_create(VPM_HASH_RUN);
	/* pages 0 and 5 are not misses; 7 is truncated */
	const u32 miss = ~(u32)(BIT(0) | BIT(5));
	struct folio *fl[VPM_HASH_RUN] = { };
	u32 ids[32], want[32];
	struct vpmap *v;
	int i, n = 0, nq;

	if (!TVC_CHECK(m, "mapping") || !tvc_cache_up(nslots, 1))
		goto out;
	if (!tvc_run_read(m, fl))
		goto down;
	TVC_CHECK(tvc_truncate(m, 7), "page 7 not truncated");

	vpm_cache_enter_pages(m, fl, 0, miss);

	/*
	 * 29 pages to enter, in batches of 16 and 13, for 24 slots: the
	 * second batch takes the last 8 fresh slots, swaps the queues and
	 * takes the 5 oldest of the first batch's (pages 1, 2, 3, 4, 6).
	 */
	for (i = 0; i < VPM_HASH_RUN; i++) {
		struct folio *f = i >= 8 ? fl[i] : NULL;

		TVC_CHECK(tvc_peek(m, i, f), "page %d: %s", i,
			  f ? "no hint" : "a hint");
		if (!f)
			continue;
		v = tvc_slot_of(f, i);
		if (TVC_CHECK(v, "page %d: no slot", i) && n < 32)
			want[n++] = VPMID(v);
	}
	TVC_CHECK(vpm_cache_hinted() == nslots, "hinted %lu",
		  vpm_cache_hinted());
	TVC_CHECK(TVC_STAT(STEALS) == 5, "steals %lu", TVC_STAT(STEALS));
	TVC_CHECK(TVC_STAT(NOFREEVPMS) == 0, "nofreevpms %lu",
		  TVC_STAT(NOFREEVPMS));
	TVC_CHECK(vpmd.free[0].vpm_swaps == 2, "swaps %lu",
		  vpmd.free[0].vpm_swaps);
	/*
	 * The slots in page order: what is left of the first batch's on
	 * the alloc queue (pages 8-18, since the second swap), the second
	 * batch's on the release queue (pages 19-31).
	 */
	TVC_CHECK(n == (int)nslots, "%d pages hinted", n);
	nq = tvc_queue_ids(vpmd.free[0].vpm_allocq, ids, 32);
	TVC_CHECK(nq == 11 && !memcmp(ids, want, sizeof(u32) * 11),
		  "alloc queue of %d slots, not pages 8-18 in order", nq);
	nq = tvc_queue_ids(vpmd.free[0].vpm_releq, ids, 32);
	TVC_CHECK(nq == 13 && !memcmp(ids, want + 11, sizeof(u32) * 13),
		  "release queue of %d slots, not pages 19-31 in order", nq);
down:
	tvc_run_put(fl);
	tvc_cache_down();
out:
	tvc_mapping_destroy(m);
	tvc_case_end();
}

/*
 * vpm_cache_enter_pages() when pages of one batch share a pair: 16 slots
 * make 16 pairs, so pages i and i + 16 of a run meet on one.  A batch of
 * the even pages (but page 6) must put the two pages of each pair in its
 * two buckets, not both in one (the second evicting the first).
 */
static void tvc_test_enter_pairs(int arg)
{
	struct address_space *m = tvc_mapping_create(VPM_HASH_RUN);
	struct folio *fl[VPM_HASH_RUN] = { };
	int i;

	if (!TVC_CHECK(m, "mapping") || !tvc_cache_up(16, 1))
		goto out;
	if (!tvc_run_read(m, fl))
		goto down;
	vpm_cache_enter_pages(m, fl, 0, 0x55555555 & ~BIT(6));
	for (i = 0; i < VPM_HASH_RUN; i++) {
		struct folio *f = i % 2 || i == 6 ? NULL : fl[i];

		TVC_CHECK(tvc_peek(m, i, f), "page %d: %s", i,
			  f ? "no hint" : "a hint");
	}
	TVC_CHECK(vpm_cache_hinted() == 15, "hinted %lu", vpm_cache_hinted());
	TVC_CHECK(TVC_STAT(NOFREEVPMS) == 0 && TVC_STAT(STEALS) == 0,
		  "nofreevpms %lu, steals %lu", TVC_STAT(NOFREEVPMS),
		  TVC_STAT(STEALS));
down:
	tvc_run_put(fl);
	tvc_cache_down();
out:
	tvc_mapping_destroy(m);
	tvc_case_end();
}

/* Fault injection: contend_mtbf and steals_mtbf take their paths. */
static void tvc_test_inject(int arg)
{
	struct address_space *m = tvc_mapping_create(8);
	unsigned long steals, stale;
	struct vpm_cpu *pc;
	struct folio *f;
	int i, nul;

	if (!TVC_CHECK(m, "mapping"))
		goto out;
	if (!tvc_cache_up(8, 1))
		goto out;
	pc = per_cpu_ptr(vpmd.cpu, raw_smp_processor_id());
	f = tvc_enter(m, 0);
	for (i = 0; i < 4; i++)
		TVC_CHECK(tvc_hit(m, 0, f), "hit %d", i);
	TVC_CHECK(pc->vcpu_contend == 0 && pc->vcpu_steals == 0,
		  "knobs off: the per-CPU counters moved");

	/* contend_mtbf=1: every other lookup misses, before any reference */
	vpm_contend_mtbf = 1;
	stale = TVC_STAT(STALE);
	for (i = nul = 0; i < 8; i++)
		nul += tvc_hit(m, 0, NULL);
	TVC_CHECK(nul == 4, "contend_mtbf=1: %d of 8 missed", nul);
	vpm_contend_mtbf = 3;
	for (i = nul = 0; i < 8; i++)
		nul += tvc_hit(m, 0, NULL);
	TVC_CHECK(nul == 2, "contend_mtbf=3: %d of 8 missed", nul);
	vpm_contend_mtbf = 0;
	TVC_CHECK(tvc_folio_refs(f) == 1 && TVC_STAT(STALE) == stale,
		  "contend: refcount %d", tvc_folio_refs(f));

	/* steals_mtbf=1: every other hit is dropped after the checks */
	vpm_steals_mtbf = 1;
	steals = TVC_STAT(STEALS);
	for (i = nul = 0; i < 8; i++)
		nul += tvc_hit(m, 0, NULL);
	TVC_CHECK(nul == 4 && TVC_STAT(STEALS) == steals + 4,
		  "steals_mtbf=1: %d of 8 missed, steals %lu", nul,
		  TVC_STAT(STEALS) - steals);
	TVC_CHECK(tvc_folio_refs(f) == 1, "steal: refcount %d",
		  tvc_folio_refs(f));
	/* a stale hint is rejected before the steal counter is asked */
	f = tvc_folio_get(m, 0);
	if (!TVC_CHECK(f, "page 0"))
		goto down;
	tvc_truncate(m, 0);
	for (i = nul = 0; i < 4; i++)
		nul += tvc_hit(m, 0, NULL);
	TVC_CHECK(nul == 4 && TVC_STAT(STEALS) == steals + 4 &&
		  TVC_STAT(STALE) == stale + 4,
		  "stale with steals_mtbf: steals %lu stale %lu",
		  TVC_STAT(STEALS) - steals, TVC_STAT(STALE) - stale);
	folio_put(f);
down:
	vpm_steals_mtbf = 0;
	tvc_cache_down();
out:
	tvc_mapping_destroy(m);
	tvc_case_end();
}

/*
 * Sizing by vpm_cache_slots (two hash buckets a slot, at least two pairs)
 * and the rounding and clamping of vpm_nfreelist for the CPUs there are.
 * Each size is used once: a page entered is found.
 */
static void tvc_test_sizing(int arg)
{
	static const u32 slots[][2] = { { 1, 2 }, { 2, 2 }, { 5, 4 }, { 8, 4 },
					{ 9, 5 } };
	struct address_space *m = tvc_mapping_create(4);
	struct folio *f;
	unsigned int ncpus = num_possible_cpus();
	unsigned int maxfl = roundup_pow_of_two(2 * ncpus);
	const struct {
		int in;
		unsigned int want;
	} fl[] = {
		{ 1, 1 }, { 2, 2 }, { 0, roundup_pow_of_two(ncpus) },
		{ 2 * ncpus, maxfl }, { 2 * ncpus + 1, maxfl }, { -3, maxfl },
		{ 3, ncpus >= 2 ? 4 : maxfl },
	};
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(slots); i++) {
		tvc_knobs_reset();
		tvc_cache_event(TVC_BEFORE_INIT);
		vpm_cache_slots = slots[i][0];
		err = vpm_cache_init();
		TVC_CHECK(!err && vpmd.nslots == slots[i][0] &&
			  vpmd.hashbits == slots[i][1],
			  "%u slots: %d, %u slots, %u bits", slots[i][0], err,
			  vpmd.nslots, vpmd.hashbits);
		if (err)
			continue;
		if (m) {
			f = tvc_enter(m, 1);
			TVC_CHECK(f && tvc_hit(m, 1, f),
				  "%u slots: the page entered is not found",
				  slots[i][0]);
			tvc_truncate(m, 1);
		}
		tvc_cache_down();
	}
	tvc_mapping_destroy(m);
	for (i = 0; i < ARRAY_SIZE(fl); i++) {
		tvc_knobs_reset();
		tvc_cache_event(TVC_BEFORE_INIT);
		vpm_cache_slots = 16;
		vpm_nfreelist = fl[i].in;
		err = vpm_cache_init();
		TVC_CHECK(!err && vpmd.nfreelist == fl[i].want &&
			  vpmd.freemsk == vpmd.nfreelist - 1,
			  "%u cpus, nfreelist %d -> %u, want %u", ncpus,
			  fl[i].in, vpmd.nfreelist, fl[i].want);
		if (!err)
			tvc_cache_down();
	}
	tvc_knobs_reset();
	tvc_case_end();
}

static const struct tvc_case tvc_cases[] = {
	{ "miss-hit/1", tvc_test_miss_hit, 1 },
	{ "miss-hit/2", tvc_test_miss_hit, 2 },
	{ "miss-hit/4", tvc_test_miss_hit, 4 },
	{ "stale", tvc_test_stale },
	{ "lru", tvc_test_lru },
	{ "rotor", tvc_test_rotor },
	{ "contend", tvc_test_contend },
	{ "two-way", tvc_test_two_way },
	{ "hash-runs", tvc_test_hash_runs },
	{ "enter-pages", tvc_test_enter_pages },
	{ "enter-pairs", tvc_test_enter_pairs },
	{ "inject", tvc_test_inject },
	{ "sizing", tvc_test_sizing },
};
